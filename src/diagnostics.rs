//! How diagnostics are rendered: graphical, coloured only on a terminal and never with
//! NO_COLOR.

use std::io::IsTerminal;

pub fn colour_enabled() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stderr().is_terminal()
}

pub fn install_hook() {
    let colour = colour_enabled();
    let _ = miette::set_hook(Box::new(move |_| {
        Box::new(
            miette::MietteHandlerOpts::new()
                .color(colour)
                .unicode(colour)
                .terminal_links(false)
                .force_graphical(true)
                .width(100)
                .build(),
        )
    }));
}

/// Prints a diagnostic to standard error.
pub fn emit(diag: impl miette::Diagnostic + Send + Sync + 'static) {
    eprintln!("{:?}", miette::Report::new(diag));
}
