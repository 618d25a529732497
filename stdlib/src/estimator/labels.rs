//! Class labels: the values of a classification target, mapped to class indices and back.
//!
//! Classes are the distinct target values in sorted order (`false < true`, numbers by value,
//! text by byte order), so "No"/"Yes" become classes 0 and 1. Labels are matched by their
//! text (`Label::to_string`), so a target read as `1` in one file and `"1"` in another still
//! lines up.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use polars::prelude::{Column, DataType, NamedFrom, Series};
use serde::{Deserialize, Serialize};

use super::error::{EstimatorError, Result};

/// One class of a classification target, in the target column's own type.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Label {
    Bool(bool),
    Int(i64),
    Str(String),
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Label::Bool(b) => write!(f, "{b}"),
            Label::Int(i) => write!(f, "{i}"),
            Label::Str(s) => f.write_str(s),
        }
    }
}

/// The label of every row of a target column; an error naming the column if one is missing
/// or the column cannot hold classes (floats with fractions, say).
pub fn column_labels(col: &Column) -> Result<Vec<Label>> {
    let name = col.name().as_str();
    let nulls = col.null_count();
    if nulls > 0 {
        return Err(EstimatorError::data(format!(
            "the target `{name}` has {nulls} missing value{}",
            if nulls == 1 { "" } else { "s" }
        ))
        .help("drop those rows in a clean stage (`drop_missing = [\"...\"]`)")
        .param("target"));
    }
    let bad = |what: &str| {
        EstimatorError::data(format!(
            "the target `{name}` holds {what} ({}), which cannot be classes",
            col.dtype()
        ))
        .help("classification needs text, boolean or integer labels; cast the column in a clean stage, or choose a regression algorithm")
        .param("target")
    };
    let dtype = col.dtype();
    let labels = if dtype.is_bool() {
        col.bool()
            .map_err(|_| bad("booleans"))?
            .iter()
            .map(|b| Label::Bool(b.unwrap_or_default()))
            .collect()
    } else if dtype.is_integer() {
        let c = col.cast(&DataType::Int64).map_err(|_| bad("integers"))?;
        c.i64()
            .map_err(|_| bad("integers"))?
            .into_no_null_iter()
            .map(Label::Int)
            .collect()
    } else if dtype.is_float() {
        let c = col.cast(&DataType::Float64).map_err(|_| bad("numbers"))?;
        let mut out = Vec::with_capacity(c.len());
        for v in c.f64().map_err(|_| bad("numbers"))?.into_no_null_iter() {
            if v.fract() != 0.0 || !v.is_finite() || v.abs() > 9.0e15 {
                return Err(bad("fractional numbers"));
            }
            // Integral and within i64's exact range, checked above.
            out.push(Label::Int(v as i64));
        }
        out
    } else if dtype.is_string() || dtype.is_categorical() || dtype.is_enum() {
        let c = col.cast(&DataType::String).map_err(|_| bad("text"))?;
        c.str()
            .map_err(|_| bad("text"))?
            .iter()
            .map(|s| Label::Str(s.unwrap_or_default().to_string()))
            .collect()
    } else {
        return Err(bad("values of another type"));
    };
    Ok(labels)
}

/// The sorted distinct labels of a target, and each row's class index into them.
pub fn encode_new(labels: &[Label]) -> (Vec<Label>, Vec<usize>) {
    let classes: Vec<Label> = labels
        .iter()
        .cloned()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let index: BTreeMap<&Label, usize> = classes.iter().zip(0..).collect();
    let y = labels.iter().map(|l| index[l]).collect();
    (classes, y)
}

/// Each row's class index into known `classes`; an error naming a label never seen in
/// training.
pub fn encode_known(labels: &[Label], classes: &[Label]) -> Result<Vec<usize>> {
    let index: BTreeMap<String, usize> = classes.iter().map(|c| c.to_string()).zip(0..).collect();
    labels
        .iter()
        .map(|l| {
            index.get(&l.to_string()).copied().ok_or_else(|| {
                EstimatorError::data(format!(
                    "the target holds the label `{l}`, which the model never saw in training (its classes: {})",
                    list(classes)
                ))
                .help("score the model on rows whose labels it knows, or retrain it on data with this label")
            })
        })
        .collect()
}

/// Labels as a polars series of the classes' own type (text, integers or booleans).
pub fn to_series(name: &str, labels: &[&Label]) -> Series {
    if labels.iter().all(|l| matches!(l, Label::Bool(_))) {
        let v: Vec<bool> = labels
            .iter()
            .map(|l| matches!(l, Label::Bool(true)))
            .collect();
        return Series::new(name.into(), v);
    }
    if labels.iter().all(|l| matches!(l, Label::Int(_))) {
        let v: Vec<i64> = labels
            .iter()
            .map(|l| if let Label::Int(i) = l { *i } else { 0 })
            .collect();
        return Series::new(name.into(), v);
    }
    let v: Vec<String> = labels.iter().map(|l| l.to_string()).collect();
    Series::new(name.into(), v)
}

/// `"No", "Yes"`, for messages.
pub fn list(classes: &[Label]) -> String {
    let quoted: Vec<String> = classes.iter().map(|c| format!("\"{c}\"")).collect();
    quoted.join(", ")
}
