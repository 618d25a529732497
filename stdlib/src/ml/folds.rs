//! Seeded row-index splits: k-fold, stratified k-fold and train/test/validation holdouts.
//!
//! Every index list is sorted ascending, so a consumer that takes rows in list order keeps the
//! data's original row order. All randomness comes from one `Xoshiro256PlusPlus` seeded with
//! `seed_from_u64(seed)` and a Fisher-Yates shuffle written here (with Lemire's unbiased
//! bounded draw) rather than `rand`'s `shuffle`, whose output `rand` does not promise to keep
//! across versions: a split feeds the cache key of every downstream stage, so the same seed
//! must give the same rows forever. Nothing runs in parallel, so the thread count cannot
//! change a split.

use std::collections::BTreeMap;

use rand::{RngCore, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use thiserror::Error;

/// Why a split cannot be made.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum SplitError {
    #[error("cross-validation needs at least 2 folds, got {k}")]
    TooFewFolds { k: usize },
    #[error("cannot make {k} folds from {n} rows")]
    MoreFoldsThanRows { k: usize, n: usize },
    #[error("{name} must lie in {range}, got {value}")]
    BadFraction {
        name: &'static str,
        range: &'static str,
        value: f64,
    },
    #[error("test and validation fractions ({test} + {valid}) leave no room for training rows")]
    NoTrainingRows { test: f64, valid: f64 },
    #[error("{found} stratification labels for {expected} rows")]
    LabelCount { expected: usize, found: usize },
}

/// One cross-validation fold: train on `train`, score on `test`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fold {
    pub train: Vec<usize>,
    pub test: Vec<usize>,
}

/// A three-way holdout; `valid` is empty when no validation fraction was asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holdout {
    pub train: Vec<usize>,
    pub test: Vec<usize>,
    pub valid: Vec<usize>,
}

/// A uniform draw from `0..bound` (`bound > 0`) without modulo bias (Lemire 2019).
pub(crate) fn below(rng: &mut Xoshiro256PlusPlus, bound: u64) -> u64 {
    let bound = u128::from(bound);
    let mut product = u128::from(rng.next_u64()) * bound;
    let mut low = product as u64;
    if u128::from(low) < bound {
        let threshold = (bound as u64).wrapping_neg() % bound as u64;
        while low < threshold {
            product = u128::from(rng.next_u64()) * bound;
            low = product as u64;
        }
    }
    (product >> 64) as u64
}

fn shuffle<T>(items: &mut [T], rng: &mut Xoshiro256PlusPlus) {
    for i in (1..items.len()).rev() {
        let j = below(rng, i as u64 + 1) as usize;
        items.swap(i, j);
    }
}

/// Turns a fold number per row into folds; iterating rows in order keeps every list sorted.
fn folds_from_assignment(fold_of: &[usize], k: usize) -> Vec<Fold> {
    (0..k)
        .map(|f| {
            let (test, train): (Vec<usize>, Vec<usize>) =
                (0..fold_of.len()).partition(|&row| fold_of[row] == f);
            Fold { train, test }
        })
        .collect()
}

fn check_k(n: usize, k: usize) -> Result<(), SplitError> {
    if k < 2 {
        return Err(SplitError::TooFewFolds { k });
    }
    if k > n {
        return Err(SplitError::MoreFoldsThanRows { k, n });
    }
    Ok(())
}

/// `k` folds of a shuffled `0..n`; the first `n % k` test sets hold one extra row.
pub fn kfold(n: usize, k: usize, seed: u64) -> Result<Vec<Fold>, SplitError> {
    check_k(n, k)?;
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut perm: Vec<usize> = (0..n).collect();
    shuffle(&mut perm, &mut rng);
    let mut fold_of = vec![0; n];
    let mut start = 0;
    for f in 0..k {
        let size = n / k + usize::from(f < n % k);
        for &row in &perm[start..start + size] {
            fold_of[row] = f;
        }
        start += size;
    }
    Ok(folds_from_assignment(&fold_of, k))
}

