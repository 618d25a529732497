//! Whole fits: determinism across thread counts, the three losses, early stopping.

use ndarray::Array2;

use super::*;

/// A deterministic pseudo-random number in [0, 1).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// `n` rows: two numbers, a 4-level one-hot categorical, a column with missing values;
/// `z` mixes them with noise.
fn data(n: usize, seed: u64) -> (Array2<f64>, Vec<f64>) {
    let mut r = Lcg(seed);
    let mut x = Array2::zeros((n, 7));
    let mut z = Vec::with_capacity(n);
    for i in 0..n {
        let a = r.next() * 4.0;
        let b = r.next() * 2.0 - 1.0;
        let level = (r.next() * 4.0) as usize;
        let m = if r.next() < 0.2 { f64::NAN } else { r.next() };
        x[[i, 0]] = a;
        x[[i, 1]] = b;
        x[[i, 2 + level]] = 1.0;
        x[[i, 6]] = m;
        let effect = [0.0, 1.0, -1.0, 0.5][level];
        let missing = if m.is_nan() { 1.5 } else { m };
        z.push(a - 2.0 * b * b + effect + missing + r.next() * 1.5);
    }
    (x, z)
}

fn classes(z: &[f64], cuts: &[f64]) -> Vec<usize> {
    z.iter()
        .map(|&v| cuts.iter().filter(|&&c| v > c).count())
        .collect()
}

fn in_pool<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
        .install(f)
}

fn proba(m: &GbdtModel, x: &Array2<f64>) -> Array2<f64> {
    match m.predict(x.view()) {
        Prediction::Proba(p) => p,
        Prediction::Values(_) => panic!("a classifier gives probabilities"),
    }
}

fn auc(scores: &[f64], y: &[usize]) -> f64 {
    let mut pairs = 0.0;
    let mut good = 0.0;
    for (i, &si) in scores.iter().enumerate() {
        for (j, &sj) in scores.iter().enumerate() {
            if y[i] == 1 && y[j] == 0 {
                pairs += 1.0;
                good += if si > sj {
                    1.0
                } else if si == sj {
                    0.5
                } else {
                    0.0
                };
            }
        }
    }
    good / pairs
}

#[test]
fn model_bytes_do_not_depend_on_the_thread_count() {
    let (x, z) = data(6000, 3);
    let y = classes(&z, &[1.5]);
    let y3 = classes(&z, &[0.5, 2.0]);
    let params = GbdtParams {
        n_trees: 15,
        subsample: 0.8,
        colsample: 0.8,
        early_stopping: Some(0.2),
        ..GbdtParams::default()
    };
    for labels in [
        Labels::Classes {
            y: &y,
            n_classes: 2,
        },
        Labels::Classes {
            y: &y3,
            n_classes: 3,
        },
        Labels::Values(&z),
    ] {
        let fits: Vec<String> = [1, 2, 8]
            .iter()
            .map(|&t| {
                let m = in_pool(t, || fit(x.view(), labels, &params, 11).unwrap());
                serde_json::to_string(&m).unwrap()
            })
            .collect();
        assert_eq!(fits[0], fits[1], "1 vs 2 threads");
        assert_eq!(fits[0], fits[2], "1 vs 8 threads");
        let other_seed =
            serde_json::to_string(&fit(x.view(), labels, &params, 12).unwrap()).unwrap();
        assert_ne!(
            fits[0], other_seed,
            "the seed matters when rows are sampled"
        );
    }
}

#[test]
fn binary_classification_learns_and_round_trips() {
    let (x, z) = data(4000, 5);
    let y = classes(&z, &[1.5]);
    let (xt, zt) = data(2000, 6);
    let yt = classes(&zt, &[1.5]);
    let m = fit(
        x.view(),
        Labels::Classes {
            y: &y,
            n_classes: 2,
        },
        &GbdtParams::default(),
        1,
    )
    .unwrap();
    assert_eq!(m.objective, Objective::LogLoss);
    assert_eq!(m.rounds(), 100);
    assert!(m.is_valid());
    assert!(m.trees.iter().all(|t| t.n_leaves() <= 31));
    let p = proba(&m, &xt);
    let test_auc = auc(&p.column(1).to_vec(), &yt);
    assert!(test_auc > 0.85, "test AUC {test_auc}");
    // Read back, it predicts bit for bit the same.
    let back: GbdtModel = serde_json::from_str(&serde_json::to_string(&m).unwrap()).unwrap();
    assert_eq!(back, m);
    assert_eq!(proba(&back, &xt), p);
    // Importance: every split counted, the noise-free columns matter most.
    let splits: u32 = m.importance.splits.iter().sum();
    let nodes: usize = m.trees.iter().map(|t| t.feature.len()).sum();
    assert_eq!(splits as usize, nodes);
    assert!(
        m.importance.gain[0] > m.importance.gain[5],
        "{:?}",
        m.importance.gain
    );
}

