//! What boosting minimises, as LightGBM defines it: the log loss of a sigmoid for two
//! classes, of a softmax for more (one score and one tree per class and round, the
//! hessian scaled by `K / (K - 1)`), and the squared error for numbers. Scores start at
//! the best constant (log-odds of the positive rate, log class shares, the mean).

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// Rows per parallel task when computing gradients.
const CHUNK: usize = 4096;

/// What is learnt from.
#[derive(Clone, Copy, Debug)]
pub enum Labels<'a> {
    Classes { y: &'a [usize], n_classes: usize },
    Values(&'a [f64]),
}

impl Labels<'_> {
    pub fn len(&self) -> usize {
        match self {
            Labels::Classes { y, .. } => y.len(),
            Labels::Values(y) => y.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The labels of `rows`, in that order.
    pub fn select(&self, rows: &[usize]) -> OwnedLabels {
        match self {
            Labels::Classes { y, n_classes } => OwnedLabels::Classes {
                y: rows.iter().map(|&r| y[r]).collect(),
                n_classes: *n_classes,
            },
            Labels::Values(y) => OwnedLabels::Values(rows.iter().map(|&r| y[r]).collect()),
        }
    }
}

/// [`Labels`] owned.
#[derive(Clone, Debug)]
pub enum OwnedLabels {
    Classes { y: Vec<usize>, n_classes: usize },
    Values(Vec<f64>),
}

impl OwnedLabels {
    pub fn view(&self) -> Labels<'_> {
        match self {
            OwnedLabels::Classes { y, n_classes } => Labels::Classes {
                y,
                n_classes: *n_classes,
            },
            OwnedLabels::Values(y) => Labels::Values(y),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "loss", rename_all = "snake_case")]
pub enum Objective {
    /// Two classes; the score is the log-odds of class 1.
    LogLoss,
    /// `classes` (more than two) classes; one score per class.
    Softmax {
        classes: usize,
    },
    SquaredError,
}

pub fn sigmoid(s: f64) -> f64 {
    1.0 / (1.0 + (-s).exp())
}

/// Softmax of `scores` into `out`.
pub fn softmax(scores: &[f64], out: &mut [f64]) {
    let max = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let mut sum = 0.0;
    for (o, &s) in out.iter_mut().zip(scores) {
        *o = (s - max).exp();
        sum += *o;
    }
    for o in out.iter_mut() {
        *o /= sum;
    }
}

impl Objective {
    pub fn for_labels(labels: Labels<'_>) -> Objective {
        match labels {
            Labels::Classes { n_classes, .. } if n_classes > 2 => {
                Objective::Softmax { classes: n_classes }
            }
            Labels::Classes { .. } => Objective::LogLoss,
            Labels::Values(_) => Objective::SquaredError,
        }
    }

    /// Scores per row: one per class for softmax, else one.
    pub fn n_scores(&self) -> usize {
        match self {
            Objective::Softmax { classes } => *classes,
            _ => 1,
        }
    }

    /// The best constant scores.
    pub fn init(&self, labels: Labels<'_>) -> Vec<f64> {
        let n = labels.len().max(1) as f64;
        match (self, labels) {
            (Objective::LogLoss, Labels::Classes { y, .. }) => {
                let p =
                    (y.iter().filter(|&&c| c == 1).count() as f64 / n).clamp(1e-15, 1.0 - 1e-15);
                vec![(p / (1.0 - p)).ln()]
            }
            (Objective::Softmax { classes }, Labels::Classes { y, .. }) => {
                let mut counts = vec![0usize; *classes];
                for &c in y {
                    counts[c] += 1;
                }
                counts
                    .iter()
                    .map(|&c| (c as f64 / n).max(1e-15).ln())
                    .collect()
            }
            (_, Labels::Values(y)) => vec![y.iter().sum::<f64>() / n],
            (_, Labels::Classes { .. }) => vec![0.0; self.n_scores()],
        }
    }

    /// Gradient and hessian of every row for score `k`, given every score (`scores[k][i]`).
    pub fn gradients(
        &self,
        labels: Labels<'_>,
        scores: &[Vec<f64>],
        k: usize,
        out: &mut [[f64; 2]],
    ) {
        out.par_chunks_mut(CHUNK)
            .enumerate()
            .for_each(|(c, chunk)| {
                let start = c * CHUNK;
                let mut p = vec![0.0; scores.len()];
                let mut s = vec![0.0; scores.len()];
                for (j, gh) in chunk.iter_mut().enumerate() {
                    let i = start + j;
                    *gh = match (self, labels) {
                        (Objective::LogLoss, Labels::Classes { y, .. }) => {
                            let p = sigmoid(scores[0][i]);
                            [p - f64::from(u8::from(y[i] == 1)), p * (1.0 - p)]
                        }
                        (Objective::Softmax { classes }, Labels::Classes { y, .. }) => {
                            for (sk, col) in s.iter_mut().zip(scores) {
                                *sk = col[i];
                            }
                            softmax(&s, &mut p);
                            let factor = *classes as f64 / (*classes as f64 - 1.0);
                            let target = f64::from(u8::from(y[i] == k));
                            [p[k] - target, factor * p[k] * (1.0 - p[k])]
                        }
                        (_, Labels::Values(y)) => [scores[0][i] - y[i], 1.0],
                        (_, Labels::Classes { .. }) => [0.0, 1.0],
                    };
                }
            });
    }

    /// The mean loss of scores (`scores[k][i]`) against labels.
    pub fn loss(&self, labels: Labels<'_>, scores: &[Vec<f64>]) -> f64 {
        let n = labels.len();
        if n == 0 {
            return 0.0;
        }
        let eps = 1e-15;
        let mut total = 0.0;
        let mut s = vec![0.0; scores.len()];
        let mut p = vec![0.0; scores.len()];
        for i in 0..n {
            total += match (self, labels) {
                (Objective::LogLoss, Labels::Classes { y, .. }) => {
                    let q = sigmoid(scores[0][i]).clamp(eps, 1.0 - eps);
                    if y[i] == 1 {
                        -q.ln()
                    } else {
                        -(1.0 - q).ln()
                    }
                }
                (Objective::Softmax { .. }, Labels::Classes { y, .. }) => {
                    for (sk, col) in s.iter_mut().zip(scores) {
                        *sk = col[i];
                    }
                    softmax(&s, &mut p);
                    -p[y[i]].max(eps).ln()
                }
                (_, Labels::Values(y)) => (scores[0][i] - y[i]).powi(2),
                (_, Labels::Classes { .. }) => 0.0,
            };
        }
        total / n as f64
    }
}
