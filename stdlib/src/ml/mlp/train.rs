//! The training loop: minibatches of shuffled rows, chunked parallel gradients, Adam steps,
//! and the stopping rule.

use ndarray::{s, Array2, ArrayView2, Axis};
use rand::{RngCore, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;
use thiserror::Error;

use super::adam::Adam;
use super::network::{chunks, Head, Network, Truth};
use crate::ml::folds::{below, train_test_indices, SplitError};

/// Rows per gradient chunk: a batch of 200 is four parallel tasks. Fixed, so the sums (and
/// the weights) do not depend on the number of threads.
pub const CHUNK: usize = 50;
/// The smallest improvement of the watched loss that counts (scikit-learn's `tol`).
pub const TOL: f64 = 1e-4;

/// How to train (the estimator's hyperparameters, defaults resolved).
#[derive(Clone, Debug, PartialEq)]
pub struct MlpParams {
    /// Hidden layer widths, input side first.
    pub hidden: Vec<usize>,
    pub learning_rate: f64,
    /// L2 penalty on the weights (scikit-learn's `alpha`).
    pub l2: f64,
    /// Rows per minibatch (at most the training rows).
    pub batch_size: usize,
    /// The most epochs (passes over the training rows).
    pub epochs: usize,
    /// Share of the rows held out to watch for early stopping (stratified by class).
    pub validation: Option<f64>,
    /// Epochs without an improvement of the watched loss before training stops.
    pub patience: usize,
}

/// What happened during training.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct History {
    /// The penalised training loss of each epoch (mean over its batches).
    pub train_loss: Vec<f64>,
    /// The validation loss after each epoch (empty without validation rows).
    pub valid_loss: Vec<f64>,
    /// The epoch (1-based) whose weights were kept.
    pub best_epoch: usize,
}

impl History {
    /// Epochs trained.
    pub fn epochs(&self) -> usize {
        self.train_loss.len()
    }
}

#[derive(Debug, Clone, PartialEq, Error)]
pub enum MlpError {
    #[error("there are no training rows")]
    NoRows,
    #[error("cannot hold out validation rows for early stopping: {0}")]
    Validation(#[from] SplitError),
    #[error("the training diverged: the loss is {loss} after epoch {epoch}")]
    Diverged { epoch: usize, loss: f64 },
}

/// Owned rows and their truth: a minibatch, or the validation rows.
struct Rows {
    x: Array2<f64>,
    classes: Vec<usize>,
    values: Vec<f64>,
}

impl Rows {
    fn gather(x: ArrayView2<'_, f64>, truth: Truth<'_>, idx: &[usize]) -> Rows {
        let (classes, values) = match truth {
            Truth::Classes(y) => (idx.iter().map(|&i| y[i]).collect(), Vec::new()),
            Truth::Values(y) => (Vec::new(), idx.iter().map(|&i| y[i]).collect()),
        };
        Rows {
            x: x.select(Axis(0), idx),
            classes,
            values,
        }
    }

    fn truth(&self, head: Head) -> Truth<'_> {
        match head {
            Head::Softmax => Truth::Classes(&self.classes),
            Head::Identity => Truth::Values(&self.values),
        }
    }
}

/// Trains a network from `x` (already standardised) to `n_outputs` outputs.
pub fn train(
    x: ArrayView2<'_, f64>,
    truth: Truth<'_>,
    n_outputs: usize,
    head: Head,
    params: &MlpParams,
    seed: u64,
) -> Result<(Network, History), MlpError> {
    let n = x.nrows();
    if n == 0 || truth.len() != n {
        return Err(MlpError::NoRows);
    }
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut sizes = vec![x.ncols()];
    sizes.extend(&params.hidden);
    sizes.push(n_outputs);
    let mut net = Network::init(&sizes, &mut rng);
    let (mut rows, valid) = match params.validation {
        Some(fraction) => {
            let stratify = match truth {
                Truth::Classes(y) => Some(y),
                Truth::Values(_) => None,
            };
            let h = train_test_indices(n, fraction, 0.0, rng.next_u64(), stratify)?;
            (h.train, Some(Rows::gather(x, truth, &h.test)))
        }
        None => ((0..n).collect::<Vec<usize>>(), None),
    };
    let batch = params.batch_size.clamp(1, rows.len());
    let mut adam = Adam::new(&net, params.learning_rate);
    let mut history = History::default();
    let (mut best_loss, mut best_net, mut stale) = (f64::INFINITY, None, 0);
    for epoch in 1..=params.epochs {
        shuffle(&mut rows, &mut rng);
        let mut total = 0.0;
        for b in chunks(rows.len(), batch) {
            let part = Rows::gather(x, truth, &rows[b]);
            let (loss, grad) =
                batch_gradient(&net, part.x.view(), part.truth(head), head, params.l2);
            total += loss * part.x.nrows() as f64;
            adam.step(&mut net, &grad);
        }
        let train_loss = total / rows.len() as f64;
        history.train_loss.push(train_loss);
        let watched = match &valid {
            Some(v) => {
                let l = net.mean_loss(v.x.view(), v.truth(head), head);
                history.valid_loss.push(l);
                l
            }
            None => train_loss,
        };
        if !watched.is_finite() || !train_loss.is_finite() {
            let loss = if train_loss.is_finite() {
                watched
            } else {
                train_loss
            };
            return Err(MlpError::Diverged { epoch, loss });
        }
        stale = if watched > best_loss - TOL {
            stale + 1
        } else {
            0
        };
        if watched < best_loss {
            best_loss = watched;
            history.best_epoch = epoch;
            if valid.is_some() {
                best_net = Some(net.clone());
            }
        }
        if stale >= params.patience {
            break;
        }
    }
    match best_net {
        Some(best) => Ok((best, history)),
        None => {
            history.best_epoch = history.epochs();
            Ok((net, history))
        }
    }
}

/// A batch's penalised mean loss, `sum(loss) / n + l2 / (2 n) |W|^2`, and its gradient:
/// chunks of rows in parallel, their sums added in chunk order.
pub(super) fn batch_gradient(
    net: &Network,
    x: ArrayView2<'_, f64>,
    truth: Truth<'_>,
    head: Head,
    l2: f64,
) -> (f64, Network) {
    let sums: Vec<(f64, Network)> = chunks(x.nrows(), CHUNK)
        .into_par_iter()
        .map(|r| net.gradient_sum(x.slice(s![r.clone(), ..]), truth.range(r), head))
        .collect();
    let mut sums = sums.into_iter();
    let Some((mut loss, mut grad)) = sums.next() else {
        return (0.0, net.zeros_like());
    };
    for (l, g) in sums {
        loss += l;
        grad.add(&g);
    }
    let n = x.nrows() as f64;
    for (g, p) in grad.layers.iter_mut().zip(&net.layers) {
        g.w.scaled_add(l2, &p.w);
        g.w /= n;
        g.b /= n;
    }
    ((loss + 0.5 * l2 * net.squared_weights()) / n, grad)
}

/// Fisher-Yates with unbiased bounded draws (the same order for the same seed, forever).
fn shuffle(items: &mut [usize], rng: &mut Xoshiro256PlusPlus) {
    for i in (1..items.len()).rev() {
        let j = below(rng, i as u64 + 1) as usize;
        items.swap(i, j);
    }
}