#[test]
fn multiclass_probabilities_sum_to_one() {
    let (x, z) = data(3000, 7);
    let y = classes(&z, &[0.5, 2.0]);
    let params = GbdtParams {
        n_trees: 30,
        ..GbdtParams::default()
    };
    let m = fit(
        x.view(),
        Labels::Classes {
            y: &y,
            n_classes: 3,
        },
        &params,
        1,
    )
    .unwrap();
    assert_eq!(m.objective, Objective::Softmax { classes: 3 });
    assert_eq!(m.trees.len(), 90, "one tree per class and round");
    let p = proba(&m, &x);
    assert_eq!(p.ncols(), 3);
    let mut right = 0;
    for (i, row) in p.rows().into_iter().enumerate() {
        assert!((row.sum() - 1.0).abs() < 1e-12, "row {i}: {row}");
        assert!(row.iter().all(|v| (0.0..=1.0).contains(v)));
        let best = (0..3).fold(0, |b, c| if row[c] > row[b] { c } else { b });
        right += usize::from(best == y[i]);
    }
    let accuracy = right as f64 / 3000.0;
    assert!(accuracy > 0.75, "training accuracy {accuracy}");
}

#[test]
fn regression_recovers_a_known_function() {
    // y = sin(2 a) + b^2 on a grid, no noise: trees approximate it closely.
    let n = 4000;
    let mut r = Lcg(9);
    let x = Array2::from_shape_fn((n, 2), |_| r.next() * 4.0 - 2.0);
    let f = |a: f64, b: f64| (2.0 * a).sin() + b * b;
    let y: Vec<f64> = x.rows().into_iter().map(|row| f(row[0], row[1])).collect();
    let params = GbdtParams {
        n_trees: 300,
        min_samples_leaf: 5,
        ..GbdtParams::default()
    };
    let m = fit(x.view(), Labels::Values(&y), &params, 1).unwrap();
    let xt = Array2::from_shape_fn((500, 2), |_| r.next() * 3.6 - 1.8);
    let Prediction::Values(pred) = m.predict(xt.view()) else {
        panic!("a regressor gives numbers")
    };
    let mse: f64 = xt
        .rows()
        .into_iter()
        .zip(pred.iter())
        .map(|(row, &p)| (p - f(row[0], row[1])).powi(2))
        .sum::<f64>()
        / 500.0;
    // The target's variance is about 0.9.
    assert!(mse < 0.01, "test MSE {mse}");
    // One tree is the mean plus a step; zero trees would be the mean.
    assert!((m.init[0] - y.iter().sum::<f64>() / n as f64).abs() < 1e-12);
}

#[test]
fn early_stopping_stops_and_keeps_the_best_rounds() {
    // Pure noise: the held-out loss stops improving almost at once.
    let n = 3000;
    let mut r = Lcg(13);
    let x = Array2::from_shape_fn((n, 5), |_| r.next());
    let y: Vec<usize> = (0..n).map(|_| usize::from(r.next() < 0.3)).collect();
    let params = GbdtParams {
        n_trees: 500,
        early_stopping: Some(0.25),
        patience: 5,
        ..GbdtParams::default()
    };
    let m = fit(
        x.view(),
        Labels::Classes {
            y: &y,
            n_classes: 2,
        },
        &params,
        1,
    )
    .unwrap();
    let s = m.stopping.unwrap();
    assert!(s.rounds_grown < 100, "{s:?}");
    assert_eq!(s.rounds_grown, s.rounds_kept + 5);
    assert_eq!(m.rounds(), s.rounds_kept);
    assert_eq!(s.held_out, 750);
    // On a learnable target it runs longer.
    let (x, z) = data(3000, 5);
    let y = classes(&z, &[1.5]);
    let params = GbdtParams {
        n_trees: 60,
        early_stopping: Some(0.2),
        ..GbdtParams::default()
    };
    let m = fit(
        x.view(),
        Labels::Classes {
            y: &y,
            n_classes: 2,
        },
        &params,
        1,
    )
    .unwrap();
    assert!(m.stopping.unwrap().rounds_kept > 20, "{:?}", m.stopping);
}

