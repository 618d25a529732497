//! The hyperparameters of a boosted model, with LightGBM's defaults.

use serde::{Deserialize, Serialize};

/// What to grow and how; checked by [`GbdtParams::check`] before fitting.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct GbdtParams {
    /// Boosting rounds (one tree per round, or one per class and round for more than two
    /// classes).
    pub n_trees: usize,
    /// Shrinkage: each tree's leaf values are multiplied by it.
    pub learning_rate: f64,
    /// Leaves per tree; trees grow best-first (the leaf whose split gains most splits next).
    pub max_leaves: usize,
    /// Longest root-to-leaf path; `None` leaves only `max_leaves` to limit a tree.
    pub max_depth: Option<usize>,
    /// No split may leave fewer training rows than this in a leaf (LightGBM's
    /// `min_data_in_leaf`).
    pub min_samples_leaf: usize,
    /// L2 penalty on leaf values (LightGBM's `lambda_l2`).
    pub l2: f64,
    /// Fraction of the rows each tree is grown on, drawn without replacement per round.
    pub subsample: f64,
    /// Fraction of the features each tree may split on, drawn per tree.
    pub colsample: f64,
    /// Bins per feature (missing values get one more).
    pub max_bins: usize,
    /// Fraction of the training rows held out to stop boosting when their loss stops
    /// improving; `None` grows every round.
    pub early_stopping: Option<f64>,
    /// Rounds without improvement on the held-out rows before boosting stops.
    pub patience: usize,
}

/// LightGBM's `min_sum_hessian_in_leaf`: a leaf needs at least this much curvature, so a
/// leaf of rows the model is already sure of gets no huge Newton step.
pub const MIN_LEAF_HESSIAN: f64 = 1e-3;

/// Bins a feature's values may have at most; with the missing-value bin that makes 256,
/// so a bin is a byte.
pub const MAX_BINS: usize = 255;

impl Default for GbdtParams {
    fn default() -> Self {
        Self {
            n_trees: 100,
            learning_rate: 0.1,
            max_leaves: 31,
            max_depth: None,
            min_samples_leaf: 20,
            l2: 0.0,
            subsample: 1.0,
            colsample: 1.0,
            max_bins: MAX_BINS,
            early_stopping: None,
            patience: 10,
        }
    }
}

impl GbdtParams {
    /// The first hyperparameter out of range, named, with why.
    pub fn check(&self) -> Result<(), (&'static str, String)> {
        match self.problems().into_iter().next() {
            Some(p) => Err(p),
            None => Ok(()),
        }
    }

    /// Every hyperparameter out of range, named, with why.
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        let mut need = |ok: bool, name: &'static str, why: String| {
            if !ok {
                out.push((name, why));
            }
        };
        let fraction = |v: f64| v > 0.0 && v <= 1.0;
        need(self.n_trees >= 1, "n_trees", "must be at least 1".into());
        need(
            self.learning_rate > 0.0 && self.learning_rate.is_finite(),
            "learning_rate",
            format!("must be above 0, got {}", self.learning_rate),
        );
        need(
            self.max_leaves >= 2,
            "max_leaves",
            "must be at least 2".into(),
        );
        need(
            self.max_depth != Some(0),
            "max_depth",
            "must be at least 1".into(),
        );
        need(
            self.min_samples_leaf >= 1,
            "min_samples_leaf",
            "must be at least 1".into(),
        );
        need(
            self.l2 >= 0.0 && self.l2.is_finite(),
            "l2",
            format!("must be 0 or more, got {}", self.l2),
        );
        need(
            fraction(self.subsample),
            "subsample",
            format!("must lie in (0, 1], got {}", self.subsample),
        );
        need(
            fraction(self.colsample),
            "colsample",
            format!("must lie in (0, 1], got {}", self.colsample),
        );
        need(
            (2..=MAX_BINS).contains(&self.max_bins),
            "max_bins",
            format!("must lie in 2..{MAX_BINS}, got {}", self.max_bins),
        );
        if let Some(v) = self.early_stopping {
            need(
                v > 0.0 && v < 1.0,
                "early_stopping",
                format!("must hold out a fraction in (0, 1), got {v}"),
            );
        }
        need(self.patience >= 1, "patience", "must be at least 1".into());
        out
    }
}
