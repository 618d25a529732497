//! Gradient boosting on flights, telco and credit: aimass's fit time and test ROC AUC, on
//! rows exported for LightGBM and scikit-learn to fit exactly the same ones
//! (`reference.py` next to this file; `run.sh` runs both and prints the table).
//!
//! Per data set, through aimass's own stages in a temporary project (2 jobs):
//!
//! - flights (`$AIMASS_FLIGHTS`, else `../shared/data/flights_late.csv` beside the
//!   workspace): dedupe, drop rows without `late`, stratified 80/20 split with seed 42,
//!   then a clean fitted on the training rows (median-impute, one-hot carrier, origin,
//!   dest). Exported: the raw train and test rows.
//! - telco, credit (`$AIMASS_DATA`, else `../shared/data/`): dedupe (and drop rows without
//!   the target), stratified 80/20 split, then a clean fitted on the training rows
//!   (median-impute + standardise numerics, mode-impute + one-hot categoricals), the
//!   reference preparation of `shared/data/README.md`. Exported: the raw train and test
//!   rows (the references prepare them the same way).
//!
//! Then `model { algorithm = gradient_boosting }` with its defaults (100 trees, 31 leaves,
//! learning rate 0.1) and a default decision tree, each scored by `evaluate` on the test
//! rows. The fit alone (`Fitted::fit` on the training matrix: binning, bundling, 100
//! rounds) is timed best of 3, and refitted in rayon pools of 1, 2 and 8 threads to show
//! the model bytes do not change.
//!
//! ```text
//! cargo bench -p aimass-stdlib --bench gbdt_fit -- OUT_DIR
//! ```
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::time::Instant;

use aimass_dsl::ir::SourceFormat;
use aimass_dsl::SourceFile;
use aimass_engine::cache::Cache;
use aimass_engine::run::{self, NoEvents, RunOptions, RunOutcome};
use aimass_stdlib::estimator::TrainedModel;
use polars::prelude::{CsvWriter, SerWriter};
use serde_json::{json, Value as Json};

struct Data {
    name: &'static str,
    file: &'static str,
    target: &'static str,
    positive: &'static str,
    /// Pipeline stages up to `parts` (split) and `train` (the model's input).
    prep: &'static str,
    /// Which frames to export as `{name}_train.csv`, `{name}_test.csv`.
    export: [(&'static str, &'static str); 2],
}

// Fitted on the training rows, so the model's recipe prepares the raw test rows (a clean
// before the split would leave `evaluate` prepared rows its recipe cannot apply to).
const FLIGHTS_PREP: &str = r#"
stage base: clean { input = raw, dedupe = true, drop_missing = ["late"] }
stage parts: split { input = base, test = 0.2, stratify = "late" }
stage tidy: clean {
  input = parts.train
  impute = { numeric = median, categorical = mode }
  one_hot = ["carrier", "origin", "dest"]
  max_levels = 200
  keep = ["late"]
}
"#;

fn reference_prep(target: &str) -> String {
    format!(
        r#"
stage base: clean {{ input = raw, dedupe = true, drop_missing = ["{target}"] }}
stage parts: split {{ input = base, test = 0.2, stratify = "{target}" }}
stage tidy: clean {{
  input = parts.train
  impute = {{ numeric = median, categorical = mode }}
  standardize = all_numeric
  one_hot = all_categorical
  keep = ["{target}"]
}}
"#
    )
}

fn shared(file: &str, var: &str) -> Option<PathBuf> {
    let p = match std::env::var_os(var) {
        Some(p) if var == "AIMASS_FLIGHTS" => PathBuf::from(p),
        Some(dir) => PathBuf::from(dir).join(file),
        None => Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../shared/data")
            .join(file),
    };
    p.exists().then_some(p)
}

fn pipeline(d: &Data, prep: &str, model_input: &str) -> String {
    let (t, pos) = (d.target, d.positive);
    format!(
        r#"pipeline "gbdt-{name}" {{ seed = 42 }}
stage raw: collect {{ source = "data/{file}" }}
{prep}
stage gb: model {{ input = {model_input}, target = "{t}", positive = "{pos}", algorithm = gradient_boosting }}
stage gb_eval: evaluate {{ model = gb, data = parts.test, metrics = [roc_auc, accuracy] }}
stage tree: model {{ input = {model_input}, target = "{t}", positive = "{pos}", algorithm = decision_tree }}
stage tree_eval: evaluate {{ model = tree, data = parts.test, metrics = [roc_auc, accuracy] }}
"#,
        name = d.name,
        file = d.file,
    )
}