#[test]
fn limits_are_kept() {
    let (x, z) = data(3000, 21);
    let params = GbdtParams {
        n_trees: 5,
        max_leaves: 64,
        max_depth: Some(3),
        min_samples_leaf: 100,
        ..GbdtParams::default()
    };
    let m = fit(x.view(), Labels::Values(&z), &params, 1).unwrap();
    for t in &m.trees {
        assert!(t.n_leaves() <= 8, "depth 3: at most 8 leaves");
        let leaves: Vec<usize> = x
            .rows()
            .into_iter()
            .map(|row| t.leaf_of(row.as_slice().unwrap()))
            .collect();
        for l in 0..t.n_leaves() {
            let rows = leaves.iter().filter(|&&v| v == l).count();
            assert!(rows >= 100, "a leaf of {rows} rows");
        }
    }
    let bad = GbdtParams {
        subsample: 0.0,
        ..GbdtParams::default()
    };
    assert!(matches!(
        fit(x.view(), Labels::Values(&z), &bad, 1),
        Err(GbdtError::Param {
            name: "subsample",
            ..
        })
    ));
}

#[test]
fn missing_values_follow_the_learnt_direction() {
    // The target is 1 exactly where the feature is missing or above 0.5.
    let n = 2000;
    let mut r = Lcg(17);
    let mut x = Array2::zeros((n, 1));
    let mut y = Vec::new();
    for i in 0..n {
        let v = if r.next() < 0.3 { f64::NAN } else { r.next() };
        x[[i, 0]] = v;
        y.push(usize::from(v.is_nan() || v > 0.5));
    }
    let m = fit(
        x.view(),
        Labels::Classes {
            y: &y,
            n_classes: 2,
        },
        &GbdtParams::default(),
        1,
    )
    .unwrap();
    let test = Array2::from_shape_vec((3, 1), vec![f64::NAN, 0.2, 0.9]).unwrap();
    let p = proba(&m, &test);
    assert!(p[[0, 1]] > 0.9 && p[[1, 1]] < 0.1 && p[[2, 1]] > 0.9, "{p}");
}

/// Four rows, one split, worked out by hand: the Newton leaf values `-G / H`, the
/// threshold halfway between the values it separates, the gain `G_L²/H_L + G_R²/H_R - G²/H`.
#[test]
fn a_known_small_case() {
    let x = Array2::from_shape_vec((4, 1), vec![1.0, 2.0, 3.0, 4.0]).unwrap();
    let one_tree = GbdtParams {
        n_trees: 1,
        learning_rate: 1.0,
        min_samples_leaf: 1,
        ..GbdtParams::default()
    };
    // Squared error: init 5, gradients (5, 5, -5, -5), hessians 1.
    let y = [0.0, 0.0, 10.0, 10.0];
    let m = fit(x.view(), Labels::Values(&y), &one_tree, 1).unwrap();
    assert_eq!(m.init, vec![5.0]);
    let t = &m.trees[0];
    assert_eq!(
        (t.feature.clone(), t.threshold.clone()),
        (vec![0], vec![2.5])
    );
    assert_eq!(t.leaf, vec![-5.0, 5.0]);
    assert_eq!(m.importance.gain, vec![100.0]);
    assert_eq!(m.importance.splits, vec![1]);
    let Prediction::Values(p) = m.predict(x.view()) else {
        panic!("a regressor gives numbers")
    };
    assert_eq!(p.to_vec(), y.to_vec());

    // Log loss: init log(0.5 / 0.5) = 0, so p = 0.5, gradients p - y = ±0.5, hessians
    // p (1 - p) = 0.25; leaves -(±1) / 0.5 = ∓2, shrunk by 0.1; gain 1/0.5 + 1/0.5 - 0.
    let y = [0, 0, 1, 1];
    let params = GbdtParams {
        learning_rate: 0.1,
        ..one_tree
    };
    let m = fit(
        x.view(),
        Labels::Classes {
            y: &y,
            n_classes: 2,
        },
        &params,
        1,
    )
    .unwrap();
    assert_eq!(m.init, vec![0.0]);
    assert_eq!(m.trees[0].leaf, vec![-0.2, 0.2]);
    assert_eq!(m.importance.gain, vec![4.0]);
    let p = proba(&m, &x);
    assert_eq!(p[[0, 1]], objective::sigmoid(-0.2));
    assert_eq!(p[[3, 1]], objective::sigmoid(0.2));
}

