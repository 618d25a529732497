//! Comparing rows with a profile, feature by feature, and the verdict.

use aimass_engine::{did_you_mean, StageError};
use polars::prelude::DataFrame;
use serde::Serialize;

use super::codes::MISSING_COLUMN;
use super::counts::{bin_column, Counts};
use super::profile::{ColumnProfile, Profile};
use super::psi::psi;

/// PSI levels: at or above `warn` a feature is worth a look, above `alert` it has drifted.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Thresholds {
    pub warn: f64,
    pub alert: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self {
            warn: 0.1,
            alert: 0.25,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// No PSI could be computed (no values on one side).
    Unknown,
    Stable,
    Warn,
    Alert,
}

impl Verdict {
    pub fn of(psi: Option<f64>, t: Thresholds) -> Verdict {
        match psi {
            None => Verdict::Unknown,
            Some(p) if p > t.alert => Verdict::Alert,
            Some(p) if p >= t.warn => Verdict::Warn,
            Some(_) => Verdict::Stable,
        }
    }

    pub fn word(self) -> &'static str {
        match self {
            Verdict::Unknown => "unknown",
            Verdict::Stable => "stable",
            Verdict::Warn => "warn",
            Verdict::Alert => "alert",
        }
    }
}

/// One feature's drift.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FeatureDrift {
    pub feature: String,
    pub kind: &'static str,
    pub psi: Option<f64>,
    pub missing_train: f64,
    pub missing_now: f64,
    pub verdict: Verdict,
}

impl FeatureDrift {
    /// From counts already taken (what `serve` keeps as records arrive).
    pub fn of_counts(profile: &ColumnProfile, counts: &Counts, t: Thresholds) -> FeatureDrift {
        let value = psi(&profile.bins.expected(), &counts.shares());
        FeatureDrift {
            feature: profile.name.clone(),
            kind: profile.bins.kind(),
            psi: value,
            missing_train: profile.missing,
            missing_now: counts.missing_rate(),
            verdict: Verdict::of(value, t),
        }
    }
}

/// Every profiled feature of `rows`, in the profile's order. All columns the profile has
/// and the rows lack are named in one error.
pub fn compare(
    profile: &Profile,
    rows: &DataFrame,
    t: Thresholds,
) -> Result<Vec<FeatureDrift>, StageError> {
    let have: Vec<&str> = rows.get_column_names().iter().map(|s| s.as_str()).collect();
    let missing: Vec<&str> = profile
        .columns
        .iter()
        .map(|c| c.name.as_str())
        .filter(|c| !have.contains(c))
        .collect();
    if let Some(first) = missing.first() {
        let names: Vec<String> = missing.iter().map(|c| format!("`{c}`")).collect();
        let mut e = StageError::new(format!(
            "the rows lack {} of the model's input columns: {}",
            missing.len(),
            names.join(", ")
        ))
        .code(MISSING_COLUMN);
        if let Some(s) = did_you_mean(first, have.iter().copied()) {
            e = e.help(format!("did you mean `{s}` for `{first}`?"));
        }
        return Err(e);
    }
    Ok(profile
        .columns
        .iter()
        .filter_map(|c| {
            let col = rows.column(&c.name).ok()?;
            Some(FeatureDrift::of_counts(c, &bin_column(c, col), t))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use polars::prelude::*;

    use super::*;

    #[test]
    fn a_shifted_feature_alerts_and_the_others_do_not() {
        let x: Vec<f64> = (0..1000).map(f64::from).collect();
        let c: Vec<&str> = (0..1000)
            .map(|i| if i % 3 == 0 { "a" } else { "b" })
            .collect();
        let train = df!("x" => x.clone(), "c" => c.clone()).unwrap();
        let profile = Profile::of(&train);
        let shifted: Vec<f64> = x.iter().map(|v| v + 500.0).collect();
        let now = df!("x" => shifted, "c" => c).unwrap();
        let report = compare(&profile, &now, Thresholds::default()).unwrap();
        assert_eq!(report[0].feature, "x");
        assert_eq!(report[0].verdict, Verdict::Alert, "{report:?}");
        assert_eq!(report[1].psi, Some(0.0));
        assert_eq!(report[1].verdict, Verdict::Stable);

        let same = compare(&profile, &train, Thresholds::default()).unwrap();
        assert!(same.iter().all(|f| f.psi == Some(0.0)), "{same:?}");
    }

    #[test]
    fn missing_columns_are_named_together() {
        let profile = Profile::of(&df!("alpha" => [1.0], "beta" => [2.0]).unwrap());
        let err = compare(
            &profile,
            &df!("Alpha" => [1.0]).unwrap(),
            Thresholds::default(),
        )
        .unwrap_err();
        assert_eq!(err.code, MISSING_COLUMN);
        assert_eq!(
            err.message,
            "the rows lack 2 of the model's input columns: `alpha`, `beta`"
        );
        assert_eq!(
            err.help.as_deref(),
            Some("did you mean `Alpha` for `alpha`?")
        );
    }
}
