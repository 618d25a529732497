//! The aimass pipeline languages.
//!
//! Two front ends, one meaning: a `.aim` file (pest grammar) and a YAML file both lower to the
//! [`ir::Pipeline`]. The IR can be printed back as canonical `.aim` ([`format_aim`]) or as YAML
//! ([`emit_yaml`]). Syntax errors are miette diagnostics that point at the line and column the
//! user wrote, in either form, and every error of a file is reported at once.
//!
//! This crate depends on no other crate of the workspace.

mod aim;
pub mod duration;
mod errors;
pub mod ir;
mod keys;
mod print;
pub mod render;
mod source;
mod trivia;
mod yaml;

pub use errors::{SyntaxError, SyntaxErrors};
pub use source::{LoadError, SourceFile};

use ir::{Pipeline, SourceFormat, Value};

/// Parses a pipeline file in the form its [`SourceFile::format`] says.
pub fn parse(src: &SourceFile) -> Result<Pipeline, SyntaxErrors> {
    let result = match src.format {
        SourceFormat::Aim => aim::parse_pipeline(&src.text),
        SourceFormat::Yaml => yaml::parse_pipeline(&src.text),
    };
    result.map_err(|mut errors| {
        if errors.is_empty() {
            // A failure must always say why; reaching this is a bug of ours.
            errors.push(SyntaxError::Internal {
                message: "the file was rejected without a reason".to_owned(),
                span: (0, 0).into(),
            });
        }
        SyntaxErrors {
            name: src.name.clone(),
            src: src.named_source(),
            errors,
        }
    })
}

/// Parses one `.aim` value expression that spans the whole of `text` (`0.2`, `parts.train`,
/// `bayes(trials = 60)`). Spans are relative to `text`.
pub fn parse_value(text: &str) -> Result<Value, SyntaxError> {
    match aim::parse_value(text) {
        aim::ValueText::Value(v) => Ok(v),
        aim::ValueText::NotAValue(e) | aim::ValueText::Invalid(e) => Err(e),
    }
}

/// The pipeline as canonical `.aim` text, comments kept.
pub fn format_aim(p: &Pipeline) -> String {
    print::aim::format_aim(p)
}

/// The pipeline as YAML, comments kept.
pub fn emit_yaml(p: &Pipeline) -> String {
    print::yaml::emit_yaml(p)
}
