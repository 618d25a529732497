//! Summary statistics on plain slices, computed by sequential loops.
//!
//! polars has these too, but its reductions may split a column by chunk and thread, and
//! float addition is not associative: the last bits of a mean could depend on the machine.
//! A fitted statistic ends up in a recipe and a content hash, so we add in row order.

use polars::prelude::PlHashMap;
use std::hash::{Hash, Hasher};

/// The arithmetic mean (Neumaier-compensated sum), `None` for no values.
pub fn mean(xs: &[f64]) -> Option<f64> {
    if xs.is_empty() {
        return None;
    }
    Some(sum(xs) / xs.len() as f64)
}

fn sum(xs: &[f64]) -> f64 {
    let (mut s, mut c) = (0.0f64, 0.0f64);
    for &x in xs {
        let t = s + x;
        c += if s.abs() >= x.abs() {
            (s - t) + x
        } else {
            (x - t) + s
        };
        s = t;
    }
    s + c
}

/// The population standard deviation (ddof = 0, as scikit-learn's `StandardScaler`).
pub fn std_pop(xs: &[f64], mean: f64) -> f64 {
    if xs.is_empty() {
        return 0.0;
    }
    let sq: Vec<f64> = xs.iter().map(|x| (x - mean) * (x - mean)).collect();
    (sum(&sq) / xs.len() as f64).sqrt()
}

/// The `q` quantile with linear interpolation (numpy's default; the median of an even count
/// is the mean of the middle two). By selection rather than a full sort: linear time, so
/// imputing many long columns with their median stays cheap.
pub fn quantile(xs: &[f64], q: f64) -> Option<f64> {
    if xs.is_empty() {
        return None;
    }
    let mut v = xs.to_vec();
    let pos = q.clamp(0.0, 1.0) * (v.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let frac = pos - lo as f64;
    let (_, a, upper) = v.select_nth_unstable_by(lo, f64::total_cmp);
    let a = *a;
    if pos.ceil() as usize == lo {
        return Some(a);
    }
    let b = upper.iter().copied().min_by(f64::total_cmp)?;
    Some(a + (b - a) * frac)
}

pub fn median(xs: &[f64]) -> Option<f64> {
    quantile(xs, 0.5)
}

/// The most frequent value; ties go to the smallest, so the answer never depends on order.
pub fn mode<T: Ord + Hash>(values: impl IntoIterator<Item = T>) -> Option<T> {
    let mut best: Option<(T, usize)> = None;
    for (v, c) in counts(values) {
        if best.as_ref().is_none_or(|(_, b)| c > *b) {
            best = Some((v, c));
        }
    }
    best.map(|(v, _)| v)
}

/// How often each value occurs, in ascending value order. (Counted in polars' fast hash map,
/// which beats a tree and std's SipHash on long columns; the order comes from the final
/// sort, never from hashing.)
pub fn counts<T: Ord + Hash>(values: impl IntoIterator<Item = T>) -> Vec<(T, usize)> {
    let mut counts: PlHashMap<T, usize> = PlHashMap::default();
    for v in values {
        *counts.entry(v).or_insert(0) += 1;
    }
    let mut out: Vec<(T, usize)> = counts.into_iter().collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Total order on floats, so they can key a `BTreeMap` (mode of a float column).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OrdF64(pub f64);

impl Eq for OrdF64 {}

impl Hash for OrdF64 {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // Consistent with `total_cmp`: equal exactly when the bits are.
        self.0.to_bits().hash(state);
    }
}

impl PartialOrd for OrdF64 {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for OrdF64 {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sorts a copy of the values (NaN last) for order statistics.
    fn sorted(xs: &[f64]) -> Vec<f64> {
        let mut v = xs.to_vec();
        v.sort_by(f64::total_cmp);
        v
    }

    /// The `q` quantile of sorted values with linear interpolation (numpy's default), so the
    /// median of an even count is the mean of the middle two.
    fn quantile_sorted(sorted: &[f64], q: f64) -> Option<f64> {
        if sorted.is_empty() {
            return None;
        }
        let pos = q.clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
        let lo = pos.floor() as usize;
        let hi = pos.ceil() as usize;
        let frac = pos - lo as f64;
        Some(if lo == hi {
            sorted[lo]
        } else {
            sorted[lo] + (sorted[hi] - sorted[lo]) * frac
        })
    }

    #[test]
    fn order_statistics_match_numpy() {
        let cases: &[(&[f64], f64, f64)] = &[
            (&[1.0, 2.0, 3.0, 4.0], 0.5, 2.5),
            (&[5.0, 1.0, 3.0], 0.5, 3.0),
            (&[1.0, 2.0, 3.0, 4.0, 5.0], 0.25, 2.0),
            (&[0.0, 10.0], 0.9, 9.0),
        ];
        for (xs, q, want) in cases {
            assert_eq!(
                quantile_sorted(&sorted(xs), *q),
                Some(*want),
                "{xs:?} q={q}"
            );
        }
        assert_eq!(median(&[]), None);
    }

    #[test]
    fn mode_breaks_ties_by_smallest_value() {
        assert_eq!(mode(["b", "a", "b", "a", "c"]), Some("a"));
        assert_eq!(mode([3, 1, 3]), Some(3));
        assert_eq!(mode(Vec::<i64>::new()), None);
    }

    #[test]
    fn population_std() {
        let xs = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0];
        let m = mean(&xs).unwrap_or(f64::NAN);
        assert_eq!(m, 5.0);
        assert_eq!(std_pop(&xs, m), 2.0);
    }
}
