//! `aimass metrics`: the latest scores of every stage that outputs Metrics, and `--diff`
//! against the previous distinct result of each (like `dvc metrics diff`).

use std::collections::BTreeMap;
use std::path::Path;

use aimass_engine::cache::Cache;
use aimass_engine::run::RunRecord;
use aimass_engine::{Artifact, ArtifactType};
use serde_json::{json, Value as Json};

use crate::cli::OutputFormat;
use crate::load;

pub fn run(file: &Path, diff: bool, format: OutputFormat, cache_dir: Option<&Path>) -> i32 {
    let (_, _, workflow) = match load::checked_read_only(file) {
        Ok(w) => w,
        Err(code) => return code,
    };
    let project = load::project_dir(file);
    let cache = Cache::new(
        cache_dir
            .map(Path::to_path_buf)
            .unwrap_or_else(|| project.join(".aimass").join("cache")),
    );
    let lock = load::lock_or_warn(file);
    let mut current: BTreeMap<String, Json> = BTreeMap::new();
    for name in workflow.stage_names() {
        if let Some(scores) = lock
            .stages
            .get(name)
            .and_then(|s| scores_of(&cache, &s.key))
        {
            current.insert(name.to_string(), scores);
        }
    }
    if current.is_empty() {
        eprintln!("no metrics yet: run `aimass run {}` first", file.display());
        return 1;
    }
    if !diff {
        match format {
            OutputFormat::Json => println!("{}", json!(current)),
            OutputFormat::Text => print!("{}", super::metrics_table(&current)),
        }
        return 0;
    }
    let runs: Vec<RunRecord> = super::run_records(&project)
        .into_iter()
        .take(200)
        .map(|r| r.record)
        .collect();
    let keyed: BTreeMap<String, (Option<String>, Json)> = current
        .into_iter()
        .map(|(stage, scores)| {
            let key = lock.stages.get(&stage).map(|s| s.key.clone());
            (stage, (key, scores))
        })
        .collect();
    let rows: Vec<(String, String, Option<f64>, Option<f64>)> = self::diff(&cache, &keyed, &runs)
        .into_iter()
        .map(|r| (r.stage, r.metric, r.old, r.new))
        .collect();
    match format {
        OutputFormat::Json => {
            let items: Vec<Json> = rows
                .iter()
                .map(|(s, m, o, n)| json!({ "stage": s, "metric": m, "old": o, "new": n, "change": change(*o, *n) }))
                .collect();
            println!("{}", Json::Array(items));
        }
        OutputFormat::Text => {
            let w = rows.iter().map(|r| r.0.len()).max().unwrap_or(5).max(5);
            let mw = rows.iter().map(|r| r.1.len()).max().unwrap_or(6).max(6);
            println!(
                "{:w$}  {:mw$}  {:>10}  {:>10}  {:>10}",
                "stage", "metric", "old", "new", "change"
            );
            let cell = |v: Option<f64>| v.map(|x| format!("{x:.4}")).unwrap_or_else(|| "-".into());
            for (s, m, o, n) in &rows {
                let ch = change(*o, *n)
                    .map(|c| format!("{c:+.4}"))
                    .unwrap_or_else(|| "-".into());
                println!(
                    "{s:w$}  {m:mw$}  {:>10}  {:>10}  {:>10}",
                    cell(*o),
                    cell(*n),
                    ch
                );
            }
        }
    }
    0
}

fn change(old: Option<f64>, new: Option<f64>) -> Option<f64> {
    Some(new? - old?)
}

/// One metric of one stage: now, and in the stage's previous distinct result.
pub struct DiffRow {
    pub stage: String,
    pub metric: String,
    pub old: Option<f64>,
    pub new: Option<f64>,
}

impl DiffRow {
    pub fn change(&self) -> Option<f64> {
        change(self.old, self.new)
    }
}

/// What `--diff` prints (and `aimass report` shows): for each stage of `current` (stage ->
/// its cache key and scores), every metric next to the stage's newest result in `earlier`
/// (run records, newest first) that has another key, read from the cache.
pub fn diff(
    cache: &Cache,
    current: &BTreeMap<String, (Option<String>, Json)>,
    earlier: &[RunRecord],
) -> Vec<DiffRow> {
    let mut rows = Vec::new();
    for (stage, (key_now, now)) in current {
        let key_now = key_now.as_deref();
        // The newest earlier result of this stage with another key.
        let before = earlier
            .iter()
            .flat_map(|r| r.stages.iter())
            .filter(|s| &s.name == stage && s.key.is_some() && s.key.as_deref() != key_now)
            .find_map(|s| s.key.as_deref().and_then(|k| scores_of(cache, k)));
        let names: Vec<String> = now
            .as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default();
        for m in names {
            let new = now.get(&m).and_then(Json::as_f64);
            let old = before
                .as_ref()
                .and_then(|b| b.get(&m))
                .and_then(Json::as_f64);
            rows.push(DiffRow {
                stage: stage.clone(),
                metric: m,
                old,
                new,
            });
        }
    }
    rows
}

/// The `scores` of the Metrics outputs of a cached entry.
pub fn scores_of(cache: &Cache, key: &str) -> Option<Json> {
    let entry = cache.lookup(key)?;
    entry
        .outputs
        .values()
        .filter(|o| ArtifactType::from(o.ty) == ArtifactType::Metrics)
        .find_map(|o| match cache.load(o).ok()? {
            Artifact::Metrics(m) => m.get("scores").cloned(),
            _ => None,
        })
}
