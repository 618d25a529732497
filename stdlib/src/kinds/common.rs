//! Parameter types shared by several stage kinds.

use aimass_engine::{CallSig, ParamSig, ParamValue, Ty};

use crate::estimator::spec::ALGORITHMS;
use crate::estimator::{external, Metric};

/// A metric: a word such as `roc_auc`, or `lift(10%)`.
pub fn metric_ty() -> Ty {
    let mut calls: Vec<CallSig> = Metric::words().map(CallSig::new).collect();
    calls.push(CallSig::new("lift").positional(Ty::Fraction));
    Ty::Call(calls)
}

/// The built-in algorithms and the plugin estimators registered in
/// [`crate::estimator::external`] (`knn.knn`).
pub fn algorithm_ty() -> Ty {
    let mut all: Vec<String> = ALGORITHMS.iter().map(|(a, _)| a.to_string()).collect();
    all.extend(external::all().iter().map(|e| e.name().to_string()));
    Ty::Word(all)
}

pub fn task_ty() -> Ty {
    Ty::words(&["classification", "regression", "segmentation"])
}

/// The parameters that say what to learn: shared by model, tune and evaluate's `cv`.
pub fn learning_params() -> Vec<ParamSig> {
    vec![
        ParamSig::optional(
            "target",
            Ty::Str,
            "the column to predict (not needed for kmeans)",
        ),
        ParamSig::optional(
            "features",
            Ty::columns(),
            "feature columns (default: every other column)",
        ),
        ParamSig::optional(
            "task",
            task_ty(),
            "follows from the algorithm; written, it overrides the check that the target's type suits it",
        ),
        ParamSig::required("algorithm", algorithm_ty(), "the estimator to train"),
        ParamSig::optional(
            "positive",
            Ty::Str,
            "the positive class, e.g. \"Yes\" (default: the second of two sorted labels)",
        ),
    ]
}

/// Hyperparameters accepted by the model stage: the built-ins' and every registered plugin
/// estimator's. A name two algorithms share keeps one declaration (the built-in's when the
/// types agree, else either type); the plugin's own type and bounds are checked when the
/// model's spec is read.
pub fn hyperparams() -> Vec<ParamSig> {
    let mut sigs = builtin_hyperparams();
    for e in external::all() {
        for p in e.hyperparams() {
            let doc = format!("{}: {}", e.name(), p.doc);
            match sigs.iter_mut().find(|s| s.name == p.name) {
                Some(s) => {
                    if s.ty != p.ty {
                        s.ty = Ty::OneOf(vec![s.ty.clone(), p.ty.clone()]);
                        s.bounds = None;
                    }
                    s.doc = format!("{}; {doc}", s.doc);
                }
                None => {
                    let mut sig = ParamSig::optional(&p.name, p.ty.clone(), &doc);
                    sig.bounds = p.bounds;
                    sigs.push(sig);
                }
            }
        }
    }
    sigs
}

