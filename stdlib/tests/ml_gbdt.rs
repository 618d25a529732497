//! `algorithm = gradient_boosting` through the real stages: on the telco example it beats
//! the decision tree; it is searched by `tune`, fused by `fuse`, does regression with
//! `task = regression`, refuses segmentation, and its fits do not depend on `--jobs`.
#![allow(clippy::unwrap_used)]

mod ml_support;

use aimass_engine::Artifact;
use aimass_stdlib::estimator::ensemble::EnsembleFit;
use aimass_stdlib::estimator::{Fitted, TrainedModel};
use ml_support::*;

fn score(dir: &std::path::Path, o: &aimass_engine::run::RunOutcome, stage: &str) -> f64 {
    load(dir, o, stage, "metrics").as_metrics().unwrap()["scores"]["roc_auc"]
        .as_f64()
        .unwrap()
}

fn model(dir: &std::path::Path, o: &aimass_engine::run::RunOutcome, stage: &str) -> TrainedModel {
    match load(dir, o, stage, "model") {
        Artifact::Model(m) => TrainedModel::from_artifact(&m).unwrap(),
        _ => panic!("not a model"),
    }
}

fn telco_pipeline() -> String {
    format!(
        "{TELCO_PREP}{}",
        r#"stage tree: model { input = tidy, target = "churn", positive = "Yes", algorithm = decision_tree }
stage gb: model { input = tidy, target = "churn", positive = "Yes", algorithm = gradient_boosting }
stage logit: model { input = tidy, target = "churn", positive = "Yes", algorithm = logistic }
stage vote: fuse { models = [gb, logit], input = tidy, method = voting }
stage boost: fuse { models = [tree], input = tidy, method = boosting(n = 60, depth = 3, learning_rate = 0.1) }
stage boost_logit: fuse { models = [logit], input = tidy, method = boosting(n = 20, depth = 3, learning_rate = 0.1) }
stage boost_eval: evaluate { model = boost, data = parts.test, metrics = [roc_auc] }
stage tuned: tune {
  input = tidy, target = "churn", positive = "Yes", algorithm = gradient_boosting
  search = grid, cv = 3, metric = roc_auc
  space { n_trees = [40], max_leaves = [4, 15], learning_rate = [0.05, 0.1], subsample = [0.8] }
}
stage tree_eval: evaluate { model = tree, data = parts.test, metrics = [roc_auc] }
stage gb_eval: evaluate { model = gb, data = parts.test, metrics = [roc_auc], cv = 3 }
stage vote_eval: evaluate { model = vote, data = parts.test, metrics = [roc_auc] }
stage tuned_eval: evaluate { model = tuned, data = parts.test, metrics = [roc_auc] }
"#
    )
}