fn run_pipeline(dir: &Path, text: &str) -> RunOutcome {
    let src = SourceFile::new("bench.aim", text, SourceFormat::Aim);
    let ir = aimass_dsl::parse(&src).unwrap();
    let wf = aimass_engine::check(&src, &ir, &aimass_stdlib::registry())
        .unwrap_or_else(|e| panic!("{:?}", e.errors));
    let mut opts = RunOptions::new(dir.to_path_buf());
    opts.jobs = 2;
    opts.force = true;
    let o = run::run(&wf, &opts, &mut NoEvents);
    let failures: Vec<String> = o
        .failures
        .iter()
        .map(|f| format!("{}: {}", f.stage, f.error.message))
        .collect();
    assert!(o.success(), "{failures:?}");
    o
}

fn load(dir: &Path, o: &RunOutcome, stage: &str, port: &str) -> aimass_engine::Artifact {
    Cache::new(dir.join(".aimass/cache"))
        .load(&o.entries[stage].outputs[port])
        .unwrap()
}

fn score(dir: &Path, o: &RunOutcome, stage: &str, name: &str) -> f64 {
    load(dir, o, stage, "metrics").as_metrics().unwrap()["scores"][name]
        .as_f64()
        .unwrap()
}

fn stage_ms(o: &RunOutcome, stage: &str) -> f64 {
    o.record
        .stages
        .iter()
        .find(|s| s.name == stage)
        .map(|s| s.wall_ms)
        .unwrap()
}

fn bench(d: &Data, csv: &Path, out: &Path) -> Json {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("data")).unwrap();
    std::fs::copy(csv, dir.path().join("data").join(d.file)).unwrap();
    let text = pipeline(d, d.prep, "tidy");
    let o = run_pipeline(dir.path(), &text);
    std::fs::write(out.join(format!("{}.aim", d.name)), &text).unwrap();
    let auc = score(dir.path(), &o, "gb_eval", "roc_auc");
    let accuracy = score(dir.path(), &o, "gb_eval", "accuracy");
    let tree_auc = score(dir.path(), &o, "tree_eval", "roc_auc");
    for (side, (stage, port)) in ["train", "test"].iter().zip(d.export) {
        let a = load(dir.path(), &o, stage, port);
        let mut df = a.as_frame().unwrap().data.clone();
        let f = std::fs::File::create(out.join(format!("{}_{side}.csv", d.name))).unwrap();
        CsvWriter::new(f).finish(&mut df).unwrap();
    }

    // The fit alone, on the model stage's own training matrix.
    let model =
        TrainedModel::from_artifact(load(dir.path(), &o, "gb", "model").as_model().unwrap())
            .unwrap();
    let train = load(dir.path(), &o, "tidy", "out");
    let training = model
        .spec
        .training(&train.as_frame().unwrap().data)
        .unwrap();
    let mut times = Vec::new();
    let mut bytes = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        let m = training.fit(&model.spec.algorithm, model.seed).unwrap();
        times.push(t.elapsed().as_secs_f64());
        bytes = serde_json::to_vec(&m.fitted).unwrap();
    }
    times.sort_by(f64::total_cmp);
    let same_bytes: Vec<bool> = [1, 2, 8]
        .iter()
        .map(|&threads| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let m = pool.install(|| training.fit(&model.spec.algorithm, model.seed).unwrap());
            serde_json::to_vec(&m.fitted).unwrap() == bytes
        })
        .collect();
    let tune = tune_bench(&training);
    let result = json!({
        "tune": tune,
        "rows_train": training.x.nrows(),
        "features": training.x.ncols(),
        "fit_seconds_best": times[0],
        "fit_seconds_median": times[1],
        "model_stage_seconds": stage_ms(&o, "gb") / 1000.0,
        "model_stage_peak_rss_mb": o.record.stages.iter().find(|s| s.name == "gb").map(|s| s.peak_rss_bytes as f64 / 1048576.0),
        "test_roc_auc": auc,
        "test_accuracy": accuracy,
        "tree_test_roc_auc": tree_auc,
        "model_json_bytes": bytes.len(),
        "same_bytes_in_pools_of_1_2_8_threads": same_bytes,
        "blake3": blake3::hash(&bytes).to_hex().to_string(),
        "threads": rayon::current_num_threads(),
    });
    println!(
        "{:8} {} rows x {} features: fit {:.3} s (best of 3; median {:.3}), model stage {:.3} s, test ROC AUC {auc:.4} (tree {tree_auc:.4}), same bytes with 1/2/8 threads: {same_bytes:?}",
        d.name,
        training.x.nrows(),
        training.x.ncols(),
        times[0],
        times[1],
        stage_ms(&o, "gb") / 1000.0
    );
    result
}

