//! Scores of predictions against the truth, through `ml::metrics`.
//!
//! A metric that is undefined for the rows at hand (precision when nothing is predicted
//! positive, ROC AUC of a single class) is reported as undefined with the reason, never as a
//! number: a quality gate must not pass or fail on a value that does not exist.

use std::collections::BTreeMap;

use ndarray::ArrayView2;

use super::metric::Metric;
use crate::ml::metrics::{self, MetricError};

/// Named scores, and the metrics that could not be computed with why.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scores {
    pub values: BTreeMap<String, f64>,
    pub undefined: BTreeMap<String, String>,
}

impl Scores {
    fn put(&mut self, metric: &Metric, result: Result<f64, MetricError>) {
        match result {
            Ok(v) if v.is_finite() => {
                self.values.insert(metric.name(), v);
            }
            Ok(v) => {
                self.undefined
                    .insert(metric.name(), format!("the value is {v}"));
            }
            Err(e) => {
                self.undefined.insert(metric.name(), e.to_string());
            }
        }
    }
}

/// A classifier's output on rows with known classes.
#[derive(Clone, Copy, Debug)]
pub struct ClassifiedRows<'a> {
    pub truth: &'a [usize],
    /// One row per sample, one column per class.
    pub proba: ArrayView2<'a, f64>,
    /// The positive class, for the binary metrics; without one (several classes and no
    /// `positive`) precision, recall and F1 are macro averages, ROC and PR AUC one-vs-rest
    /// macro averages, and lift is undefined.
    pub positive: Option<usize>,
    /// A row is predicted positive when its positive probability is above this.
    pub threshold: f64,
}

impl ClassifiedRows<'_> {
    /// The predicted class of each row: for two classes with a positive one, the positive
    /// class iff its probability is above the threshold; otherwise the most probable class.
    pub fn predicted(&self) -> Vec<usize> {
        match self.positive {
            Some(pos) if self.proba.ncols() == 2 => {
                let neg = 1 - pos;
                self.proba
                    .column(pos)
                    .iter()
                    .map(|&p| if p > self.threshold { pos } else { neg })
                    .collect()
            }
            _ => metrics::argmax_classes(self.proba),
        }
    }

    fn binary_truth(&self, class: usize) -> Vec<bool> {
        self.truth.iter().map(|&t| t == class).collect()
    }

    fn scores_of(&self, class: usize) -> Vec<f64> {
        self.proba.column(class).to_vec()
    }

    /// Mean of a binary ranking metric over each class against the rest.
    fn one_vs_rest(
        &self,
        f: fn(&[bool], &[f64]) -> Result<f64, MetricError>,
    ) -> Result<f64, MetricError> {
        let k = self.proba.ncols();
        let mut total = 0.0;
        for c in 0..k {
            total += f(&self.binary_truth(c), &self.scores_of(c))?;
        }
        Ok(total / k as f64)
    }

    pub fn score(&self, wanted: &[Metric]) -> Scores {
        let predicted = self.predicted();
        let binary = self.positive.map(|pos| {
            let truth = self.binary_truth(pos);
            let scores = self.scores_of(pos);
            let labels = metrics::labels_at(&scores, self.threshold);
            (truth, scores, labels)
        });
        let mut out = Scores::default();
        for m in wanted {
            let r = match (m, &binary) {
                (Metric::Accuracy, _) => metrics::accuracy(self.truth, &predicted),
                (Metric::Precision, Some((t, _, l))) => metrics::precision(t, l),
                (Metric::Recall, Some((t, _, l))) => metrics::recall(t, l),
                (Metric::F1, Some((t, _, l))) => metrics::f1(t, l),
                (Metric::Precision, None) => metrics::macro_precision(self.truth, &predicted),
                (Metric::Recall, None) => metrics::macro_recall(self.truth, &predicted),
                (Metric::F1, None) => metrics::macro_f1(self.truth, &predicted),
                (Metric::F1Macro, _) => metrics::macro_f1(self.truth, &predicted),
                (Metric::RocAuc, Some((t, s, _))) => metrics::roc_auc(t, s),
                (Metric::PrAuc, Some((t, s, _))) => metrics::average_precision(t, s),
                (Metric::RocAuc, None) => self.one_vs_rest(metrics::roc_auc),
                (Metric::PrAuc, None) => self.one_vs_rest(metrics::average_precision),
                (Metric::LogLoss, _) => metrics::log_loss_multiclass(self.truth, self.proba),
                (Metric::Lift(f), Some((t, s, _))) => metrics::lift_at(t, s, *f),
                (Metric::Lift(_), None) => Err(MetricError::Undefined {
                    metric: "lift",
                    reason: "it needs a positive class; set `positive` on the model".into(),
                }),
                (Metric::Mse | Metric::Rmse | Metric::Mae | Metric::R2, _) => {
                    Err(MetricError::Undefined {
                        metric: "a regression metric",
                        reason: "the model is a classifier".into(),
                    })
                }
            };
            out.put(m, r);
        }
        out
    }
}

/// Regression scores.
pub fn regression_scores(truth: &[f64], predicted: &[f64], wanted: &[Metric]) -> Scores {
    let mut out = Scores::default();
    for m in wanted {
        let r = match m {
            Metric::Mse => metrics::mse(truth, predicted),
            Metric::Rmse => metrics::rmse(truth, predicted),
            Metric::Mae => metrics::mae(truth, predicted),
            Metric::R2 => metrics::r2(truth, predicted),
            _ => Err(MetricError::Undefined {
                metric: "a classification metric",
                reason: "the model is a regressor".into(),
            }),
        };
        out.put(m, r);
    }
    out
}
