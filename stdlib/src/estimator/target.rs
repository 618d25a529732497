//! Reading the target column: class labels for classifiers, numbers for regressors, with
//! the checks that catch a target of the wrong kind for the chosen algorithm.

use aimass_engine::did_you_mean;
use polars::prelude::{Column, DataFrame, DataType};

use super::error::{EstimatorError, Result};
use super::labels::{column_labels, encode_known, encode_new, list, Label};
use super::spec::{algorithms_for, Spec, Task};

/// An integer target with at most this many distinct values is taken for classes when
/// `task` is not written; more look like a quantity.
pub const MAX_INTEGER_CLASSES: usize = 20;

/// A target as the estimators take it.
#[derive(Clone, Debug, PartialEq)]
pub enum TargetValues {
    Classes(Vec<usize>),
    Values(Vec<f64>),
}

pub fn target_column<'a>(df: &'a DataFrame, name: &str, what: &str) -> Result<&'a Column> {
    df.column(name).map_err(|_| {
        let cols: Vec<&str> = df.get_column_names().iter().map(|s| s.as_str()).collect();
        let e = EstimatorError::data(format!("there is no target column `{name}` in the {what}"));
        match did_you_mean(name, cols.iter().copied()) {
            Some(s) => e.help(format!("did you mean `{s}`?")),
            None => e.help(format!("its columns are: {}", cols.join(", "))),
        }
        .param("target")
    })
}

fn wrong_kind(spec: &Spec, name: &str, found: &str, suits: Task) -> EstimatorError {
    let alg = spec.algorithm.name();
    let mut help = format!(
        "for {}, use one of: {}",
        suits.name(),
        algorithms_for(suits).join(", ")
    );
    if algorithms_for(suits).contains(&alg) {
        help = format!(
            "`{alg}` does {} too: write `task = {}`",
            suits.name(),
            suits.name()
        );
    } else if found.starts_with("integers") {
        help.push_str(&format!(
            "; or write `task = {}` to use `{alg}` anyway",
            spec.task().name()
        ));
    }
    EstimatorError::data(format!(
        "`{alg}` is a {} algorithm, but the target `{name}` holds {found}, which suggests {}",
        spec.task().name(),
        suits.name()
    ))
    .help(help)
    .param("algorithm")
}

/// Classes of a training target: the sorted labels, each row's class, and the positive class.
pub fn training_classes(
    spec: &Spec,
    col: &Column,
) -> Result<(Vec<Label>, Vec<usize>, Option<usize>)> {
    let name = col.name().as_str();
    let dtype = col.dtype();
    if dtype.is_float() && !spec.task_written {
        return Err(wrong_kind(spec, name, "decimal numbers", Task::Regression));
    }
    let labels = column_labels(col)?;
    let (classes, y) = encode_new(&labels);
    if dtype.is_integer() && !spec.task_written && classes.len() > MAX_INTEGER_CLASSES {
        let found = format!("integers with {} distinct values", classes.len());
        return Err(wrong_kind(spec, name, &found, Task::Regression));
    }
    if classes.len() < 2 {
        return Err(EstimatorError::data(format!(
            "the target `{name}` holds one class only ({}): there is nothing to tell apart",
            list(&classes)
        ))
        .help("check the filters and the split before this stage")
        .param("target"));
    }
    let positive = match &spec.positive {
        Some(p) => Some(positive_index(p, &classes)?),
        None if classes.len() == 2 => Some(1),
        None => None,
    };
    Ok((classes, y, positive))
}

fn positive_index(positive: &str, classes: &[Label]) -> Result<usize> {
    let names: Vec<String> = classes.iter().map(|c| c.to_string()).collect();
    if let Some(i) = names.iter().position(|n| n == positive) {
        return Ok(i);
    }
    let e = EstimatorError::data(format!(
        "`positive = \"{positive}\"` is not a class of the target (its classes: {})",
        list(classes)
    ))
    .param("positive");
    Err(
        match did_you_mean(positive, names.iter().map(String::as_str)) {
            Some(s) => e.help(format!("did you mean \"{s}\"?")),
            None => e.help("write one of the target's labels exactly"),
        },
    )
}

/// Numbers of a regression target.
pub fn training_values(spec: &Spec, col: &Column) -> Result<Vec<f64>> {
    let name = col.name().as_str();
    let dtype = col.dtype();
    if dtype.is_string() || dtype.is_categorical() || dtype.is_enum() {
        return Err(wrong_kind(spec, name, "text", Task::Classification));
    }
    if dtype.is_bool() {
        return Err(wrong_kind(spec, name, "booleans", Task::Classification));
    }
    if dtype.is_integer() && !spec.task_written {
        let distinct = col.n_unique().unwrap_or(usize::MAX);
        if distinct <= MAX_INTEGER_CLASSES {
            let found = format!("integers with {distinct} distinct values");
            return Err(wrong_kind(spec, name, &found, Task::Classification));
        }
    }
    numbers(col)
}

/// A numeric column as `f64`s; an error for a missing or non-finite value.
pub fn numbers(col: &Column) -> Result<Vec<f64>> {
    let name = col.name().as_str();
    if !col.dtype().is_primitive_numeric() {
        return Err(EstimatorError::data(format!(
            "the target `{name}` is {}, not a number",
            col.dtype()
        ))
        .param("target"));
    }
    let nulls = col.null_count();
    if nulls > 0 {
        return Err(EstimatorError::data(format!(
            "the target `{name}` has {nulls} missing value{}",
            if nulls == 1 { "" } else { "s" }
        ))
        .help("drop those rows in a clean stage (`drop_missing = [\"...\"]`)")
        .param("target"));
    }
    let c = col
        .cast(&DataType::Float64)
        .map_err(|e| EstimatorError::data(format!("the target `{name}`: {e}")))?;
    let values: Vec<f64> = c
        .f64()
        .map_err(|e| EstimatorError::data(format!("the target `{name}`: {e}")))?
        .into_no_null_iter()
        .collect();
    if let Some(i) = values.iter().position(|v| !v.is_finite()) {
        return Err(EstimatorError::data(format!(
            "the target `{name}` holds {} at row {i}",
            values[i]
        ))
        .param("target"));
    }
    Ok(values)
}

/// The target of rows to score, in the model's terms.
pub fn scoring_target(col: &Column, task: Task, classes: &[Label]) -> Result<TargetValues> {
    match task {
        Task::Classification => Ok(TargetValues::Classes(encode_known(
            &column_labels(col)?,
            classes,
        )?)),
        Task::Regression => Ok(TargetValues::Values(numbers(col)?)),
        Task::Segmentation => Err(EstimatorError::data("a segmentation model has no target")),
    }
}
