//! `--stage-timeout` on a built-in stage: the stage fails with a diagnostic when its time is
//! up, the independent branch finishes, and the run ends without waiting for it.

use std::time::{Duration, Instant};

use crate::harness::Project;

const PIPELINE: &str = r#"pipeline "slow" {
  seed = 1
}

stage raw: collect {
  source = "data/telco_churn.csv"
}

stage tidy: clean {
  input = raw
  impute = { numeric = median }
  one_hot = all_categorical
  keep = ["churn"]
}

# Far more trees than any test waits for.
stage slow: model {
  input = tidy
  target = "churn"
  positive = "Yes"
  algorithm = gradient_boosting
  n_trees = 100000
  learning_rate = 0.001
}

stage quick: clean {
  input = raw
  dedupe = true
}
"#;

#[test]
fn a_built_in_stage_past_the_timeout_fails_and_the_run_goes_on_without_it() {
    let p = Project::new().with_example("telco-retention");
    p.file("slow.aim", PIPELINE);
    let t0 = Instant::now();
    let out = p.run(&[
        "run",
        "slow.aim",
        "--keep-going",
        "--stage-timeout",
        "5s",
        "--format",
        "json",
    ]);
    let took = t0.elapsed();
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(out.stage_status("slow"), "failed", "{out:?}");
    assert_eq!(out.stage_status("quick"), "done", "{out:?}");
    assert!(
        took < Duration::from_secs(60),
        "it waited for the stage: {took:?}"
    );
    let stderr = out.stderr.replace("\n  | ", " ");
    assert!(stderr.contains("aimass::stage::timeout"), "{stderr}");
    assert!(
        stderr.contains("did not finish within 5s (--stage-timeout)"),
        "{stderr}"
    );
    assert!(stderr.contains("in stage `slow`"), "{stderr}");
}
