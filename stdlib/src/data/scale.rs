//! Numeric rescaling: clipping outliers, z-scores and min-max scaling. Fitting gives a
//! [`Step`]; applying maps each value (as `f64`), nulls stay null.

use aimass_engine::StageError;
use polars::prelude::*;

use super::columns::{as_f64, get, present};
use super::errors::polars;
use super::recipe::Step;
use super::stats::{mean, quantile, std_pop};

/// How `clip` finds its bounds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ClipRule {
    /// `[q1 - k * iqr, q3 + k * iqr]` (Tukey's fences).
    Iqr { k: f64 },
    /// `[quantile(lo), quantile(hi)]`.
    Quantiles { lo: f64, hi: f64 },
}

fn values(df: &DataFrame, column: &str) -> Result<Vec<f64>, StageError> {
    Ok(present(&as_f64(get(df, column)?)?))
}

/// A column with no values gets bounds that change nothing.
pub fn fit_clip(df: &DataFrame, column: &str, rule: ClipRule) -> Result<Step, StageError> {
    let xs = values(df, column)?;
    let q = |p: f64| quantile(&xs, p);
    let (lo, hi) = match rule {
        ClipRule::Iqr { k } => match (q(0.25), q(0.75)) {
            (Some(q1), Some(q3)) => (q1 - k * (q3 - q1), q3 + k * (q3 - q1)),
            _ => (f64::MIN, f64::MAX),
        },
        ClipRule::Quantiles { lo, hi } => (q(lo).unwrap_or(f64::MIN), q(hi).unwrap_or(f64::MAX)),
    };
    Ok(Step::Clip {
        column: column.to_string(),
        lo,
        hi,
    })
}

/// Mean and population standard deviation; a constant (or empty) column gets scale 1, as
/// in scikit-learn, so it becomes all zeros rather than NaN.
pub fn fit_standardize(df: &DataFrame, column: &str) -> Result<Step, StageError> {
    let xs = values(df, column)?;
    let m = mean(&xs).unwrap_or(0.0);
    let sd = std_pop(&xs, m);
    let scale = if sd > 0.0 && sd.is_finite() { sd } else { 1.0 };
    Ok(Step::Standardize {
        column: column.to_string(),
        mean: m,
        scale,
    })
}

/// Minimum and range; a constant column gets range 1 (it becomes all zeros).
pub fn fit_min_max(df: &DataFrame, column: &str) -> Result<Step, StageError> {
    let xs = values(df, column)?;
    let min = xs.iter().copied().fold(f64::INFINITY, f64::min);
    let max = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let (min, range) = if xs.is_empty() {
        (0.0, 1.0)
    } else {
        (min, max - min)
    };
    let range = if range > 0.0 && range.is_finite() {
        range
    } else {
        1.0
    };
    Ok(Step::MinMax {
        column: column.to_string(),
        min,
        range,
    })
}

/// Replaces `column` by `f` of its values, as Float64.
pub fn map(
    mut df: DataFrame,
    column: &str,
    f: impl Fn(f64) -> f64,
) -> Result<DataFrame, StageError> {
    let col = get(&df, column)?;
    let name = col.name().clone();
    // Null slots hold arbitrary values that `f` maps too; the validity mask keeps them null.
    let out = as_f64(col)?.apply_values(&f);
    df.replace(column, out.with_name(name).into_column())
        .map_err(|e| polars(column, e))?;
    Ok(df)
}
