//! Estimators as the stages use them: train a [`Spec`] on a frame, store the result as a
//! [`TrainedModel`] in a Model artifact, apply it to raw rows, score it, cross-validate it.
//!
//! ```text
//! Spec::from_params(params)          what the model stage says: algorithm + hyperparameters
//!   .fit(&frame, seed)               -> TrainedModel (schema, classes, fitted estimator)
//!   .with_recipe(frame.recipe)       the clean stages' recipe travels with the model
//!   .to_artifact()                   -> aimass_engine::Model { format: "aimass.model/1", .. }
//! TrainedModel::from_artifact(&m)
//!   .predict(&raw_rows)              recipe, then features in training order, then estimator
//! ```
//!
//! Algorithms: classification trees (`ml::ClassTree`, our CART: linfa-trees is far slower),
//! random forests (bagged `ClassTree`s, see [`forest`]), logistic regression (linfa-logistic),
//! Gaussian naive Bayes (linfa-bayes), linear and elastic-net regression (linfa-linear,
//! linfa-elasticnet), regression trees (`ml::RegressionTree`), histogram gradient boosting
//! for both tasks (`ml::gbdt`, see [`gbdt`]), feed-forward neural networks (`ml::mlp`, see
//! [`mlp`]) and k-means (linfa-clustering).
//! Every fitted estimator is stored in our own serde form (coefficients, trees, centroids),
//! so the model bytes are deterministic and do not change with linfa's internals.

pub mod bayes;
pub mod cv;
pub mod ensemble;
mod error;
pub mod external;
pub mod fitted;
pub mod forest;
pub mod gbdt;
pub mod importance;
pub mod labels;
pub mod logistic;
pub mod matrix;
pub mod metric;
pub mod mlp;
mod prepare;
pub mod scoring;
pub mod spec;
pub mod target;
pub mod trained;

pub use cv::{cross_validate, cross_validate_prepared, CvReport, PreparedFolds};
pub use error::{EstimatorError, Result};
pub use fitted::{Fitted, Output, Target};
pub use labels::Label;
pub use matrix::FeatureField;
pub use metric::Metric;
pub use prepare::apply_recipe;
pub use scoring::{regression_scores, ClassifiedRows, Scores};
pub use spec::{Algorithm, Spec, Task};
pub use target::TargetValues;
pub use trained::{Predictions, TrainedModel, Training, MODEL_FORMAT};