/// Rows of each class in ascending class order, each list in ascending row order.
fn rows_by_class(labels: &[usize]) -> BTreeMap<usize, Vec<usize>> {
    let mut classes: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (row, &class) in labels.iter().enumerate() {
        classes.entry(class).or_default().push(row);
    }
    classes
}

/// `k` folds with near-equal class proportions: each class (ascending class index) is
/// shuffled and dealt round-robin, the deal continuing where the previous class stopped.
/// So every fold's size, and every class's count within a fold, differ by at most one
/// between folds. A class with fewer than `k` rows is missing from some test sets.
pub fn stratified_kfold(labels: &[usize], k: usize, seed: u64) -> Result<Vec<Fold>, SplitError> {
    check_k(labels.len(), k)?;
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut fold_of = vec![0; labels.len()];
    let mut next_fold = 0;
    for mut rows in rows_by_class(labels).into_values() {
        shuffle(&mut rows, &mut rng);
        for row in rows {
            fold_of[row] = next_fold;
            next_fold = (next_fold + 1) % k;
        }
    }
    Ok(folds_from_assignment(&fold_of, k))
}

/// Rows for a fraction of `n`, rounded up as scikit-learn's `train_test_split` does; the
/// relative tolerance keeps `0.7 * 10 = 7.000000000000001` from rounding up to 8.
fn rows_for(fraction: f64, n: usize) -> usize {
    ((fraction * n as f64 * (1.0 - 1e-12)).ceil().max(0.0) as usize).min(n)
}

/// Splits `total` rows over classes in proportion to `counts` (largest remainder method),
/// giving no class more than `caps[j]`. Ties in the remainder go to the lower class index,
/// so the allocation is deterministic without consuming randomness.
fn apportion(counts: &[usize], total: usize, caps: &[usize]) -> Vec<usize> {
    let n: usize = counts.iter().sum();
    let share = |c: usize| (c as u128 * total as u128, n as u128);
    let mut alloc: Vec<usize> = counts
        .iter()
        .zip(caps)
        .map(|(&c, &cap)| {
            let (num, den) = share(c);
            ((num / den) as usize).min(cap)
        })
        .collect();
    let mut order: Vec<usize> = (0..counts.len()).collect();
    order.sort_by_key(|&j| {
        let (num, den) = share(counts[j]);
        (std::cmp::Reverse(num % den), j)
    });
    let mut left = total.saturating_sub(alloc.iter().sum());
    while left > 0 {
        let before = left;
        for &j in &order {
            if left > 0 && alloc[j] < caps[j] {
                alloc[j] += 1;
                left -= 1;
            }
        }
        if left == before {
            break; // only when total exceeds the caps, which callers rule out
        }
    }
    alloc
}

fn check_fractions(test: f64, valid: f64) -> Result<(), SplitError> {
    if !(test > 0.0 && test < 1.0) {
        return Err(SplitError::BadFraction {
            name: "test fraction",
            range: "(0, 1)",
            value: test,
        });
    }
    if !(0.0..1.0).contains(&valid) {
        return Err(SplitError::BadFraction {
            name: "validation fraction",
            range: "[0, 1)",
            value: valid,
        });
    }
    if test + valid >= 1.0 {
        return Err(SplitError::NoTrainingRows { test, valid });
    }
    Ok(())
}

