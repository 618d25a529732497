//! In-process scoring speed of a deployed bundle: what `aimass predict` and `aimass serve`
//! spend between having the raw rows in memory and having the predictions, without reading
//! or writing files. benches/predict/run.sh sets it beside scikit-learn's `predict_proba`.
//!
//!   cargo bench -p aimass-stdlib --bench predict_score -- BUNDLE ROWS.csv [REPEATS]
//!
//! Prints one JSON line: rows, the best and median wall time of `bundle::score` over the
//! repeats, and rows per second at the best.

use std::path::PathBuf;
use std::time::Instant;

use aimass_stdlib::bundle;

fn main() {
    // `cargo bench` passes `--bench`; the positional arguments are ours.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let [bundle_path, rows_path, rest @ ..] = args.as_slice() else {
        eprintln!("usage: predict_score BUNDLE ROWS.csv [REPEATS]");
        std::process::exit(2);
    };
    let repeats: usize = rest.first().and_then(|r| r.parse().ok()).unwrap_or(7);
    let fail = |e: aimass_engine::StageError| -> ! {
        eprintln!("{:?}", miette::Report::new(e));
        std::process::exit(1)
    };
    let b = bundle::open(&PathBuf::from(bundle_path)).unwrap_or_else(|e| fail(e));
    let raw = bundle::read_rows(&PathBuf::from(rows_path)).unwrap_or_else(|e| fail(e));
    let mut times = Vec::with_capacity(repeats);
    let mut rows = 0;
    for _ in 0..repeats.max(1) {
        let t = Instant::now();
        let out = bundle::score(&b, &raw, 0.5).unwrap_or_else(|e| fail(e));
        times.push(t.elapsed().as_secs_f64());
        rows = out.height();
    }
    times.sort_by(f64::total_cmp);
    let best = times[0];
    println!(
        "{}",
        serde_json::json!({
            "bundle": bundle_path,
            "rows": rows,
            "best_s": best,
            "median_s": times[times.len() / 2],
            "rows_per_s": rows as f64 / best,
            "threads": rayon::current_num_threads(),
        })
    );
}
