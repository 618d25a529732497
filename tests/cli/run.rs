//! `aimass run`, `plan`, `metrics` and `cache` on real pipelines and data.

use std::process::Stdio;
use std::time::Duration;

use serde_json::Value as Json;

use crate::harness::{Outcome, Project};

/// A small data pipeline (no models) on a CSV the test writes.
const PREP: &str = r#"pipeline "prep" {
  seed = 7
  params { test_share = 0.25 }
}

stage raw: collect { source = "data.csv" }

stage parts: split {
  input = raw
  test = params.test_share
  stratify = "y"
}

stage tidy: clean {
  input = parts.train
  impute = { numeric = median }
  standardize = all_numeric
  keep = ["y"]
}
"#;

fn data_csv(rows: usize) -> String {
    let mut s = String::from("a,b,y\n");
    for i in 0..rows {
        let b = if i % 11 == 0 {
            String::new()
        } else {
            format!("{}", (i * 7) % 13)
        };
        s.push_str(&format!(
            "{},{},{}\n",
            i % 17,
            b,
            if i % 3 == 0 { "yes" } else { "no" }
        ));
    }
    s
}

fn prep_project() -> Project {
    let p = Project::new();
    p.file("prep.aim", PREP);
    p.file("data.csv", data_csv(300));
    p
}