/// A 36-configuration gradient-boosting grid, 5-fold, on the training matrix: scored as
/// `tune` scores it (each fold binned once for every trial, configurations equal but for
/// `n_trees` read from one run of the most rounds) and as it scored before that (each
/// configuration alone: binned and boosted per trial and fold), one after the other in this
/// process. The outcomes must be identical; the times are the speedup.
fn tune_bench(training: &aimass_stdlib::estimator::Training) -> Json {
    use aimass_engine::{PKind, ParamValue};
    use aimass_stdlib::estimator::{Metric, PreparedFolds};
    use aimass_stdlib::tune::{Scorer, Space};
    if std::env::var_os("AIMASS_BENCH_NO_TUNE").is_some() {
        return Json::Null;
    }
    let ints = |v: &[i64]| {
        ParamValue::new(
            PKind::List(v.iter().map(|&i| ParamValue::int(i)).collect()),
            Default::default(),
        )
    };
    let floats = |v: &[f64]| {
        ParamValue::new(
            PKind::List(v.iter().map(|&f| ParamValue::float(f)).collect()),
            Default::default(),
        )
    };
    let space = Space::read(
        &ParamValue::new(
            PKind::Map(vec![
                ("n_trees".into(), ints(&[50, 100, 200])),
                ("max_leaves".into(), ints(&[7, 15, 31])),
                ("learning_rate".into(), floats(&[0.05, 0.1])),
                ("min_samples_leaf".into(), ints(&[10, 20])),
            ]),
            Default::default(),
        ),
        "gradient_boosting",
    )
    .unwrap();
    let base = vec![
        (
            "target".to_string(),
            ParamValue::str(training.model.spec.target.as_deref().unwrap_or_default()),
        ),
        (
            "algorithm".to_string(),
            ParamValue::word("gradient_boosting"),
        ),
    ];
    let metric = Metric::from_param(&ParamValue::word("roc_auc")).unwrap();
    let configs = space.grid();
    let time = |shared: bool| {
        let folds = PreparedFolds::new(&training.x, &training.target, 5, 42).unwrap();
        let scorer = Scorer {
            training,
            base: &base,
            space: &space,
            metric: &metric,
            folds: &folds,
            fit_seed: 42,
        };
        let t = Instant::now();
        let outcomes: Vec<_> = if shared {
            scorer
                .score(&configs, None)
                .unwrap()
                .into_iter()
                .map(Option::unwrap)
                .collect()
        } else {
            scorer.score_each(&configs).unwrap()
        };
        (t.elapsed().as_secs_f64(), outcomes)
    };
    let (alone_s, alone) = time(false);
    let (shared_s, shared) = time(true);
    assert_eq!(alone, shared, "sharing changed the scores");
    let best = shared
        .iter()
        .filter_map(|o| o.mean)
        .fold(f64::NEG_INFINITY, f64::max);
    println!(
        "         tune: {} configurations x 5 folds: each alone {alone_s:.2} s, sharing bins and rounds {shared_s:.2} s ({:.1}x), same outcomes, best CV ROC AUC {best:.4}",
        configs.len(),
        alone_s / shared_s
    );
    json!({
        "configurations": configs.len(),
        "folds": 5,
        "each_alone_seconds": alone_s,
        "shared_seconds": shared_s,
        "speedup": alone_s / shared_s,
        "best_cv_roc_auc": best,
    })
}

fn main() {
    let out = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("aimass-gbdt-bench"));
    std::fs::create_dir_all(&out).unwrap();
    let telco_prep = reference_prep("churn");
    let credit_prep = reference_prep("Status");
    let sets = [
        (
            Data {
                name: "flights",
                file: "flights_late.csv",
                target: "late",
                positive: "Yes",
                prep: FLIGHTS_PREP,
                export: [("parts", "train"), ("parts", "test")],
            },
            shared("flights_late.csv", "AIMASS_FLIGHTS"),
        ),
        (
            Data {
                name: "telco",
                file: "telco_churn.csv",
                target: "churn",
                positive: "Yes",
                prep: Box::leak(telco_prep.into_boxed_str()),
                export: [("parts", "train"), ("parts", "test")],
            },
            shared("telco_churn.csv", "AIMASS_DATA"),
        ),
        (
            Data {
                name: "credit",
                file: "credit_data.csv",
                target: "Status",
                positive: "bad",
                prep: Box::leak(credit_prep.into_boxed_str()),
                export: [("parts", "train"), ("parts", "test")],
            },
            shared("credit_data.csv", "AIMASS_DATA"),
        ),
    ];
    let only = std::env::var("AIMASS_BENCH_ONLY").ok();
    let mut results = serde_json::Map::new();
    for (d, csv) in &sets {
        if only
            .as_deref()
            .is_some_and(|o| !o.split(',').any(|n| n == d.name))
        {
            continue;
        }
        let Some(csv) = csv else {
            println!("{}: {} not found; skipped", d.name, d.file);
            continue;
        };
        results.insert(d.name.to_string(), bench(d, csv, &out));
    }
    let path = out.join("aimass.json");
    std::fs::write(&path, serde_json::to_string_pretty(&results).unwrap()).unwrap();
    println!("results and exported rows in {}", out.display());
}