/// Telco, the reference preparation: test ROC AUC 0.80 against the default tree's 0.65
/// (31-leaf trees overfit 5,600 rows a little: LightGBM's 0.8025, scikit-learn's depth-3
/// GradientBoostingClassifier 0.821 on these rows, benches/gbdt).
#[test]
fn telco_gradient_boosting_beats_the_tree_and_tunes_and_fuses() {
    let dir = telco_project();
    let o = run_pipeline(dir.path(), &telco_pipeline(), 2, false);
    assert!(o.success(), "{:?}", failures(&o));
    let d = dir.path();
    let tree = score(d, &o, "tree_eval");
    let gb = score(d, &o, "gb_eval");
    assert!(gb > tree + 0.1, "gradient boosting {gb} vs tree {tree}");
    // LightGBM's defaults (31 leaves) score 0.8025 on these rows, scikit-learn's depth-3
    // GradientBoosting 0.8210 (benches/gbdt); aimass's smaller default trees on 5,616 rows
    // score 0.8178.
    assert!(gb > 0.81, "gradient boosting test ROC AUC {gb}");
    // Averaged with the logistic model, and tuned to smaller trees, it does
    // better than alone.
    let (vote, tuned) = (score(d, &o, "vote_eval"), score(d, &o, "tuned_eval"));
    assert!(vote > gb && vote > 0.81, "voting {vote}, alone {gb}");
    assert!(tuned > gb, "tuned {tuned}, defaults {gb}");

    let m = model(d, &o, "gb");
    assert_eq!(m.spec.algorithm.name(), "gradient_boosting");
    let Fitted::GradientBoosting(fit) = &m.fitted else {
        panic!("not a boosted model")
    };
    assert_eq!(fit.rounds(), 100);
    assert_eq!(fit.importance.gain.len(), m.features.len());
    let summary = m.summary();
    assert!(
        summary.starts_with("gradient_boosting(task = classification, n_trees = 100, learning_rate = 0.1, max_leaves = auto"),
        "{summary}"
    );
    // max_leaves not written: sqrt(5616) / 8 rounds to 9 leaves per tree.
    assert_eq!(aimass_stdlib::estimator::gbdt::default_leaves(5616), 9);
    let most = fit.trees.iter().map(|t| t.n_leaves()).max().unwrap();
    assert_eq!(most, 9, "the largest tree has the default's leaves");

    // `fuse method = boosting(...)` of trees runs on the histogram engine; of other
    // members, the exact method.
    let fitted = |stage: &str| match model(d, &o, stage).fitted {
        Fitted::Ensemble(e) => *e,
        _ => panic!("{stage} is not a fused model"),
    };
    let EnsembleFit::HistogramBoosting(b) = fitted("boost") else {
        panic!("boosting of a tree is not histogram boosting")
    };
    assert_eq!(b.rounds(), 60);
    assert!(b.trees.iter().all(|t| t.n_leaves() <= 8), "depth 3");
    assert!(matches!(
        fitted("boost_logit"),
        EnsembleFit::Boosting { .. }
    ));
    let boost = score(d, &o, "boost_eval");
    assert!(boost > 0.81, "fuse boosting of a tree {boost}");

    let trials = load(d, &o, "tuned", "trials");
    let t = trials.as_metrics().unwrap();
    assert_eq!(t["trials"].as_array().unwrap().len(), 4, "{t}");

    // From scratch on one thread: every output byte-identical.
    let again = run_pipeline(d, &telco_pipeline(), 1, true);
    for (stage, entry) in &o.entries {
        for (port, rec) in &entry.outputs {
            assert_eq!(
                rec.hash, again.entries[stage].outputs[port].hash,
                "{stage}.{port}"
            );
        }
    }
}

#[test]
fn regression_needs_the_task_written_and_segmentation_is_refused() {
    let text = |extra: &str| {
        pipeline(
            "model",
            &format!("input = raw\ntarget = \"y\"\nalgorithm = gradient_boosting\n{extra}"),
        )
    };
    assert!(check_errors(&text("task = regression, max_leaves = 8, l2 = 1.0")).is_empty());
    assert!(check_errors(&text("early_stopping = 0.1, patience = 5, seed = 3")).is_empty());
    let cases: &[(&str, &str, &str)] = &[
        (
            "task = segmentation",
            "`gradient_boosting` does classification and regression, not segmentation",
            "segmentation",
        ),
        (
            "criterion = gini",
            "`criterion` does not apply to `gradient_boosting`",
            "gini",
        ),
        (
            "subsample = 0.0",
            "`subsample` must lie in (0, 1], got 0",
            "0.0",
        ),
        (
            "early_stopping = 1.0",
            "`early_stopping` must hold out a fraction in (0, 1), got 1",
            "1.0",
        ),
        // 0 is within the bound shared with mlp; the algorithm's own check refuses it.
        (
            "learning_rate = 0.0",
            "`learning_rate` must be above 0, got 0",
            "0.0",
        ),
    ];
    // Out of a parameter's declared bounds: the type checker's error (its label says the
    // bounds; `check_errors` keeps no label for it).
    for (extra, message) in [
        ("max_leaves = 1", "`max_leaves` = 1 is out of range"),
        (
            "learning_rate = 11.0",
            "`learning_rate` = 11.0 is out of range",
        ),
        ("max_bins = 256", "`max_bins` = 256 is out of range"),
    ] {
        let errors = check_errors(&text(extra));
        assert!(
            errors
                .iter()
                .any(|(code, m, _)| code == "check" && m == message),
            "{extra}: {errors:?}"
        );
    }
    for (extra, message, at) in cases {
        let errors = check_errors(&text(extra));
        assert!(
            errors.iter().any(|(_, m, a)| m == message && a == at),
            "{extra}: {errors:?}"
        );
    }
}
