//! `algorithm = gradient_boosting`: the model stage's parameters read into a
//! [`GradientBoostingSpec`], fitted with [`crate::ml::gbdt`].
//!
//! Unlike the other built-ins it does two tasks: classification (the default; log loss for
//! two classes, softmax for more) and regression (`task = regression`, squared error).
//! Segmentation is refused.

use aimass_engine::{ParamValue, Params, StageError};
use ndarray::{Array2, ArrayView2};
use serde::{Deserialize, Serialize};

use super::error::{EstimatorError, Result};
use super::fitted::{Output, Target};
use super::spec::{all_hyperparam_names, not_applicable, target_errors, Algorithm, Spec, Task};
use crate::ml::gbdt::{self, GbdtModel, GbdtParams, Labels, Prediction};

pub const NAME: &str = "gradient_boosting";

/// Its hyperparameters (`seed` drives row and feature sampling and the early-stopping
/// hold-out).
pub const HYPERPARAMS: &[&str] = &[
    "n_trees",
    "learning_rate",
    "max_leaves",
    "max_depth",
    "min_samples_leaf",
    "l2",
    "subsample",
    "colsample",
    "max_bins",
    "early_stopping",
    "patience",
    "seed",
];

const CODE: &str = "aimass::model::param";

/// Gradient boosting's task and hyperparameters.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct GradientBoostingSpec {
    pub task: Task,
    pub params: GbdtParams,
    /// `max_leaves` was not written: each fit takes [`default_leaves`] of its rows instead
    /// of `params.max_leaves`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub leaves_by_rows: bool,
}

/// `max_leaves` when it is not written: LightGBM's 31 from about 61,000 training rows up,
/// `sqrt(rows) / 8` below that, but never under 8 (scikit-learn's depth-3 trees).
///
/// Why: 31 leaves of at least 20 rows overfit a few thousand rows. In 5-fold CV on the
/// training rows only (lr 0.05/0.1 x leaves 4/8/15/31 x min_samples_leaf 1/20/50), 31
/// leaves with the other defaults ranked 23rd of 24 on telco (5,616 rows; 8 leaves best,
/// +0.013 ROC AUC) and 24th of 24 on credit (3,561 rows; 8 leaves best, +0.019), while on
/// flights (262k rows) the rule keeps 31.
pub fn default_leaves(rows: usize) -> usize {
    ((rows as f64).sqrt() / 8.0).round().clamp(8.0, 31.0) as usize
}

impl GradientBoostingSpec {
    /// The hyperparameters a fit on `rows` training rows uses.
    pub fn params_for(&self, rows: usize) -> GbdtParams {
        let mut p = self.params;
        if self.leaves_by_rows {
            p.max_leaves = default_leaves(rows);
        }
        p
    }
}

impl GradientBoostingSpec {
    /// `n_trees = 100, learning_rate = 0.1, ...`, every hyperparameter shown.
    pub fn describe_args(&self) -> String {
        let p = &self.params;
        let opt = |v: Option<String>| v.unwrap_or_else(|| "none".to_string());
        format!(
            "task = {}, n_trees = {}, learning_rate = {}, max_leaves = {}, max_depth = {}, min_samples_leaf = {}, l2 = {}, subsample = {}, colsample = {}, max_bins = {}, early_stopping = {}, patience = {}",
            self.task.name(),
            p.n_trees,
            p.learning_rate,
            if self.leaves_by_rows {
                "auto (sqrt(rows) / 8, 8 to 31)".to_string()
            } else {
                p.max_leaves.to_string()
            },
            opt(p.max_depth.map(|d| d.to_string())),
            p.min_samples_leaf,
            p.l2,
            p.subsample,
            p.colsample,
            p.max_bins,
            opt(p.early_stopping.map(|f| f.to_string())),
            p.patience,
        )
    }
}

fn usize_of(params: &Params, name: &str) -> Option<usize> {
    params.int(name).map(|v| usize::try_from(v).unwrap_or(0))
}

