//! Row filters: dedupe, drop_missing and filter. They keep the surviving rows in their input
//! order and are not recipe steps (production rows are scored, never dropped).

use aimass_engine::StageError;
use polars::prelude::*;

use super::errors::polars;
use super::eval::eval_mask;
use super::expr::Expr;

/// Keeps the first of each group of identical rows (over `subset`, or all columns).
pub fn dedupe(df: &DataFrame, subset: Option<&[String]>) -> Result<DataFrame, StageError> {
    df.unique_stable(subset, UniqueKeepStrategy::First, None)
        .map_err(|e| polars("dedupe", e))
}

/// Drops rows with a null in `subset` (or in any column).
pub fn drop_missing(df: &DataFrame, subset: Option<&[String]>) -> Result<DataFrame, StageError> {
    df.drop_nulls(subset).map_err(|e| polars("drop_missing", e))
}

/// Keeps the rows where the condition is true.
pub fn filter(df: &DataFrame, cond: &Expr) -> Result<DataFrame, StageError> {
    let mask = eval_mask(cond, df)?;
    df.filter(&mask).map_err(|e| polars("filter", e))
}
