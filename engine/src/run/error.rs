//! A stage's failure as a diagnostic on the pipeline file.

use miette::{Diagnostic, LabeledSpan, NamedSource};

use crate::stage::StageError;

/// A stage that failed, or whose quality gate was not met, as a diagnostic on the pipeline
/// file: the stage's name is labelled along with whatever the stage itself pointed at.
#[derive(Debug)]
pub struct RunError {
    pub stage: String,
    pub kind: String,
    pub error: StageError,
    pub src: NamedSource<String>,
    pub stage_span: aimass_dsl::ir::Span,
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "stage `{}` ({}) failed: {}",
            self.stage, self.kind, self.error.message
        )
    }
}

/// The chain below the stage's own message (an I/O error, a polars error, ...) is shown by
/// miette as "caused by" lines.
impl std::error::Error for RunError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.error
            .cause
            .as_deref()
            .map(|c| c as &(dyn std::error::Error + 'static))
    }
}

impl Diagnostic for RunError {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Diagnostic::code(&self.error)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Diagnostic::help(&self.error)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.src)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let stage =
            LabeledSpan::new_with_span(Some(format!("in stage `{}`", self.stage)), self.stage_span);
        let own = self
            .error
            .labels
            .iter()
            .map(|(s, t)| LabeledSpan::new_with_span(Some(t.clone()), *s));
        Some(Box::new(std::iter::once(stage).chain(own)))
    }
}