fn statuses(out: &Outcome) -> Vec<(String, String)> {
    let json: Json = serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {out:?}"));
    json["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap().to_string(),
                s["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn status<'a>(all: &'a [(String, String)], stage: &str) -> &'a str {
    all.iter()
        .find(|(n, _)| n == stage)
        .map(|(_, s)| s.as_str())
        .unwrap_or("absent")
}

#[test]
fn rerun_is_cached_and_changes_rerun_what_they_touch() {
    let p = prep_project();
    let first = p.run(&["run", "prep.aim", "--format", "json"]);
    assert_eq!(first.code, 0, "{first:?}");
    assert!(
        statuses(&first).iter().all(|(_, s)| s == "done"),
        "{first:?}"
    );

    let again = p.run(&["run", "prep.aim", "--format", "json"]);
    assert!(
        statuses(&again).iter().all(|(_, s)| s == "cached"),
        "{again:?}"
    );
    let plan = p.run(&["plan", "prep.aim"]);
    assert_eq!(plan.stdout.matches("cached").count(), 3, "{plan:?}");

    // A --set override: split and clean run again, collect stays cached.
    let plan = p.run(&["plan", "prep.aim", "--set", "test_share=0.3"]);
    assert!(
        plan.stdout.contains("params changed: test: 0.25 -> 0.3"),
        "{plan:?}"
    );
    let set = p.run(&[
        "run",
        "prep.aim",
        "--set",
        "test_share=0.3",
        "--format",
        "json",
    ]);
    let st = statuses(&set);
    assert_eq!(status(&st, "raw"), "cached");
    assert_eq!(status(&st, "parts"), "done");
    assert_eq!(status(&st, "tidy"), "done");

    // Editing the data file re-runs the reader, and plan says why.
    p.file("data.csv", data_csv(301));
    let plan = p.run(&["plan", "prep.aim"]);
    assert!(
        plan.stdout.contains("source file changed: data.csv"),
        "{plan:?}"
    );
    let edited = p.run(&["run", "prep.aim", "--format", "json"]);
    assert_eq!(status(&statuses(&edited), "raw"), "done");

    // --force runs everything.
    let forced = p.run(&["run", "prep.aim", "--force", "--format", "json"]);
    assert!(
        statuses(&forced).iter().all(|(_, s)| s == "done"),
        "{forced:?}"
    );
}

#[test]
fn run_writes_a_lock_file_and_run_records() {
    let p = prep_project();
    let out = p.run(&["run", "prep.aim", "--quiet"]);
    assert_eq!(out.code, 0, "{out:?}");
    let lock: Json = serde_json::from_str(&p.read("prep.aim.lock")).unwrap();
    assert_eq!(lock["pipeline"], "prep");
    for stage in ["raw", "parts", "tidy"] {
        assert_eq!(
            lock["stages"][stage]["key"].as_str().unwrap().len(),
            64,
            "{stage}"
        );
    }
    assert!(lock["stages"]["parts"]["outputs"]["train"].is_string());
    let runs: Vec<_> = std::fs::read_dir(p.dir.path().join(".aimass/runs"))
        .unwrap()
        .flatten()
        .collect();
    assert_eq!(runs.len(), 1);
    let record: Json = serde_json::from_slice(&std::fs::read(runs[0].path()).unwrap()).unwrap();
    let first = &record["stages"][0];
    for field in [
        "status",
        "cached",
        "wall_ms",
        "cpu_ms",
        "peak_rss_bytes",
        "outputs",
    ] {
        assert!(!first[field].is_null(), "{field} missing: {record}");
    }
    // Same inputs, same output hashes: the lock file does not change on a cached re-run.
    let before = p.read("prep.aim.lock");
    p.run(&["run", "prep.aim", "--quiet"]);
    assert_eq!(before, p.read("prep.aim.lock"));
}

#[test]
fn text_output_has_a_summary_and_plain_progress_lines() {
    let p = prep_project();
    let out = p.run(&["run", "prep.aim"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout
            .contains("3 stages: 3 ran, 0 cached, 0 failed, 0 skipped"),
        "{out:?}"
    );
    // Off a terminal: one plain line per event, no escape codes.
    assert!(out.stderr.contains("done  raw (collect)"), "{out:?}");
    assert!(!out.stderr.contains('\u{1b}'), "{out:?}");
}

#[test]
fn a_missing_data_file_fails_the_stage_with_a_diagnostic() {
    let p = Project::new();
    p.file("prep.aim", PREP);
    let out = p.run(&["run", "prep.aim"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains("data.csv"), "{out:?}");
    assert!(out.stderr.contains("in stage `raw`"), "{out:?}");
    assert!(out.stdout.contains("skipped"), "{out:?}");
}

#[test]
fn only_runs_a_stage_and_its_upstream() {
    let p = prep_project();
    let out = p.run(&["run", "prep.aim", "--only", "parts", "--format", "json"]);
    assert_eq!(out.code, 0, "{out:?}");
    let st = statuses(&out);
    assert_eq!(st.len(), 2, "{out:?}");
    assert_eq!(status(&st, "tidy"), "absent");
    let typo = p.run(&["run", "prep.aim", "--only", "prts"]);
    assert_eq!(typo.code, 2, "{typo:?}");
    assert!(typo.stderr.contains("did you mean `parts`"), "{typo:?}");
}

#[test]
fn cache_status_and_gc() {
    let p = prep_project();
    p.run(&["run", "prep.aim", "--quiet", "--set", "test_share=0.3"]);
    p.run(&["run", "prep.aim", "--quiet"]);
    let status = p.run(&["cache", "status"]);
    assert_eq!(status.code, 0, "{status:?}");
    assert!(status.stdout.contains("entries: 5"), "{status:?}");
    let by_file = p.run(&["cache", "status", "prep.aim"]);
    assert!(by_file.stdout.contains("entries: 5"), "{by_file:?}");
    // The lock file and the file itself both reach the 0.25 results (raw, parts, tidy); the
    // 0.3 split and its cleaning are reachable from neither and go.
    let gc = p.run(&["cache", "gc", "prep.aim"]);
    assert_eq!(gc.code, 0, "{gc:?}");
    assert!(gc.stdout.contains("removed 2 entries"), "{gc:?}");
    let after = p.run(&["cache", "status"]);
    assert!(after.stdout.contains("entries: 3"), "{after:?}");
    let rerun = p.run(&["run", "prep.aim", "--format", "json"]);
    assert!(
        statuses(&rerun).iter().all(|(_, s)| s == "cached"),
        "gc removed a reachable entry: {rerun:?}"
    );
}

/// `--older-than` alone removes by age; an age beyond any clock keeps everything instead of
/// overflowing, and a number too large for any duration is refused with the reason.
#[test]
fn cache_gc_by_age_and_huge_ages() {
    let p = prep_project();
    p.run(&["run", "prep.aim", "--quiet"]);
    let ancient = p.run(&["cache", "gc", "--older-than", "18446744073709551615d"]);
    assert_eq!(ancient.code, 0, "{ancient:?}");
    assert!(ancient.stdout.contains("removed 0 entries"), "{ancient:?}");
    let too_big = p.run(&["cache", "gc", "--older-than", "99999999999999999999999d"]);
    assert_eq!(too_big.code, 2, "{too_big:?}");
    assert!(too_big.stderr.contains("too large"), "{too_big:?}");
    let all = p.run(&["cache", "gc", "--older-than", "0s"]);
    assert_eq!(all.code, 0, "{all:?}");
    assert!(all.stdout.contains("removed 3 entries"), "{all:?}");
    assert!(p.run(&["cache", "status"]).stdout.contains("entries: 0"));
}

#[test]
fn two_runs_on_one_cache_at_the_same_time_both_succeed() {
    let p = prep_project();
    p.file("data.csv", data_csv(20_000));
    let children: Vec<_> = (0..2)
        .map(|_| {
            p.command(&["run", "prep.aim", "--quiet"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = Outcome::from(child.wait_with_output().unwrap());
        assert_eq!(out.code, 0, "{out:?}");
    }
    let again = p.run(&["run", "prep.aim", "--format", "json"]);
    assert!(
        statuses(&again).iter().all(|(_, s)| s == "cached"),
        "{again:?}"
    );
}

#[test]
fn a_run_killed_mid_stage_leaves_no_entry_a_later_run_trusts() {
    let p = prep_project();
    // Big enough that reading and cleaning takes a while in a debug build.
    p.file("data.csv", data_csv(400_000));
    let mut reference = Vec::new();
    for delay_ms in [150, 400, 900] {
        let mut child = p
            .command(&["run", "prep.aim", "--quiet"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL on Unix
        let _ = child.wait();
        let out = p.run(&["run", "prep.aim", "--format", "json"]);
        assert_eq!(out.code, 0, "after kill at {delay_ms} ms: {out:?}");
        let lock = p.read("prep.aim.lock");
        reference.push(lock);
    }
    // A run in a fresh cache gives the same outputs as the runs that recovered from kills.
    let fresh = Project::new();
    fresh.file("prep.aim", PREP);
    fresh.file("data.csv", data_csv(400_000));
    assert_eq!(fresh.run(&["run", "prep.aim", "--quiet"]).code, 0);
    let fresh_lock = fresh.read("prep.aim.lock");
    for lock in reference {
        assert_eq!(lock, fresh_lock);
    }
}

#[test]
fn the_example_runs_end_to_end_and_reports_metrics() {
    let p = Project::new().with_example("telco-retention");
    let out = p.run(&["run", "campaign.aim"]);
    // The example's gates pass (README): exit 0, every stage done.
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("roc_auc"), "no metrics table: {out:?}");
    let again = p.run(&["run", "campaign.aim", "--format", "json"]);
    assert_eq!(again.code, 0, "{again:?}");
    assert!(
        statuses(&again).iter().all(|(_, s)| s == "cached"),
        "{again:?}"
    );
    let metrics = p.run(&["metrics", "campaign.aim"]);
    assert_eq!(metrics.code, 0, "{metrics:?}");
    assert!(metrics.stdout.contains("logit_eval"), "{metrics:?}");
    let diff = p.run(&["metrics", "campaign.aim", "--diff"]);
    assert_eq!(diff.code, 0, "{diff:?}");
}

#[test]
fn a_failed_quality_gate_exits_1_and_points_at_the_gate() {
    let p = Project::new().with_example("telco-retention");
    let text = p
        .read("campaign.aim")
        .replace("require { roc_auc >= 0.75 }", "require { roc_auc >= 0.99 }");
    p.file("strict.aim", text);
    let out = p.run(&["run", "strict.aim"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains("aimass::gate::failed"), "{out:?}");
    assert!(out.stderr.contains("roc_auc >= 0.99"), "{out:?}");
    // The metrics were computed and cached: a re-run still fails, without re-running.
    let again = p.run(&["run", "strict.aim", "--format", "json"]);
    assert_eq!(again.code, 1, "{again:?}");
    assert_eq!(status(&statuses(&again), "tree_eval"), "failed");
}

/// A corrupt lock file (a merge conflict, a truncated write) is a warning and ignored by the
/// commands that read it; `run` rewrites it; `cache gc` refuses rather than treat it as
/// "keep nothing".
#[test]
fn a_corrupt_lock_file_is_a_warning_and_is_rewritten() {
    let p = Project::new().with_example("telco-retention");
    p.file("campaign.aim.lock", "<<<<<<< HEAD\n{\"pipeline\": \"x\"\n");
    let warning = "campaign.aim.lock is not a valid lock file (";
    let plan = p.run(&["plan", "campaign.aim"]);
    assert_eq!(plan.code, 0, "{plan:?}");
    assert!(plan.stderr.contains(warning), "{plan:?}");
    let gc = p.run(&["cache", "gc", "campaign.aim"]);
    assert_eq!(gc.code, 2, "{gc:?}");
    assert!(
        gc.stderr
            .contains("cache gc keeps everything rather than guess"),
        "{gc:?}"
    );
    let run = p.run(&["run", "campaign.aim", "--quiet"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stderr.contains(warning), "{run:?}");
    let lock: serde_json::Value = serde_json::from_str(&p.read("campaign.aim.lock")).unwrap();
    assert_eq!(lock["pipeline"], "telco-retention");
    let again = p.run(&["metrics", "campaign.aim"]);
    assert_eq!(again.code, 0, "{again:?}");
    assert!(again.stderr.is_empty(), "{again:?}");
}

/// The YAML example: credit_data's missing values cleaned, a tuned tree and gradient boosting
/// behind gates. It passes them, and both models score at least scikit-learn's reference on
/// the same preparation (examples/credit-scoring/data/README.md: tuned tree ROC AUC 0.763,
/// gradient boosting 0.821).
#[test]
fn the_credit_scoring_example_passes_its_gates_and_matches_scikit_learn() {
    let p = Project::new().with_example("credit-scoring");
    let out = p.run(&["run", "pipeline.yaml"]);
    assert_eq!(out.code, 0, "{out:?}");
    let metrics = p.run(&["metrics", "pipeline.yaml", "--format", "json"]);
    let m: serde_json::Value = serde_json::from_str(&metrics.stdout).unwrap();
    let auc = |stage: &str| m[stage]["roc_auc"].as_f64().unwrap();
    assert!(auc("tree_eval") >= 0.763, "{m}");
    assert!(auc("gb_eval") >= 0.821, "{m}");
    assert!(p.path("models/credit-gb/latest").exists(), "{out:?}");
}
