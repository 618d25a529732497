//! `aimass run`.

use std::collections::BTreeMap;

use aimass_engine::cache::Cache;
use aimass_engine::run::{self, LockFile, RunOutcome, StageState};
use aimass_engine::Artifact;
use serde_json::{json, Value as Json};

use crate::cli::{OutputFormat, RunArgs};
use crate::progress::{seconds, Progress};
use crate::{diagnostics, load};

pub fn run(args: &RunArgs) -> i32 {
    let (workflow, mut opts) = match load::for_run(args) {
        Ok(w) => w,
        Err(code) => return code,
    };
    opts.stop = crate::interrupt::install();
    let mut progress = Progress::new(args.quiet || args.format == OutputFormat::Json);
    let outcome = run::run(&workflow, &opts, &mut progress);
    progress.finish();

    let runs_dir = opts.project_dir.join(".aimass").join("runs");
    if let Err(e) = outcome.record.write(&runs_dir) {
        eprintln!(
            "warning: cannot write the run record under {}: {e}",
            runs_dir.display()
        );
    }
    update_lock(&args.file, &workflow, &outcome);

    let cache = Cache::new(&opts.cache_dir);
    let (metrics, notes) = collect_metrics(&cache, &outcome);
    let code = if outcome.record.interrupted {
        crate::interrupt::EXIT_INTERRUPTED
    } else if outcome.success() {
        0
    } else {
        1
    };
    match args.format {
        OutputFormat::Json => println!("{}", summary_json(&outcome, &metrics, code)),
        OutputFormat::Text => {
            if !args.quiet {
                print_summary(&outcome, &metrics);
                for (stage, note) in &notes {
                    println!("{stage}: {note}");
                }
            }
        }
    }
    for failure in outcome.failures {
        diagnostics::emit(failure);
    }
    code
}

/// Records every stage that succeeded in this run in `FILE.lock`; drops stages the pipeline
/// no longer has.
fn update_lock(file: &std::path::Path, workflow: &aimass_engine::Workflow, outcome: &RunOutcome) {
    let path = LockFile::path_for(file);
    let mut lock = crate::load::lock_or_warn(file);
    lock.pipeline = workflow.name().to_string();
    let names: std::collections::BTreeSet<&str> = workflow.stage_names().collect();
    lock.stages.retain(|name, _| names.contains(name.as_str()));
    for (name, entry) in &outcome.entries {
        lock.stages
            .insert(name.clone(), run::LockStage::from_entry(entry));
    }
    if let Err(e) = lock.write(&path) {
        eprintln!("warning: cannot write {}: {e}", path.display());
    }
}

/// Stage -> its Metrics outputs' `scores`, and stage -> their `summary` line (the
/// conventions metrics artifacts follow; tune's summary names the winning configuration).
fn collect_metrics(
    cache: &Cache,
    outcome: &RunOutcome,
) -> (BTreeMap<String, Json>, BTreeMap<String, String>) {
    let mut out = BTreeMap::new();
    let mut notes = BTreeMap::new();
    for (stage, entry) in &outcome.entries {
        for rec in entry.outputs.values() {
            if aimass_engine::ArtifactType::from(rec.ty) != aimass_engine::ArtifactType::Metrics {
                continue;
            }
            if let Ok(Artifact::Metrics(m)) = cache.load(rec) {
                if let Some(scores) = m.get("scores") {
                    out.insert(stage.clone(), scores.clone());
                }
                if let Some(note) = m.get("summary").and_then(Json::as_str) {
                    notes.insert(stage.clone(), note.to_string());
                }
            }
        }
    }
    (out, notes)
}

fn print_summary(outcome: &RunOutcome, metrics: &BTreeMap<String, Json>) {
    let stages = &outcome.record.stages;
    let w = stages
        .iter()
        .map(|s| s.name.len())
        .max()
        .unwrap_or(5)
        .max(5);
    let k = stages
        .iter()
        .map(|s| s.kind.len())
        .max()
        .unwrap_or(4)
        .max(4);
    println!(
        "\n{:w$}  {:k$}  {:8}  {:>9}",
        "stage", "kind", "status", "time"
    );
    for s in stages {
        let time = if s.cached || s.status.not_run() {
            "-".to_string()
        } else {
            seconds(std::time::Duration::from_secs_f64(s.wall_ms / 1000.0))
        };
        println!("{:w$}  {:k$}  {:8}  {:>9}", s.name, s.kind, s.status, time);
    }
    let ran = stages
        .iter()
        .filter(|s| s.status == StageState::Done)
        .count();
    let cached = stages.iter().filter(|s| s.cached).count();
    let interrupted = stages
        .iter()
        .filter(|s| s.status == StageState::Interrupted)
        .count();
    let interrupted = if outcome.record.interrupted {
        format!(", {interrupted} interrupted")
    } else {
        String::new()
    };
    println!(
        "{} stages: {ran} ran, {cached} cached, {} failed, {} skipped{interrupted} in {}",
        stages.len(),
        stages
            .iter()
            .filter(|s| s.status == StageState::Failed)
            .count(),
        stages
            .iter()
            .filter(|s| s.status == StageState::Skipped)
            .count(),
        seconds(std::time::Duration::from_secs_f64(
            outcome.record.wall_ms / 1000.0
        ))
    );
    if !metrics.is_empty() {
        print!("{}", crate::commands::metrics_table(metrics));
    }
}

fn summary_json(outcome: &RunOutcome, metrics: &BTreeMap<String, Json>, code: i32) -> Json {
    let failures: Vec<Json> = outcome
        .failures
        .iter()
        .map(|f| {
            json!({
                "stage": f.stage,
                "kind": f.kind,
                "code": f.error.code,
                "message": f.error.message,
                "help": f.error.help,
            })
        })
        .collect();
    json!({
        "pipeline": outcome.record.pipeline,
        "file": outcome.record.file,
        "success": outcome.success(),
        "exit_code": code,
        "wall_ms": outcome.record.wall_ms,
        "stages": outcome.record.stages,
        "failures": failures,
        "metrics": metrics,
    })
}
