//! `aimass report FILE [--run ID] [--output report.html]`: one self-contained HTML page
//! about a run (the latest of the pipeline, or the one named), rendered by `crate::report`
//! from the run record and the outputs the cache still holds.
//!
//! Exit codes: 0 written; 1 nothing to report yet (the pipeline has never run) or the page
//! cannot be written; 2 the pipeline file or the command line is wrong (an unknown run id,
//! or the id of another pipeline's run).

use std::collections::BTreeMap;
use std::path::PathBuf;

use aimass_engine::cache::Cache;
use aimass_engine::run::{StageRecord, StageState, StoredRun};
use aimass_engine::{Artifact, ArtifactType, StageError};
use aimass_stdlib::estimator::importance::explain;
use aimass_stdlib::estimator::TrainedModel;
use serde_json::Value as Json;

use super::metrics::{diff, scores_of};
use crate::diagnostics::emit;
use crate::load::{self, INVALID};
use crate::report::{Comparison, Report, Section};

pub struct Args {
    pub file: PathBuf,
    pub run: Option<String>,
    pub output: PathBuf,
    pub cache_dir: Option<PathBuf>,
}

const NOT_YET: i32 = 1;
const RUN_CODE: &str = "aimass::report::run";
const WRITE_CODE: &str = "aimass::report::write";

/// Run ids listed in a diagnostic.
const LISTED: usize = 5;

pub fn run(args: &Args) -> i32 {
    let (_, _, workflow) = match load::checked_read_only(&args.file) {
        Ok(w) => w,
        Err(code) => return code,
    };
    let project = load::project_dir(&args.file);
    let cache = Cache::new(
        args.cache_dir
            .clone()
            .unwrap_or_else(|| project.join(".aimass").join("cache")),
    );
    let all = super::run_records(&project);
    let pipeline = workflow.name().to_string();
    let mine: Vec<&StoredRun> = all
        .iter()
        .filter(|r| r.record.pipeline == pipeline)
        .collect();
    let index = match pick(args, &pipeline, &all, &mine) {
        Ok(i) => i,
        Err(code) => return code,
    };
    let chosen = mine[index];
    let earlier: Vec<aimass_engine::run::RunRecord> =
        mine[index + 1..].iter().map(|r| r.record.clone()).collect();
    let record = &chosen.record;
    let report = Report {
        pipeline: pipeline.clone(),
        file: args.file.display().to_string(),
        run_id: chosen.id.clone(),
        started: record.started,
        wall_ms: record.wall_ms,
        jobs: record.jobs,
        success: record.success,
        stages: record.stages.clone(),
        sections: record
            .stages
            .iter()
            .flat_map(|s| sections(&cache, s))
            .collect(),
        comparison: comparison(&cache, &record.stages, &earlier),
    };
    let page = crate::report::render(&report);
    match aimass_engine::atomic::write_file(&args.output, page.as_bytes()) {
        Ok(()) => {
            eprintln!(
                "wrote the report of run {} of {pipeline} to {}",
                chosen.id,
                args.output.display()
            );
            0
        }
        Err(e) => {
            emit(
                StageError::new(format!("cannot write {}: {e}", args.output.display()))
                    .code(WRITE_CODE)
                    .help("choose another path with --output"),
            );
            NOT_YET
        }
    }
}

