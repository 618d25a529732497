//! Steps that change a frame's columns rather than fit statistics: select, rename, cast and
//! derive.

use std::collections::BTreeSet;

use aimass_engine::StageError;
use polars::prelude::*;

use super::columns::get;
use super::dtype::{cast_checked, ColType};
use super::errors::{polars, EXPR_SYNTAX, NAME_CLASH};
use super::eval::eval;
use super::expr::parse;
use super::recipe::missing;

/// Keeps `columns` in that order; a missing `keep` column is passed over.
pub fn select(
    df: DataFrame,
    columns: &[String],
    keep: &BTreeSet<String>,
) -> Result<DataFrame, StageError> {
    let mut present = Vec::with_capacity(columns.len());
    for c in columns {
        if df.get_column_index(c).is_some() {
            present.push(c.as_str());
        } else if !keep.contains(c) {
            return Err(missing("select", c));
        }
    }
    df.select(present).map_err(|e| polars("select", e))
}

pub fn rename(mut df: DataFrame, from: &str, to: &str) -> Result<DataFrame, StageError> {
    if from != to && df.get_column_index(to).is_some() {
        return Err(StageError::new(format!(
            "cannot rename `{from}` to `{to}`: there is already a column `{to}`"
        ))
        .code(NAME_CLASH));
    }
    df.rename(from, to.into())
        .map_err(|e| polars("rename", e))?;
    Ok(df)
}

pub fn cast(mut df: DataFrame, column: &str, to: ColType) -> Result<DataFrame, StageError> {
    let cast = cast_checked(get(&df, column)?, to, "cast")?;
    df.replace(column, cast).map_err(|e| polars("cast", e))?;
    Ok(df)
}

/// Adds (or replaces) `column` with the expression's value. When the expression reads a
/// `keep` column the rows do not have (the target, in production), the derive is skipped.
pub fn derive(
    mut df: DataFrame,
    column: &str,
    expr: &str,
    keep: &BTreeSet<String>,
) -> Result<DataFrame, StageError> {
    let parsed = parse(expr).map_err(|e| {
        StageError::new(format!("derive `{column}`: {e} in `{expr}`")).code(EXPR_SYNTAX)
    })?;
    let cols = parsed.columns();
    if cols
        .iter()
        .any(|c| keep.contains(c) && df.get_column_index(c).is_none())
    {
        return Ok(df);
    }
    if let Some(c) = cols.iter().find(|c| df.get_column_index(c).is_none()) {
        return Err(missing("derive", c));
    }
    let value = eval(&parsed, &df)?.into_column(column);
    df.with_column(value).map_err(|e| polars("derive", e))?;
    Ok(df)
}
