//! `aimass predict BUNDLE --input rows.csv`: score rows with a deployed bundle.
//!
//! The output is [`bundle::campaign_list`]'s, as the `score` stage's: the `--keep` columns,
//! the predictions, then `decile` and `rank` for a model that ranks rows. Rows stay in input
//! order, unless `--top` cuts the list to its best rows, best first.
//!
//! Exit codes: 0 scored; 1 the rows could not be scored (a column missing, a bad value);
//! 2 the bundle or the command line is wrong (no bundle there, a tampered model file).

use aimass_engine::StageError;
use aimass_stdlib::bundle::{self, PredictionFormat};
use std::io::Write;

use crate::cli::{PredictArgs as Args, PredictFormat};
use crate::diagnostics::emit;
use crate::load::INVALID;

/// Exit code when the rows cannot be scored.
const FAILED: i32 = 1;

pub fn run(args: &Args) -> i32 {
    if !(0.0..=1.0).contains(&args.threshold) {
        eprintln!("error: --threshold must be between 0 and 1");
        return INVALID;
    }
    let bundle = match bundle::open(&args.bundle) {
        Ok(b) => b,
        // A path that is no bundle is a wrong argument; a bundle that fails its checks is not.
        Err(e) if e.code == bundle::codes::NOT_A_BUNDLE => return fail(e, INVALID),
        Err(e) => return fail(e, FAILED),
    };
    // A model fitted by a plugin estimator needs that very library: found and checked by
    // hash before the rows are read.
    if !bundle.manifest.plugins.is_empty() {
        let opts = crate::load::host_options(&args.plugins);
        match aimass_plugin_host::load_for_bundle(&bundle.manifest.plugins, &bundle.dir, &opts) {
            Ok(loaded) => {
                let plugins = aimass_plugin_host::Plugins { loaded };
                for e in plugins.estimators() {
                    aimass_stdlib::estimator::external::register(e);
                }
            }
            Err(missing) => {
                for m in missing {
                    let e = StageError::new(m.to_string())
                        .code("aimass::predict::plugin")
                        .help(m.help());
                    emit(e);
                }
                return INVALID;
            }
        }
    }
    let rows = match bundle::read_rows(&args.input) {
        Ok(r) => r,
        Err(e) => return fail(e, INVALID),
    };
    let format = match (args.format, &args.output) {
        (Some(PredictFormat::Csv), _) => PredictionFormat::Csv,
        (Some(PredictFormat::Json), _) => PredictionFormat::Json,
        (Some(PredictFormat::Ndjson), _) => PredictionFormat::Ndjson,
        (Some(PredictFormat::Parquet), _) => PredictionFormat::Parquet,
        (None, Some(path)) => PredictionFormat::from_path(path),
        (None, None) => PredictionFormat::Csv,
    };
    if format == PredictionFormat::Parquet && args.output.is_none() {
        eprintln!("error: Parquet is a binary format: name the file with --output x.parquet");
        return INVALID;
    }
    let opts = bundle::ListOptions {
        keep: Some(args.keep.clone()),
        top: args.top,
        sort: false,
        threshold: args.threshold,
    };
    let list = bundle::campaign_list(&bundle.model, &bundle.manifest.inputs, &rows, &opts);
    let mut predictions = match list {
        Ok(p) => p,
        Err(e) if e.code == bundle::list::codes::NO_RANKING => return fail(e, INVALID),
        Err(e) => return fail(e, FAILED),
    };
    let mut out: Box<dyn Write> = match &args.output {
        Some(path) => match std::fs::File::create(path) {
            Ok(f) => Box::new(std::io::BufWriter::new(f)),
            Err(e) => {
                let e = StageError::new(format!("cannot create {}: {e}", path.display()));
                return fail(e, INVALID);
            }
        },
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    let written = bundle::write_predictions(&mut predictions, format, &mut out).and_then(|()| {
        out.flush()
            .map_err(|e| StageError::new(format!("cannot write the predictions: {e}")))
    });
    match written {
        Ok(()) => 0,
        Err(e) => fail(e, FAILED),
    }
}

fn fail(e: StageError, code: i32) -> i32 {
    emit(e);
    code
}
