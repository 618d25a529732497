//! K-fold cross-validation of a model's specification.
//!
//! The rows are already prepared (by the model's recipe, fitted on its own training rows,
//! so nothing is learnt from the rows being scored); each fold refits the estimator on the
//! other folds with the model's seed and scores its held-out rows. Folds are stratified by
//! class for classifiers, seeded, and fitted in parallel; results are collected in fold
//! order, so they do not depend on the thread count.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, OnceLock};

use ndarray::{Array2, Axis};
use rayon::prelude::*;
use serde::Serialize;

use super::error::{EstimatorError, Result};
use super::metric::Metric;
use super::scoring::{regression_scores, ClassifiedRows, Scores};
use super::spec::Algorithm;
use super::target::TargetValues;
use super::trained::{Predictions, TrainedModel};
use crate::ml::gbdt::Binned;
use crate::ml::{kfold, stratified_kfold, Fold, Presorted};

/// One fold's result.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FoldScores {
    /// 1-based.
    pub fold: usize,
    pub train_rows: usize,
    pub test_rows: usize,
    pub scores: BTreeMap<String, f64>,
    pub undefined: BTreeMap<String, String>,
}

/// Every fold, and the mean and (population) standard deviation of each metric defined in
/// every fold.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CvReport {
    pub k: usize,
    pub seed: u64,
    pub stratified: bool,
    pub folds: Vec<FoldScores>,
    pub mean: BTreeMap<String, f64>,
    pub std: BTreeMap<String, f64>,
}

/// Cross-validates `model`'s specification on `x` (its feature matrix) and `target`.
pub fn cross_validate(
    model: &TrainedModel,
    x: &Array2<f64>,
    target: &TargetValues,
    k: usize,
    seed: u64,
    metrics: &[Metric],
    threshold: f64,
) -> Result<CvReport> {
    let folds = PreparedFolds::new(x, target, k, seed)?;
    cross_validate_prepared(model, &folds, metrics, threshold)
}

/// The folds of a matrix, cut once: each fold's training and held-out rows, and (made on
/// first use) its training rows ranked for decision trees and binned for gradient boosting.
/// A search cross-validates many specifications on the same folds.
pub struct PreparedFolds {
    k: usize,
    seed: u64,
    stratified: bool,
    folds: Vec<FoldData>,
}

struct FoldData {
    x_train: Array2<f64>,
    x_test: Array2<f64>,
    y_train: TargetValues,
    y_test: TargetValues,
    presorted: OnceLock<Option<Presorted>>,
    /// The training rows binned for boosting, one per (seed, `max_bins`, `early_stopping`)
    /// asked for so far.
    binned: Mutex<Vec<Arc<Binned>>>,
}

impl FoldData {
    /// The training rows ranked for trees, made on first use.
    ///
    /// Not `OnceLock::get_or_init`: ranking runs on the rayon pool, and a worker waiting in
    /// it can steal another configuration's task that asks for the same fold; inside
    /// `get_or_init` that task would wait on the very initialisation its own thread is
    /// running, forever (seen with --jobs 8). Two threads may now rank a fold at the same
    /// time; the first result is kept and both are identical.
    fn presorted(&self) -> Option<&Presorted> {
        if self.presorted.get().is_none() {
            let ranked = Presorted::new(&self.x_train).ok();
            let _ = self.presorted.set(ranked);
        }
        self.presorted.get().and_then(Option::as_ref)
    }

