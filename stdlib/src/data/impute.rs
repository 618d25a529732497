//! Imputation: fitting a fill value per column (mean, median, mode or a constant) and
//! filling nulls with it.

use aimass_engine::StageError;
use polars::prelude::*;

use super::columns::{as_f64, as_str, get, present};
use super::errors::{polars, BAD_TYPE, NO_VALUES};
use super::recipe::Fill;
use super::stats::{mean, median, mode, OrdF64};

/// How to fill one column.
#[derive(Clone, Debug, PartialEq)]
pub enum Rule {
    Mean,
    Median,
    Mode,
    Number(f64),
    Text(String),
}

impl Rule {
    pub fn name(&self) -> String {
        match self {
            Rule::Mean => "mean".into(),
            Rule::Median => "median".into(),
            Rule::Mode => "mode".into(),
            Rule::Number(v) => v.to_string(),
            Rule::Text(s) => format!("{s:?}"),
        }
    }
}

/// The fill value for `column` under `rule`, from its non-null values.
///
/// Mean and median give floats (an integer column becomes Float64, as scikit-learn's
/// `SimpleImputer` does); the mode keeps the column's type (ties: the smallest value); a
/// whole-number constant keeps an integer column integer.
pub fn fit(df: &DataFrame, column: &str, rule: &Rule) -> Result<Fill, StageError> {
    let col = get(df, column)?;
    let dt = col.dtype().clone();
    let numeric = dt.is_primitive_numeric();
    let none = || {
        StageError::new(format!(
            "cannot impute `{column}` with the {}: the column has no values",
            rule.name()
        ))
        .code(NO_VALUES)
        .help("drop the column, or impute it with a constant")
    };
    let wrong = |what: &str| {
        StageError::new(format!("cannot impute `{column}` ({dt}) with {what}")).code(BAD_TYPE)
    };
    Ok(match rule {
        Rule::Mean | Rule::Median if !numeric => {
            return Err(wrong(&format!("the {}", rule.name())))
        }
        Rule::Mean => Fill::Float(mean(&present(&as_f64(col)?)).ok_or_else(none)?),
        Rule::Median => Fill::Float(median(&present(&as_f64(col)?)).ok_or_else(none)?),
        Rule::Mode if dt.is_integer() => {
            let ca = col.cast(&DataType::Int64).map_err(|e| polars(column, e))?;
            let ca = ca.i64().map_err(|e| polars(column, e))?;
            Fill::Int(mode(ca.iter().flatten()).ok_or_else(none)?)
        }
        Rule::Mode if numeric => Fill::Float(
            mode(as_f64(col)?.iter().flatten().map(OrdF64))
                .ok_or_else(none)?
                .0,
        ),
        Rule::Mode if dt.is_bool() => {
            let ca = col.bool().map_err(|e| polars(column, e))?;
            Fill::Bool(mode(ca.iter().flatten()).ok_or_else(none)?)
        }
        Rule::Mode => {
            let ca = as_str(col)?;
            Fill::Str(mode(ca.iter().flatten()).ok_or_else(none)?.to_string())
        }
        Rule::Number(v) if numeric => {
            if dt.is_integer() && v.fract() == 0.0 && v.abs() < 9.0e15 {
                Fill::Int(*v as i64)
            } else {
                Fill::Float(*v)
            }
        }
        Rule::Number(_) => return Err(wrong("a number")),
        Rule::Text(s) if dt.is_string() || dt.is_categorical() => Fill::Str(s.clone()),
        Rule::Text(_) => return Err(wrong("text")),
    })
}

/// Fills the nulls of `column` with `value`.
pub fn apply(mut df: DataFrame, column: &str, value: &Fill) -> Result<DataFrame, StageError> {
    let col = get(&df, column)?;
    let name = col.name().clone();
    let fail = |e| polars(column, e);
    let filled: Column = match value {
        // Without nulls a text column is only normalised to String, as the fill below does.
        Fill::Str(_) if col.null_count() == 0 => as_str(col)?.into_column(),
        Fill::Float(v) => as_f64(col)?
            .fill_null_with_values(*v)
            .map_err(fail)?
            .into_column(),
        Fill::Int(v) if col.dtype().is_float() => as_f64(col)?
            .fill_null_with_values(*v as f64)
            .map_err(fail)?
            .into_column(),
        Fill::Int(v) => {
            let c = col.cast(&DataType::Int64).map_err(fail)?;
            c.i64()
                .map_err(fail)?
                .fill_null_with_values(*v)
                .map_err(fail)?
                .into_column()
        }
        Fill::Str(s) => as_str(col)?
            .iter()
            .map(|x| Some(x.unwrap_or(s.as_str())))
            .collect::<StringChunked>()
            .into_column(),
        Fill::Bool(b) => {
            let c = col.cast(&DataType::Boolean).map_err(fail)?;
            c.bool()
                .map_err(fail)?
                .fill_null_with_values(*b)
                .map_err(fail)?
                .into_column()
        }
    };
    let filled = filled.with_name(name);
    df.replace(column, filled)
        .map_err(|e| polars("impute", e))?;
    Ok(df)
}
