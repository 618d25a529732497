//! Model quality metrics: pure functions of truths and predictions, no I/O.
//!
//! Every metric returns `Result<f64, MetricError>`: an input the metric cannot score is an
//! error naming why, never a NaN.

mod classification;
mod curves;
mod error;
mod gains;
mod log_loss;
mod ranking;
mod regression;

pub use classification::{
    accuracy, argmax_classes, confusion_matrix, f1, labels_at, macro_f1, macro_precision,
    macro_recall, precision, recall, BinaryConfusion,
};
pub use curves::{gains_curve, roc_curve, CurvePoint};
pub use error::MetricError;
pub use gains::{decile_end, decile_of, gains_table, lift_at, ranked, GainsRow};
pub use log_loss::{log_loss, log_loss_multiclass};
pub use ranking::{average_precision, roc_auc};
pub use regression::{mae, mse, r2, rmse};
