//! examples/ci/github-actions.yml: the aimass commands its steps run, run here in a copy of
//! the pipeline it names, with the cache and the lock file where the workflow expects them.

use crate::harness::{repo, Project};

/// The workflow's `env:` value for `key`.
fn env_value(workflow: &str, key: &str) -> String {
    let prefix = format!("{key}: ");
    workflow
        .lines()
        .find_map(|l| l.trim().strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("the workflow sets no {key}"))
        .to_owned()
}

/// Each step's `run: aimass ...` command, split into arguments, `$PIPELINE` filled in.
fn aimass_steps(workflow: &str, pipeline: &str) -> Vec<Vec<String>> {
    workflow
        .lines()
        .filter_map(|l| l.trim().strip_prefix("run: aimass "))
        .map(|cmd| {
            cmd.split_whitespace()
                .map(|a| a.replace("\"$PIPELINE\"", pipeline))
                .collect()
        })
        .collect()
}

#[test]
fn the_ci_workflow_runs_its_pipeline_and_fails_on_a_gate() {
    let workflow = std::fs::read_to_string(repo().join("examples/ci/github-actions.yml")).unwrap();
    let dir = env_value(&workflow, "PIPELINE_DIR");
    let pipeline = env_value(&workflow, "PIPELINE");
    let example = dir.strip_prefix("examples/").expect("an example directory");
    let steps = aimass_steps(&workflow, &pipeline);
    let names: Vec<&str> = steps.iter().map(|s| s[0].as_str()).collect();
    assert_eq!(names, ["check", "run", "report"], "{steps:?}");

    // The lock file the cache key hashes is committed with the pipeline.
    assert!(repo().join(&dir).join(format!("{pipeline}.lock")).is_file());
    let p = Project::new().with_example(example);
    for step in &steps {
        let args: Vec<&str> = step.iter().map(String::as_str).collect();
        let out = p.run(&args);
        assert_eq!(out.code, 0, "{step:?}: {out:?}");
    }
    assert!(p.read("report.html").contains("<svg"));
    // The directory the workflow caches is where the stage results went.
    assert!(p.path(".aimass/cache").is_dir());

    // A gate that is not met fails the run step (exit 1); the report step still works.
    let strict = p
        .read(&pipeline)
        .replace("roc_auc >= 0.75", "roc_auc >= 0.99");
    p.file(&pipeline, strict);
    let run = p.run(&["run", &pipeline]);
    assert_eq!(run.code, 1, "{run:?}");
    let report = p.run(&["report", &pipeline, "--output", "report.html"]);
    assert_eq!(report.code, 0, "{report:?}");
}
