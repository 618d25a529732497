//! [`Profile`]: the binned distribution of every raw column of the training rows.
//!
//! - Numeric columns (integers, floats): up to [`NUMERIC_BINS`] bins cut at the training
//!   deciles. Bin `i` holds `edges[i-1] < x <= edges[i]` (right-closed), with open ends, so
//!   a value outside the training range still has a bin. Equal deciles merge (a 0/1 column
//!   has three bins: `<= 0`, `(0, 1]`, `> 1`). The shares are counted on those very bins,
//!   not assumed to be tenths.
//! - Text and boolean columns: the share of each of the [`MAX_LEVELS`] most frequent levels
//!   (ties by name) and one `other` share for the rest, which is also where a level never
//!   seen in training goes.
//! - Shares are of the non-missing values; `missing` is the share of rows that are null (or
//!   NaN).
//!
//! Computed by sequential loops on sorted copies: the same rows give the same bytes.

use std::collections::BTreeMap;

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use crate::data::dtype::ColType;

/// The `format` of the profiles this version writes and reads.
pub const PROFILE_FORMAT: &str = "aimass.profile/1";
/// Quantile bins per numeric column (deciles).
pub const NUMERIC_BINS: usize = 10;
/// Levels kept per text column; the rest share `other`.
pub const MAX_LEVELS: usize = 50;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    pub format: String,
    /// Rows profiled.
    pub rows: usize,
    /// In the frame's column order.
    pub columns: Vec<ColumnProfile>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ColumnProfile {
    pub name: String,
    /// The raw column's type, as `collect` read it: what a served record must give.
    pub dtype: ColType,
    /// Share of rows missing.
    pub missing: f64,
    pub bins: Bins,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Bins {
    /// `shares.len() == edges.len() + 1`; both empty when no value was present.
    Numeric { edges: Vec<f64>, shares: Vec<f64> },
    /// `shares[i]` is the share of `levels[i]`; `other` the rest.
    Categorical {
        levels: Vec<String>,
        shares: Vec<f64>,
        other: f64,
    },
}

impl Bins {
    /// The expected share per bin, in the order [`super::Counts`] counts them (for text:
    /// the levels, then `other`).
    pub fn expected(&self) -> Vec<f64> {
        match self {
            Bins::Numeric { shares, .. } => shares.clone(),
            Bins::Categorical { shares, other, .. } => {
                let mut v = shares.clone();
                v.push(*other);
                v
            }
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Bins::Numeric { .. } => "numeric",
            Bins::Categorical { .. } => "categorical",
        }
    }
}

impl Profile {
    /// Profiles every column of `df` of a type a model can read (numbers, text, booleans);
    /// other columns (dates, lists) are left out.
    pub fn of(df: &DataFrame) -> Profile {
        let rows = df.height();
        let columns = df
            .columns()
            .iter()
            .filter_map(|c| ColumnProfile::of(c, rows))
            .collect();
        Profile {
            format: PROFILE_FORMAT.to_string(),
            rows,
            columns,
        }
    }

    /// Only these columns, in this order (those the profile has).
    pub fn restricted_to(&self, names: &[String]) -> Profile {
        let columns = names
            .iter()
            .filter_map(|n| self.columns.iter().find(|c| &c.name == n).cloned())
            .collect();
        Profile {
            format: self.format.clone(),
            rows: self.rows,
            columns,
        }
    }

    pub fn column(&self, name: &str) -> Option<&ColumnProfile> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The file's bytes: pretty JSON and a final newline.
    pub fn to_bytes(&self) -> Vec<u8> {
        // Plain data with string keys: serialising cannot fail.
        let mut bytes = serde_json::to_vec_pretty(self).unwrap_or_default();
        bytes.push(b'\n');
        bytes
    }

    pub fn from_bytes(bytes: &[u8], shown: &str) -> Result<Profile, aimass_engine::StageError> {
        let p: Profile = serde_json::from_slice(bytes).map_err(|e| {
            aimass_engine::StageError::new(format!("{shown} is not a training profile: {e}"))
                .code(super::codes::FORMAT)
        })?;
        if p.format != PROFILE_FORMAT {
            return Err(aimass_engine::StageError::new(format!(
                "{shown} is a profile of format `{}`, but this aimass reads `{PROFILE_FORMAT}`",
                p.format
            ))
            .code(super::codes::FORMAT));
        }
        Ok(p)
    }
}

/// The raw type a column is served as.
pub fn col_type(dt: &DataType) -> Option<ColType> {
    if dt.is_integer() {
        Some(ColType::Int)
    } else if dt.is_float() {
        Some(ColType::Float)
    } else if dt.is_bool() {
        Some(ColType::Bool)
    } else if crate::data::dtype::is_categorical(dt) {
        Some(ColType::Str)
    } else {
        None
    }
}

impl ColumnProfile {
    fn of(col: &Column, rows: usize) -> Option<ColumnProfile> {
        let dtype = col_type(col.dtype())?;
        let (bins, present) = match dtype {
            ColType::Int | ColType::Float => numeric_bins(col)?,
            ColType::Str | ColType::Bool => level_bins(col)?,
        };
        let missing = if rows == 0 {
            0.0
        } else {
            (rows - present) as f64 / rows as f64
        };
        Some(ColumnProfile {
            name: col.name().to_string(),
            dtype,
            missing,
            bins,
        })
    }
}

/// The non-missing values of a numeric column as f64 (NaN counts as missing).
pub(super) fn numeric_values(col: &Column) -> Option<Vec<Option<f64>>> {
    let cast = col.cast(&DataType::Float64).ok()?;
    let ca = cast.f64().ok()?;
    Some(
        ca.iter()
            .map(|v| v.filter(|x| !x.is_nan()))
            .collect::<Vec<_>>(),
    )
}

/// The values of a text or boolean column as text, as polars casts them.
pub(super) fn level_values(col: &Column) -> Option<Vec<Option<String>>> {
    let cast = col.cast(&DataType::String).ok()?;
    let ca = cast.str().ok()?;
    Some(ca.iter().map(|v| v.map(str::to_string)).collect())
}

fn numeric_bins(col: &Column) -> Option<(Bins, usize)> {
    let mut sorted: Vec<f64> = numeric_values(col)?.into_iter().flatten().collect();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    let mut edges: Vec<f64> = Vec::new();
    if n > 0 {
        for k in 1..NUMERIC_BINS {
            // The k-th decile: the smallest value with at least k/10 of the values at or
            // below it.
            let idx = (k * n).div_ceil(NUMERIC_BINS).saturating_sub(1);
            let e = sorted[idx.min(n - 1)];
            if edges.last().is_none_or(|last| *last < e) {
                edges.push(e);
            }
        }
    }
    let shares = if n == 0 {
        Vec::new()
    } else {
        let mut counts = vec![0u64; edges.len() + 1];
        for x in &sorted {
            counts[super::counts::numeric_bin(&edges, *x)] += 1;
        }
        counts.iter().map(|c| *c as f64 / n as f64).collect()
    };
    Some((Bins::Numeric { edges, shares }, n))
}

fn level_bins(col: &Column) -> Option<(Bins, usize)> {
    let mut freq: BTreeMap<String, u64> = BTreeMap::new();
    let mut n = 0usize;
    for v in level_values(col)?.into_iter().flatten() {
        *freq.entry(v).or_insert(0) += 1;
        n += 1;
    }
    let mut by_count: Vec<(String, u64)> = freq.into_iter().collect();
    // Most frequent first; equal counts by name (the map's order, kept by a stable sort).
    by_count.sort_by_key(|b| std::cmp::Reverse(b.1));
    let kept = by_count.len().min(MAX_LEVELS);
    let share = |c: u64| if n == 0 { 0.0 } else { c as f64 / n as f64 };
    let levels = by_count[..kept].iter().map(|(l, _)| l.clone()).collect();
    let shares = by_count[..kept].iter().map(|(_, c)| share(*c)).collect();
    let other = share(by_count[kept..].iter().map(|(_, c)| c).sum());
    Some((
        Bins::Categorical {
            levels,
            shares,
            other,
        },
        n,
    ))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn numeric_columns_are_cut_at_their_deciles() {
        let df = df!("x" => (1..=20).map(f64::from).collect::<Vec<_>>()).unwrap();
        let p = Profile::of(&df);
        let Bins::Numeric { edges, shares } = &p.columns[0].bins else {
            panic!("numeric")
        };
        assert_eq!(edges, &[2.0, 4.0, 6.0, 8.0, 10.0, 12.0, 14.0, 16.0, 18.0]);
        assert_eq!(shares.len(), 10);
        // Nine bins of two values, and the open top bin holds 19 and 20.
        assert!(
            shares.iter().all(|s| (*s - 0.1).abs() < 1e-12),
            "{shares:?}"
        );
        assert_eq!(p.columns[0].dtype, ColType::Float);
        assert_eq!(p.columns[0].missing, 0.0);
    }

    #[test]
    fn a_binary_column_has_merged_edges_and_nulls_are_missing() {
        let df = df!("flag" => [Some(0i64), Some(0), Some(1), None, Some(0)]).unwrap();
        let p = Profile::of(&df);
        let c = &p.columns[0];
        assert_eq!(c.dtype, ColType::Int);
        assert_eq!(c.missing, 0.2);
        let Bins::Numeric { edges, shares } = &c.bins else {
            panic!("numeric")
        };
        assert_eq!(edges, &[0.0, 1.0]);
        assert_eq!(shares, &[0.75, 0.25, 0.0]);
    }

    #[test]
    fn text_columns_keep_levels_by_frequency() {
        let df = df!("c" => [Some("b"), Some("a"), Some("b"), None, Some("c")]).unwrap();
        let p = Profile::of(&df);
        let Bins::Categorical {
            levels,
            shares,
            other,
        } = &p.columns[0].bins
        else {
            panic!("categorical")
        };
        assert_eq!(levels, &["b", "a", "c"]);
        assert_eq!(shares, &[0.5, 0.25, 0.25]);
        assert_eq!(*other, 0.0);
        assert_eq!(p.columns[0].missing, 0.2);
        let back = Profile::from_bytes(&p.to_bytes(), "p").unwrap();
        assert_eq!(back, p);
    }
}