    /// The training rows binned for `spec` and `seed`, made on first use. Binning runs
    /// outside the lock (on the pool, for the reason [`FoldData::presorted`] gives); two
    /// threads may bin the same rows at once, and their results are identical.
    fn binned(
        &self,
        spec: &super::gbdt::GradientBoostingSpec,
        target: super::fitted::Target<'_>,
        seed: u64,
    ) -> Result<Arc<Binned>> {
        let (rows, cols) = self.x_train.dim();
        let find = |cache: &Vec<Arc<Binned>>| {
            cache
                .iter()
                .find(|b| b.fits(rows, cols, &spec.params, seed))
                .cloned()
        };
        if let Some(b) = find(&self.cache()) {
            return Ok(b);
        }
        let made = Arc::new(super::gbdt::bin(spec, &self.x_train, target, seed)?);
        let mut cache = self.cache();
        Ok(match find(&cache) {
            Some(b) => b,
            None => {
                cache.push(Arc::clone(&made));
                made
            }
        })
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, Vec<Arc<Binned>>> {
        // A panic while holding the lock leaves a list of whole entries: still usable.
        self.binned
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl PreparedFolds {
    pub fn new(x: &Array2<f64>, target: &TargetValues, k: usize, seed: u64) -> Result<Self> {
        let split_error = |e: crate::ml::SplitError| {
            EstimatorError::data(format!("cannot make the folds: {e}")).param("cv")
        };
        let (folds, stratified): (Vec<Fold>, bool) = match target {
            TargetValues::Classes(y) => (stratified_kfold(y, k, seed).map_err(split_error)?, true),
            TargetValues::Values(y) => (kfold(y.len(), k, seed).map_err(split_error)?, false),
        };
        let folds = folds
            .par_iter()
            .map(|f| FoldData {
                x_train: x.select(Axis(0), &f.train),
                x_test: x.select(Axis(0), &f.test),
                y_train: pick(target, &f.train),
                y_test: pick(target, &f.test),
                presorted: OnceLock::new(),
                binned: Mutex::new(Vec::new()),
            })
            .collect();
        Ok(Self {
            k,
            seed,
            stratified,
            folds,
        })
    }
}

impl PreparedFolds {
    /// How many binnings of training rows the folds keep for boosting, over all folds: a
    /// search shares one per fold and distinct (seed, `max_bins`, `early_stopping`).
    pub fn binnings(&self) -> usize {
        self.folds.iter().map(|f| f.cache().len()).sum()
    }
}

/// Cross-validates `model`'s specification on prepared folds, folds in parallel.
pub fn cross_validate_prepared(
    model: &TrainedModel,
    folds: &PreparedFolds,
    metrics: &[Metric],
    threshold: f64,
) -> Result<CvReport> {
    let results: Vec<FoldScores> = folds
        .folds
        .par_iter()
        .enumerate()
        .map(|(i, fold)| score_fold(model, fold, metrics, threshold, i + 1))
        .collect::<Result<_>>()?;
    let (mean, std) = summarise(&results);
    Ok(CvReport {
        k: folds.k,
        seed: folds.seed,
        stratified: folds.stratified,
        folds: results,
        mean,
        std,
    })
}

/// Cross-validates a decision tree's specification at each of `cuts` (its `max_depth` and
/// `min_samples_split` replaced), on prepared folds: per fold one tree is grown with the
/// loosest limits and the others are read from it
/// ([`crate::ml::ClassTreeParams::fit_nested`]), so the reports are those of
/// cross-validating each cut alone, at the cost of one fit per fold. One report per cut, in
/// their order. `None` for a model that is not a decision tree.
pub fn cross_validate_nested(
    model: &TrainedModel,
    cuts: &[crate::ml::Cut],
    folds: &PreparedFolds,
    metrics: &[Metric],
    threshold: f64,
) -> Option<Result<Vec<CvReport>>> {
    let Algorithm::DecisionTree(spec) = &model.spec.algorithm else {
        return None;
    };
    let params = super::forest::tree_params(spec, model.classes.len());
    let per_fold: Result<Vec<Vec<FoldScores>>> = folds
        .folds
        .par_iter()
        .enumerate()
        .map(|(i, fold)| {
            let number = i + 1;
            let fold_error = |message: String| {
                EstimatorError::fit(format!("cross-validation fold {number}: {message}"))
            };
            let TargetValues::Classes(y) = &fold.y_train else {
                return Err(fold_error("a decision tree needs classes".into()));
            };
            let presorted = fold.presorted().ok_or_else(|| {
                fold_error("the training rows cannot be ranked (missing values?)".into())
            })?;
            let trees = params
                .fit_nested(presorted, y, cuts)
                .map_err(|e| fold_error(format!("decision_tree failed to fit: {e}")))?;
            trees
                .into_iter()
                .map(|tree| {
                    let mut fitted = model.clone();
                    fitted.fitted = super::fitted::Fitted::ClassTree(tree);
                    fitted.training_rows = fold.x_train.nrows();
                    score_fitted(&fitted, fold, metrics, threshold, number)
                })
                .collect()
        })
        .collect();
    Some(per_fold.map(|per_fold| reports(folds, cuts.len(), &per_fold)))
}

/// Per fold, one report each of `count` variants, turned into one report per variant.
fn reports(folds: &PreparedFolds, count: usize, per_fold: &[Vec<FoldScores>]) -> Vec<CvReport> {
    (0..count)
        .map(|d| {
            let results: Vec<FoldScores> = per_fold.iter().map(|f| f[d].clone()).collect();
            let (mean, std) = summarise(&results);
            CvReport {
                k: folds.k,
                seed: folds.seed,
                stratified: folds.stratified,
                folds: results,
                mean,
                std,
            }
        })
        .collect()
}

/// Cross-validates a gradient-boosting specification at each of `n_trees` (its `n_trees`
/// replaced), on prepared folds: per fold the training rows are binned once for every
/// search trial with the same seed, `max_bins` and `early_stopping` (kept in the folds), and
/// one boosting run of the most rounds gives every shorter model
/// ([`crate::ml::gbdt::fit_binned`]), so the reports are those of cross-validating each alone.
/// One report per entry of `n_trees`, in their order. `None` for a model that is not
/// gradient boosting.
pub fn cross_validate_boosted(
    model: &TrainedModel,
    n_trees: &[usize],
    folds: &PreparedFolds,
    metrics: &[Metric],
    threshold: f64,
) -> Option<Result<Vec<CvReport>>> {
    let Algorithm::GradientBoosting(spec) = &model.spec.algorithm else {
        return None;
    };
    let n_classes = model.classes.len();
    let per_fold: Result<Vec<Vec<FoldScores>>> = folds
        .folds
        .par_iter()
        .enumerate()
        .map(|(i, fold)| {
            let number = i + 1;
            let in_fold = |e: EstimatorError| EstimatorError {
                message: format!("cross-validation fold {number}: {}", e.message),
                ..e
            };
            let target = match &fold.y_train {
                TargetValues::Classes(y) => super::fitted::Target::Classes { y, n_classes },
                TargetValues::Values(y) => super::fitted::Target::Values(y),
            };
            let binned = fold.binned(spec, target, model.seed).map_err(in_fold)?;
            let models = super::gbdt::fit_binned(spec, &fold.x_train, target, &binned, n_trees)
                .map_err(in_fold)?;
            models
                .into_iter()
                .map(|m| {
                    let mut fitted = model.clone();
                    fitted.fitted = super::fitted::Fitted::GradientBoosting(Box::new(m));
                    fitted.training_rows = fold.x_train.nrows();
                    score_fitted(&fitted, fold, metrics, threshold, number)
                })
                .collect()
        })
        .collect();
    Some(per_fold.map(|per_fold| reports(folds, n_trees.len(), &per_fold)))
}

fn pick(target: &TargetValues, rows: &[usize]) -> TargetValues {
    target.select(rows)
}

fn score_fold(
    model: &TrainedModel,
    fold: &FoldData,
    metrics: &[Metric],
    threshold: f64,
    number: usize,
) -> Result<FoldScores> {
    let presorted = match model.spec.algorithm {
        // A matrix a tree cannot rank (NaN) gets no presort; the fit reports it.
        Algorithm::DecisionTree(_) => fold.presorted(),
        _ => None,
    };
    let fitted = model
        .refit_with(&fold.x_train, &fold.y_train, model.seed, presorted)
        .map_err(|e| EstimatorError {
            message: format!("cross-validation fold {number}: {}", e.message),
            ..e
        })?;
    score_fitted(&fitted, fold, metrics, threshold, number)
}

/// A model fitted on the fold's training rows, scored on its test rows.
fn score_fitted(
    fitted: &TrainedModel,
    fold: &FoldData,
    metrics: &[Metric],
    threshold: f64,
    number: usize,
) -> Result<FoldScores> {
    let model = fitted;
    let scores = match (fitted.predict_matrix(fold.x_test.view())?, &fold.y_test) {
        (Predictions::Classes { proba, .. }, TargetValues::Classes(truth)) => ClassifiedRows {
            truth,
            proba: proba.view(),
            positive: model.positive,
            threshold,
        }
        .score(metrics),
        (Predictions::Values(pred), TargetValues::Values(truth)) => {
            regression_scores(truth, &pred.to_vec(), metrics)
        }
        _ => Scores::default(),
    };
    Ok(FoldScores {
        fold: number,
        train_rows: fold.x_train.nrows(),
        test_rows: fold.x_test.nrows(),
        scores: scores.values,
        undefined: scores.undefined,
    })
}

fn summarise(folds: &[FoldScores]) -> (BTreeMap<String, f64>, BTreeMap<String, f64>) {
    let mut mean = BTreeMap::new();
    let mut std = BTreeMap::new();
    let Some(first) = folds.first() else {
        return (mean, std);
    };
    for name in first.scores.keys() {
        let values: Vec<f64> = folds
            .iter()
            .filter_map(|f| f.scores.get(name).copied())
            .collect();
        if values.len() != folds.len() {
            continue;
        }
        let n = values.len() as f64;
        let m = values.iter().sum::<f64>() / n;
        let var = values.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / n;
        mean.insert(name.clone(), m);
        std.insert(name.clone(), var.sqrt());
    }
    (mean, std)
}
