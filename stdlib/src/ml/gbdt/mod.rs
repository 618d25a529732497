//! Histogram gradient-boosted decision trees, built the way LightGBM is fast.
//!
//! ```text
//! Dataset::new     features binned once (quantile bins, a bin for missing values), sparse
//!                  features bundled into shared byte columns (exclusive feature bundling)
//! boost::fit       rounds: gradients from the scores, one tree per score, scores updated
//!   Grower::grow   best-first growth on histograms of (gradient, hessian, count) per bin:
//!                  built for the smaller child, the larger one by subtraction; rows kept
//!                  partitioned per leaf in one index array
//! GbdtModel        trees as flat arrays over real-valued thresholds, predicting raw rows
//! ```
//!
//! Deterministic: every random draw comes from one seeded generator in a fixed order, and
//! every parallel loop either writes disjoint outputs (a histogram group, a row's score) or
//! is combined in a fixed order, so a model's bytes do not depend on the thread count.
//!
//! Losses: log loss for two classes, softmax for more, squared error for numbers (see
//! [`objective`]). Hyperparameters and defaults: [`GbdtParams`].

pub mod bins;
pub mod boost;
pub mod dataset;
pub mod grow;
pub mod histogram;
pub mod model;
pub mod objective;
pub mod params;
pub mod partition;
pub mod split;
#[cfg(test)]
mod tests;
pub mod tree;

pub use boost::{bin, fit, fit_binned, Binned, GbdtError};
pub use model::{GbdtModel, Importance, Prediction, Stopping};
pub use objective::{Labels, Objective};
pub use params::GbdtParams;
pub use tree::Tree;