/// The hyperparameters as written, LightGBM's defaults for the rest.
fn read(params: &Params) -> GbdtParams {
    let d = GbdtParams::default();
    GbdtParams {
        n_trees: usize_of(params, "n_trees").unwrap_or(d.n_trees),
        learning_rate: params.float("learning_rate").unwrap_or(d.learning_rate),
        max_leaves: usize_of(params, "max_leaves").unwrap_or(d.max_leaves),
        max_depth: usize_of(params, "max_depth"),
        min_samples_leaf: usize_of(params, "min_samples_leaf").unwrap_or(d.min_samples_leaf),
        l2: params.float("l2").unwrap_or(d.l2),
        subsample: params.float("subsample").unwrap_or(d.subsample),
        colsample: params.float("colsample").unwrap_or(d.colsample),
        max_bins: usize_of(params, "max_bins").unwrap_or(d.max_bins),
        early_stopping: params.float("early_stopping"),
        patience: usize_of(params, "patience").unwrap_or(d.patience),
    }
}

/// A model stage's parameters for gradient boosting, every problem reported at once:
/// hyperparameters it does not take, segmentation, a missing target, values out of range.
pub(super) fn spec(alg_value: &ParamValue, params: &Params) -> Result<Spec, Vec<StageError>> {
    let mut errors = Vec::new();
    for name in all_hyperparam_names() {
        if let Some(v) = params.get(&name) {
            if !HYPERPARAMS.contains(&name.as_str()) {
                errors.push(not_applicable(&name, v, NAME, HYPERPARAMS));
            }
        }
    }
    let task_value = params.get("task");
    let task = match task_value.map(|v| (v, v.as_str().and_then(Task::from_name))) {
        Some((_, Some(Task::Regression))) => Task::Regression,
        Some((v, Some(Task::Segmentation))) => {
            errors.push(
                StageError::new(format!(
                    "`{NAME}` does classification and regression, not segmentation"
                ))
                .code(CODE)
                .at(v.span, "this task")
                .at(alg_value.span, "this algorithm")
                .help("for segmentation, use kmeans"),
            );
            Task::Classification
        }
        _ => Task::Classification,
    };
    errors.extend(target_errors(NAME, task, alg_value, params));
    let hyper = read(params);
    for (name, why) in hyper.problems() {
        let e = StageError::new(format!("`{name}` {why}")).code(CODE);
        errors.push(match params.get(name) {
            Some(v) => e.at(v.span, "this value"),
            None => e.at(alg_value.span, "this algorithm"),
        });
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Spec {
        algorithm: Algorithm::GradientBoosting(GradientBoostingSpec {
            task,
            params: hyper,
            leaves_by_rows: params.get("max_leaves").is_none(),
        }),
        target: params.str("target").map(str::to_string),
        features: params.get("features").and_then(ParamValue::as_strings),
        task_written: task_value.is_some(),
        positive: params.str("positive").map(str::to_string),
    })
}

/// Fits on `x` (row-major) and the target.
pub fn fit(
    spec: &GradientBoostingSpec,
    x: &Array2<f64>,
    target: Target<'_>,
    seed: u64,
) -> Result<GbdtModel> {
    let labels = labels(spec, target)?;
    gbdt::fit(x.view(), labels, &spec.params_for(x.nrows()), seed).map_err(fit_error)
}

/// `x` and the target split and binned for boosting with `spec`'s `max_bins` and
/// `early_stopping` ([`gbdt::bin`]): what every fit of a search on one fold can share.
pub fn bin(
    spec: &GradientBoostingSpec,
    x: &Array2<f64>,
    target: Target<'_>,
    seed: u64,
) -> Result<gbdt::Binned> {
    let labels = labels(spec, target)?;
    gbdt::bin(x.view(), labels, &spec.params, seed).map_err(fit_error)
}

/// The models [`fit`] makes for each of `n_trees` (`spec`'s other hyperparameters), from one
/// boosting run on binned rows ([`gbdt::fit_binned`]).
pub fn fit_binned(
    spec: &GradientBoostingSpec,
    x: &Array2<f64>,
    target: Target<'_>,
    binned: &gbdt::Binned,
    n_trees: &[usize],
) -> Result<Vec<GbdtModel>> {
    let labels = labels(spec, target)?;
    let params = spec.params_for(x.nrows());
    gbdt::fit_binned(x.view(), labels, &params, binned, n_trees).map_err(fit_error)
}

