//! From a polars frame to the row-major `f64` matrix the estimators take.
//!
//! The matrix is a copy (polars 0.55 is on ndarray 0.17, linfa on 0.16, and linfa's
//! dataset splitting assumes standard row-major layout). Every feature must be numeric or
//! boolean and complete: text is an error telling the user to encode it in a clean stage,
//! a missing value an error telling them to impute it. Nothing is coerced silently.

use aimass_engine::did_you_mean;
use ndarray::Array2;
use polars::prelude::{DataFrame, DataType};
use serde::{Deserialize, Serialize};

use super::error::{EstimatorError, Result};

/// One feature column as the model saw it in training.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeatureField {
    pub name: String,
    /// The polars dtype in training, e.g. `f64`, `i64`, `bool`.
    pub dtype: String,
}

/// The feature columns: those named, or every column but `exclude`, in frame order.
pub fn select_features(
    df: &DataFrame,
    named: Option<&[String]>,
    exclude: Option<&str>,
) -> Result<Vec<String>> {
    let columns: Vec<&str> = df.get_column_names().iter().map(|s| s.as_str()).collect();
    let names: Vec<String> = match named {
        Some(named) => {
            for n in named {
                if !columns.contains(&n.as_str()) {
                    return Err(missing_column(n, &columns, "training frame").param("features"));
                }
                if Some(n.as_str()) == exclude {
                    return Err(EstimatorError::data(format!(
                        "the target `{n}` is also listed as a feature"
                    ))
                    .help("remove it from `features`: a model must not see the answer")
                    .param("features"));
                }
            }
            named.to_vec()
        }
        None => columns
            .iter()
            .filter(|c| Some(**c) != exclude)
            .map(|c| c.to_string())
            .collect(),
    };
    if names.is_empty() {
        return Err(
            EstimatorError::data("there are no feature columns to learn from")
                .help("the frame holds only the target; keep some feature columns")
                .param("features"),
        );
    }
    Ok(names)
}

/// The schema of `names` in `df`, checking that each can be a feature.
pub fn schema(df: &DataFrame, names: &[String]) -> Result<Vec<FeatureField>> {
    names
        .iter()
        .map(|n| {
            let col = df.column(n).map_err(|_| {
                let cols: Vec<&str> = df.get_column_names().iter().map(|s| s.as_str()).collect();
                missing_column(n, &cols, "frame").param("features")
            })?;
            check_numeric(n, col.dtype())?;
            Ok(FeatureField {
                name: n.clone(),
                dtype: col.dtype().to_string(),
            })
        })
        .collect()
}

fn check_numeric(name: &str, dtype: &DataType) -> Result<()> {
    if dtype.is_primitive_numeric() || dtype.is_bool() {
        return Ok(());
    }
    let what = if dtype.is_string() || dtype.is_categorical() || dtype.is_enum() {
        "text".to_string()
    } else {
        format!("of type {dtype}")
    };
    Err(EstimatorError::data(format!(
        "feature `{name}` is {what}, but models learn from numbers"
    ))
    .help(format!(
        "encode it in a clean stage: `one_hot = [\"{name}\"]` (or `all_categorical`) for categories, `ordinal = [\"{name}\"]` for ordered levels; or leave it out of `features`"
    ))
    .param("features"))
}

fn missing_column(name: &str, columns: &[&str], what: &str) -> EstimatorError {
    let mut e = EstimatorError::data(format!("there is no column `{name}` in the {what}"));
    e = match did_you_mean(name, columns.iter().copied()) {
        Some(s) => e.help(format!("did you mean `{s}`?")),
        None => e.help(format!("its columns are: {}", columns.join(", "))),
    };
    e
}

/// The named columns of `df` as a row-major matrix; an error naming a missing, non-numeric,
/// incomplete or non-finite column.
pub fn to_matrix(df: &DataFrame, names: &[String]) -> Result<Array2<f64>> {
    let n = df.height();
    let p = names.len();
    let mut x = Array2::<f64>::zeros((n, p));
    let cols: Vec<&str> = df.get_column_names().iter().map(|s| s.as_str()).collect();
    for (j, name) in names.iter().enumerate() {
        let col = df
            .column(name)
            .map_err(|_| missing_column(name, &cols, "frame").param("features"))?;
        check_numeric(name, col.dtype())?;
        let nulls = col.null_count();
        if nulls > 0 {
            return Err(EstimatorError::data(format!(
                "feature `{name}` has {nulls} missing value{}",
                if nulls == 1 { "" } else { "s" }
            ))
            .help(format!(
                "impute it in a clean stage (`impute = {{ {name} = median }}`, or `numeric = median` for every number), or drop those rows (`drop_missing`)"
            ))
            .param("features"));
        }
        let as_f64 = col
            .cast(&DataType::Float64)
            .map_err(|e| EstimatorError::data(format!("feature `{name}`: {e}")))?;
        let values = as_f64
            .f64()
            .map_err(|e| EstimatorError::data(format!("feature `{name}`: {e}")))?;
        for (i, v) in values.into_no_null_iter().enumerate() {
            if !v.is_finite() {
                return Err(EstimatorError::data(format!(
                    "feature `{name}` holds {v} at row {i}, not a finite number"
                ))
                .help("replace NaN and infinite values in a clean stage")
                .param("features"));
            }
            x[[i, j]] = v;
        }
    }
    Ok(x)
}