/// One boosting run on binned rows gives, for each round count, the very model a fit of that
/// many rounds makes alone: without early stopping (a prefix of the trees), with it (the
/// shorter fit stops where the longer one did, or at its own end, and keeps its own best
/// rounds), with row and feature sampling, for two classes, three and numbers.
#[test]
fn shorter_fits_are_read_from_one_longer_run() {
    let (x, z) = data(1500, 31);
    let two = classes(&z, &[1.5]);
    let three = classes(&z, &[0.5, 2.0]);
    let labels = [
        Labels::Classes {
            y: &two,
            n_classes: 2,
        },
        Labels::Classes {
            y: &three,
            n_classes: 3,
        },
        Labels::Values(&z),
    ];
    let settings = [
        GbdtParams {
            max_leaves: 7,
            ..GbdtParams::default()
        },
        GbdtParams {
            max_leaves: 15,
            subsample: 0.7,
            colsample: 0.6,
            learning_rate: 0.3,
            ..GbdtParams::default()
        },
        // Stops early (the learning rate is high): shorter fits that end before the stop
        // and longer ones that stop where the longest did.
        GbdtParams {
            learning_rate: 0.5,
            early_stopping: Some(0.2),
            patience: 3,
            ..GbdtParams::default()
        },
    ];
    let rounds = [1, 4, 9, 25, 60];
    for y in labels {
        for params in &settings {
            let binned = boost::bin(x.view(), y, params, 8).unwrap();
            let together = boost::fit_binned(x.view(), y, params, &binned, &rounds).unwrap();
            for (&n, shared) in rounds.iter().zip(&together) {
                let alone = GbdtParams {
                    n_trees: n,
                    ..*params
                };
                let m = fit(x.view(), y, &alone, 8).unwrap();
                assert_eq!(shared, &m, "{n} rounds, {params:?}");
                assert_eq!(
                    serde_json::to_vec(shared).unwrap(),
                    serde_json::to_vec(&m).unwrap()
                );
            }
        }
    }
    // The early-stopping setting did stop before 60 rounds, so both cases were exercised.
    let y = labels[0];
    let binned = boost::bin(x.view(), y, &settings[2], 8).unwrap();
    let long = boost::fit_binned(x.view(), y, &settings[2], &binned, &[60]).unwrap();
    let s = long[0].stopping.unwrap();
    assert!(s.rounds_grown < 60, "{s:?}");
    assert!(s.rounds_grown > 4, "{s:?}");
}

/// Binned rows made for other parameters are refused, not boosted on.
#[test]
fn binned_rows_must_match_the_parameters() {
    let (x, z) = data(300, 3);
    let y = classes(&z, &[1.5]);
    let labels = Labels::Classes {
        y: &y,
        n_classes: 2,
    };
    let params = GbdtParams::default();
    let binned = boost::bin(x.view(), labels, &params, 1).unwrap();
    assert!(binned.fits(300, 7, &params, 1));
    assert!(!binned.fits(300, 7, &params, 2));
    let other = GbdtParams {
        max_bins: 63,
        ..params
    };
    assert!(!binned.fits(300, 7, &other, 1));
    assert_eq!(
        boost::fit_binned(x.view(), labels, &other, &binned, &[10]),
        Err(GbdtError::Binned)
    );
}
