//! The fitted estimators, one variant per algorithm, on plain matrices.

use linfa::prelude::*;
use linfa_clustering::KMeans;
use linfa_elasticnet::ElasticNet;
use linfa_linear::LinearRegression;
use ndarray::{Array1, Array2, ArrayView2, Axis};
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256Plus;
use serde::{Deserialize, Serialize};

use super::bayes::NaiveBayes;
use super::ensemble::EnsembleFit;
use super::error::{EstimatorError, Result};
use super::external::{self, ExternalEstimator, FitRequest, PredictRequest};
use super::forest::{tree_params, Forest};
use super::logistic::Logistic;
use super::mlp::Mlp;
use super::spec::{Algorithm, PluginAlgorithm, TreeLimits};
use crate::ml::{ClassTree, Presorted, RegressionTree};

/// What a model learns from: class indices, numbers, or nothing (segmentation).
#[derive(Clone, Copy, Debug)]
pub enum Target<'a> {
    Classes { y: &'a [usize], n_classes: usize },
    Values(&'a [f64]),
    None,
}

/// `y = x . coef + intercept`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LinearFit {
    pub coef: Array1<f64>,
    pub intercept: f64,
}

/// A fitted estimator.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "estimator", content = "fit", rename_all = "snake_case")]
pub enum Fitted {
    ClassTree(ClassTree),
    RandomForest(Forest),
    Logistic(Logistic),
    NaiveBayes(NaiveBayes),
    Linear(LinearFit),
    RegressionTree(RegressionTree),
    /// k-means centroids, one row per segment.
    Kmeans(Array2<f64>),
    Mlp(Mlp),
    Ensemble(Box<EnsembleFit>),
    Plugin(Box<PluginFit>),
    GradientBoosting(Box<crate::ml::gbdt::GbdtModel>),
}

/// A plugin estimator's fitted state: the plugin's own bytes (base64 in the model's JSON)
/// and what is needed to call it again.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PluginFit {
    pub algorithm: PluginAlgorithm,
    pub n_features: usize,
    pub n_classes: usize,
    #[serde(with = "state_bytes")]
    pub state: Vec<u8>,
}

mod state_bytes {
    use base64::Engine;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(d)?;
        base64::engine::general_purpose::STANDARD
            .decode(text)
            .map_err(serde::de::Error::custom)
    }
}

/// What an estimator outputs for a matrix of rows.
#[derive(Clone, Debug, PartialEq)]
pub enum Output {
    /// One row per sample, one column per class; rows sum to 1.
    Proba(Array2<f64>),
    Values(Array1<f64>),
    Segments(Vec<usize>),
}

fn target_mismatch(alg: &Algorithm) -> EstimatorError {
    EstimatorError::fit(format!(
        "internal error: {} was given a target of the wrong kind",
        alg.name()
    ))
}

fn fit_error(alg: &Algorithm) -> impl Fn(&dyn std::fmt::Display) -> EstimatorError + '_ {
    move |e| EstimatorError::fit(format!("{} failed to fit: {e}", alg.name()))
}

fn regression_tree(limits: &TreeLimits) -> crate::ml::RegressionTreeParams {
    RegressionTree::params()
        .max_depth(limits.max_depth)
        .min_samples_split(limits.min_samples_split)
        .min_samples_leaf(limits.min_samples_leaf)
}

impl Fitted {
    /// Fits `alg` on `x` (row-major) and `target`; `seed` drives every random choice.
    pub fn fit(alg: &Algorithm, x: &Array2<f64>, target: Target<'_>, seed: u64) -> Result<Self> {
        Self::fit_with(alg, x, target, seed, None)
    }

