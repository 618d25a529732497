//! `algorithm = mlp` through the binary: the neural example (examples/telco-retention/
//! neural.aim) trains on the real telco rows, passes its gate, deploys, and `aimass predict`
//! scores raw rows exactly as the model does in process; the model bytes do not depend on
//! `--jobs`; bad network parameters are check errors.

use serde_json::Value as Json;

use crate::harness::{repo, Project};

/// The example run up to its deploy with `--jobs jobs`: (project, the deployed model.json).
fn shipped(jobs: &str) -> (Project, Vec<u8>) {
    let p = Project::new().with_example("telco-retention");
    let out = p.run(&[
        "run",
        "neural.aim",
        "--only",
        "ship",
        "--jobs",
        jobs,
        "--format",
        "json",
    ]);
    assert_eq!(out.code, 0, "{out:?}");
    let version = p.read("models/nn/latest").trim().to_string();
    let model = std::fs::read(
        p.dir
            .path()
            .join("models/nn")
            .join(version)
            .join("model.json"),
    )
    .unwrap();
    (p, model)
}

/// The example's first `n` raw rows without the target, as production rows come.
fn rows_without_target(n: usize) -> String {
    let csv = std::fs::read_to_string(repo().join("examples/telco-retention/data/telco_churn.csv"))
        .unwrap();
    csv.lines()
        .take(n + 1)
        .map(|l| format!("{}\n", &l[l.find(',').unwrap() + 1..]))
        .collect()
}

#[test]
fn the_neural_example_ships_an_mlp_that_predict_scores_as_in_process() {
    let (p, model) = shipped("1");
    let dir = p.dir.path().join("models/nn");
    let bundle = aimass_stdlib::bundle::open(&dir).unwrap();
    assert_eq!(bundle.manifest.algorithm, "mlp");
    let manifest: Json = serde_json::from_str(&p.read(&format!(
        "models/nn/{}/manifest.json",
        p.read("models/nn/latest").trim()
    )))
    .unwrap();
    let auc = manifest["metrics"]["nn_eval"]["scores"]["roc_auc"]
        .as_f64()
        .unwrap();
    assert!(auc >= 0.80, "the gate let through ROC AUC {auc}");
    let json: Json = serde_json::from_slice(&model).unwrap();
    assert!(
        json.to_string().contains("\"hidden\":[64,32]"),
        "the spec travels with the model"
    );

    p.file("rows.csv", rows_without_target(300));
    let out = p.run(&["predict", "models/nn", "--input", "rows.csv"]);
    assert_eq!(out.code, 0, "{out:?}");
    let mut lines = out.stdout.lines();
    assert_eq!(
        lines.next(),
        Some("prediction,proba_No,proba_Yes,decile,rank")
    );
    let rows: Vec<(String, f64, f64)> = lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (
                f[0].to_string(),
                f[1].parse().unwrap(),
                f[2].parse().unwrap(),
            )
        })
        .collect();
    assert_eq!(rows.len(), 300);
    assert!(rows.iter().any(|r| r.0 == "Yes") && rows.iter().any(|r| r.0 == "No"));
    let df = aimass_stdlib::bundle::read_rows(&p.dir.path().join("rows.csv")).unwrap();
    let proba = bundle.model.predict_proba(&df).unwrap();
    for (i, (label, no, yes)) in rows.iter().enumerate() {
        assert_eq!(*no, proba[[i, 0]], "row {i}");
        assert_eq!(*yes, proba[[i, 1]], "row {i}");
        assert!((no + yes - 1.0).abs() < 1e-12, "row {i}: {no} + {yes}");
        assert_eq!(label, if *yes > 0.5 { "Yes" } else { "No" }, "row {i}");
    }
}

#[test]
fn the_mlp_is_the_same_bytes_with_any_jobs() {
    let (_, one) = shipped("1");
    let (_, two) = shipped("2");
    let (_, eight) = shipped("8");
    assert!(one == two, "--jobs 1 and --jobs 2 trained different models");
    assert!(
        one == eight,
        "--jobs 1 and --jobs 8 trained different models"
    );
}

#[test]
fn bad_network_parameters_are_check_errors() {
    let p = Project::new().with_example("telco-retention");
    let example = p.read("neural.aim");
    // (what the example says, what the bad file says instead, the diagnostic).
    let cases = [
        (
            "hidden = [64, 32]",
            "hidden = []",
            "`hidden` lists no layers",
            "aimass::model::param",
        ),
        (
            "hidden = [64, 32]",
            "hidden = [64, 0]",
            "`hidden`: a layer needs at least one unit, found 0",
            "aimass::model::param",
        ),
        (
            "epochs = 200",
            "epochs = 200\n  learning_rate = 0",
            "`learning_rate` must be above 0",
            "aimass::model::param",
        ),
        (
            "epochs = 200",
            "epochs = 200\n  batch_size = 0",
            "`batch_size` = 0 is out of range",
            "aimass::check::out_of_range",
        ),
        (
            "epochs = 200",
            "epochs = 0",
            "`epochs` = 0 is out of range",
            "aimass::check::out_of_range",
        ),
    ];
    for (good, line, message, code) in cases {
        assert!(example.contains(good), "the example changed: {good}");
        let text = example.replace(good, line);
        p.file("bad.aim", &text);
        let out = p.run(&["check", "bad.aim"]);
        assert_eq!(out.code, 2, "{line}: {out:?}");
        assert!(out.stderr.contains(message), "{line}: {out:?}");
        assert!(out.stderr.contains(code), "{line}: {out:?}");
        assert!(
            out.stderr.contains("bad.aim:"),
            "{line}: points at the file: {out:?}"
        );
    }
}
