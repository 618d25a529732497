//! `algorithm = gradient_boosting` through the binary, on the telco example's real data:
//! fitted, tuned, fused, evaluated and deployed by `examples/telco-retention/boosting.aim`,
//! scored by `aimass predict` exactly as in-process, the same bytes for any `--jobs`, and
//! every bad hyperparameter a check error pointing at its value.

use serde_json::Value as Json;

use crate::harness::{repo, Project};

fn scores(p: &Project, stage: &str) -> Json {
    let out = p.run(&["metrics", "boosting.aim", "--format", "json"]);
    assert_eq!(out.code, 0, "{out:?}");
    let all: Json = serde_json::from_str(&out.stdout).unwrap();
    all[stage].clone()
}

/// Raw rows of the example's data without the target, as production rows come.
fn rows_without_target(n: usize) -> String {
    let csv = std::fs::read_to_string(repo().join("examples/telco-retention/data/telco_churn.csv"))
        .unwrap();
    csv.lines()
        .take(n + 1)
        .map(|l| format!("{}\n", &l[l.find(',').unwrap() + 1..]))
        .collect()
}

/// `gb_eval: 123 trees; most gain: contract_Month-to-month 30%, ...`: the evaluate
/// stage's summary line, with shares that are percentages.
fn out_has_importance(stdout: &str) -> bool {
    stdout.lines().any(|l| {
        l.contains("trees; most gain: ") && l.contains("early stopping kept ") && l.contains('%')
    })
}

#[test]
fn the_boosting_example_fits_tunes_fuses_deploys_and_predicts() {
    let p = Project::new().with_example("telco-retention");
    let out = p.run(&["run", "boosting.aim", "--jobs", "2"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("gb_eval"), "{out:?}");
    let run_stdout = out.stdout.clone();
    assert!(out.stdout.contains("gb_tuned: best of 4 trials"), "{out:?}");

    // The default decision tree scores 0.65 on these rows, the boosted models 0.80 to 0.82.
    for stage in ["gb_eval", "gb_tuned_eval", "blend_eval"] {
        let auc = scores(&p, stage)["roc_auc"].as_f64().unwrap();
        assert!(auc > 0.80, "{stage}: test ROC AUC {auc}");
    }

    // The bundle: the boosted model with its recipe, early stopping and importance inside.
    let version = p.read("models/boosted/latest").trim().to_string();
    let dir = p.dir.path().join("models/boosted").join(&version);
    let manifest: Json =
        serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["algorithm"], "gradient_boosting");
    let summary = manifest["summary"].as_str().unwrap();
    assert!(
        summary.contains("learning_rate = 0.05, max_leaves = 8"),
        "{summary}"
    );
    let model: Json =
        serde_json::from_slice(&std::fs::read(dir.join("model.json")).unwrap()).unwrap();
    assert_eq!(model["fitted"]["estimator"], "gradient_boosting");
    let fit = &model["fitted"]["fit"];
    let stopping = &fit["stopping"];
    let kept = stopping["rounds_kept"].as_u64().unwrap();
    assert!(kept > 10 && kept < 400, "early stopping: {stopping}");
    assert_eq!(
        fit["trees"].as_array().unwrap().len() as u64,
        kept,
        "{stopping}"
    );
    let splits: u64 = fit["importance"]["splits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert!(splits > kept, "every tree splits: {splits} splits");

    // The run names the features that mattered most, under the evaluate stage.
    assert!(out_has_importance(&run_stdout), "{run_stdout}");

    // `aimass predict` scores raw rows exactly as the model does in-process.
    p.file("rows.csv", rows_without_target(200));
    let out = p.run(&["predict", "models/boosted", "--input", "rows.csv"]);
    assert_eq!(out.code, 0, "{out:?}");
    let mut lines = out.stdout.lines();
    assert_eq!(
        lines.next(),
        Some("prediction,proba_No,proba_Yes,decile,rank")
    );
    let yes: Vec<f64> = lines
        .map(|l| l.split(',').nth(2).unwrap().parse().unwrap())
        .collect();
    assert_eq!(yes.len(), 200);
    let bundle = aimass_stdlib::bundle::open(&dir).unwrap();
    let df = aimass_stdlib::bundle::read_rows(&p.dir.path().join("rows.csv")).unwrap();
    let proba = bundle.model.predict_proba(&df).unwrap();
    for (i, y) in yes.iter().enumerate() {
        assert_eq!(*y, proba[[i, 1]], "row {i}");
    }
    assert!(yes.iter().any(|&y| y > 0.5) && yes.iter().any(|&y| y < 0.5));
}

#[test]
fn the_boosted_model_has_the_same_bytes_for_any_jobs() {
    let bytes: Vec<Vec<u8>> = ["1", "2", "8"]
        .iter()
        .map(|jobs| {
            let p = Project::new().with_example("telco-retention");
            let out = p.run(&["run", "boosting.aim", "--only", "ship", "--jobs", jobs]);
            assert_eq!(out.code, 0, "--jobs {jobs}: {out:?}");
            let version = p.read("models/boosted/latest").trim().to_string();
            std::fs::read(
                p.dir
                    .path()
                    .join("models/boosted")
                    .join(version)
                    .join("model.json"),
            )
            .unwrap()
        })
        .collect();
    assert!(bytes[0].len() > 1000);
    assert!(bytes[0] == bytes[1], "--jobs 1 and 2 differ");
    assert!(bytes[0] == bytes[2], "--jobs 1 and 8 differ");
}

#[test]
fn bad_hyperparameters_are_check_errors_at_their_values() {
    let p = Project::new().with_example("telco-retention");
    // (a hyperparameter as written, what the diagnostic says, and what it points at)
    let cases: &[(&str, &[&str])] = &[
        (
            "learning_rate = 0.0",
            &["`learning_rate` must be above 0, got 0", "this value"],
        ),
        (
            "max_leaves = 1",
            &["`max_leaves` = 1 is out of range", "must be between 2 and"],
        ),
        (
            "subsample = 0.0",
            &["`subsample` must lie in (0, 1], got 0", "this value"],
        ),
        (
            "early_stopping = 1.0",
            &["`early_stopping` must hold out a fraction in (0, 1), got 1"],
        ),
        (
            "criterion = gini",
            &["`criterion` does not apply to `gradient_boosting`"],
        ),
        (
            "task = segmentation",
            &["`gradient_boosting` does classification and regression, not segmentation"],
        ),
    ];
    for (i, (written, wanted)) in cases.iter().enumerate() {
        let file = format!("bad{i}.aim");
        p.file(
            &file,
            format!(
                "pipeline \"p\" {{ }}\nstage raw: collect {{ source = \"data/telco_churn.csv\" }}\nstage gb: model {{\n  input = raw\n  target = \"churn\"\n  algorithm = gradient_boosting\n  {written}\n}}\n"
            ),
        );
        let out = p.run(&["check", &file]);
        assert_eq!(out.code, 2, "{written}: {out:?}");
        for w in *wanted {
            assert!(out.stderr.contains(w), "{written}: wanted {w:?} in {out:?}");
        }
        // The diagnostic quotes the line it is about.
        assert!(out.stderr.contains(written), "{written}: {out:?}");
        assert!(!out.stderr.contains("panicked"), "{out:?}");
    }
}
