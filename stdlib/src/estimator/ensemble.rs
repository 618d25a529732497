//! Ensembles for the `fuse` stage: voting, bagging, stacking and gradient boosting.
//!
//! - voting: every member fitted on all rows; probabilities (or values) averaged.
//! - bagging(n): `n` fits, member after member, each on a bootstrap sample of the rows
//!   (drawn with replacement, seeded); averaged.
//! - stacking(meta): each member's out-of-fold predictions on `cv` folds (stratified for
//!   classifiers) become the features of the `meta` model; the members are then refitted on
//!   all rows. A classifier member contributes its probabilities of every class but the
//!   last (they sum to 1), a regressor its value.
//! - boosting(n, depth, learning_rate): gradient boosting of regression trees of `depth`,
//!   as scikit-learn's GradientBoosting*: for binary classification on the log loss (the
//!   trees fit `y - p` and their outputs are added to the log-odds), for regression on the
//!   squared error. Each tree fits the residuals; for the log loss its leaves then take a
//!   Newton step (sum of residuals over sum of p(1 - p)), as scikit-learn does. The rows are
//!   ranked once for all rounds. Members only give the target. When every member is a
//!   tree (decision_tree, regression_tree), the histogram engine of `gradient_boosting`
//!   grows the trees instead (depth-limited, `2^depth` leaves, one row per leaf at least):
//!   the same method, binned, so it is fast on large data and handles more classes.
//!
//! Everything random (bootstrap rows, member seeds, folds) comes from the fuse stage's seed,
//! drawn before fitting, so fits can run in parallel without changing the result.

use std::collections::HashMap;

use ndarray::{Array1, Array2, ArrayView2, Axis};
use rand::{RngCore, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::error::{EstimatorError, Result};
use super::fitted::{Fitted, Output, Target};
use super::spec::{Algorithm, Task, TreeLimits};
use crate::ml::folds::below;
use crate::ml::{kfold, stratified_kfold, Presorted, RegressionTree};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum FuseMethod {
    Voting,
    Bagging {
        n: usize,
    },
    Boosting {
        n: usize,
        depth: usize,
        learning_rate: f64,
    },
    Stacking {
        meta: Box<Algorithm>,
        cv: usize,
    },
}

/// What a fused model is: its method, its members' algorithms and its task.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EnsembleSpec {
    pub method: FuseMethod,
    pub members: Vec<Algorithm>,
    pub task: Task,
}

