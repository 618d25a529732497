//! `resample`: rebalancing classes, seeded.
//!
//! With `ratio` r (smallest class / largest class after resampling):
//! - undersample: every class larger than `round(min_count / r)` is cut to that many rows,
//!   chosen at random without replacement;
//! - oversample: every class smaller than `round(max_count * r)` is grown to that many rows
//!   by adding rows drawn at random, with replacement, from the class.
//!
//! The output keeps the input's row order; an added copy follows the row it copies.

use std::collections::BTreeMap;

use aimass_engine::StageError;
use polars::prelude::*;
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

use super::columns::{as_str, get, require, Named};
use super::errors::{polars, NO_VALUES};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Undersample,
    Oversample,
}

/// Rows of each class (in class order), each list ascending.
fn rows_by_class(
    df: &DataFrame,
    target: &Named,
) -> Result<BTreeMap<String, Vec<usize>>, StageError> {
    require(df, target, "to resample on")?;
    let ca = as_str(get(df, &target.name)?)?;
    let mut classes: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (row, v) in ca.iter().enumerate() {
        let Some(v) = v else {
            return Err(StageError::new(format!(
                "row {}: the target `{}` is missing",
                row + 1,
                target.name
            ))
            .code(NO_VALUES)
            .at(target.span, "this column")
            .help("drop rows without a target first: `clean { drop_missing = [\"...\"] }`"));
        };
        classes.entry(v.to_string()).or_default().push(row);
    }
    Ok(classes)
}

pub fn resample(
    df: &DataFrame,
    target: &Named,
    method: Method,
    ratio: f64,
    seed: u64,
) -> Result<DataFrame, StageError> {
    let classes = rows_by_class(df, target)?;
    let sizes: Vec<usize> = classes.values().map(Vec::len).collect();
    let (Some(&min), Some(&max)) = (sizes.iter().min(), sizes.iter().max()) else {
        return Ok(df.clone());
    };
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut rows: Vec<usize> = Vec::with_capacity(df.height());
    for mut members in classes.into_values() {
        match method {
            Method::Undersample => {
                let cap = ((min as f64 / ratio).round() as usize).max(1);
                if members.len() > cap {
                    // A partial Fisher-Yates shuffle: the first `cap` entries are a uniform sample.
                    for i in 0..cap {
                        let j = rng.gen_range(i..members.len());
                        members.swap(i, j);
                    }
                    members.truncate(cap);
                }
                rows.extend(members);
            }
            Method::Oversample => {
                let want = (max as f64 * ratio).round() as usize;
                let extra: Vec<usize> = (members.len()..want)
                    .map(|_| members[rng.gen_range(0..members.len())])
                    .collect();
                rows.extend(members);
                rows.extend(extra);
            }
        }
    }
    rows.sort_unstable();
    let idx = IdxCa::from_vec("".into(), rows.iter().map(|&r| r as IdxSize).collect());
    df.take(&idx)
        .map(super::finish)
        .map_err(|e| polars("resample", e))
}
