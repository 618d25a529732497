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

/// `search = halving(...)` and `budget` through the binary, in .aim and in YAML.
#[test]
fn halving_under_a_budget_runs_from_either_form() {
    let p = Project::new().with_example("telco-retention");
    let text = p
        .read("tuning.aim")
        .replace(
            "search = bayes(trials = 12)",
            "search = halving(factor = 3)\n  budget = 40",
        )
        // Stopped on its first rungs' few rows, the winner need not pass the example's gate.
        .replace("require { roc_auc >= 0.78 }", "");
    p.file("halving.aim", text);
    let out = p.run(&["run", "halving.aim"]);
    assert_eq!(out.code, 0, "{out:?}");
    // 110 candidates: 110 + 37 = 147 > 40, so the trial budget stops it in rung 2.
    assert!(
        out.stdout
            .contains("tuned: best of 40 trials; stopped by the trials budget (40 trials):"),
        "{out:?}"
    );
    let yaml = p.run(&["convert", "halving.aim", "--to", "yaml"]);
    assert_eq!(yaml.code, 0, "{yaml:?}");
    assert!(yaml.stdout.contains("budget: 40"), "{}", yaml.stdout);
    p.file(
        "halving.yaml",
        yaml.stdout.replace("budget: 40", "budget: 30m"),
    );
    let check = p.run(&["check", "halving.yaml"]);
    assert_eq!(check.code, 0, "{check:?}");
}

/// Every malformed budget is a diagnostic at the line written, before anything runs.
#[test]
fn a_bad_budget_is_reported_where_it_is_written() {
    let p = Project::new().with_example("telco-retention");
    let cases = [
        (
            "1.5h",
            "`1.5h` is not a duration: the amount must be a whole, non-negative number",
        ),
        (
            "5min",
            "`5min` is not a duration: `min` is not a unit of time",
        ),
        ("-3s", "`-3s` is not a duration"),
        (
            "\"soon\"",
            "`budget` expects duration (30s, 15m, 12h), or integer, found a string",
        ),
        (
            "true",
            "`budget` expects duration (30s, 15m, 12h), or integer, found a boolean",
        ),
        ("0", "`budget` = 0 is out of range"),
        ("0s", "a budget of no time leaves nothing to search"),
    ];
    for (budget, message) in cases {
        let text = p
            .read("tuning.aim")
            .replace("cv = 3", &format!("cv = 3\n  budget = {budget}"));
        p.file("bad.aim", text);
        let out = p.run(&["check", "bad.aim"]);
        assert_eq!(out.code, 2, "{budget}: {out:?}");
        assert!(out.stderr.contains(message), "{budget}: {}", out.stderr);
        assert!(
            out.stderr.contains("bad.aim:39:"),
            "{budget}: {}",
            out.stderr
        );
    }
}
