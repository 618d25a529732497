//! Rendering diagnostics as plain text, the same way in every crate's snapshot tests.

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme};

/// A diagnostic as the CLI would print it, without colours or hyperlinks, 100 columns wide.
pub fn plain(d: &dyn Diagnostic) -> String {
    let handler = GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
        .with_width(100)
        .with_links(false);
    let mut out = String::new();
    if handler.render_report(&mut out, d).is_err() {
        // Writing to a String cannot fail; a failure can only come from a Display impl.
        out.push_str(&d.to_string());
    }
    out
}