impl EnsembleSpec {
    pub fn describe(&self) -> String {
        let members: Vec<String> = self.members.iter().map(Algorithm::describe).collect();
        let method = match &self.method {
            FuseMethod::Voting => "voting".to_string(),
            FuseMethod::Bagging { n } => format!("bagging(n = {n})"),
            FuseMethod::Boosting {
                n,
                depth,
                learning_rate,
            } => {
                return format!(
                    "boosting(n = {n}, depth = {depth}, learning_rate = {learning_rate})"
                )
            }
            FuseMethod::Stacking { meta, cv } => {
                format!("stacking(meta = {}, cv = {cv})", meta.name())
            }
        };
        format!("{method} of [{}]", members.join(", "))
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EnsembleFit {
    /// Voting and bagging: the mean of the members' outputs.
    Average {
        members: Vec<Fitted>,
    },
    Stacking {
        members: Vec<Fitted>,
        meta: Fitted,
    },
    Boosting {
        init: f64,
        learning_rate: f64,
        trees: Vec<RegressionTree>,
        classification: bool,
    },
    /// Boosting of tree members, by the histogram engine.
    HistogramBoosting(Box<crate::ml::gbdt::GbdtModel>),
}

pub fn fit(
    spec: &EnsembleSpec,
    x: &Array2<f64>,
    target: Target<'_>,
    seed: u64,
) -> Result<EnsembleFit> {
    if spec.members.is_empty() {
        return Err(EstimatorError::data(
            "an ensemble needs at least one member model",
        ));
    }
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    match &spec.method {
        FuseMethod::Voting => {
            let seeds: Vec<u64> = spec.members.iter().map(|_| rng.next_u64()).collect();
            let members = spec
                .members
                .par_iter()
                .zip(seeds)
                .map(|(a, s)| Fitted::fit(a, x, target, s))
                .collect::<Result<_>>()?;
            Ok(EnsembleFit::Average { members })
        }
        FuseMethod::Bagging { n } => {
            let rows = x.nrows() as u64;
            let draws: Vec<(Vec<usize>, u64)> = (0..*n)
                .map(|_| {
                    let sample = (0..rows).map(|_| below(&mut rng, rows) as usize).collect();
                    (sample, rng.next_u64())
                })
                .collect();
            let members = draws
                .par_iter()
                .enumerate()
                .map(|(i, (sample, s))| {
                    let alg = &spec.members[i % spec.members.len()];
                    let xb = x.select(Axis(0), sample);
                    with_rows(target, sample, |t| Fitted::fit(alg, &xb, t, *s))
                })
                .collect::<Result<_>>()?;
            Ok(EnsembleFit::Average { members })
        }
        FuseMethod::Stacking { meta, cv } => stacking(spec, meta, *cv, x, target, &mut rng),
        FuseMethod::Boosting {
            n,
            depth,
            learning_rate,
        } if spec.members.iter().all(is_tree) => {
            histogram_boosting(*n, *depth, *learning_rate, x, target, rng.next_u64())
        }
        FuseMethod::Boosting {
            n,
            depth,
            learning_rate,
        } => boosting(*n, *depth, *learning_rate, x, target),
    }
}

fn is_tree(a: &Algorithm) -> bool {
    matches!(a, Algorithm::DecisionTree(_) | Algorithm::RegressionTree(_))
}

/// `boosting(n, depth, learning_rate)` of tree members on the histogram engine: `n`
/// rounds of trees at most `depth` deep (so at most `2^depth` leaves), leaves of one row
/// or more, as the exact method's trees.
fn histogram_boosting(
    n: usize,
    depth: usize,
    learning_rate: f64,
    x: &Array2<f64>,
    target: Target<'_>,
    seed: u64,
) -> Result<EnsembleFit> {
    use crate::ml::gbdt::{self, GbdtParams, Labels};
    let labels = match target {
        Target::Classes { y, n_classes } => Labels::Classes { y, n_classes },
        Target::Values(y) => Labels::Values(y),
        Target::None => return Err(EstimatorError::data("boosting needs a target")),
    };
    let params = GbdtParams {
        n_trees: n,
        learning_rate,
        max_depth: Some(depth),
        max_leaves: 1usize << depth.clamp(1, 20),
        min_samples_leaf: 1,
        ..GbdtParams::default()
    };
    gbdt::fit(x.view(), labels, &params, seed)
        .map(|m| EnsembleFit::HistogramBoosting(Box::new(m)))
        .map_err(|e| EstimatorError::fit(format!("boosting failed: {e}")))
}

/// Calls `f` with the target restricted to `rows`.
fn with_rows<R>(target: Target<'_>, rows: &[usize], f: impl FnOnce(Target<'_>) -> R) -> R {
    match target {
        Target::Classes { y, n_classes } => {
            let yb: Vec<usize> = rows.iter().map(|&r| y[r]).collect();
            f(Target::Classes { y: &yb, n_classes })
        }
        Target::Values(y) => {
            let yb: Vec<f64> = rows.iter().map(|&r| y[r]).collect();
            f(Target::Values(&yb))
        }
        Target::None => f(Target::None),
    }
}

/// The level-one features a member gives for rows: class probabilities but the last, or
/// the predicted value.
fn level_one(output: Output) -> Result<Array2<f64>> {
    match output {
        Output::Proba(p) => {
            let k = p.ncols().saturating_sub(1).max(1);
            Ok(p.slice(ndarray::s![.., ..k]).to_owned())
        }
        Output::Values(v) => Ok(v.insert_axis(Axis(1))),
        Output::Segments(_) => Err(EstimatorError::data(
            "a segmentation model cannot be a member of an ensemble",
        )),
    }
}

/// The members' level-one blocks as one matrix, member after member.
fn side_by_side(blocks: &[Array2<f64>]) -> Result<Array2<f64>> {
    let views: Vec<ArrayView2<'_, f64>> = blocks.iter().map(|b| b.view()).collect();
    ndarray::concatenate(Axis(1), &views)
        .map_err(|e| EstimatorError::fit(format!("stacking features: {e}")))
}

fn stacking(
    spec: &EnsembleSpec,
    meta: &Algorithm,
    cv: usize,
    x: &Array2<f64>,
    target: Target<'_>,
    rng: &mut Xoshiro256PlusPlus,
) -> Result<EnsembleFit> {
    let fold_seed = rng.next_u64();
    let folds = match target {
        Target::Classes { y, .. } => stratified_kfold(y, cv, fold_seed),
        Target::Values(y) => kfold(y.len(), cv, fold_seed),
        Target::None => return Err(EstimatorError::data("stacking needs a target")),
    }
    .map_err(|e| {
        EstimatorError::data(format!("cannot make the stacking folds: {e}")).param("cv")
    })?;
    let seeds: Vec<u64> = spec.members.iter().map(|_| rng.next_u64()).collect();
    // Out-of-fold predictions, member by member; each block is (rows x width).
    let blocks: Vec<Array2<f64>> = spec
        .members
        .par_iter()
        .zip(&seeds)
        .map(|(alg, s)| {
            let mut block: Option<Array2<f64>> = None;
            for fold in &folds {
                let xt = x.select(Axis(0), &fold.train);
                let fitted = with_rows(target, &fold.train, |t| Fitted::fit(alg, &xt, t, *s))?;
                let out = level_one(fitted.predict(x.select(Axis(0), &fold.test).view())?)?;
                let b = block.get_or_insert_with(|| Array2::zeros((x.nrows(), out.ncols())));
                for (i, &row) in fold.test.iter().enumerate() {
                    b.row_mut(row).assign(&out.row(i));
                }
            }
            block.ok_or_else(|| EstimatorError::data("stacking made no folds"))
        })
        .collect::<Result<_>>()?;
    let z = side_by_side(&blocks)?;
    let meta_fit = Fitted::fit(meta, &z, target, rng.next_u64())?;
    let members = spec
        .members
        .par_iter()
        .zip(&seeds)
        .map(|(alg, s)| Fitted::fit(alg, x, target, *s))
        .collect::<Result<_>>()?;
    Ok(EnsembleFit::Stacking {
        members,
        meta: meta_fit,
    })
}

fn sigmoid(f: f64) -> f64 {
    1.0 / (1.0 + (-f).exp())
}

fn boosting(
    n: usize,
    depth: usize,
    learning_rate: f64,
    x: &Array2<f64>,
    target: Target<'_>,
) -> Result<EnsembleFit> {
    let (y, classification): (Vec<f64>, bool) = match target {
        Target::Classes { y, n_classes } if n_classes <= 2 => {
            (y.iter().map(|&c| c as f64).collect(), true)
        }
        Target::Classes { n_classes, .. } => {
            return Err(EstimatorError::data(format!(
                "boosting handles two classes, this target has {n_classes}"
            ))
            .help("use bagging, stacking or voting for more classes"))
        }
        Target::Values(y) => (y.to_vec(), false),
        Target::None => return Err(EstimatorError::data("boosting needs a target")),
    };
    if y.is_empty() {
        return Err(EstimatorError::data("there are no training rows"));
    }
    let mean = y.iter().sum::<f64>() / y.len() as f64;
    let init = if classification {
        let p = mean.clamp(1e-12, 1.0 - 1e-12);
        (p / (1.0 - p)).ln()
    } else {
        mean
    };
    let params = RegressionTree::params()
        .max_depth(Some(depth))
        .min_samples_split(TreeLimits::default().min_samples_split)
        .min_samples_leaf(TreeLimits::default().min_samples_leaf);
    // Every round fits the same rows: rank them once.
    let presorted = Presorted::new(x)
        .map_err(|e| EstimatorError::fit(format!("boosting cannot use these features: {e}")))?;
    let mut f = vec![init; y.len()];
    let mut trees = Vec::with_capacity(n);
    for _ in 0..n {
        let p: Vec<f64> = f.iter().map(|&fi| sigmoid(fi)).collect();
        let residual: Vec<f64> = if classification {
            y.iter().zip(&p).map(|(yi, pi)| yi - pi).collect()
        } else {
            y.iter().zip(&f).map(|(yi, fi)| yi - fi).collect()
        };
        let mut tree = params
            .fit_presorted(&presorted, &residual)
            .map_err(|e| EstimatorError::fit(format!("boosting failed to fit a tree: {e}")))?;
        let leaves = tree.leaf_indices(x);
        if classification {
            // A Newton step on the log loss per leaf, as scikit-learn's
            // GradientBoostingClassifier: sum(y - p) / sum(p (1 - p)).
            let mut num: HashMap<usize, f64> = HashMap::new();
            let mut den: HashMap<usize, f64> = HashMap::new();
            for ((&leaf, r), pi) in leaves.iter().zip(&residual).zip(&p) {
                *num.entry(leaf).or_default() += r;
                *den.entry(leaf).or_default() += pi * (1.0 - pi);
            }
            for (&leaf, &sum) in &num {
                let h = den.get(&leaf).copied().unwrap_or(0.0);
                tree.set_leaf_value(leaf, if h > 1e-12 { sum / h } else { 0.0 });
            }
        }
        let step = tree
            .try_predict(x)
            .map_err(|e| EstimatorError::fit(format!("boosting: {e}")))?;
        for (fi, s) in f.iter_mut().zip(step.iter()) {
            *fi += learning_rate * s;
        }
        trees.push(tree);
    }
    Ok(EnsembleFit::Boosting {
        init,
        learning_rate,
        trees,
        classification,
    })
}

impl EnsembleFit {
    pub fn n_features(&self) -> Option<usize> {
        match self {
            EnsembleFit::Average { members } | EnsembleFit::Stacking { members, .. } => {
                members.first().and_then(Fitted::n_features)
            }
            EnsembleFit::Boosting { trees, .. } => trees.first().map(RegressionTree::n_features),
            EnsembleFit::HistogramBoosting(m) => Some(m.n_features),
        }
    }