    /// As [`Fitted::fit`]; a decision tree reuses `presorted` (`x` ranked once, see
    /// [`Presorted`]) instead of ranking `x` again. The result is the same.
    pub fn fit_with(
        alg: &Algorithm,
        x: &Array2<f64>,
        target: Target<'_>,
        seed: u64,
        presorted: Option<&Presorted>,
    ) -> Result<Self> {
        if x.nrows() == 0 {
            return Err(EstimatorError::data("there are no training rows")
                .help("check the filters of the stages before this one"));
        }
        let err = fit_error(alg);
        match (alg, target) {
            (Algorithm::DecisionTree(t), Target::Classes { y, n_classes }) => {
                let tree = match presorted {
                    Some(p) => tree_params(t, n_classes).fit_presorted(p, y),
                    None => {
                        let data = DatasetBase::new(x.view(), Array1::from(y.to_vec()));
                        tree_params(t, n_classes).fit(&data)
                    }
                }
                .map_err(|e| err(&e))?;
                Ok(Fitted::ClassTree(tree))
            }
            (Algorithm::RandomForest(f), Target::Classes { y, n_classes }) => {
                Ok(Fitted::RandomForest(Forest::fit(f, x, y, n_classes, seed)?))
            }
            (Algorithm::Logistic(l), Target::Classes { y, n_classes }) => {
                Ok(Fitted::Logistic(Logistic::fit(l, x, y, n_classes)?))
            }
            (Algorithm::NaiveBayes, Target::Classes { y, n_classes }) => {
                Ok(Fitted::NaiveBayes(NaiveBayes::fit(x, y, n_classes)?))
            }
            (Algorithm::Linear, Target::Values(y)) => {
                let data = DatasetBase::new(x.view(), Array1::from(y.to_vec()));
                let fit = LinearRegression::new().fit(&data).map_err(|e| err(&e))?;
                Ok(Fitted::Linear(LinearFit {
                    coef: fit.params().clone(),
                    intercept: fit.intercept(),
                }))
            }
            (Algorithm::ElasticNet(e), Target::Values(y)) => {
                // linfa-elasticnet centres the target but not the features, so its intercept
                // is only right for centred features: centre them here (as scikit-learn
                // does) and move the means into the intercept.
                let means = x
                    .mean_axis(Axis(0))
                    .unwrap_or_else(|| Array1::zeros(x.ncols()));
                let centred = x - &means;
                let data = DatasetBase::new(centred.view(), Array1::from(y.to_vec()));
                let fit = ElasticNet::params()
                    .penalty(e.alpha)
                    .l1_ratio(e.l1_ratio)
                    .max_iterations(e.max_iterations)
                    .fit(&data)
                    .map_err(|e| err(&e))?;
                let coef = fit.hyperplane().clone();
                let intercept = fit.intercept() - means.dot(&coef);
                Ok(Fitted::Linear(LinearFit { coef, intercept }))
            }
            (Algorithm::RegressionTree(limits), Target::Values(y)) => {
                let data = DatasetBase::new(x.view(), Array1::from(y.to_vec()));
                let tree = regression_tree(limits).fit(&data).map_err(|e| err(&e))?;
                Ok(Fitted::RegressionTree(tree))
            }
            (Algorithm::Kmeans(k), Target::None) => {
                if k.k > x.nrows() {
                    return Err(EstimatorError::data(format!(
                        "kmeans cannot make {} segments from {} rows",
                        k.k,
                        x.nrows()
                    ))
                    .param("k"));
                }
                let rng = Xoshiro256Plus::seed_from_u64(seed);
                let data = DatasetBase::from(x.view());
                let fit = KMeans::params_with_rng(k.k, rng)
                    .max_n_iterations(k.max_iterations)
                    .fit(&data)
                    .map_err(|e| err(&e))?;
                Ok(Fitted::Kmeans(fit.centroids().clone()))
            }
            (Algorithm::Mlp(m), target) => Ok(Fitted::Mlp(Mlp::fit(m, x, target, seed)?)),
            (Algorithm::Ensemble(e), target) => Ok(Fitted::Ensemble(Box::new(
                super::ensemble::fit(e, x, target, seed)?,
            ))),
            (Algorithm::Plugin(p), target) => fit_plugin(p, x, target, seed),
            (Algorithm::GradientBoosting(g), target) => Ok(Fitted::GradientBoosting(Box::new(
                super::gbdt::fit(g, x, target, seed)?,
            ))),
            _ => Err(target_mismatch(alg)),
        }
    }

    /// The number of feature columns it was trained on, when it knows.
    pub fn n_features(&self) -> Option<usize> {
        match self {
            Fitted::ClassTree(t) => Some(t.n_features()),
            Fitted::RandomForest(f) => Some(f.n_features),
            Fitted::Logistic(l) => l.n_features(),
            Fitted::NaiveBayes(nb) => nb.n_features(),
            Fitted::Linear(l) => Some(l.coef.len()),
            Fitted::RegressionTree(t) => Some(t.n_features()),
            Fitted::Kmeans(c) => Some(c.ncols()),
            Fitted::Mlp(m) => Some(m.n_features()),
            Fitted::Ensemble(e) => e.n_features(),
            Fitted::Plugin(p) => Some(p.n_features),
            Fitted::GradientBoosting(m) => Some(m.n_features),
        }
    }

