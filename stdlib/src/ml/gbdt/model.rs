//! A boosted model as stored: its loss, initial scores, trees and feature importance.

use ndarray::{Array1, Array2, ArrayView2};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::objective::{sigmoid, softmax, Objective};
use super::tree::Tree;

/// Rows per parallel task when predicting.
const CHUNK: usize = 1024;

/// How much each feature's splits did: their summed gains (loss decrease) and how many
/// there are, over every tree of the model.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Importance {
    pub gain: Vec<f64>,
    pub splits: Vec<u32>,
}

/// What early stopping did.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Stopping {
    /// Training rows held out to watch the loss on.
    pub held_out: usize,
    /// Rounds grown before stopping.
    pub rounds_grown: usize,
    /// Rounds kept: those up to the lowest held-out loss.
    pub rounds_kept: usize,
    /// The held-out loss after the kept rounds.
    pub loss: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GbdtModel {
    pub objective: Objective,
    pub n_features: usize,
    /// Initial score of each class (one for two classes and numbers).
    pub init: Vec<f64>,
    /// Round by round; with a softmax, one tree per class within a round.
    pub trees: Vec<Tree>,
    pub importance: Importance,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stopping: Option<Stopping>,
}

impl GbdtModel {
    /// Rounds of trees.
    pub fn rounds(&self) -> usize {
        self.trees.len() / self.objective.n_scores()
    }

    /// Whether the trees fit the model's shape (read-back models are checked).
    pub fn is_valid(&self) -> bool {
        let k = self.objective.n_scores();
        self.init.len() == k
            && self.trees.len().is_multiple_of(k)
            && self.importance.gain.len() == self.n_features
            && self.importance.splits.len() == self.n_features
            && self.trees.iter().all(|t| t.is_valid(self.n_features))
    }

    /// Raw scores, `n x classes` (or `n x 1`), of rows of `x` (one row per sample,
    /// `n_features` columns).
    pub fn scores(&self, x: ArrayView2<'_, f64>) -> Array2<f64> {
        let k = self.objective.n_scores();
        let x = x.as_standard_layout();
        let p = x.ncols();
        let mut out = Array2::<f64>::zeros((x.nrows(), k));
        let (Some(data), Some(dst)) = (x.as_slice(), out.as_slice_mut()) else {
            unreachable!("standard layout arrays are contiguous");
        };
        dst.par_chunks_mut(CHUNK * k)
            .enumerate()
            .for_each(|(c, chunk)| {
                for (j, s) in chunk.chunks_mut(k).enumerate() {
                    let i = c * CHUNK + j;
                    let row = &data[i * p..(i + 1) * p];
                    s.copy_from_slice(&self.init);
                    for (t, tree) in self.trees.iter().enumerate() {
                        s[t % k] += tree.value(row);
                    }
                }
            });
        out
    }

    /// Class probabilities (classifiers: one column per class, rows sum to 1) or the
    /// predicted numbers (as one column).
    pub fn predict(&self, x: ArrayView2<'_, f64>) -> Prediction {
        let mut s = self.scores(x);
        match self.objective {
            Objective::SquaredError => Prediction::Values(s.column(0).to_owned()),
            Objective::LogLoss => {
                let mut p = Array2::zeros((s.nrows(), 2));
                for (i, &f) in s.column(0).iter().enumerate() {
                    let q = sigmoid(f);
                    p[[i, 0]] = 1.0 - q;
                    p[[i, 1]] = q;
                }
                Prediction::Proba(p)
            }
            Objective::Softmax { classes } => {
                let mut buf = vec![0.0; classes];
                for mut row in s.rows_mut() {
                    if let Some(r) = row.as_slice_mut() {
                        softmax(r, &mut buf);
                        r.copy_from_slice(&buf);
                    }
                }
                Prediction::Proba(s)
            }
        }
    }
}

/// What a model says of rows.
#[derive(Clone, Debug, PartialEq)]
pub enum Prediction {
    Proba(Array2<f64>),
    Values(Array1<f64>),
}
