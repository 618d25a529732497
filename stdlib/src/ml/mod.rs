//! Numerical ML building blocks shared by the model, tune, fuse and evaluate stages.
//!
//! Pure functions and estimators on slices and `ndarray`s: no polars, no I/O. Frames are
//! turned into matrices by the stages; everything here is reproducible from its inputs and
//! seed alone.
//!
//! - [`metrics`]: classification, ranking, lift and regression metrics.
//! - [`folds`]: seeded k-fold, stratified k-fold and holdout index splits.
//! - [`RegressionTree`], [`ClassTree`]: CART trees implementing linfa's `Fit`/`Predict`.
//! - [`gbdt`]: histogram gradient-boosted trees (LightGBM's design, in pure Rust).
//! - [`mlp`]: a feed-forward neural network trained by minibatch Adam.

mod cart;
pub mod class_tree;
pub mod folds;
pub mod gbdt;
pub mod metrics;
pub mod mlp;
pub mod regression_tree;
#[cfg(test)]
mod test_data;

pub use class_tree::{ClassTree, ClassTreeParams, Cut, Presorted, SplitCriterion};
pub use folds::{kfold, stratified_kfold, train_test_indices, Fold, Holdout, SplitError};
pub use metrics::MetricError;
pub use regression_tree::{RegressionTree, RegressionTreeParams};
