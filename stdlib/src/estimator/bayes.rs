//! Gaussian naive Bayes fitted by linfa-bayes, stored and applied in our own form.
//!
//! linfa-bayes keeps its classes in a `HashMap` (so its serialised bytes vary from run to
//! run) and turns log-likelihoods into probabilities without the log-sum-exp shift, which
//! underflows to 0/0 for rows far from every class. So the fitted means, variances and
//! priors are read out of linfa's model (through its serde form) into a class-indexed list,
//! and probabilities are computed here with the shift.

use std::collections::BTreeMap;

use linfa::prelude::*;
use linfa_bayes::GaussianNb;
use ndarray::{Array1, Array2, ArrayView2};
use serde::{Deserialize, Serialize};

use super::error::{EstimatorError, Result};

/// One class's fitted Gaussians.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NbClass {
    pub prior: f64,
    /// Per-feature means.
    pub theta: Array1<f64>,
    /// Per-feature variances, smoothed.
    pub sigma: Array1<f64>,
}

/// A fitted Gaussian naive Bayes classifier; `classes[c]` is `None` for a class absent from
/// the training rows (probability 0).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NaiveBayes {
    pub classes: Vec<Option<NbClass>>,
}

/// linfa-bayes' serde form of a fitted `GaussianNb<f64, usize>`.
#[derive(Deserialize)]
struct LinfaForm {
    class_info: BTreeMap<usize, NbClass>,
}

impl NaiveBayes {
    pub fn fit(x: &Array2<f64>, y: &[usize], n_classes: usize) -> Result<Self> {
        let data = DatasetBase::new(x.view(), Array1::from(y.to_vec()));
        let model: GaussianNb<f64, usize> = GaussianNb::params()
            .fit(&data)
            .map_err(|e| EstimatorError::fit(format!("naive Bayes failed: {e}")))?;
        let form = serde_json::to_value(&model)
            .and_then(serde_json::from_value::<LinfaForm>)
            .map_err(|e| {
                EstimatorError::fit(format!("cannot read linfa-bayes' fitted model: {e}"))
            })?;
        let mut classes = vec![None; n_classes];
        for (c, info) in form.class_info {
            if let Some(slot) = classes.get_mut(c) {
                *slot = Some(info);
            }
        }
        Ok(Self { classes })
    }

    pub fn n_features(&self) -> Option<usize> {
        self.classes.iter().flatten().map(|c| c.theta.len()).next()
    }

    pub fn predict_proba(&self, x: ArrayView2<'_, f64>) -> Array2<f64> {
        // Per class: ln prior - 1/2 sum ln(2 pi sigma) - 1/2 sum (x - theta)^2 / sigma.
        let consts: Vec<Option<f64>> = self
            .classes
            .iter()
            .map(|c| {
                c.as_ref().map(|c| {
                    c.prior.ln()
                        - 0.5
                            * c.sigma
                                .iter()
                                .map(|s| (2.0 * std::f64::consts::PI * s).ln())
                                .sum::<f64>()
                })
            })
            .collect();
        let mut out = Array2::zeros((x.nrows(), self.classes.len()));
        let mut jll = vec![f64::NEG_INFINITY; self.classes.len()];
        for (row, mut orow) in x.rows().into_iter().zip(out.rows_mut()) {
            for (k, class) in self.classes.iter().enumerate() {
                jll[k] = match (class, consts[k]) {
                    (Some(c), Some(k0)) => {
                        let mut q = 0.0;
                        for ((v, t), s) in row.iter().zip(&c.theta).zip(&c.sigma) {
                            q += (v - t) * (v - t) / s;
                        }
                        k0 - 0.5 * q
                    }
                    _ => f64::NEG_INFINITY,
                };
            }
            let max = jll.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let sum: f64 = jll.iter().map(|l| (l - max).exp()).sum();
            for (o, l) in orow.iter_mut().zip(&jll) {
                *o = (l - max).exp() / sum;
            }
        }
        out
    }
}
