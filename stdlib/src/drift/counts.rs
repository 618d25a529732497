//! Binning rows on a profile's edges and levels: the observed side of a PSI.

use polars::prelude::Column;

use super::profile::{level_values, numeric_values, Bins, ColumnProfile};

/// Rows of one column counted into a profile's bins.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// One count per bin, in [`Bins::expected`]'s order.
    pub bins: Vec<u64>,
    pub missing: u64,
    pub rows: u64,
}

impl Counts {
    pub fn zero(profile: &ColumnProfile) -> Counts {
        Counts {
            bins: vec![0; profile.bins.expected().len()],
            missing: 0,
            rows: 0,
        }
    }

    /// The share of the non-missing values per bin (all zero when there are none).
    pub fn shares(&self) -> Vec<f64> {
        let present: u64 = self.bins.iter().sum();
        self.bins
            .iter()
            .map(|c| {
                if present == 0 {
                    0.0
                } else {
                    *c as f64 / present as f64
                }
            })
            .collect()
    }

    pub fn missing_rate(&self) -> f64 {
        if self.rows == 0 {
            0.0
        } else {
            self.missing as f64 / self.rows as f64
        }
    }

    pub fn add(&mut self, other: &Counts) {
        for (a, b) in self.bins.iter_mut().zip(&other.bins) {
            *a += b;
        }
        self.missing += other.missing;
        self.rows += other.rows;
    }
}

/// The bin of `x`: the number of edges below it (bins are right-closed).
pub fn numeric_bin(edges: &[f64], x: f64) -> usize {
    edges.partition_point(|e| *e < x)
}

/// Counts `col` into `profile`'s bins. A numeric column's values that are not numbers, and
/// a text column's values, are read as polars casts them; what does not cast is missing.
pub fn bin_column(profile: &ColumnProfile, col: &Column) -> Counts {
    let mut counts = Counts::zero(profile);
    counts.rows = col.len() as u64;
    match &profile.bins {
        Bins::Numeric { edges, shares } => {
            let values = numeric_values(col).unwrap_or_else(|| vec![None; col.len()]);
            for v in values {
                match v {
                    // A profile of a column that had no values has no bins.
                    Some(x) if !shares.is_empty() => counts.bins[numeric_bin(edges, x)] += 1,
                    Some(_) => {}
                    None => counts.missing += 1,
                }
            }
        }
        Bins::Categorical { levels, .. } => {
            let values = level_values(col).unwrap_or_else(|| vec![None; col.len()]);
            let other = levels.len();
            for v in values {
                match v {
                    Some(s) => {
                        let i = levels.iter().position(|l| *l == s).unwrap_or(other);
                        counts.bins[i] += 1;
                    }
                    None => counts.missing += 1,
                }
            }
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use polars::prelude::*;

    use super::*;
    use crate::drift::Profile;

    #[test]
    fn values_fall_in_right_closed_bins_and_unseen_levels_in_other() {
        assert_eq!(numeric_bin(&[1.0, 2.0], 0.5), 0);
        assert_eq!(numeric_bin(&[1.0, 2.0], 1.0), 0);
        assert_eq!(numeric_bin(&[1.0, 2.0], 1.5), 1);
        assert_eq!(numeric_bin(&[1.0, 2.0], 9.0), 2);
        let train = df!("c" => ["a", "b", "a"]).unwrap();
        let p = Profile::of(&train);
        let new = df!("c" => [Some("a"), Some("z"), None]).unwrap();
        let c = bin_column(&p.columns[0], new.column("c").unwrap());
        assert_eq!(c.bins, [1, 0, 1]);
        assert_eq!((c.missing, c.rows), (1, 3));
    }
}
