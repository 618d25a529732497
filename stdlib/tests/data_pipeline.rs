//! The data stages through the engine: the telco example's collect -> clean -> split ->
//! clean runs, its outputs are byte-identical whatever the thread count, and editing the
//! data file re-runs collect.
#![allow(clippy::unwrap_used)]

mod data_support;

use aimass_dsl::ir::SourceFormat;
use aimass_dsl::SourceFile;
use aimass_engine::cache::Cache;
use aimass_engine::run::{self, NoEvents, RunOptions, RunOutcome};
use aimass_stdlib::data::Recipe;
use data_support::*;

const PIPELINE: &str = r#"
pipeline "telco-data" { seed = 42 }
stage raw: collect { source = "data/telco_churn.csv" }
stage base: clean { input = raw, dedupe = true }
stage parts: split { input = base, test = 0.2, stratify = "churn" }
stage tidy: clean {
  input = parts.train
  impute = { numeric = median, categorical = mode }
  standardize = all_numeric
  one_hot = all_categorical
  keep = ["churn"]
}
"#;

fn run_in(dir: &std::path::Path, jobs: usize, force: bool) -> RunOutcome {
    let src = SourceFile::new("p.aim", PIPELINE, SourceFormat::Aim);
    let ir = aimass_dsl::parse(&src).unwrap();
    let wf = aimass_engine::check(&src, &ir, &aimass_stdlib::registry()).unwrap();
    let mut opts = RunOptions::new(dir.to_path_buf());
    opts.jobs = jobs;
    opts.force = force;
    run::run(&wf, &opts, &mut NoEvents)
}

fn hashes(o: &RunOutcome) -> Vec<(String, String, String)> {
    o.record
        .stages
        .iter()
        .flat_map(|s| {
            s.outputs
                .iter()
                .map(move |(p, h)| (s.name.clone(), p.clone(), h.clone()))
        })
        .collect()
}

#[test]
fn the_telco_data_stages_run_end_to_end_deterministically() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("data")).unwrap();
    std::fs::copy(
        telco_dir().join("data/telco_churn.csv"),
        dir.path().join("data/telco_churn.csv"),
    )
    .unwrap();

    let one = run_in(dir.path(), 1, false);
    assert!(
        one.success(),
        "{:?}",
        one.failures
            .iter()
            .map(|f| f.error.message.clone())
            .collect::<Vec<_>>()
    );
    let two = run_in(dir.path(), 2, true);
    assert_eq!(
        hashes(&one),
        hashes(&two),
        "same bytes whatever the thread count"
    );
    let cached = run_in(dir.path(), 2, false);
    assert!(cached.record.stages.iter().all(|s| s.cached));

    let cache = Cache::new(dir.path().join(".aimass/cache"));
    let tidy = cache.load(&one.entries["tidy"].outputs["out"]).unwrap();
    let tidy = tidy.as_frame().unwrap();
    assert_eq!(tidy.data.height(), 7021 - 1405);
    assert_eq!(null_count(&tidy.data), 0);
    let train = cache.load(&one.entries["parts"].outputs["train"]).unwrap();
    let replayed = Recipe::from_json(&tidy.recipe)
        .unwrap()
        .apply(&train.as_frame().unwrap().data)
        .unwrap();
    assert!(
        replayed.equals_missing(&tidy.data),
        "the recipe read back from the cache replays exactly"
    );

    // Editing the data re-runs collect.
    let path = dir.path().join("data/telco_churn.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replacen("29.85,29.85", "29.85,29.86", 1)).unwrap();
    let edited = run_in(dir.path(), 2, false);
    assert!(
        !edited
            .record
            .stages
            .iter()
            .find(|s| s.name == "raw")
            .unwrap()
            .cached
    );
}
