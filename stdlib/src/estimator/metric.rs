//! The metrics `evaluate` can report and gates can name: `roc_auc`, `lift(10%)`, ...

use aimass_engine::{PKind, ParamValue};

use super::spec::Task;

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Metric {
    Accuracy,
    Precision,
    Recall,
    F1,
    F1Macro,
    RocAuc,
    /// Area under the precision-recall curve as average precision (scikit-learn's
    /// `average_precision_score`: no interpolation).
    PrAuc,
    LogLoss,
    /// Lift in the top fraction of scores, e.g. 0.1 for `lift(10%)`.
    Lift(f64),
    Mse,
    Rmse,
    Mae,
    R2,
}

/// The fraction `lift` uses when written without one.
pub const DEFAULT_LIFT: f64 = 0.1;

/// Every metric written as a bare word, by name: the one list the parser, the names in
/// metrics files and the stage signatures all read (`lift(...)` is the one call).
const WORDS: &[(&str, Metric)] = &[
    ("accuracy", Metric::Accuracy),
    ("precision", Metric::Precision),
    ("recall", Metric::Recall),
    ("f1", Metric::F1),
    ("f1_macro", Metric::F1Macro),
    ("roc_auc", Metric::RocAuc),
    ("pr_auc", Metric::PrAuc),
    ("log_loss", Metric::LogLoss),
    ("mse", Metric::Mse),
    ("rmse", Metric::Rmse),
    ("mae", Metric::Mae),
    ("r2", Metric::R2),
];

impl Metric {
    pub fn from_name(name: &str, fraction: Option<f64>) -> Option<Metric> {
        if name == "lift" {
            return Some(Metric::Lift(fraction.unwrap_or(DEFAULT_LIFT)));
        }
        WORDS.iter().find(|(w, _)| *w == name).map(|(_, m)| *m)
    }

    /// The metrics written as bare words, classification's first: what a `metrics` list
    /// or a gate may name besides `lift(...)`.
    pub fn words() -> impl Iterator<Item = &'static str> {
        WORDS.iter().map(|(w, _)| *w)
    }

    /// A checked metric parameter: a call (`lift(10%)`, `roc_auc`) or a word.
    pub fn from_param(v: &ParamValue) -> Option<Metric> {
        match &v.kind {
            PKind::Call(c) => {
                Metric::from_name(&c.name, c.positional.as_ref().and_then(|p| p.as_float()))
            }
            PKind::Word(w) | PKind::Str(w) => Metric::from_name(w, None),
            _ => None,
        }
    }

    /// The key in a metrics file's `scores`: `roc_auc`, `lift@10%`.
    pub fn name(&self) -> String {
        match self {
            Metric::Lift(f) => format!("lift@{}%", percent(*f)),
            other => WORDS
                .iter()
                .find(|(_, m)| m == other)
                .map(|(w, _)| (*w).to_string())
                .unwrap_or_default(),
        }
    }

    pub fn task(&self) -> Task {
        match self {
            Metric::Mse | Metric::Rmse | Metric::Mae | Metric::R2 => Task::Regression,
            _ => Task::Classification,
        }
    }

    /// Whether a larger value is a better model.
    pub fn higher_is_better(&self) -> bool {
        !matches!(
            self,
            Metric::LogLoss | Metric::Mse | Metric::Rmse | Metric::Mae
        )
    }

    /// Every metric of a task, as `evaluate` reports them when `metrics` is not given.
    pub fn all_of(task: Task) -> Vec<Metric> {
        match task {
            Task::Classification => vec![
                Metric::Accuracy,
                Metric::Precision,
                Metric::Recall,
                Metric::F1,
                Metric::F1Macro,
                Metric::RocAuc,
                Metric::PrAuc,
                Metric::LogLoss,
                Metric::Lift(DEFAULT_LIFT),
            ],
            Task::Regression => vec![Metric::Mse, Metric::Rmse, Metric::Mae, Metric::R2],
            Task::Segmentation => Vec::new(),
        }
    }
}

/// `0.1` -> `10`, `0.125` -> `12.5`: a fraction as a percentage without float noise.
fn percent(f: f64) -> String {
    let p = (f * 100.0 * 1e6).round() / 1e6;
    format!("{p}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lift_names_are_percentages() {
        assert_eq!(Metric::Lift(0.1).name(), "lift@10%");
        assert_eq!(Metric::Lift(0.125).name(), "lift@12.5%");
        assert_eq!(Metric::Lift(0.07).name(), "lift@7%");
        assert_eq!(Metric::Lift(1.0).name(), "lift@100%");
    }
}