    pub fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Output> {
        if let Some(p) = self.n_features() {
            if p != x.ncols() {
                return Err(EstimatorError::fit(format!(
                    "the model was trained on {p} features but got {}",
                    x.ncols()
                )));
            }
        }
        let failed = |e: linfa::Error| EstimatorError::fit(format!("prediction failed: {e}"));
        Ok(match self {
            Fitted::ClassTree(t) => Output::Proba(t.predict_proba(&x).map_err(failed)?),
            Fitted::RandomForest(f) => Output::Proba(f.predict_proba(x)?),
            Fitted::Logistic(l) => Output::Proba(l.predict_proba(x)),
            Fitted::NaiveBayes(nb) => Output::Proba(nb.predict_proba(x)),
            Fitted::Linear(l) => Output::Values(x.dot(&l.coef) + l.intercept),
            Fitted::RegressionTree(t) => Output::Values(t.try_predict(&x).map_err(failed)?),
            Fitted::Kmeans(c) => Output::Segments(nearest(c, x)),
            Fitted::Mlp(m) => m.predict(x),
            Fitted::Ensemble(e) => e.predict(x)?,
            Fitted::Plugin(p) => predict_plugin(p, x)?,
            Fitted::GradientBoosting(m) => super::gbdt::predict(m, x)?,
        })
    }
}

/// The loaded estimator a plugin algorithm names, refusing another build of its library.
fn loaded(p: &PluginAlgorithm) -> Result<std::sync::Arc<dyn ExternalEstimator>> {
    let Some(ext) = external::get(&p.estimator) else {
        return Err(EstimatorError::fit(format!(
            "the model needs the plugin estimator `{}` ({} {}, {}), which is not loaded",
            p.estimator, p.plugin.name, p.plugin.version, p.plugin.library
        ))
        .help(format!(
            "declare it in the pipeline (plugin {} = \"path/to/{}\"), or for a bundle put the library where its manifest says",
            p.plugin.alias, p.plugin.library
        )));
    };
    let now = ext.plugin();
    if now.hash != p.plugin.hash {
        return Err(EstimatorError::fit(format!(
            "the model was fitted by {} {} (blake3 {}), but the loaded {} is {} (blake3 {})",
            p.plugin.library,
            p.plugin.version,
            short(&p.plugin.hash),
            now.library,
            now.version,
            short(&now.hash)
        ))
        .help("re-run the stages that fit it with this library, or load the library it was fitted with"));
    }
    Ok(ext)
}

fn short(h: &str) -> &str {
    &h[..h.len().min(12)]
}

/// Column names for a plugin: the model's features when known, else `x0`, `x1`, ...
fn names(p: &PluginAlgorithm, n: usize) -> Vec<String> {
    if p.features.len() == n {
        p.features.clone()
    } else {
        (0..n).map(|i| format!("x{i}")).collect()
    }
}

fn fit_plugin(
    p: &PluginAlgorithm,
    x: &Array2<f64>,
    target: Target<'_>,
    seed: u64,
) -> Result<Fitted> {
    let ext = loaded(p)?;
    let n_classes = match target {
        Target::Classes { n_classes, .. } => n_classes,
        Target::Values(_) => 0,
        Target::None => {
            return Err(EstimatorError::fit(format!(
                "`{}` needs a target to learn",
                p.estimator
            )))
        }
    };
    let features = names(p, x.ncols());
    let state = ext.fit(&FitRequest {
        x: x.view(),
        features: &features,
        target,
        task: p.task,
        params: &p.params,
        seed,
    })?;
    Ok(Fitted::Plugin(Box::new(PluginFit {
        algorithm: p.clone(),
        n_features: x.ncols(),
        n_classes,
        state,
    })))
}

fn predict_plugin(p: &PluginFit, x: ArrayView2<'_, f64>) -> Result<Output> {
    let ext = loaded(&p.algorithm)?;
    let features = names(&p.algorithm, x.ncols());
    ext.predict(&PredictRequest {
        x: x.reborrow(),
        features: &features,
        state: &p.state,
        task: p.algorithm.task,
        n_classes: p.n_classes,
        params: &p.algorithm.params,
    })
}

/// The nearest centroid of each row (squared Euclidean distance; lowest index on ties).
fn nearest(centroids: &Array2<f64>, x: ArrayView2<'_, f64>) -> Vec<usize> {
    x.rows()
        .into_iter()
        .map(|row| {
            let mut best = (0, f64::INFINITY);
            for (k, c) in centroids.rows().into_iter().enumerate() {
                let d: f64 = row.iter().zip(c).map(|(a, b)| (a - b) * (a - b)).sum();
                if d < best.1 {
                    best = (k, d);
                }
            }
            best.0
        })
        .collect()
}
