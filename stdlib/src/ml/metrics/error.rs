//! The one error type of every metric: inputs a metric cannot score.
//!
//! A metric that is undefined for its input (no rows, one class only, a zero denominator) says
//! so with a variant naming the cause, instead of returning NaN that would slip through a
//! quality gate such as `roc_auc >= 0.80` unnoticed.

use thiserror::Error;

/// Why a metric could not be computed.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum MetricError {
    /// There are no rows to score.
    #[error("cannot compute {metric} of an empty set of rows")]
    Empty { metric: &'static str },

    /// The truth and the predictions differ in length.
    #[error("{metric}: {truth} true values but {predicted} predictions")]
    LengthMismatch {
        metric: &'static str,
        truth: usize,
        predicted: usize,
    },

    /// The metric compares classes but the truth holds only one of them.
    #[error("{metric} is undefined when every row is {class}")]
    SingleClass {
        metric: &'static str,
        class: &'static str,
    },

    /// A ratio whose denominator is zero, e.g. precision when nothing is predicted positive.
    #[error("{metric} is undefined: {reason}")]
    Undefined {
        metric: &'static str,
        reason: String,
    },

    /// A score or probability is NaN or infinite.
    #[error("{metric}: score at row {row} is {value}, not a finite number")]
    NonFinite {
        metric: &'static str,
        row: usize,
        value: f64,
    },

    /// A probability lies outside [0, 1].
    #[error("{metric}: probability at row {row} is {value}, outside [0, 1]")]
    NotAProbability {
        metric: &'static str,
        row: usize,
        value: f64,
    },

    /// A class index is not below the number of classes.
    #[error("{metric}: class {class} at row {row} is out of range for {n_classes} classes")]
    ClassOutOfRange {
        metric: &'static str,
        row: usize,
        class: usize,
        n_classes: usize,
    },

    /// A parameter of the metric itself is out of range, e.g. `lift_at(1.5)`.
    #[error("{metric}: {reason}")]
    InvalidArgument {
        metric: &'static str,
        reason: String,
    },

    /// Too few rows for the metric's structure, e.g. a decile table of 7 rows.
    #[error("{metric} needs at least {needed} rows, got {found}")]
    TooFewRows {
        metric: &'static str,
        needed: usize,
        found: usize,
    },
}

/// Checks the shape every paired metric needs: same length, at least one row.
pub(crate) fn check_pair(
    metric: &'static str,
    truth: usize,
    predicted: usize,
) -> Result<(), MetricError> {
    if truth != predicted {
        return Err(MetricError::LengthMismatch {
            metric,
            truth,
            predicted,
        });
    }
    if truth == 0 {
        return Err(MetricError::Empty { metric });
    }
    Ok(())
}

/// Rejects NaN and infinite values, naming the first offending row.
pub(crate) fn check_finite(metric: &'static str, values: &[f64]) -> Result<(), MetricError> {
    match values.iter().position(|v| !v.is_finite()) {
        Some(row) => Err(MetricError::NonFinite {
            metric,
            row,
            value: values[row],
        }),
        None => Ok(()),
    }
}
