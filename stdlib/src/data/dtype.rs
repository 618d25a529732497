//! The column types a user can name (`int`, `float`, `str`, `bool`) and the checked casts
//! between them.

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::errors::{show_value, BAD_VALUE};
use aimass_engine::StageError;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColType {
    Int,
    Float,
    Str,
    Bool,
}

impl ColType {
    pub fn from_word(w: &str) -> Option<ColType> {
        match w {
            "int" => Some(ColType::Int),
            "float" => Some(ColType::Float),
            "str" => Some(ColType::Str),
            "bool" => Some(ColType::Bool),
            _ => None,
        }
    }

    pub fn dtype(self) -> DataType {
        match self {
            ColType::Int => DataType::Int64,
            ColType::Float => DataType::Float64,
            ColType::Str => DataType::String,
            ColType::Bool => DataType::Boolean,
        }
    }

    pub fn word(self) -> &'static str {
        match self {
            ColType::Int => "int",
            ColType::Float => "float",
            ColType::Str => "str",
            ColType::Bool => "bool",
        }
    }
}

/// Numbers of any width: what `all_numeric` and numeric imputation select.
pub fn is_numeric(dt: &DataType) -> bool {
    dt.is_primitive_numeric()
}

/// Text-like columns: what `all_categorical` and categorical imputation select.
pub fn is_categorical(dt: &DataType) -> bool {
    dt.is_string() || dt.is_categorical() || dt.is_enum()
}

/// Casts a column, failing on the first value that does not convert (polars' own casts turn
/// such values into nulls silently). Text to bool accepts true/false, yes/no and 1/0 in any
/// case; a float cast to int truncates toward zero.
pub fn cast_checked(col: &Column, to: ColType, what: &str) -> Result<Column, StageError> {
    if col.dtype() == &to.dtype() {
        return Ok(col.clone());
    }
    let cast = if to == ColType::Bool && col.dtype().is_string() {
        text_to_bool(col)?
    } else {
        col.cast(&to.dtype()).map_err(|e| {
            StageError::new(format!(
                "{what}: cannot cast `{}` to {}: {e}",
                col.name(),
                to.word()
            ))
            .code(BAD_VALUE)
        })?
    };
    if cast.null_count() > col.null_count() {
        if let Some(row) = first_new_null(col, &cast) {
            let value = col
                .get(row)
                .map(|v| v.str_value().to_string())
                .unwrap_or_default();
            return Err(StageError::new(format!(
                "{what}, row {}, column `{}`: {} cannot be cast to {}",
                row + 1,
                col.name(),
                show_value(&value),
                to.word()
            ))
            .code(BAD_VALUE));
        }
    }
    Ok(cast)
}

/// The first row that is null in `after` but was not in `before`.
pub fn first_new_null(before: &Column, after: &Column) -> Option<usize> {
    let b = before.is_null();
    let a = after.is_null();
    let row = b
        .iter()
        .zip(a.iter())
        .position(|(b, a)| a == Some(true) && b == Some(false));
    row
}

fn text_to_bool(col: &Column) -> Result<Column, StageError> {
    let ca = col.str().map_err(|e| StageError::new(e.to_string()))?;
    let out: BooleanChunked = ca
        .iter()
        .map(|v| {
            v.and_then(|s| match s.trim().to_ascii_lowercase().as_str() {
                "true" | "yes" | "1" => Some(true),
                "false" | "no" | "0" => Some(false),
                _ => None,
            })
        })
        .collect();
    Ok(out.with_name(col.name().clone()).into_column())
}
