//! The `.aim` front end: a lexical pre-pass ([`scan`]), the pest grammar (`grammar.pest`),
//! and a lowering from pest pairs to the IR that collects every error it meets.

pub(crate) mod attach;
mod literal;
pub(crate) mod lower;
mod parser;
mod pest_error;
mod pipeline;
mod recover;
pub(crate) mod scan;

use pest::Parser;

use crate::errors::SyntaxError;
use crate::ir::{Pipeline, Value};
use lower::Lower;
use parser::{AimParser, Rule};

pub(crate) use scan::MAX_DEPTH;

/// Parses a whole `.aim` file.
pub(crate) fn parse_pipeline(text: &str) -> Result<Pipeline, Vec<SyntaxError>> {
    let scanned = scan::scan(text).map_err(|e| vec![e])?;
    let mut pairs = AimParser::parse(Rule::file, text)
        .map_err(|e| recover::all_errors(text, pest_error::from_pest(&e, text)))?;
    let Some(file) = pairs.next() else {
        return Err(vec![SyntaxError::Internal {
            message: "the parser returned nothing".to_owned(),
            span: (0, 0).into(),
        }]);
    };
    let mut lower = Lower::new(text, &scanned.comments, !scanned.comments.is_empty());
    let pipeline = pipeline::pipeline(&mut lower, file);
    match pipeline {
        Some(mut p) if lower.errors.is_empty() => {
            if let Some(nodes) = &lower.nodes {
                p.comments = attach::attach(text, &scanned.comments, nodes);
            }
            Ok(p)
        }
        _ => {
            let mut errors = lower.errors;
            errors.sort_by_key(SyntaxError::offset);
            Err(errors)
        }
    }
}

/// What one value expression turned out to be.
pub(crate) enum ValueText {
    Value(Value),
    /// The text is not a value at all (pest rejected it).
    NotAValue(SyntaxError),
    /// The text is shaped like a value but wrong: an overflowing integer, a bad escape, a
    /// duplicate key, nesting too deep. Only the first such error is kept.
    Invalid(SyntaxError),
}

/// Parses one value expression spanning the whole of `text`.
pub(crate) fn parse_value(text: &str) -> ValueText {
    if let Err(e) = scan::scan(text) {
        return ValueText::Invalid(e);
    }
    let mut pairs = match AimParser::parse(Rule::value_only, text) {
        Ok(pairs) => pairs,
        Err(e) => return ValueText::NotAValue(pest_error::from_pest(&e, text)),
    };
    let value = pairs
        .next()
        .and_then(|only| only.into_inner().find(|p| p.as_rule() == Rule::value));
    let Some(value) = value else {
        return ValueText::Invalid(SyntaxError::Internal {
            message: "the parser returned no value".to_owned(),
            span: (0, 0).into(),
        });
    };
    let mut lower = Lower::new(text, &[], false);
    let value = lower.value(value);
    match lower.errors.into_iter().min_by_key(SyntaxError::offset) {
        Some(first) => ValueText::Invalid(first),
        None => ValueText::Value(value),
    }
}
