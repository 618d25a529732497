//! Fit time of the default decision tree on the flights training split, against
//! scikit-learn's `DecisionTreeClassifier` on the same matrix.
//!
//! Preparation, through aimass's own stages: collect `flights_late.csv` (the shared data
//! set: `$AIMASS_FLIGHTS`, else `../shared/data/flights_late.csv` beside the workspace), clean
//! { drop rows without `late`, one-hot `carrier`/`origin`/`dest` with every level, numerics as
//! they are }, stratified 80/20 split with seed 42. The training frame is then written to CSV and
//! `sklearn_tree_fit.py` (next to this file) fits scikit-learn on exactly those rows.
//!
//! ```text
//! cargo bench -p aimass-stdlib --bench tree_fit
//! ```
//!
//! Set `AIMASS_BENCH_LINFA=1` to also time linfa-trees on a 20,000-row sample, and
//! `RAYON_NUM_THREADS=1` to time our tree on one thread (scikit-learn's tree uses one).
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use aimass_dsl::ir::SourceFormat;
use aimass_dsl::SourceFile;
use aimass_engine::cache::Cache;
use aimass_engine::run::{self, NoEvents, RunOptions};
use aimass_stdlib::estimator::fitted::{Fitted, Target};
use aimass_stdlib::estimator::labels::{column_labels, encode_new};
use aimass_stdlib::estimator::matrix::{select_features, to_matrix};
use aimass_stdlib::estimator::spec::{Algorithm, ClassTreeSpec};
use linfa::prelude::*;
use polars::prelude::{CsvWriter, SerWriter};

const PIPELINE: &str = r#"
pipeline "flights-bench" { seed = 42 }
stage raw: collect { source = "data/flights_late.csv" }
stage prepared: clean {
  input = raw
  drop_missing = ["late"]
  one_hot = ["carrier", "origin", "dest"]
  max_levels = 1000
  keep = ["late"]
}
stage parts: split { input = prepared, test = 0.2, stratify = "late" }
"#;

fn flights_csv() -> Option<PathBuf> {
    let p = match std::env::var_os("AIMASS_FLIGHTS") {
        Some(p) => PathBuf::from(p),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/flights_late.csv"),
    };
    p.exists().then_some(p)
}

fn main() {
    let Some(csv) = flights_csv() else {
        println!("flights_late.csv not found (set AIMASS_FLIGHTS); skipping the tree benchmark");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("data")).unwrap();
    std::fs::copy(&csv, dir.path().join("data/flights_late.csv")).unwrap();

    let started = Instant::now();
    let src = SourceFile::new("bench.aim", PIPELINE, SourceFormat::Aim);
    let ir = aimass_dsl::parse(&src).unwrap();
    let wf = aimass_engine::check(&src, &ir, &aimass_stdlib::registry()).unwrap();
    let outcome = run::run(
        &wf,
        &RunOptions::new(dir.path().to_path_buf()),
        &mut NoEvents,
    );
    assert!(outcome.success(), "preparation failed");
    let cache = Cache::new(dir.path().join(".aimass/cache"));
    let train = cache
        .load(&outcome.entries["parts"].outputs["train"])
        .unwrap();
    let mut train = train.as_frame().unwrap().data.clone();
    println!(
        "preparation (collect, clean, split): {:.2} s",
        started.elapsed().as_secs_f64()
    );

    let t = Instant::now();
    let names = select_features(&train, None, Some("late")).unwrap();
    let x = to_matrix(&train, &names).unwrap();
    let (classes, y) = encode_new(&column_labels(train.column("late").unwrap()).unwrap());
    println!(
        "training matrix: {} rows x {} features ({:.2} s to build)",
        x.nrows(),
        x.ncols(),
        t.elapsed().as_secs_f64()
    );

    let alg = Algorithm::DecisionTree(ClassTreeSpec::default());
    let target = Target::Classes {
        y: &y,
        n_classes: classes.len(),
    };
    let mut times = Vec::new();
    let mut leaves = 0;
    let mut last = None;
    for _ in 0..3 {
        let t = Instant::now();
        let fitted = Fitted::fit(&alg, &x, target, 42).unwrap();
        times.push(t.elapsed().as_secs_f64());
        if let Fitted::ClassTree(tree) = &fitted {
            leaves = tree.n_leaves();
        }
        last = Some(fitted);
    }
    times.sort_by(f64::total_cmp);
    let ours = times[0];
    println!(
        "aimass decision tree (defaults, {} threads): best of 3 {ours:.2} s, median {:.2} s, {leaves} leaves",
        rayon::current_num_threads(),
        times[1]
    );

    if let Some(fitted) = &last {
        let t = Instant::now();
        let bytes = serde_json::to_vec(fitted).unwrap();
        let write = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let _: Fitted = serde_json::from_slice(&bytes).unwrap();
        println!(
            "model bytes (JSON): {:.1} MB, written in {write:.2} s, read in {:.2} s",
            bytes.len() as f64 / 1e6,
            t.elapsed().as_secs_f64()
        );
    }

    if std::env::var_os("AIMASS_BENCH_LINFA").is_some() {
        linfa_sample(&x, &y);
    }

    let export = dir.path().join("flights_train.csv");
    let f = std::fs::File::create(&export).unwrap();
    CsvWriter::new(f).finish(&mut train).unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../benches/tree/sklearn_tree_fit.py");
    let out = Command::new("python3").arg(&script).arg(&export).output();
    match out {
        Ok(o) if o.status.success() => {
            let text = String::from_utf8_lossy(&o.stdout);
            print!("{text}");
            let sk = text
                .lines()
                .find_map(|l| l.strip_prefix("sklearn_fit_seconds="))
                .and_then(|v| v.trim().parse::<f64>().ok());
            if let Some(sk) = sk {
                println!("ratio sklearn / aimass: {:.2}x", sk / ours);
            }
        }
        Ok(o) => println!(
            "scikit-learn run failed: {}",
            String::from_utf8_lossy(&o.stderr)
        ),
        Err(e) => println!(
            "python3 not available ({e}); run {} yourself",
            script.display()
        ),
    }
}

/// linfa-trees on a sample, for the record: it rescans every row at every node.
fn linfa_sample(x: &ndarray::Array2<f64>, y: &[usize]) {
    let n = 20_000.min(x.nrows());
    let xs = x.slice(ndarray::s![..n, ..]).to_owned();
    let ys = ndarray::Array1::from(y[..n].to_vec());
    let t = Instant::now();
    let _ = linfa_trees::DecisionTree::params()
        .max_depth(None)
        .fit(&Dataset::new(xs.clone(), ys.clone()))
        .unwrap();
    let linfa = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let alg = Algorithm::DecisionTree(ClassTreeSpec::default());
    let _ = Fitted::fit(
        &alg,
        &xs,
        Target::Classes {
            y: &y[..n],
            n_classes: 2,
        },
        42,
    )
    .unwrap();
    let ours = t.elapsed().as_secs_f64();
    println!(
        "on the first {n} rows: linfa-trees {linfa:.2} s, aimass {ours:.3} s ({:.0}x)",
        linfa / ours
    );
}