/// The index in `mine` of the run to report on, or the exit code after saying why not.
fn pick(args: &Args, pipeline: &str, all: &[StoredRun], mine: &[&StoredRun]) -> Result<usize, i32> {
    let recent = || {
        let ids: Vec<&str> = mine.iter().take(LISTED).map(|r| r.id.as_str()).collect();
        if ids.is_empty() {
            format!("{pipeline} has not run yet")
        } else {
            format!("its latest runs: {}", ids.join(", "))
        }
    };
    match &args.run {
        None if mine.is_empty() => {
            emit(
                StageError::new(format!(
                    "{} has no run to report on yet",
                    args.file.display()
                ))
                .code(RUN_CODE)
                .help(format!("run `aimass run {}` first", args.file.display())),
            );
            Err(NOT_YET)
        }
        None => Ok(0),
        Some(id) => {
            let id = id.trim_end_matches(".json");
            if let Some(i) = mine.iter().position(|r| r.id == id) {
                return Ok(i);
            }
            let e = match all.iter().find(|r| r.id == id) {
                Some(other) => StageError::new(format!(
                    "run {id} is a run of pipeline `{}`, not of `{pipeline}` ({})",
                    other.record.pipeline,
                    args.file.display()
                ))
                .help(format!(
                    "report on it with its own pipeline file ({}); {}",
                    other.record.file,
                    recent()
                )),
                None => {
                    StageError::new(format!("there is no run {id} of `{pipeline}`")).help(format!(
                        "run ids are the names of the records in .aimass/runs/ (without .json); {}",
                        recent()
                    ))
                }
            };
            emit(e.code(RUN_CODE));
            Err(INVALID)
        }
    }
}

/// What the page shows of one stage: its evaluation, model and trials, read from the cache.
fn sections(cache: &Cache, stage: &StageRecord) -> Vec<Section> {
    const SHOWN: [&str; 4] = ["evaluate", "model", "tune", "fuse"];
    if !SHOWN.contains(&stage.kind.as_str())
        || !matches!(stage.status, StageState::Done | StageState::Cached)
    {
        return Vec::new();
    }
    let missing = |why: String| {
        vec![Section::Missing {
            stage: stage.name.clone(),
            why,
        }]
    };
    let Some(entry) = stage.key.as_deref().and_then(|k| cache.lookup(k)) else {
        return missing(
            "its outputs are no longer in the cache (removed by `aimass cache gc`?); run the pipeline again to report on them".to_string(),
        );
    };
    let mut out = Vec::new();
    for (port, o) in &entry.outputs {
        let ty = ArtifactType::from(o.ty);
        if !matches!(ty, ArtifactType::Model | ArtifactType::Metrics) {
            continue;
        }
        match cache.load(o) {
            Ok(Artifact::Model(m)) => {
                let (summary, explained) = match TrainedModel::from_artifact(&m) {
                    Ok(t) => (t.summary(), explain(&t)),
                    Err(e) => (
                        m.summary.clone(),
                        Err(format!("cannot read the model: {e}")),
                    ),
                };
                out.push(Section::Model {
                    stage: stage.name.clone(),
                    summary,
                    explained,
                });
            }
            Ok(Artifact::Metrics(j)) if stage.kind == "evaluate" => out.push(Section::Evaluate {
                stage: stage.name.clone(),
                metrics: j,
            }),
            Ok(Artifact::Metrics(j)) if j["trials"].is_array() => out.push(Section::Tune {
                stage: stage.name.clone(),
                trials: j,
            }),
            Ok(_) => {}
            Err(e) => out.extend(missing(format!(
                "cannot read `{}.{port}` from the cache: {e}",
                stage.name
            ))),
        }
    }
    out
}

/// `aimass metrics --diff`'s rows for this run's stages against earlier runs of the pipeline.
fn comparison(
    cache: &Cache,
    stages: &[StageRecord],
    earlier: &[aimass_engine::run::RunRecord],
) -> Vec<Comparison> {
    let current: BTreeMap<String, (Option<String>, Json)> = stages
        .iter()
        .filter_map(|s| {
            let key = s.key.clone()?;
            let scores = scores_of(cache, &key)?;
            Some((s.name.clone(), (Some(key), scores)))
        })
        .collect();
    diff(cache, &current, earlier)
        .into_iter()
        .map(|r| Comparison {
            change: r.change(),
            stage: r.stage,
            metric: r.metric,
            old: r.old,
            new: r.new,
        })
        .collect()
}
