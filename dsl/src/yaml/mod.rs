//! The YAML front end: saphyr-parser's events to a spanned tree ([`tree`]), then to the IR.

mod comments;
mod lower;
mod offsets;
mod pipeline;
mod tree;

use crate::errors::SyntaxError;
use crate::ir::Pipeline;

/// Parses a whole YAML pipeline file.
pub(crate) fn parse_pipeline(text: &str) -> Result<Pipeline, Vec<SyntaxError>> {
    let mut errors = Vec::new();
    let root = tree::build(text, &mut errors);
    let failed_to_read = !errors.is_empty() && root.is_none();
    let mut lower = lower::YamlLower { text, errors };
    let pipeline = if failed_to_read {
        None
    } else {
        pipeline::pipeline(&mut lower, root)
    };
    match pipeline {
        Some(mut p) if lower.errors.is_empty() => {
            p.comments = comments::comments(text, &p);
            Ok(p)
        }
        _ => {
            let mut errors = lower.errors;
            errors.sort_by_key(SyntaxError::offset);
            Err(errors)
        }
    }
}
