#![allow(clippy::unwrap_used)]

use ndarray::{Array2, ArrayView2};
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

use super::network::{Head, Network, Truth};
use super::scaler::uniform;
use super::train::batch_gradient;
use super::*;

fn random_matrix(rows: usize, cols: usize, rng: &mut Xoshiro256PlusPlus) -> Array2<f64> {
    Array2::from_shape_simple_fn((rows, cols), || 4.0 * uniform(rng) - 2.0)
}

/// A small random network with non-zero biases (so no unit sits exactly on ReLU's kink).
fn tiny(sizes: &[usize], seed: u64) -> Network {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut net = Network::init(sizes, &mut rng);
    for l in &mut net.layers {
        l.b.mapv_inplace(|_| uniform(&mut rng) - 0.5);
    }
    net
}

fn params(hidden: &[usize]) -> MlpParams {
    MlpParams {
        hidden: hidden.to_vec(),
        learning_rate: 0.001,
        l2: 0.0001,
        batch_size: 200,
        epochs: 200,
        validation: None,
        patience: 10,
    }
}

/// Every weight and bias of `net` as (layer, is_bias, index) coordinates.
fn coordinates(net: &Network) -> Vec<(usize, bool, usize)> {
    let mut out = Vec::new();
    for (i, l) in net.layers.iter().enumerate() {
        out.extend((0..l.w.len()).map(|k| (i, false, k)));
        out.extend((0..l.b.len()).map(|k| (i, true, k)));
    }
    out
}

fn get(net: &mut Network, (i, bias, k): (usize, bool, usize)) -> &mut f64 {
    let l = &mut net.layers[i];
    if bias {
        &mut l.b[k]
    } else {
        let cols = l.w.ncols();
        &mut l.w[[k / cols, k % cols]]
    }
}

/// The backward pass (chunked, penalised) against central finite differences of the
/// penalised mean loss, for both heads; 120 rows make three chunks.
#[test]
fn gradients_match_finite_differences() {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(5);
    let x = random_matrix(120, 3, &mut rng);
    let classes: Vec<usize> = (0..120).map(|i| (i * 7) % 3).collect();
    let values: Vec<f64> = (0..120).map(|i| (i as f64 * 0.37).sin()).collect();
    let cases = [
        (vec![3, 4, 3], Head::Softmax, Truth::Classes(&classes)),
        (vec![3, 5, 4, 1], Head::Identity, Truth::Values(&values)),
    ];
    for (sizes, head, truth) in cases {
        let net = tiny(&sizes, 9);
        let l2 = 0.3;
        let (_, grad) = batch_gradient(&net, x.view(), truth, head, l2);
        let loss = |n: &Network| batch_gradient(n, x.view(), truth, head, l2).0;
        let h = 1e-6;
        let mut worst: f64 = 0.0;
        for c in coordinates(&net) {
            let (mut plus, mut minus) = (net.clone(), net.clone());
            *get(&mut plus, c) += h;
            *get(&mut minus, c) -= h;
            let numeric = (loss(&plus) - loss(&minus)) / (2.0 * h);
            let analytic = *get(&mut grad.clone(), c);
            let err = (numeric - analytic).abs() / (numeric.abs() + analytic.abs()).max(1e-8);
            worst = worst.max(err);
            assert!(
                err < 1e-5,
                "{head:?} {c:?}: numeric {numeric} vs analytic {analytic}"
            );
        }
        assert!(worst > 0.0, "something was compared");
    }
}

fn xor() -> (Array2<f64>, Vec<usize>) {
    let points = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]];
    let x = Array2::from_shape_fn((100, 2), |(i, j)| points[i % 4][j]);
    let y = (0..100).map(|i| [0, 1, 1, 0][i % 4]).collect();
    (x, y)
}

#[test]
fn learns_xor() {
    let (x, y) = xor();
    let p = MlpParams {
        learning_rate: 0.01,
        batch_size: 20,
        epochs: 300,
        patience: 300,
        ..params(&[16])
    };
    let (net, history) = train(x.view(), Truth::Classes(&y), 2, Head::Softmax, &p, 1).unwrap();
    let proba = net.predict(x.view(), Head::Softmax);
    for i in 0..4 {
        assert!(proba[[i, y[i]]] > 0.9, "point {i}: {:?}", proba.row(i));
    }
    let first = history.train_loss[0];
    let last = *history.train_loss.last().unwrap();
    assert!(last < first / 5.0, "loss {first} -> {last}");
}

/// A smooth function of two inputs, learnt to a small error.
#[test]
fn regresses_a_known_function() {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
    let x = random_matrix(600, 2, &mut rng);
    let f = |r: ArrayView2<'_, f64>, i: usize| r[[i, 0]].sin() + 0.5 * r[[i, 1]] * r[[i, 1]] - 1.0;
    let y: Vec<f64> = (0..600).map(|i| f(x.view(), i)).collect();
    let p = MlpParams {
        learning_rate: 0.01,
        batch_size: 50,
        epochs: 400,
        patience: 50,
        ..params(&[32, 32])
    };
    let (net, _) = train(x.view(), Truth::Values(&y), 1, Head::Identity, &p, 2).unwrap();
    let test = random_matrix(200, 2, &mut rng);
    let pred = net.predict(test.view(), Head::Identity);
    let mse: f64 = (0..200)
        .map(|i| (pred[[i, 0]] - f(test.view(), i)).powi(2))
        .sum::<f64>()
        / 200.0;
    assert!(mse.sqrt() < 0.08, "rmse {}", mse.sqrt());
}

