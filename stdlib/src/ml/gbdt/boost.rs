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
}

/// Fits a boosted model on the rows of `x` (one row per sample) and their labels.
pub fn fit(
    x: ArrayView2<'_, f64>,
    labels: Labels<'_>,
    params: &GbdtParams,
    seed: u64,
) -> Result<GbdtModel, GbdtError> {
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
    let x = x.as_standard_layout();
    let p = x.ncols();
    let objective = Objective::for_labels(labels);
    let k = objective.n_scores();
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
    let y_train = labels.select(&train);
    let y_valid = labels.select(&valid);
    let ds = Dataset::new(x.view(), &train, params.max_bins);
    let n_train = train.len();
    let init = objective.init(y_train.view());
    let mut scores: Vec<Vec<f64>> = init.iter().map(|&s| vec![s; n_train]).collect();
    let mut valid_scores: Vec<Vec<f64>> = init.iter().map(|&s| vec![s; valid.len()]).collect();
    let data = x.as_slice().unwrap_or_default();
    let valid_rows: Vec<&[f64]> = valid.iter().map(|&r| &data[r * p..(r + 1) * p]).collect();

    let mut grower = Grower::new(&ds, params);
    let mut gh = vec![[0.0, 1.0]; n_train];
    let mut trees = Vec::new();
    let mut splits: Vec<Vec<(usize, f64)>> = Vec::new();
    let mut best = (f64::INFINITY, 0usize);
    let mut rounds_grown = 0;
    let all: Vec<usize> = (0..p).collect();
    let bag_size = ((params.subsample * n_train as f64).round() as usize).clamp(1, n_train);
    let n_cols = ((params.colsample * p as f64).round() as usize).clamp(1, p.max(1));
    for round in 0..params.n_trees {
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
                        *s += leaf[binned.leaf_of(&ds, r)];
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
        rounds_grown = round + 1;
        if !valid.is_empty() {
            let loss = objective.loss(y_valid.view(), &valid_scores);
            if loss < best.0 {
                best = (loss, rounds_grown);
            } else if rounds_grown - best.1 >= params.patience {
                break;
            }
        }
    }
    let stopping = (!valid.is_empty()).then(|| {
        trees.truncate(best.1 * k);
        splits.truncate(best.1 * k);
        Stopping {
            held_out: valid.len(),
            rounds_grown,
            rounds_kept: best.1,
            loss: best.0,
        }
    });
    let mut importance = Importance {
        gain: vec![0.0; p],
        splits: vec![0; p],
    };
    for (f, gain) in splits.into_iter().flatten() {
        importance.gain[f] += gain;
        importance.splits[f] += 1;
    }
    Ok(GbdtModel {
        objective,
        n_features: p,
        init,
        trees,
        importance,
        stopping,
    })
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
