//! The boosting loop.
//!
//! With `early_stopping`, a seeded (and for classes, stratified) share of the rows is
//! held out first; the rest are binned once. Each round draws its rows (`subsample`,
//! without replacement) and each tree its features (`colsample`) from one seeded
//! generator, in a fixed order; computes every row's gradients from the current scores;
//! grows one tree per score; and adds the tree's leaves to the scores: the grown rows from
//! the tree's own partition, the rows left out of the round through the binned tree, the
//! held-out rows through the real-valued tree. Boosting stops after `patience` rounds
//! without a lower held-out loss, and the model keeps the rounds up to the lowest.

use ndarray::ArrayView2;
use rand::{RngCore, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;
use thiserror::Error;

use super::dataset::Dataset;
use super::grow::Grower;
use super::model::{GbdtModel, Importance, Stopping};
use super::objective::{Labels, Objective};
use super::params::GbdtParams;
use crate::ml::folds::{below, train_test_indices};

#[derive(Debug, Clone, PartialEq, Error)]
pub enum GbdtError {
    #[error("`{name}` {why}")]
    Param { name: &'static str, why: String },
    #[error("there are no training rows")]
    NoRows,
    #[error("{labels} labels for {rows} rows")]
    LabelCount { labels: usize, rows: usize },
    #[error("cannot hold out rows for early stopping: {0}")]
    Holdout(String),
    #[error("internal error: the binned rows were made for other rows or parameters")]
    Binned,
}

/// Fits a boosted model on the rows of `x` (one row per sample) and their labels.
pub fn fit(
    x: ArrayView2<'_, f64>,
    labels: Labels<'_>,
    params: &GbdtParams,
    seed: u64,
) -> Result<GbdtModel, GbdtError> {
    let binned = bin(x, labels, params, seed)?;
    let mut models = fit_binned(x, labels, params, &binned, &[params.n_trees])?;
    models.pop().ok_or(GbdtError::NoRows)
}

/// The training rows of a fit, split and binned: what [`fit_binned`] boosts on. It depends
/// on the rows, their labels, the seed, `max_bins` and `early_stopping` only, so fits that
/// differ in any other hyperparameter (a search's trials on one fold) can share it.
#[derive(Clone, Debug)]
pub struct Binned {
    /// Rows boosted on and rows held out for early stopping (none without it).
    train: Vec<usize>,
    valid: Vec<usize>,
    ds: Dataset,
    /// The generator as the hold-out left it: each round's draws continue from here.
    rng: Xoshiro256PlusPlus,
    /// What it was made for: `x`'s shape, the seed, `max_bins`, `early_stopping`'s bits.
    made_for: (usize, usize, u64, usize, Option<u64>),
}

impl Binned {
    /// Whether these binned rows are the ones `fit` would make for `params` and `seed` on a
    /// matrix of this shape.
    pub fn fits(&self, rows: usize, cols: usize, params: &GbdtParams, seed: u64) -> bool {
        self.made_for == made_for(rows, cols, params, seed)
    }
}

fn made_for(
    rows: usize,
    cols: usize,
    params: &GbdtParams,
    seed: u64,
) -> (usize, usize, u64, usize, Option<u64>) {
    (
        rows,
        cols,
        seed,
        params.max_bins,
        params.early_stopping.map(f64::to_bits),
    )
}

/// Checks the inputs, holds out the early-stopping rows (seeded; stratified for classes) and
/// bins the rest.
pub fn bin(
    x: ArrayView2<'_, f64>,
    labels: Labels<'_>,
    params: &GbdtParams,
    seed: u64,
) -> Result<Binned, GbdtError> {
    params
        .check()
        .map_err(|(name, why)| GbdtError::Param { name, why })?;
    let n = x.nrows();
    if n == 0 {
        return Err(GbdtError::NoRows);
    }
    if labels.len() != n {
        return Err(GbdtError::LabelCount {
            labels: labels.len(),
            rows: n,
        });
    }
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let (train, valid) = match params.early_stopping {
        None => ((0..n).collect::<Vec<usize>>(), Vec::new()),
        Some(fraction) => {
            let strata = match labels {
                Labels::Classes { y, .. } => Some(y),
                Labels::Values(_) => None,
            };
            let h = train_test_indices(n, fraction, 0.0, rng.next_u64(), strata)
                .map_err(|e| GbdtError::Holdout(e.to_string()))?;
            if h.test.is_empty() {
                return Err(GbdtError::Holdout(format!(
                    "{fraction} of {n} rows is no row"
                )));
            }
            (h.train, h.test)
        }
    };
    let ds = Dataset::new(x, &train, params.max_bins);
    Ok(Binned {
        train,
        valid,
        ds,
        rng,
        made_for: made_for(n, x.ncols(), params, seed),
    })
}

/// Boosts on binned rows ([`bin`] of the same `x`, labels, seed, `max_bins` and
/// `early_stopping`), once, and returns the model `fit` would make for each of `n_trees`:
/// boosting with 50 rounds is the first 50 of 100 (each round's draws and trees do not
/// depend on how many rounds follow), and with early stopping the shorter fit stops where
/// the longer one did if that came first, and keeps the rounds up to its lowest held-out
/// loss among its own rounds. `params.n_trees` is ignored.
pub fn fit_binned(
    x: ArrayView2<'_, f64>,
    labels: Labels<'_>,
    params: &GbdtParams,
    binned: &Binned,
    n_trees: &[usize],
) -> Result<Vec<GbdtModel>, GbdtError> {
    let most = n_trees.iter().copied().max().unwrap_or(0);
    for &n in n_trees {
        GbdtParams {
            n_trees: n,
            ..*params
        }
        .check()
        .map_err(|(name, why)| GbdtError::Param { name, why })?;
    }
    if binned.made_for.0 != x.nrows() || binned.made_for.1 != x.ncols() || labels.len() != x.nrows()
    {
        return Err(GbdtError::Binned);
    }
    if binned.made_for.3 != params.max_bins
        || binned.made_for.4 != params.early_stopping.map(f64::to_bits)
    {
        return Err(GbdtError::Binned);
    }
    let x = x.as_standard_layout();
    let p = x.ncols();
    let objective = Objective::for_labels(labels);
    let k = objective.n_scores();
    let mut rng = binned.rng.clone();
    let (train, valid, ds) = (&binned.train, &binned.valid, &binned.ds);
    let y_train = labels.select(train);
    let y_valid = labels.select(valid);
    let n_train = train.len();
    let init = objective.init(y_train.view());
    let mut scores: Vec<Vec<f64>> = init.iter().map(|&s| vec![s; n_train]).collect();
    let mut valid_scores: Vec<Vec<f64>> = init.iter().map(|&s| vec![s; valid.len()]).collect();
    let data = x.as_slice().unwrap_or_default();
    let valid_rows: Vec<&[f64]> = valid.iter().map(|&r| &data[r * p..(r + 1) * p]).collect();

    let mut grower = Grower::new(ds, params);
    let mut gh = vec![[0.0, 1.0]; n_train];
    let mut trees = Vec::new();
    let mut splits: Vec<Vec<(usize, f64)>> = Vec::new();
    // The held-out loss after each round.
    let mut losses = Vec::new();
    let mut best = (f64::INFINITY, 0usize);
    let all: Vec<usize> = (0..p).collect();
    let bag_size = ((params.subsample * n_train as f64).round() as usize).clamp(1, n_train);
    let n_cols = ((params.colsample * p as f64).round() as usize).clamp(1, p.max(1));
    for round in 0..most {
        let bag: Vec<u32> = if bag_size < n_train {
            sample(&mut rng, n_train, bag_size)
        } else {
            (0..n_train as u32).collect()
        };
        for c in 0..k {
            let features = if n_cols < p {
                sample(&mut rng, p, n_cols)
                    .into_iter()
                    .map(|f| f as usize)
                    .collect()
            } else {
                all.clone()
            };
            objective.gradients(y_train.view(), &scores, c, &mut gh);
            let grown = grower.grow(&gh, bag.clone(), &features, params.learning_rate);
            let leaf = &grown.tree.leaf;
            let sc = &mut scores[c];
            // Leaf `l` of the tree holds the partition's rows of leaf `l`.
            for (l, &value) in leaf.iter().enumerate() {
                for &r in grown.partition.rows(l) {
                    sc[r as usize] += value;
                }
            }
            if bag.len() < n_train {
                let mut in_bag = vec![false; n_train];
                for &r in &bag {
                    in_bag[r as usize] = true;
                }
                let binned = &grown.binned;
                sc.par_iter_mut().enumerate().for_each(|(r, s)| {
                    if !in_bag[r] {
                        *s += leaf[binned.leaf_of(ds, r)];
                    }
                });
            }
            valid_scores[c]
                .par_iter_mut()
                .zip(valid_rows.par_iter())
                .for_each(|(s, row)| *s += grown.tree.value(row));
            trees.push(grown.tree);
            splits.push(grown.splits);
        }
        if !valid.is_empty() {
            let loss = objective.loss(y_valid.view(), &valid_scores);
            losses.push(loss);
            let rounds = round + 1;
            if loss < best.0 {
                best = (loss, rounds);
            } else if rounds - best.1 >= params.patience {
                break;
            }
        }
    }
    let grown = trees.len() / k.max(1);
    Ok(n_trees
        .iter()
        .map(|&n| {
            // This fit's rounds: it stops where the longest did if that came first.
            let rounds_grown = n.min(grown);
            let (kept, stopping) = if valid.is_empty() {
                (rounds_grown, None)
            } else {
                // The first lowest loss among its rounds, as the loop above finds it.
                let mut best = (f64::INFINITY, 0usize);
                for (i, &loss) in losses[..rounds_grown].iter().enumerate() {
                    if loss < best.0 {
                        best = (loss, i + 1);
                    }
                }
                let stopping = Stopping {
                    held_out: valid.len(),
                    rounds_grown,
                    rounds_kept: best.1,
                    loss: best.0,
                };
                (best.1, Some(stopping))
            };
            let mut importance = Importance {
                gain: vec![0.0; p],
                splits: vec![0; p],
            };
            for &(f, gain) in splits[..kept * k].iter().flatten() {
                importance.gain[f] += gain;
                importance.splits[f] += 1;
            }
            GbdtModel {
                objective,
                n_features: p,
                init: init.clone(),
                trees: trees[..kept * k].to_vec(),
                importance,
                stopping,
            }
        })
        .collect())
}

/// `m` of `0..n`, ascending, each subset equally likely (Knuth's selection sampling).
fn sample(rng: &mut Xoshiro256PlusPlus, n: usize, m: usize) -> Vec<u32> {
    let mut out = Vec::with_capacity(m);
    let mut needed = m as u64;
    for i in 0..n {
        let left = (n - i) as u64;
        if below(rng, left) < needed {
            out.push(i as u32);
            needed -= 1;
            if needed == 0 {
                break;
            }
        }
    }
    out
}
