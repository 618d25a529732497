//! The network: its layers, the forward pass and the backward pass (gradients of the summed
//! loss over a block of rows).

use std::ops::Range;

use ndarray::{s, Array1, Array2, ArrayView2, Axis, Zip};
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::scaler::uniform;

/// What the output layer computes and which loss it is trained on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Head {
    /// One output per class, softmax, cross-entropy.
    Softmax,
    /// One output, as is, half the squared error.
    Identity,
}

/// The truth for a block of rows: class indices (softmax head) or values (identity head).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Truth<'a> {
    Classes(&'a [usize]),
    Values(&'a [f64]),
}

impl<'a> Truth<'a> {
    pub fn len(&self) -> usize {
        match self {
            Truth::Classes(y) => y.len(),
            Truth::Values(y) => y.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn range(&self, r: Range<usize>) -> Truth<'a> {
        match self {
            Truth::Classes(y) => Truth::Classes(&y[r]),
            Truth::Values(y) => Truth::Values(&y[r]),
        }
    }
}

/// `x . w + b`: `w` is (inputs, outputs).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Layer {
    pub w: Array2<f64>,
    pub b: Array1<f64>,
}

/// Layers in order, ReLU after every one but the last. A gradient has the same shape, so it
/// is a `Network` too.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Network {
    pub layers: Vec<Layer>,
}

/// Rows predicted per parallel task (row results do not depend on the cut).
const PREDICT_CHUNK: usize = 512;

impl Network {
    /// Random weights for layer widths `sizes` (inputs first, outputs last).
    pub fn init(sizes: &[usize], rng: &mut Xoshiro256PlusPlus) -> Self {
        let last = sizes.len().saturating_sub(2);
        let layers = sizes
            .windows(2)
            .enumerate()
            .map(|(i, pair)| {
                let (fan_in, fan_out) = (pair[0].max(1) as f64, pair[1] as f64);
                let bound = if i < last {
                    (6.0 / fan_in).sqrt()
                } else {
                    (6.0 / (fan_in + fan_out)).sqrt()
                };
                let w = Array2::from_shape_simple_fn((pair[0], pair[1]), || {
                    bound * (2.0 * uniform(rng) - 1.0)
                });
                Layer {
                    w,
                    b: Array1::zeros(pair[1]),
                }
            })
            .collect();
        Network { layers }
    }

    pub fn n_inputs(&self) -> usize {
        self.layers.first().map_or(0, |l| l.w.nrows())
    }

    pub fn n_outputs(&self) -> usize {
        self.layers.last().map_or(0, |l| l.w.ncols())
    }

    /// Every weight 0, this network's shape.
    pub fn zeros_like(&self) -> Self {
        Network {
            layers: self
                .layers
                .iter()
                .map(|l| Layer {
                    w: Array2::zeros(l.w.raw_dim()),
                    b: Array1::zeros(l.b.raw_dim()),
                })
                .collect(),
        }
    }

    /// `self += other`, element by element.
    pub fn add(&mut self, other: &Network) {
        for (a, b) in self.layers.iter_mut().zip(&other.layers) {
            a.w += &b.w;
            a.b += &b.b;
        }
    }

    /// The sum of the squared weights (biases left out): what the L2 penalty is on.
    pub fn squared_weights(&self) -> f64 {
        self.layers
            .iter()
            .map(|l| l.w.iter().map(|w| w * w).sum::<f64>())
            .sum()
    }

    /// Every layer's output for `x`; the last is the output layer's, before the head.
    fn activations(&self, x: ArrayView2<'_, f64>) -> Vec<Array2<f64>> {
        let n = self.layers.len();
        let mut acts: Vec<Array2<f64>> = Vec::with_capacity(n);
        for (i, l) in self.layers.iter().enumerate() {
            let mut z = match acts.last() {
                Some(a) => a.dot(&l.w),
                None => x.dot(&l.w),
            };
            z += &l.b;
            if i + 1 < n {
                z.mapv_inplace(|v| v.max(0.0));
            }
            acts.push(z);
        }
        acts
    }

    /// The output layer's values for `x`, before the head.
    fn outputs(&self, x: ArrayView2<'_, f64>) -> Array2<f64> {
        self.activations(x).pop().unwrap_or_else(|| x.to_owned())
    }

