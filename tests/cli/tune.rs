//! `tune` through the binary: the tuning example searches, scores the winner on held-out
//! rows, and a misspelt hyperparameter is a check error pointing at the space.

use serde_json::Value as Json;

use crate::harness::Project;

#[test]
fn the_tuning_example_searches_then_is_cached() {
    let p = Project::new().with_example("telco-retention");
    let out = p.run(&["run", "tuning.aim"]);
    assert_eq!(out.code, 0, "{out:?}");
    // The winner's cross-validated score sits next to the held-out scores.
    assert!(out.stdout.contains("roc_auc (cv)"), "{out:?}");
    assert!(out.stdout.contains("tuned_eval"), "{out:?}");
    // And the winning configuration in one line.
    assert!(
        out.stdout
            .contains("tuned: best of 12 trials: max_depth = "),
        "{out:?}"
    );
    let lock: Json = serde_json::from_str(&p.read("tuning.aim.lock")).unwrap();
    let tuned = &lock["stages"]["tuned"];
    assert!(tuned["outputs"]["model"].is_string(), "{tuned}");
    assert!(tuned["outputs"]["trials"].is_string(), "{tuned}");
    let again = p.run(&["run", "tuning.aim", "--format", "json"]);
    assert_eq!(again.code, 0, "{again:?}");
    let summary: Json = serde_json::from_str(&again.stdout).unwrap();
    let statuses: Vec<&str> = summary["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["status"].as_str().unwrap())
        .collect();
    assert!(statuses.iter().all(|s| *s == "cached"), "{statuses:?}");
    // The same trials and model from a fresh cache.
    let fresh = Project::new().with_example("telco-retention");
    assert_eq!(fresh.run(&["run", "tuning.aim"]).code, 0);
    let fresh_lock: Json = serde_json::from_str(&fresh.read("tuning.aim.lock")).unwrap();
    assert_eq!(fresh_lock["stages"]["tuned"]["outputs"], tuned["outputs"]);
}

#[test]
fn a_misspelt_hyperparameter_is_a_check_error() {
    let p = Project::new().with_example("telco-retention");
    let text = p
        .read("tuning.aim")
        .replace("max_depth = 2..12", "max_dept = 2..12");
    p.file("typo.aim", text);
    let out = p.run(&["check", "typo.aim"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr
            .contains("`max_dept` is not a hyperparameter of `decision_tree`"),
        "{out:?}"
    );
    assert!(out.stderr.contains("did you mean `max_depth`?"), "{out:?}");
    assert!(out.stderr.contains("typo.aim:"), "{out:?}");
}
