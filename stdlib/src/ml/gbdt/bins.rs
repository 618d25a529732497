//! Cutting one feature's values into bins, once per data set.
//!
//! The distinct values and their counts are found first. With at most `max_bins` distinct
//! values each gets its own bin; with more, bins are cut greedily at quantiles: a bin closes
//! once it holds its share of the rows not yet binned (that share recomputed as bins are
//! used up), or before a value that alone holds a share, so a frequent value (often 0) gets
//! a bin to itself, as LightGBM's `GreedyFindBin` does. A bin's upper bound lies halfway
//! between the last value in it and the first of the next; the last bin is unbounded.
//! Value `v` is in the first bin whose upper bound is at least `v`, so training values
//! and real-valued thresholds agree exactly.
//!
//! A feature with missing values (NaN) in training gets one more bin, the last, for them.

use serde::{Deserialize, Serialize};

/// How one feature's values map to bins.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BinMapper {
    /// Upper bound of each value bin, ascending; the last is `+inf`.
    pub uppers: Vec<f64>,
    /// Whether the feature had missing values in training: then bin `uppers.len()` is theirs.
    pub has_missing: bool,
}

impl BinMapper {
    /// Bins for `values` (any order; NaN is missing) plus `zeros` more rows holding 0 (the
    /// rows a sparse scan skipped).
    pub fn fit(values: &[f64], zeros: usize, max_bins: usize) -> BinMapper {
        let mut sorted: Vec<f64> = values.iter().copied().filter(|v| !v.is_nan()).collect();
        let has_missing = sorted.len() < values.len();
        sorted.sort_unstable_by(f64::total_cmp);
        let distinct = distinct_counts(&sorted, zeros);
        BinMapper {
            uppers: cut(&distinct, max_bins.max(1)),
            has_missing,
        }
    }

    /// Bins, the missing-value bin included.
    pub fn n_bins(&self) -> usize {
        self.uppers.len() + usize::from(self.has_missing)
    }

    /// The missing-value bin, if the feature has one.
    pub fn missing_bin(&self) -> Option<usize> {
        self.has_missing.then_some(self.uppers.len())
    }

    /// The bin of `v`; a missing value goes to the missing bin, or (for a feature that had
    /// none in training) to the bin of 0.
    pub fn bin(&self, v: f64) -> usize {
        if v.is_nan() {
            return self.missing_bin().unwrap_or_else(|| self.bin(0.0));
        }
        // -0.0 and 0.0 compare equal, as they should; the last upper is +inf.
        self.uppers
            .partition_point(|&u| u < v)
            .min(self.uppers.len() - 1)
    }

    /// The real value a split after bin `b` compares with: `x <= threshold` goes left.
    /// The last bin's is `f64::MAX`, not infinity, which JSON cannot hold.
    pub fn threshold(&self, b: usize) -> f64 {
        self.uppers[b].min(f64::MAX)
    }
}

/// Distinct values of `sorted` (no NaN) with their counts, `zeros` more 0s merged in.
fn distinct_counts(sorted: &[f64], zeros: usize) -> Vec<(f64, usize)> {
    let mut out: Vec<(f64, usize)> = Vec::new();
    let mut zeros_left = zeros;
    for &v in sorted {
        if zeros_left > 0 && v >= 0.0 {
            push(&mut out, 0.0, zeros_left);
            zeros_left = 0;
        }
        push(&mut out, v, 1);
    }
    if zeros_left > 0 {
        push(&mut out, 0.0, zeros_left);
    }
    out
}

fn push(out: &mut Vec<(f64, usize)>, v: f64, n: usize) {
    match out.last_mut() {
        // == makes -0.0 and 0.0 one value.
        Some((last, count)) if *last == v => *count += n,
        _ => out.push((v, n)),
    }
}

/// A point `t` with `a <= t < b` (`a < b`): halfway, unless rounding lands it on `b`.
fn between(a: f64, b: f64) -> f64 {
    let mid = a + (b - a) / 2.0;
    if mid < b && mid >= a && mid.is_finite() {
        mid
    } else {
        a
    }
}

