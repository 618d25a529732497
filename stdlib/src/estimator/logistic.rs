//! Logistic regression fitted by linfa-logistic (L-BFGS, L2 penalty), stored as plain
//! coefficients in our own format so the model bytes do not depend on linfa's internals.

use linfa::prelude::*;
use linfa_logistic::{LogisticRegression, MultiLogisticRegression};
use ndarray::{Array1, Array2, ArrayView2, Axis};
use serde::{Deserialize, Serialize};

use super::error::{EstimatorError, Result};
use super::spec::LogisticSpec;

/// A fitted logistic regression over `n_classes` classes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "form", rename_all = "snake_case")]
pub enum Logistic {
    /// Two classes: `P(positive) = sigmoid(x . w + b)`.
    Binary {
        w: Array1<f64>,
        b: f64,
        positive: usize,
        negative: usize,
        n_classes: usize,
    },
    /// Several classes: `softmax(x . W + b)`; column `j` is class `classes[j]`, classes absent
    /// from the training rows get probability 0.
    Multinomial {
        w: Array2<f64>,
        b: Array1<f64>,
        classes: Vec<usize>,
        n_classes: usize,
    },
    /// The training rows held one class only.
    Constant { class: usize, n_classes: usize },
}

impl Logistic {
    pub fn fit(
        spec: &LogisticSpec,
        x: &Array2<f64>,
        y: &[usize],
        n_classes: usize,
    ) -> Result<Self> {
        let mut present: Vec<usize> = y.to_vec();
        present.sort_unstable();
        present.dedup();
        let data = DatasetBase::new(x.view(), Array1::from(y.to_vec()));
        let failed = |e: linfa_logistic::error::Error| {
            EstimatorError::fit(format!("logistic regression failed: {e}"))
                .help("standardize the features in a clean stage, or raise `l2`")
        };
        match present.as_slice() {
            [] => Err(EstimatorError::data("there are no training rows")),
            [class] => Ok(Logistic::Constant {
                class: *class,
                n_classes,
            }),
            [_, _] if n_classes == 2 => {
                let fit = LogisticRegression::default()
                    .alpha(spec.l2)
                    .max_iterations(spec.max_iterations)
                    .fit(&data)
                    .map_err(failed)?;
                let labels = fit.labels();
                let (positive, negative) = (labels.pos.class, labels.neg.class);
                Ok(Logistic::Binary {
                    w: fit.params().clone(),
                    b: fit.intercept(),
                    positive,
                    negative,
                    n_classes,
                })
            }
            _ => {
                let fit = MultiLogisticRegression::default()
                    .alpha(spec.l2)
                    .max_iterations(spec.max_iterations)
                    .fit(&data)
                    .map_err(failed)?;
                Ok(Logistic::Multinomial {
                    w: fit.params().clone(),
                    b: fit.intercept().clone(),
                    classes: fit.classes().to_vec(),
                    n_classes,
                })
            }
        }
    }

    pub fn n_features(&self) -> Option<usize> {
        match self {
            Logistic::Binary { w, .. } => Some(w.len()),
            Logistic::Multinomial { w, .. } => Some(w.nrows()),
            Logistic::Constant { .. } => None,
        }
    }

    pub fn predict_proba(&self, x: ArrayView2<'_, f64>) -> Array2<f64> {
        match self {
            Logistic::Binary {
                w,
                b,
                positive,
                negative,
                n_classes,
            } => {
                let mut out = Array2::zeros((x.nrows(), *n_classes));
                for (mut row, z) in out.rows_mut().into_iter().zip(x.dot(w)) {
                    let p = sigmoid(z + b);
                    row[*positive] = p;
                    row[*negative] = 1.0 - p;
                }
                out
            }
            Logistic::Multinomial {
                w,
                b,
                classes,
                n_classes,
            } => {
                let mut h = x.dot(w) + b;
                let mut out = Array2::zeros((x.nrows(), *n_classes));
                for (mut hrow, mut orow) in h.axis_iter_mut(Axis(0)).zip(out.rows_mut()) {
                    let max = hrow.fold(f64::NEG_INFINITY, |m, &v| m.max(v));
                    hrow.mapv_inplace(|v| (v - max).exp());
                    let sum = hrow.sum();
                    for (j, &c) in classes.iter().enumerate() {
                        orow[c] = hrow[j] / sum;
                    }
                }
                out
            }
            Logistic::Constant { class, n_classes } => {
                let mut out = Array2::zeros((x.nrows(), *n_classes));
                out.column_mut(*class).fill(1.0);
                out
            }
        }
    }
}

/// `1 / (1 + e^-z)`, without overflow for large negative `z`.
fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}