fn labels<'t>(spec: &GradientBoostingSpec, target: Target<'t>) -> Result<Labels<'t>> {
    match (spec.task, target) {
        (Task::Classification, Target::Classes { y, n_classes }) => {
            Ok(Labels::Classes { y, n_classes })
        }
        (Task::Regression, Target::Values(y)) => Ok(Labels::Values(y)),
        _ => Err(EstimatorError::fit(format!(
            "internal error: {NAME} was given a target of the wrong kind"
        ))),
    }
}

fn fit_error(e: gbdt::GbdtError) -> EstimatorError {
    match e {
        gbdt::GbdtError::Param { name, .. } => EstimatorError::data(e.to_string()).param(name),
        gbdt::GbdtError::Holdout(_) => EstimatorError::data(e.to_string())
            .param("early_stopping")
            .help("hold out a larger fraction, or train on more rows"),
        _ => EstimatorError::fit(format!("{NAME} failed to fit: {e}")),
    }
}

/// Probabilities or numbers for rows of `x`.
pub fn predict(model: &GbdtModel, x: ArrayView2<'_, f64>) -> Result<Output> {
    if !model.is_valid() {
        return Err(
            EstimatorError::format("the gradient-boosted model's trees are damaged")
                .help("retrain it (`aimass run` re-runs the model stage)"),
        );
    }
    Ok(match model.predict(x) {
        Prediction::Proba(p) => Output::Proba(p),
        Prediction::Values(v) => Output::Values(v),
    })
}

/// Features shown in a boosted model's one-line summary.
const SUMMARY_FEATURES: usize = 3;

/// What `evaluate` adds to its report for a boosted model: every feature that was split
/// on, by summed gain (with its share of the total and its split count), and a one-line
/// `summary` that `aimass run` prints under the stage (the top features, and how many
/// rounds early stopping kept). `None` for other models.
pub fn report(model: &super::TrainedModel) -> Option<serde_json::Value> {
    let super::Fitted::GradientBoosting(fit) = &model.fitted else {
        return None;
    };
    let imp = &fit.importance;
    let total: f64 = imp.gain.iter().sum();
    let mut used: Vec<usize> = (0..imp.gain.len()).filter(|&f| imp.splits[f] > 0).collect();
    // Most gain first; ties (exact) in feature order, so the report is deterministic.
    used.sort_by(|&a, &b| imp.gain[b].total_cmp(&imp.gain[a]).then(a.cmp(&b)));
    let name = |f: usize| {
        model
            .features
            .get(f)
            .map_or_else(|| format!("feature {f}"), |x| x.name.clone())
    };
    let share = |f: usize| {
        if total > 0.0 {
            imp.gain[f] / total
        } else {
            0.0
        }
    };
    let importance: Vec<serde_json::Value> = used
        .iter()
        .map(|&f| {
            serde_json::json!({
                "feature": name(f),
                "gain": imp.gain[f],
                "gain_share": share(f),
                "splits": imp.splits[f],
            })
        })
        .collect();
    let top: Vec<String> = used
        .iter()
        .take(SUMMARY_FEATURES)
        .map(|&f| format!("{} {:.0}%", name(f), 100.0 * share(f)))
        .collect();
    let mut summary = format!(
        "{} trees; most gain: {}",
        fit.trees.len(),
        if top.is_empty() {
            "no split".to_string()
        } else {
            top.join(", ")
        }
    );
    if let Some(s) = &fit.stopping {
        summary.push_str(&format!(
            "; early stopping kept {} of {} rounds",
            s.rounds_kept, s.rounds_grown
        ));
    }
    Some(serde_json::json!({ "importance": importance, "summary": summary }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unwritten_max_leaves_follow_the_training_rows() {
        assert_eq!(default_leaves(0), 8);
        assert_eq!(default_leaves(3_561), 8);
        assert_eq!(default_leaves(5_616), 9);
        assert_eq!(default_leaves(20_000), 18);
        assert_eq!(default_leaves(61_504), 31);
        assert_eq!(default_leaves(262_000), 31);
        let auto = GradientBoostingSpec {
            task: Task::Classification,
            params: GbdtParams::default(),
            leaves_by_rows: true,
        };
        assert_eq!(auto.params_for(5_616).max_leaves, 9);
        let written = GradientBoostingSpec {
            leaves_by_rows: false,
            ..auto
        };
        assert_eq!(written.params_for(5_616).max_leaves, 31);
        assert_eq!(written.params_for(5_616), written.params);
    }
}