/// The built-in algorithms' hyperparameters.
pub fn builtin_hyperparams() -> Vec<ParamSig> {
    let mut sigs = vec![
        ParamSig::optional(
            "max_depth",
            Ty::Int,
            "trees: maximum depth (default: unlimited)",
        )
        .bounds(1.0, 1000.0),
        ParamSig::optional(
            "min_samples_split",
            Ty::Int,
            "trees: minimum rows to split a node",
        )
        .bounds(2.0, 1e9),
        ParamSig::optional(
            "min_samples_leaf",
            Ty::Int,
            "trees: minimum rows in a leaf (default 1; gradient_boosting 20)",
        )
        .bounds(1.0, 1e9),
        ParamSig::optional(
            "criterion",
            Ty::words(&["gini", "entropy"]),
            "decision_tree, random_forest: split quality (default gini)",
        ),
        ParamSig::optional(
            "n_trees",
            Ty::Int,
            "random_forest, gradient_boosting: number of trees (boosting rounds) (default 100)",
        )
        .bounds(1.0, 100000.0),
        ParamSig::optional(
            "max_features",
            Ty::Fraction,
            "random_forest: fraction of the features each tree sees (default 0.5)",
        ),
        ParamSig::optional(
            "l2",
            Ty::Float,
            "logistic: L2 penalty on the summed log loss (default 1, as scikit-learn's C = 1); gradient_boosting: L2 penalty on leaf values (LightGBM's lambda_l2, default 0)",
        )
        .bounds(0.0, 1e12),
        ParamSig::optional(
            "alpha",
            Ty::Float,
            "elastic_net: penalty strength (default 1)",
        )
        .bounds(0.0, 1e12),
        ParamSig::optional(
            "l1_ratio",
            Ty::Fraction,
            "elastic_net: share of L1 in the penalty (default 0.5)",
        ),
        ParamSig::optional(
            "max_iterations",
            Ty::Int,
            "logistic, elastic_net, kmeans: iteration cap (default 100, 1000, 300)",
        )
        .bounds(1.0, 1e9),
        ParamSig::optional("k", Ty::Int, "kmeans: number of segments").bounds(1.0, 10000.0),
        ParamSig::optional(
            "seed",
            Ty::Int,
            "random_forest, kmeans, gradient_boosting: random seed (default: the pipeline's)",
        ),
        ParamSig::optional(
            "learning_rate",
            Ty::Float,
            "gradient_boosting: shrinkage of each tree (default 0.1)",
        )
        // 0 passes the bounds so that each algorithm's own check says why it is refused.
        .bounds(0.0, 10.0),
        ParamSig::optional(
            "max_leaves",
            Ty::Int,
            "gradient_boosting: leaves per tree, grown best-first (default: sqrt(training rows) / 8, from 8 to 31)",
        )
        .bounds(2.0, 1e6),
        ParamSig::optional(
            "subsample",
            Ty::Fraction,
            "gradient_boosting: fraction of the rows each tree is grown on (default 1)",
        ),
        ParamSig::optional(
            "colsample",
            Ty::Fraction,
            "gradient_boosting: fraction of the features each tree may split on (default 1)",
        ),
        ParamSig::optional(
            "max_bins",
            Ty::Int,
            "gradient_boosting: histogram bins per feature (default 255)",
        )
        .bounds(2.0, 255.0),
        ParamSig::optional(
            "early_stopping",
            Ty::Fraction,
            "gradient_boosting: fraction of the training rows held out to stop boosting when their loss stops improving (default: off)",
        ),
        ParamSig::optional(
            "patience",
            Ty::Int,
            "gradient_boosting: rounds without improvement before early stopping stops (default 10)",
        )
        .bounds(1.0, 1e6),
    ];
    merge(&mut sigs, crate::estimator::mlp::hyperparam_sigs());
    sigs
}

/// Adds `more` to `sigs`; a name already declared keeps its declaration, with the doc
/// appended (and either type when they differ).
fn merge(sigs: &mut Vec<ParamSig>, more: Vec<ParamSig>) {
    for p in more {
        match sigs.iter_mut().find(|s| s.name == p.name) {
            Some(s) => {
                if s.ty != p.ty {
                    s.ty = Ty::OneOf(vec![s.ty.clone(), p.ty.clone()]);
                    s.bounds = None;
                }
                s.doc = format!("{}; {}", s.doc, p.doc);
            }
            None => sigs.push(p),
        }
    }
}

pub fn word(w: &str) -> ParamValue {
    ParamValue::word(w)
}

/// The plugin a stage's `algorithm` comes from, for its cache key (`StageKind::plugins`).
pub fn algorithm_plugins(
    params: &aimass_engine::Params,
) -> std::collections::BTreeMap<String, String> {
    params
        .str("algorithm")
        .and_then(external::get)
        .map(|e| {
            let p = e.plugin();
            std::collections::BTreeMap::from([(p.alias.clone(), p.key())])
        })
        .unwrap_or_default()
}
