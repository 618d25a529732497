//! Column names as the user wrote them (with their spans) and lookups against a frame.

use aimass_dsl::ir::Span;
use aimass_engine::{PKind, ParamValue, StageError};
use polars::prelude::*;

use super::errors::{unknown_column, BAD_TYPE};

/// A column named in a parameter, with where it was written.
#[derive(Clone, Debug)]
pub struct Named {
    pub name: String,
    pub span: Span,
}

impl Named {
    pub fn new(name: &str, span: Span) -> Self {
        Self {
            name: name.to_string(),
            span,
        }
    }

    /// A string or a list of strings, each keeping its own span.
    pub fn list(p: &ParamValue) -> Vec<Named> {
        match &p.kind {
            PKind::Str(s) | PKind::Word(s) => vec![Named::new(s, p.span)],
            PKind::List(items) => items
                .iter()
                .filter_map(|v| v.as_str().map(|s| Named::new(s, v.span)))
                .collect(),
            _ => Vec::new(),
        }
    }

    pub fn names(list: &[Named]) -> Vec<String> {
        list.iter().map(|n| n.name.clone()).collect()
    }
}

pub fn column_names(df: &DataFrame) -> Vec<String> {
    df.get_column_names()
        .iter()
        .map(|s| s.to_string())
        .collect()
}

/// Fails with a "did you mean" unless the frame has the column.
pub fn require(df: &DataFrame, col: &Named, context: &str) -> Result<(), StageError> {
    if df.get_column_index(&col.name).is_some() {
        return Ok(());
    }
    let names = column_names(df);
    Err(unknown_column(
        &col.name,
        col.span,
        names.iter().map(String::as_str),
        context,
    ))
}

pub fn require_all(df: &DataFrame, cols: &[Named], context: &str) -> Result<(), StageError> {
    cols.iter().try_for_each(|c| require(df, c, context))
}

/// A column by name; the caller has checked it exists (or reports polars' message).
pub fn get<'a>(df: &'a DataFrame, name: &str) -> Result<&'a Column, StageError> {
    df.column(name)
        .map_err(|e| StageError::new(format!("column `{name}`: {e}")))
}

/// A numeric column as `f64` values (nulls kept), in one chunk.
pub fn as_f64(col: &Column) -> Result<Float64Chunked, StageError> {
    if !(col.dtype().is_primitive_numeric() || col.dtype().is_null()) {
        return Err(StageError::new(format!(
            "column `{}` holds {}, not numbers",
            col.name(),
            col.dtype()
        ))
        .code(BAD_TYPE));
    }
    let cast = col
        .cast(&DataType::Float64)
        .map_err(|e| StageError::new(format!("column `{}`: {e}", col.name())))?;
    let ca = cast.f64().map_err(|e| StageError::new(e.to_string()))?;
    Ok(ca.rechunk().into_owned())
}

/// A text-like column as strings (nulls kept). Numbers and booleans are written out, so a
/// column of codes can be treated as categories.
pub fn as_str(col: &Column) -> Result<StringChunked, StageError> {
    let cast = col
        .cast(&DataType::String)
        .map_err(|e| StageError::new(format!("column `{}`: {e}", col.name())))?;
    let ca = cast.str().map_err(|e| StageError::new(e.to_string()))?;
    Ok(ca.rechunk().into_owned())
}

/// The non-null values of a float column, in row order.
pub fn present(ca: &Float64Chunked) -> Vec<f64> {
    ca.iter().flatten().collect()
}