    /// Class probabilities (rows sum to 1) or values, one row per row of `x`; blocks of rows
    /// in parallel.
    pub fn predict(&self, x: ArrayView2<'_, f64>, head: Head) -> Array2<f64> {
        let blocks: Vec<Array2<f64>> = chunks(x.nrows(), PREDICT_CHUNK)
            .into_par_iter()
            .map(|r| {
                let mut out = self.outputs(x.slice(s![r, ..]));
                if head == Head::Softmax {
                    for mut row in out.rows_mut() {
                        softmax_in_place(row.as_slice_mut().unwrap_or(&mut []));
                    }
                }
                out
            })
            .collect();
        let views: Vec<ArrayView2<'_, f64>> = blocks.iter().map(|b| b.view()).collect();
        ndarray::concatenate(Axis(0), &views)
            .unwrap_or_else(|_| Array2::zeros((0, self.n_outputs())))
    }

    /// The summed loss of the rows of `x` (no penalty) and its gradient: the backward pass.
    pub fn gradient_sum(
        &self,
        x: ArrayView2<'_, f64>,
        truth: Truth<'_>,
        head: Head,
    ) -> (f64, Network) {
        let mut acts = self.activations(x);
        let Some(mut delta) = acts.pop() else {
            return (0.0, self.zeros_like());
        };
        let loss = output_delta(&mut delta, truth, head);
        let mut grads = Vec::with_capacity(self.layers.len());
        for i in (0..self.layers.len()).rev() {
            let input = if i == 0 { x.view() } else { acts[i - 1].view() };
            grads.push(Layer {
                w: input.t().dot(&delta),
                b: delta.sum_axis(Axis(0)),
            });
            if i > 0 {
                let mut back = delta.dot(&self.layers[i].w.t());
                Zip::from(&mut back).and(&acts[i - 1]).for_each(|d, &a| {
                    if a <= 0.0 {
                        *d = 0.0;
                    }
                });
                delta = back;
            }
        }
        grads.reverse();
        (loss, Network { layers: grads })
    }

    /// The mean loss of the rows of `x` (no penalty), blocks of rows in parallel and summed
    /// in order.
    pub fn mean_loss(&self, x: ArrayView2<'_, f64>, truth: Truth<'_>, head: Head) -> f64 {
        let parts: Vec<f64> = chunks(x.nrows(), PREDICT_CHUNK)
            .into_par_iter()
            .map(|r| {
                let mut out = self.outputs(x.slice(s![r.clone(), ..]));
                output_delta(&mut out, truth.range(r), head)
            })
            .collect();
        parts.iter().sum::<f64>() / x.nrows().max(1) as f64
    }
}

/// `0..n` cut into consecutive ranges of `size` rows (the last may be shorter).
pub(super) fn chunks(n: usize, size: usize) -> Vec<Range<usize>> {
    (0..n)
        .step_by(size.max(1))
        .map(|s| s..(s + size).min(n))
        .collect()
}

/// Turns the output layer's values into the loss's gradient with respect to them (in
/// place) and returns the summed loss.
fn output_delta(out: &mut Array2<f64>, truth: Truth<'_>, head: Head) -> f64 {
    let mut loss = 0.0;
    match (head, truth) {
        (Head::Softmax, Truth::Classes(y)) => {
            for (mut row, &class) in out.rows_mut().into_iter().zip(y) {
                let row = row.as_slice_mut().unwrap_or(&mut []);
                let z = row.get(class).copied().unwrap_or(0.0);
                let (max, sum) = softmax_in_place(row);
                // -log p(class) = log sum exp(z) - z_class, without forming p.
                loss += sum.ln() + max - z;
                if let Some(p) = row.get_mut(class) {
                    *p -= 1.0;
                }
            }
        }
        (Head::Identity, Truth::Values(y)) => {
            for (o, &t) in out.iter_mut().zip(y) {
                let d = *o - t;
                loss += 0.5 * d * d;
                *o = d;
            }
        }
        // A mismatched truth is a bug of the caller: no gradient.
        _ => out.fill(0.0),
    }
    loss
}

/// Softmax of `z` in place; returns the maximum and the sum of `exp(z - max)`.
fn softmax_in_place(z: &mut [f64]) -> (f64, f64) {
    let max = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let mut sum = 0.0;
    for v in z.iter_mut() {
        *v = (*v - max).exp();
        sum += *v;
    }
    for v in z.iter_mut() {
        *v /= sum;
    }
    (max, sum)
}
