//! A feed-forward neural network (multi-layer perceptron) trained by minibatch Adam, as
//! scikit-learn's `MLPClassifier` / `MLPRegressor` with `solver="adam"`, `activation="relu"`.
//!
//! ```text
//! Standardizer::fit(x)            inputs centred and scaled (kept with the model)
//! train(x, truth, head, params)   -> Network (+ History: losses per epoch, when it stopped)
//! network.predict(x, head)        probabilities (softmax head) or values (identity head)
//! ```
//!
//! - Layers: `x . W + b`, ReLU on every hidden layer; the output layer is linear, then a
//!   softmax over the classes (cross-entropy loss) or the identity (half squared error).
//! - Loss of a batch of `n` rows: the mean loss plus `l2 / (2 n)` times the sum of squared
//!   weights (biases are not penalised), scikit-learn's `alpha` on the same scale.
//! - Initialisation: He-uniform for the ReLU layers (`±sqrt(6 / fan_in)`), Glorot-uniform
//!   for the output layer (`±sqrt(6 / (fan_in + fan_out))`), biases 0.
//! - Stopping: after `epochs`, or once the loss has not improved by more than [`TOL`] for
//!   `patience` epochs in a row. The loss watched is the validation loss when a share of
//!   the rows is held out (`validation`, then the best epoch's weights are kept), else the
//!   training loss (scikit-learn's `n_iter_no_change`).
//!
//! Determinism: every random number (weights, the validation rows, each epoch's order)
//! comes from one `Xoshiro256PlusPlus` seeded with the seed, drawn in a fixed order. A
//! batch is cut into chunks of [`CHUNK`] rows whatever the number of threads; the chunks'
//! gradients are computed in parallel and added in chunk order, so the weights are the same
//! bits on a pool of 1 thread or 8.

mod adam;
mod network;
mod scaler;
mod train;

#[cfg(test)]
mod tests;

pub use network::{Head, Layer, Network, Truth};
pub use scaler::Standardizer;
pub use train::{train, History, MlpError, MlpParams, CHUNK, TOL};
