//! Random forest: bagged [`ClassTree`]s, each on a bootstrap sample of the rows and a random
//! subset of the features ("random subspace" per tree), probabilities averaged.
//!
//! Why not linfa-ensemble: its `EnsembleLearner` is not serialisable, votes instead of
//! averaging probabilities, `unwrap`s fit errors, and grows linfa-trees, which is far slower
//! than our CART (see `ml::class_tree`). Its per-tree feature subsets are kept here.
//!
//! Randomness: one `Xoshiro256PlusPlus` seeded from the model's seed draws a seed per tree, in
//! tree order, before any tree is grown; trees then grow in parallel, each from its own seed.
//! So the forest depends on the seed alone, never on the thread count. Draws use Lemire's
//! bounded method written here (not `rand`'s `gen_range`, whose algorithm may change between
//! `rand` versions), as `ml::folds` does.

use linfa::prelude::*;
use ndarray::{Array1, Array2, ArrayView2, Axis};
use rand::{RngCore, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::ml::folds::below;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::error::{EstimatorError, Result};
use super::spec::{ClassTreeSpec, ForestSpec};
use crate::ml::ClassTree;

/// One tree and the feature columns it was grown on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ForestTree {
    pub features: Vec<usize>,
    pub tree: ClassTree,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Forest {
    pub trees: Vec<ForestTree>,
    pub n_features: usize,
    pub n_classes: usize,
}

/// `m` distinct features of `p`, sorted (a partial Fisher-Yates shuffle).
fn feature_subset(rng: &mut Xoshiro256PlusPlus, p: usize, m: usize) -> Vec<usize> {
    let mut all: Vec<usize> = (0..p).collect();
    for i in 0..m.min(p) {
        let j = i + below(rng, (p - i) as u64) as usize;
        all.swap(i, j);
    }
    all.truncate(m.min(p));
    all.sort_unstable();
    all
}

pub fn tree_params(spec: &ClassTreeSpec, n_classes: usize) -> crate::ml::ClassTreeParams {
    ClassTree::params()
        .criterion(spec.criterion)
        .max_depth(spec.limits.max_depth)
        .min_samples_split(spec.limits.min_samples_split)
        .min_samples_leaf(spec.limits.min_samples_leaf)
        .n_classes(n_classes)
}

impl Forest {
    pub fn fit(
        spec: &ForestSpec,
        x: &Array2<f64>,
        y: &[usize],
        n_classes: usize,
        seed: u64,
    ) -> Result<Self> {
        let (n, p) = x.dim();
        if n == 0 {
            return Err(EstimatorError::data("there are no training rows"));
        }
        let m = ((spec.max_features * p as f64).ceil() as usize).clamp(1, p.max(1));
        let mut master = Xoshiro256PlusPlus::seed_from_u64(seed);
        let seeds: Vec<u64> = (0..spec.n_trees).map(|_| master.next_u64()).collect();
        let params = tree_params(&spec.tree, n_classes);
        let trees = seeds
            .into_par_iter()
            .map(|tree_seed| {
                let mut rng = Xoshiro256PlusPlus::seed_from_u64(tree_seed);
                let rows: Vec<usize> = (0..n).map(|_| below(&mut rng, n as u64) as usize).collect();
                let features = feature_subset(&mut rng, p, m);
                let sub = x.select(Axis(0), &rows).select(Axis(1), &features);
                let target: Array1<usize> = rows.iter().map(|&r| y[r]).collect();
                let tree = params
                    .fit(&Dataset::new(sub, target))
                    .map_err(|e| EstimatorError::fit(format!("random forest: {e}")))?;
                Ok(ForestTree { features, tree })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Self {
            trees,
            n_features: p,
            n_classes,
        })
    }

    pub fn predict_proba(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
        let mut sum = Array2::zeros((x.nrows(), self.n_classes));
        for t in &self.trees {
            let sub = x.select(Axis(1), &t.features);
            let p = t
                .tree
                .predict_proba(&sub)
                .map_err(|e| EstimatorError::fit(format!("random forest: {e}")))?;
            sum += &p;
        }
        sum /= self.trees.len().max(1) as f64;
        Ok(sum)
    }
}
