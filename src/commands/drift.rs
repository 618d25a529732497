//! `aimass drift BUNDLE --input rows.csv`: how far rows are from the training rows.
//!
//! Per raw input: PSI against the bundle's training profile (numbers binned on the
//! training deciles, text by level) and the missing rate then and now; then the verdict,
//! the worst feature's. Exit codes: 0 no feature above `--alert`; 1 at least one above
//! it (so a scheduled job can page someone); 2 the bundle, the rows or the command line
//! are wrong, including a bundle deployed before profiles existed.

use std::path::PathBuf;

use aimass_engine::StageError;
use aimass_stdlib::bundle;
use aimass_stdlib::drift::{self, FeatureDrift, Thresholds, Verdict};
use serde_json::json;

use crate::diagnostics::emit;
use crate::load::INVALID;

pub struct Args {
    pub bundle: PathBuf,
    pub input: PathBuf,
    pub json: bool,
    pub thresholds: Thresholds,
}

const ALERT: i32 = 1;

pub fn run(args: &Args) -> i32 {
    let t = args.thresholds;
    if !(t.warn >= 0.0 && t.alert >= t.warn && t.alert.is_finite()) {
        emit(
            StageError::new(format!(
                "--warn {} and --alert {} are not two levels with 0 <= warn <= alert",
                t.warn, t.alert
            ))
            .code("aimass::drift::thresholds")
            .help("the defaults are --warn 0.1 --alert 0.25"),
        );
        return INVALID;
    }
    match report(args) {
        Ok(features) => {
            let verdict = features
                .iter()
                .map(|f| f.verdict)
                .max()
                .unwrap_or(Verdict::Unknown);
            if args.json {
                let out = json!({
                    "bundle": args.bundle.display().to_string(),
                    "warn": t.warn,
                    "alert": t.alert,
                    "features": features,
                    "verdict": verdict,
                });
                println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
            } else {
                print!("{}", text(&features, verdict, t));
            }
            if verdict == Verdict::Alert {
                ALERT
            } else {
                0
            }
        }
        Err(e) => {
            emit(e);
            INVALID
        }
    }
}

fn report(args: &Args) -> Result<Vec<FeatureDrift>, StageError> {
    let b = bundle::open(&args.bundle)?;
    let Some(profile) = bundle::open_profile(&b)? else {
        return Err(StageError::new(format!(
            "{} has no training profile, so drift cannot be measured against it",
            b.dir.display()
        ))
        .code(drift::codes::NO_PROFILE)
        .help("it was deployed by an aimass without profiles; run the pipeline again to deploy it with one"));
    };
    let rows = bundle::read_rows(&args.input)?;
    drift::compare(&profile, &rows, args.thresholds)
}

fn text(features: &[FeatureDrift], verdict: Verdict, t: Thresholds) -> String {
    let width = features
        .iter()
        .map(|f| f.feature.len())
        .max()
        .unwrap_or(7)
        .max(7);
    let mut out = format!(
        "{:width$}  {:<11}  {:>8}  {:>13}  {:>11}  verdict\n",
        "feature", "kind", "psi", "missing train", "missing now"
    );
    for f in features {
        let psi = f.psi.map_or("-".to_string(), |p| format!("{p:.4}"));
        out.push_str(&format!(
            "{:width$}  {:<11}  {:>8}  {:>12.1}%  {:>10.1}%  {}\n",
            f.feature,
            f.kind,
            psi,
            f.missing_train * 100.0,
            f.missing_now * 100.0,
            f.verdict.word()
        ));
    }
    let drifted: Vec<&str> = features
        .iter()
        .filter(|f| f.verdict == Verdict::Alert)
        .map(|f| f.feature.as_str())
        .collect();
    out.push_str(&match verdict {
        Verdict::Alert => format!(
            "verdict: alert: PSI above {} for {}\n",
            t.alert,
            drifted.join(", ")
        ),
        Verdict::Warn => format!("verdict: warn: some PSI at or above {}\n", t.warn),
        Verdict::Stable => format!("verdict: stable: every PSI below {}\n", t.warn),
        Verdict::Unknown => "verdict: unknown: no values to compare\n".to_string(),
    });
    out
}