/// Holds out `ceil(test_fraction * n)` rows for testing and `ceil(valid_fraction * n)` for
/// validation; the rest train.
///
/// With `stratify`, each class (ascending class index) contributes to test and validation
/// in proportion to its size (largest remainder, so each class is within one row of its
/// exact share) and is shuffled before its rows are taken; without it, `0..n` is shuffled
/// once and cut.
pub fn train_test_indices(
    n: usize,
    test_fraction: f64,
    valid_fraction: f64,
    seed: u64,
    stratify: Option<&[usize]>,
) -> Result<Holdout, SplitError> {
    check_fractions(test_fraction, valid_fraction)?;
    let n_test = rows_for(test_fraction, n);
    let n_valid = rows_for(valid_fraction, n);
    if n_test + n_valid >= n {
        return Err(SplitError::NoTrainingRows {
            test: test_fraction,
            valid: valid_fraction,
        });
    }
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut out = Holdout {
        train: Vec::new(),
        test: Vec::new(),
        valid: Vec::new(),
    };
    let mut take = |rows: &mut Vec<usize>, to_test: usize, to_valid: usize| {
        shuffle(rows, &mut rng);
        out.test.extend_from_slice(&rows[..to_test]);
        out.valid
            .extend_from_slice(&rows[to_test..to_test + to_valid]);
        out.train.extend_from_slice(&rows[to_test + to_valid..]);
    };
    match stratify {
        None => take(&mut (0..n).collect(), n_test, n_valid),
        Some(labels) => {
            if labels.len() != n {
                return Err(SplitError::LabelCount {
                    expected: n,
                    found: labels.len(),
                });
            }
            let classes: Vec<Vec<usize>> = rows_by_class(labels).into_values().collect();
            let counts: Vec<usize> = classes.iter().map(Vec::len).collect();
            let test = apportion(&counts, n_test, &counts);
            let room: Vec<usize> = counts.iter().zip(&test).map(|(c, t)| c - t).collect();
            let valid = apportion(&counts, n_valid, &room);
            for (j, mut rows) in classes.into_iter().enumerate() {
                take(&mut rows, test[j], valid[j]);
            }
        }
    }
    out.train.sort_unstable();
    out.test.sort_unstable();
    out.valid.sort_unstable();
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn is_sorted(v: &[usize]) -> bool {
        v.windows(2).all(|w| w[0] < w[1])
    }

    /// Every row is in exactly one of `parts`, and each part is sorted.
    fn assert_partition(n: usize, parts: &[&[usize]]) {
        let mut seen = vec![0; n];
        for part in parts {
            assert!(is_sorted(part));
            for &r in *part {
                seen[r] += 1;
            }
        }
        assert!(seen.iter().all(|&c| c == 1));
    }

    fn labels(n: usize) -> Vec<usize> {
        // Imbalanced: class 0 ~ 60%, class 1 ~ 30%, class 5 ~ 10%.
        (0..n)
            .map(|i| match (i * 7919) % 10 {
                0..=5 => 0,
                6..=8 => 1,
                _ => 5,
            })
            .collect()
    }

    fn count(rows: &[usize], labels: &[usize], class: usize) -> usize {
        rows.iter().filter(|&&r| labels[r] == class).count()
    }

    #[test]
    fn kfold_partitions_rows_into_near_equal_folds() {
        let folds = kfold(103, 5, 42).unwrap();
        let tests: Vec<&[usize]> = folds.iter().map(|f| f.test.as_slice()).collect();
        assert_partition(103, &tests);
        let sizes: Vec<usize> = folds.iter().map(|f| f.test.len()).collect();
        assert_eq!(sizes, [21, 21, 21, 20, 20]);
        for f in &folds {
            assert_partition(103, &[&f.train, &f.test]);
        }
    }

    #[test]
    fn same_seed_same_folds_other_seed_other_folds() {
        assert_eq!(kfold(50, 5, 7).unwrap(), kfold(50, 5, 7).unwrap());
        assert_ne!(kfold(50, 5, 7).unwrap(), kfold(50, 5, 8).unwrap());
        let y = labels(50);
        assert_eq!(
            stratified_kfold(&y, 5, 7).unwrap(),
            stratified_kfold(&y, 5, 7).unwrap()
        );
    }

    /// Pins the exact output: a changed shuffle would silently invalidate every cached split.
    #[test]
    fn seeded_output_is_stable() {
        let folds = kfold(10, 3, 42).unwrap();
        let tests: Vec<Vec<usize>> = folds.into_iter().map(|f| f.test).collect();
        assert_eq!(tests, [vec![0, 1, 3, 5], vec![4, 6, 9], vec![2, 7, 8]]);
    }

    #[test]
    fn stratified_folds_keep_class_proportions() {
        let y = labels(1000);
        let folds = stratified_kfold(&y, 7, 3).unwrap();
        let tests: Vec<&[usize]> = folds.iter().map(|f| f.test.as_slice()).collect();
        assert_partition(1000, &tests);
        let spread = |v: Vec<usize>| v.iter().max().unwrap() - v.iter().min().unwrap();
        assert!(spread(folds.iter().map(|f| f.test.len()).collect()) <= 1);
        for class in [0, 1, 5] {
            let per_fold = folds.iter().map(|f| count(&f.test, &y, class)).collect();
            assert!(spread(per_fold) <= 1, "class {class}");
        }
    }

    #[test]
    fn holdout_sizes_round_up_like_sklearn() {
        // 7021 telco rows at 20%: scikit-learn's train_test_split tests 1405.
        let h = train_test_indices(7021, 0.2, 0.0, 42, None).unwrap();
        assert_eq!(
            (h.train.len(), h.test.len(), h.valid.len()),
            (5616, 1405, 0)
        );
        assert_partition(7021, &[&h.train, &h.test, &h.valid]);
        let h = train_test_indices(10, 0.7, 0.1, 1, None).unwrap();
        assert_eq!((h.train.len(), h.test.len(), h.valid.len()), (2, 7, 1));
    }

    #[test]
    fn stratified_holdout_keeps_each_class_within_one_row_of_its_share() {
        let y = labels(1003);
        let h = train_test_indices(1003, 0.2, 0.15, 9, Some(&y)).unwrap();
        assert_partition(1003, &[&h.train, &h.test, &h.valid]);
        assert_eq!((h.test.len(), h.valid.len()), (201, 151));
        for class in [0, 1, 5] {
            let total = count(&(0..1003).collect::<Vec<_>>(), &y, class) as f64;
            for (part, fraction) in [(&h.test, 201.0 / 1003.0), (&h.valid, 151.0 / 1003.0)] {
                let got = count(part, &y, class) as f64;
                assert!((got - total * fraction).abs() < 1.0, "class {class}");
            }
        }
    }

    #[test]
    fn thread_count_does_not_change_a_split() {
        let y = labels(500);
        let run = |threads| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| train_test_indices(500, 0.3, 0.0, 5, Some(&y)).unwrap())
        };
        assert_eq!(run(1), run(4));
    }

    #[test]
    fn bad_arguments_are_errors() {
        assert_eq!(kfold(10, 1, 0), Err(SplitError::TooFewFolds { k: 1 }));
        assert_eq!(
            stratified_kfold(&[0, 1], 3, 0),
            Err(SplitError::MoreFoldsThanRows { k: 3, n: 2 })
        );
        assert!(matches!(
            train_test_indices(10, 0.0, 0.0, 0, None),
            Err(SplitError::BadFraction { .. })
        ));
        assert!(matches!(
            train_test_indices(10, 0.6, 0.4, 0, None),
            Err(SplitError::NoTrainingRows { .. })
        ));
        // 0.5 + 0.45 of 10 rows rounds up to 5 + 5: nothing left to train on.
        assert!(matches!(
            train_test_indices(10, 0.5, 0.45, 0, None),
            Err(SplitError::NoTrainingRows { .. })
        ));
        assert!(matches!(
            train_test_indices(3, 0.5, 0.0, 0, Some(&[0, 1])),
            Err(SplitError::LabelCount { .. })
        ));
    }

    #[test]
    fn apportion_respects_caps() {
        // Quotas 3, 1.5, 0.5: the tie in remainders goes to the lower class.
        assert_eq!(apportion(&[6, 3, 1], 5, &[6, 3, 1]), [3, 2, 0]);
        assert_eq!(apportion(&[6, 3, 1], 5, &[6, 1, 1]), [3, 1, 1]);
    }
}