    pub fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Output> {
        match self {
            EnsembleFit::HistogramBoosting(m) => super::gbdt::predict(m, x),
            EnsembleFit::Average { members } => {
                let outputs: Vec<Output> = members
                    .par_iter()
                    .map(|m| m.predict(x))
                    .collect::<Result<_>>()?;
                average(outputs)
            }
            EnsembleFit::Stacking { members, meta } => {
                let blocks: Vec<Array2<f64>> = members
                    .par_iter()
                    .map(|m| level_one(m.predict(x)?))
                    .collect::<Result<_>>()?;
                meta.predict(side_by_side(&blocks)?.view())
            }
            EnsembleFit::Boosting {
                init,
                learning_rate,
                trees,
                classification,
            } => {
                let mut f = Array1::from_elem(x.nrows(), *init);
                for t in trees {
                    let step = t
                        .try_predict(&x)
                        .map_err(|e| EstimatorError::fit(format!("prediction failed: {e}")))?;
                    f.scaled_add(*learning_rate, &step);
                }
                if !classification {
                    return Ok(Output::Values(f));
                }
                let mut p = Array2::zeros((x.nrows(), 2));
                for (i, &fi) in f.iter().enumerate() {
                    let q = sigmoid(fi);
                    p[[i, 0]] = 1.0 - q;
                    p[[i, 1]] = q;
                }
                Ok(Output::Proba(p))
            }
        }
    }
}

/// The mean of the members' probabilities (or values), in member order.
fn average(outputs: Vec<Output>) -> Result<Output> {
    let n = outputs.len() as f64;
    let mut it = outputs.into_iter();
    match it.next() {
        Some(Output::Proba(mut sum)) => {
            for o in it {
                match o {
                    Output::Proba(p) if p.dim() == sum.dim() => sum += &p,
                    _ => return Err(mixed()),
                }
            }
            sum /= n;
            Ok(Output::Proba(sum))
        }
        Some(Output::Values(mut sum)) => {
            for o in it {
                match o {
                    Output::Values(v) if v.len() == sum.len() => sum += &v,
                    _ => return Err(mixed()),
                }
            }
            sum /= n;
            Ok(Output::Values(sum))
        }
        _ => Err(mixed()),
    }
}

fn mixed() -> EstimatorError {
    EstimatorError::fit("the ensemble's members give different kinds of predictions")
}
