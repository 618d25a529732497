//! `aimass show`: a stage's output from the last run, printed or written out, and every
//! wrong target a diagnostic.

use serde_json::Value as Json;

use crate::harness::Project;

fn tuned_project() -> Project {
    let p = Project::new().with_example("telco-retention");
    let out = p.run(&["run", "tuning.aim", "--quiet"]);
    assert_eq!(out.code, 0, "{out:?}");
    p
}

#[test]
fn frames_models_metrics_and_trials_are_shown() {
    let p = tuned_project();
    let frame = p.run(&["show", "tuning.aim", "parts.train", "--rows", "3"]);
    assert_eq!(frame.code, 0, "{frame:?}");
    assert!(
        frame
            .stdout
            .contains("parts.train: frame, 5616 rows x 20 columns"),
        "{}",
        frame.stdout
    );
    assert!(
        frame.stdout.contains("total_charges      f64  (9 missing)"),
        "{}",
        frame.stdout
    );
    assert!(frame.stdout.contains("first 3 rows:"), "{}", frame.stdout);

    let json = p.run(&[
        "show",
        "tuning.aim",
        "parts.train",
        "--rows",
        "2",
        "--format",
        "json",
    ]);
    let j: Json = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(
        (j["rows"].as_u64(), j["columns"].as_u64()),
        (Some(5616), Some(20))
    );
    assert_eq!(j["head"].as_array().unwrap().len(), 2);
    assert_eq!(j["schema"][0]["name"], "churn");

    // A bare tune stage means its model, as a reference in the pipeline does.
    let model = p.run(&["show", "tuning.aim", "tuned"]);
    assert_eq!(model.code, 0, "{model:?}");
    assert!(
        model
            .stdout
            .starts_with("tuned.model: decision_tree model (classification)"),
        "{}",
        model.stdout
    );
    assert!(
        model
            .stdout
            .contains("target: churn (classes No, Yes; positive Yes)"),
        "{}",
        model.stdout
    );
    assert!(
        model
            .stdout
            .contains("trained on 5616 rows, seed 42; carries its recipe"),
        "{}",
        model.stdout
    );
    // Its importance (the search chose entropy): shares of the decrease, largest first, summing to 1 (JSON has
    // every feature; the text the top 20).
    assert!(
        model
            .stdout
            .contains("feature importance (impurity decrease (entropy), share of the total):"),
        "{}",
        model.stdout
    );
    let json = p.run(&["show", "tuning.aim", "tuned", "--format", "json"]);
    let j: Json = serde_json::from_str(&json.stdout).unwrap();
    let weights = j["explained"]["sets"][0]["weights"].as_array().unwrap();
    let values: Vec<f64> = weights
        .iter()
        .map(|w| w["value"].as_f64().unwrap())
        .collect();
    assert_eq!(values.len(), j["features"].as_array().unwrap().len());
    assert!(
        (values.iter().sum::<f64>() - 1.0).abs() < 1e-9,
        "{values:?}"
    );
    assert!(values.windows(2).all(|w| w[0] >= w[1]), "{values:?}");
    assert!(values[0] > 0.0);

    // Trials best first.
    let trials = p.run(&["show", "tuning.aim", "tuned.trials"]);
    assert_eq!(trials.code, 0, "{trials:?}");
    let means: Vec<f64> = trials
        .stdout
        .lines()
        .skip_while(|l| !l.trim_start().starts_with("trial"))
        .skip(1)
        .map(|l| l.split_whitespace().nth(1).unwrap().parse().unwrap())
        .collect();
    assert_eq!(means.len(), 12, "{}", trials.stdout);
    assert!(means.windows(2).all(|w| w[0] >= w[1]), "{means:?}");

    let metrics = p.run(&["show", "tuning.aim", "tuned_eval"]);
    assert!(metrics.stdout.contains("roc_auc"), "{metrics:?}");
}

#[test]
fn output_writes_open_formats_atomically() {
    let p = tuned_project();
    for name in ["tidy.csv", "tidy.parquet", "tidy.json", "tidy.ndjson"] {
        let out = p.run(&["show", "tuning.aim", "tidy", "--output", name]);
        assert_eq!(out.code, 0, "{name}: {out:?}");
        assert!(out.stderr.contains("wrote tidy.out (5616 rows)"), "{out:?}");
    }
    let csv = p.read("tidy.csv");
    assert_eq!(csv.lines().count(), 5617, "a header and every row");
    assert!(csv.starts_with("churn,female,"), "{}", &csv[..80]);
    let parquet = std::fs::read(p.path("tidy.parquet")).unwrap();
    assert_eq!(
        (&parquet[..4], &parquet[parquet.len() - 4..]),
        (&b"PAR1"[..], &b"PAR1"[..])
    );
    let rows: Json = serde_json::from_str(&p.read("tidy.json")).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 5616);
    assert_eq!(p.read("tidy.ndjson").lines().count(), 5616);
    // A model as its JSON, which `aimass predict` and the bundle read.
    let m = p.run(&["show", "tuning.aim", "tuned", "-o", "model.json"]);
    assert_eq!(m.code, 0, "{m:?}");
    let model: Json = serde_json::from_str(&p.read("model.json")).unwrap();
    assert_eq!(model["target"], "churn");
}

#[test]
fn wrong_targets_are_diagnostics() {
    let p = Project::new().with_example("telco-retention");
    // Nothing has run yet.
    let early = p.run(&["show", "tuning.aim", "tidy"]);
    assert_eq!(early.code, 1, "{early:?}");
    assert!(
        early
            .stderr
            .contains("`tidy` has no output yet: run `aimass run tuning.aim` first"),
        "{early:?}"
    );
    assert_eq!(p.run(&["run", "tuning.aim", "--quiet"]).code, 0);
    let cases: [(&[&str], &str); 5] = [
        (
            &["tunedd"],
            "tuning.aim has no stage `tunedd` (did you mean `tuned`?)",
        ),
        (
            &["tuned.foo"],
            "stage `tuned` has no output `foo`; its outputs: model, trials",
        ),
        (
            &["parts"],
            "stage `parts` has several outputs; name one: parts.train, parts.test",
        ),
        (
            &["tidy", "-o", "tidy.xlsx"],
            "cannot tell the format of tidy.xlsx: end it in .csv, .parquet, .json or .ndjson",
        ),
        (
            &["tuned", "-o", "model.csv"],
            "a model or metrics is written as JSON: end model.csv in .json",
        ),
    ];
    for (args, message) in cases {
        let mut all = vec!["show", "tuning.aim"];
        all.extend_from_slice(args);
        let out = p.run(&all);
        assert_eq!(out.code, 2, "{args:?}: {out:?}");
        assert!(out.stderr.contains(message), "{args:?}: {}", out.stderr);
    }
    assert!(!p.path("tidy.xlsx").exists());
}

/// `aimass show ... | head`: the reader going away ends the command quietly, no panic.
#[cfg(unix)]
#[test]
fn a_closed_pipe_ends_show_quietly() {
    use std::io::Read;
    use std::os::unix::process::ExitStatusExt;
    use std::process::Stdio;

    let p = tuned_project();
    let mut child = p
        // Some MB of JSON: far more than a pipe holds, so the write must hit the closed end.
        .command(&[
            "show",
            "tuning.aim",
            "parts.train",
            "--rows",
            "5616",
            "--format",
            "json",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    // The pipe's read end is dropped here, as `head -c 16` would.
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    // Ended by SIGPIPE (13 on Linux and macOS), as `cat` is.
    assert_eq!(out.status.signal(), Some(13), "{:?}", out.status);
}