#[test]
fn probabilities_sum_to_one() {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(8);
    let x = random_matrix(1500, 4, &mut rng) * 50.0;
    let net = tiny(&[4, 8, 5], 4);
    let proba = net.predict(x.view(), Head::Softmax);
    assert_eq!(proba.dim(), (1500, 5));
    for row in proba.rows() {
        assert!((row.sum() - 1.0).abs() < 1e-12, "{row}");
        assert!(row.iter().all(|p| (0.0..=1.0).contains(p)));
    }
}

/// The same seed gives the same bits on pools of 1, 2 and 8 threads; another seed does not.
#[test]
fn training_is_identical_on_any_pool() {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(11);
    let x = random_matrix(700, 6, &mut rng);
    let y: Vec<usize> = (0..700)
        .map(|i| usize::from(x[[i, 0]] * x[[i, 1]] + x[[i, 2]] > 0.0))
        .collect();
    let p = MlpParams {
        epochs: 15,
        validation: Some(0.2),
        ..params(&[32, 16])
    };
    let fit = |threads: usize, seed: u64| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let (net, _) = pool
            .install(|| train(x.view(), Truth::Classes(&y), 2, Head::Softmax, &p, seed))
            .unwrap();
        serde_json::to_vec(&net).unwrap()
    };
    let one = fit(1, 7);
    assert_eq!(one, fit(2, 7));
    assert_eq!(one, fit(8, 7));
    assert_ne!(one, fit(1, 8));
}

/// Noisy labels and a large network: the validation loss turns up, training stops long
/// before the epoch cap, and the weights kept are those of the best validation epoch.
#[test]
fn early_stopping_stops_and_keeps_the_best_epoch() {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(13);
    let x = random_matrix(400, 5, &mut rng);
    let y: Vec<usize> = (0..400)
        .map(|i| usize::from(x[[i, 0]] + 2.0 * uniform(&mut rng) - 1.0 > 0.0))
        .collect();
    let p = MlpParams {
        learning_rate: 0.01,
        batch_size: 32,
        epochs: 500,
        validation: Some(0.25),
        patience: 5,
        ..params(&[128, 128])
    };
    let (net, h) = train(x.view(), Truth::Classes(&y), 2, Head::Softmax, &p, 3).unwrap();
    assert!(h.epochs() < 100, "trained {} epochs", h.epochs());
    assert_eq!(h.valid_loss.len(), h.epochs());
    let best = h.valid_loss.iter().copied().fold(f64::INFINITY, f64::min);
    assert_eq!(h.valid_loss[h.best_epoch - 1], best);
    assert!(h.best_epoch < h.epochs());
    // The kept network is the best epoch's: rerunning for exactly that many epochs without
    // a chance to stop gives the same weights.
    let again = MlpParams {
        epochs: h.best_epoch,
        patience: 1000,
        ..p
    };
    let (same, _) = train(x.view(), Truth::Classes(&y), 2, Head::Softmax, &again, 3).unwrap();
    assert_eq!(net, same);
}

/// Without validation rows, training stops once the training loss stalls.
#[test]
fn stops_when_the_training_loss_stalls() {
    let (x, y) = xor();
    let p = MlpParams {
        learning_rate: 0.05,
        batch_size: 100,
        epochs: 5000,
        patience: 10,
        ..params(&[8])
    };
    let (_, h) = train(x.view(), Truth::Classes(&y), 2, Head::Softmax, &p, 1).unwrap();
    assert!(h.epochs() < 5000, "trained {} epochs", h.epochs());
    assert_eq!(h.best_epoch, h.epochs());
}

#[test]
fn a_diverging_fit_is_an_error() {
    let (mut x, y) = xor();
    x[[5, 1]] = f64::NAN;
    let e = train(
        x.view(),
        Truth::Classes(&y),
        2,
        Head::Softmax,
        &params(&[4]),
        1,
    )
    .unwrap_err();
    assert!(matches!(e, MlpError::Diverged { .. }), "{e}");
}

#[test]
fn standardizer_centres_and_scales() {
    let x = ndarray::array![[1.0, 5.0, 100.0], [3.0, 5.0, 300.0]];
    let s = Standardizer::fit(x.view());
    assert_eq!(s.mean.to_vec(), [2.0, 5.0, 200.0]);
    assert_eq!(
        s.scale.to_vec(),
        [1.0, 1.0, 100.0],
        "a constant column keeps scale 1"
    );
    let t = s.transform(x.view());
    assert_eq!(t, ndarray::array![[-1.0, 0.0, -1.0], [1.0, 0.0, 1.0]]);
}