/// Upper bounds of at most `max_bins` bins over distinct values with counts.
fn cut(distinct: &[(f64, usize)], max_bins: usize) -> Vec<f64> {
    let mut uppers = Vec::new();
    if distinct.len() <= max_bins {
        for w in distinct.windows(2) {
            uppers.push(between(w[0].0, w[1].0));
        }
    } else {
        let mut rest: usize = distinct.iter().map(|d| d.1).sum();
        let mut bins_left = max_bins;
        let mut in_bin = 0usize;
        for (i, w) in distinct.windows(2).enumerate() {
            if bins_left <= 1 {
                break;
            }
            in_bin += w[0].1;
            let share = rest as f64 / bins_left as f64;
            let values_left = distinct.len() - i - 1;
            // Close when full, before a value that fills a bin alone, or when every
            // remaining value needs a bin of its own.
            if in_bin as f64 >= share || w[1].1 as f64 >= share || values_left < bins_left {
                uppers.push(between(w[0].0, w[1].0));
                rest -= in_bin;
                in_bin = 0;
                bins_left -= 1;
            }
        }
    }
    uppers.push(f64::INFINITY);
    uppers
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn few_distinct_values_get_a_bin_each() {
        let m = BinMapper::fit(&[3.0, 1.0, 2.0, 1.0, 3.0], 0, 255);
        assert_eq!(m.uppers, vec![1.5, 2.5, f64::INFINITY]);
        assert!(!m.has_missing);
        assert_eq!(m.n_bins(), 3);
        for (v, b) in [
            (0.5, 0),
            (1.0, 0),
            (1.5, 0),
            (1.6, 1),
            (2.0, 1),
            (3.0, 2),
            (99.0, 2),
        ] {
            assert_eq!(m.bin(v), b, "{v}");
        }
        // A missing value, never seen in training, goes with 0.
        assert_eq!(m.bin(f64::NAN), 0);
    }

    #[test]
    fn skipped_zeros_are_counted_in_place() {
        let m = BinMapper::fit(&[-1.0, 2.0], 10, 255);
        assert_eq!(m.uppers, vec![-0.5, 1.0, f64::INFINITY]);
        assert_eq!(m.bin(0.0), 1);
        assert_eq!(m.bin(-0.0), 1);
        let one_hot = BinMapper::fit(&[1.0; 4], 96, 255);
        assert_eq!(one_hot.uppers, vec![0.5, f64::INFINITY]);
    }

    #[test]
    fn missing_values_get_the_last_bin() {
        let m = BinMapper::fit(&[1.0, f64::NAN, 2.0, f64::NAN], 0, 255);
        assert!(m.has_missing);
        assert_eq!(m.n_bins(), 3);
        assert_eq!(m.missing_bin(), Some(2));
        assert_eq!(m.bin(f64::NAN), 2);
        assert_eq!(m.bin(1.0), 0);
        assert_eq!(m.bin(2.0), 1);
        // Only missing values: one (empty) value bin and the missing bin.
        let m = BinMapper::fit(&[f64::NAN; 3], 0, 255);
        assert_eq!(m.n_bins(), 2);
        assert_eq!(m.bin(f64::NAN), 1);
    }

    #[test]
    fn many_values_are_cut_at_quantiles() {
        // 1000 distinct values into 10 bins: 100 each.
        let values: Vec<f64> = (0..1000).map(f64::from).collect();
        let m = BinMapper::fit(&values, 0, 10);
        assert_eq!(m.n_bins(), 10);
        let mut counts = [0usize; 10];
        for &v in &values {
            counts[m.bin(v)] += 1;
        }
        assert_eq!(counts, [100; 10]);
        assert_eq!(m.uppers[0], 99.5);
    }

    #[test]
    fn a_frequent_value_gets_its_own_bin() {
        // Half the rows are 0 (skipped by a sparse scan), the rest spread over 1..=500.
        let values: Vec<f64> = (1..=500).map(f64::from).collect();
        let m = BinMapper::fit(&values, 500, 8);
        assert!(m.n_bins() <= 8);
        let zero = m.bin(0.0);
        assert_eq!(m.bin(0.4), zero);
        assert_ne!(m.bin(1.0), zero, "0 shares its bin with nothing");
        let mut counts = vec![0usize; m.n_bins()];
        for &v in &values {
            counts[m.bin(v)] += 1;
        }
        // The other 500 rows share the remaining 7 bins evenly (within rounding).
        for (b, &c) in counts.iter().enumerate() {
            if b != zero {
                assert!((60..=90).contains(&c), "bin {b}: {c} rows");
            }
        }
    }

    #[test]
    fn thresholds_agree_with_bins() {
        let values: Vec<f64> = (0..777).map(|i| f64::from(i * 37 % 101) * 0.37).collect();
        let m = BinMapper::fit(&values, 0, 16);
        for &v in &values {
            let b = m.bin(v);
            for t in 0..m.uppers.len() - 1 {
                assert_eq!(
                    v <= m.threshold(t),
                    b <= t,
                    "value {v} bin {b} threshold {t}"
                );
            }
        }
    }
}
