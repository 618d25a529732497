//! Category encoders: ordinal codes and one-hot columns.
//!
//! Levels are the column's values as text (so a column of integer codes can be encoded too).
//! One-hot columns are Boolean (the models read them as 0/1 like any other number) and
//! named `column=level`; levels beyond `max_levels` share the column
//! `column=other` (`column=(other)` if a kept level is itself called `other`). A null gets
//! all zeros (one-hot) or stays null (ordinal). A level not seen when fitting is handled by
//! the `unseen` rule: `ignore` gives all zeros (one-hot) or the code -1 (ordinal); `error`
//! fails with the row and value.

use std::collections::{BTreeSet, HashMap};

use aimass_engine::StageError;
use polars::prelude::*;
use polars_arrow::array::BooleanArray;
use polars_arrow::bitmap::MutableBitmap;

use super::columns::{as_str, get};
use super::errors::{polars, show_value, NAME_CLASH, UNSEEN_LEVEL};
use super::recipe::{Step, Unseen};
use super::stats::counts;

/// Ordinal codes: `levels` in the given order, or the column's values sorted.
pub fn fit_ordinal(
    df: &DataFrame,
    column: &str,
    levels: Option<&[String]>,
    unseen: Unseen,
) -> Result<Step, StageError> {
    let levels = match levels {
        Some(l) => l.to_vec(),
        None => {
            let ca = as_str(get(df, column)?)?;
            ca.iter()
                .flatten()
                .collect::<BTreeSet<&str>>()
                .into_iter()
                .map(str::to_string)
                .collect()
        }
    };
    Ok(Step::Ordinal {
        column: column.to_string(),
        levels,
        unseen,
    })
}

/// One-hot levels: all values sorted, or the `max_levels` most frequent (ties by value)
/// with the rest in `other`.
pub fn fit_one_hot(
    df: &DataFrame,
    column: &str,
    max_levels: usize,
    unseen: Unseen,
) -> Result<Step, StageError> {
    let ca = as_str(get(df, column)?)?;
    let counts = counts(ca.iter().flatten());
    let (levels, other) = if counts.len() <= max_levels {
        (
            counts.iter().map(|(s, _)| s.to_string()).collect(),
            Vec::new(),
        )
    } else {
        let mut by_freq = counts;
        by_freq.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let mut kept: Vec<String> = by_freq[..max_levels]
            .iter()
            .map(|(s, _)| s.to_string())
            .collect();
        let mut rest: Vec<String> = by_freq[max_levels..]
            .iter()
            .map(|(s, _)| s.to_string())
            .collect();
        kept.sort();
        rest.sort();
        (kept, rest)
    };
    Ok(Step::OneHot {
        column: column.to_string(),
        levels,
        other,
        unseen,
    })
}

fn unseen_error(column: &str, row: usize, value: &str, levels: &[String]) -> StageError {
    StageError::new(format!(
        "row {}, column `{column}`: level {} was not seen when the encoding was fitted",
        row + 1,
        show_value(value)
    ))
    .code(UNSEEN_LEVEL)
    .help(format!(
        "known levels: {}; set `unseen = ignore` to encode unseen levels as unknown",
        super::errors::shorten(
            &levels.iter().map(|l| format!("`{l}`")).collect::<Vec<_>>(),
            12
        )
    ))
}

pub fn ordinal(
    mut df: DataFrame,
    column: &str,
    levels: &[String],
    unseen: Unseen,
) -> Result<DataFrame, StageError> {
    let ca = as_str(get(&df, column)?)?;
    let code: HashMap<&str, f64> = levels
        .iter()
        .enumerate()
        .map(|(i, l)| (l.as_str(), i as f64))
        .collect();
    let mut out: Vec<Option<f64>> = Vec::with_capacity(ca.len());
    for (row, v) in ca.iter().enumerate() {
        out.push(match v {
            None => None,
            Some(v) => match (code.get(v), unseen) {
                (Some(c), _) => Some(*c),
                (None, Unseen::Ignore) => Some(-1.0),
                (None, Unseen::Error) => return Err(unseen_error(column, row, v, levels)),
            },
        });
    }
    let col = Float64Chunked::from_iter_options(column.into(), out.into_iter()).into_column();
    df.replace(column, col).map_err(|e| polars(column, e))?;
    Ok(df)
}

/// The columns one-hot encoding `column` makes: `column=level` per level, then one
/// `column=other` (or `column=(other)`, when a level is called "other") for the rare levels.
pub fn one_hot_names(column: &str, levels: &[String], other: &[String]) -> Vec<String> {
    let mut names: Vec<String> = levels.iter().map(|l| format!("{column}={l}")).collect();
    if !other.is_empty() {
        let bucket = if levels.iter().any(|l| l == "other") {
            "(other)"
        } else {
            "other"
        };
        names.push(format!("{column}={bucket}"));
    }
    names
}

/// Replaces `column` by its one-hot columns (Boolean), in its place. Bits rather than
/// Float64 make these columns a 64th the size, and storing frames is much of a run's cost.
pub fn one_hot(
    df: DataFrame,
    column: &str,
    levels: &[String],
    other: &[String],
    unseen: Unseen,
) -> Result<DataFrame, StageError> {
    let Some(at) = df.get_column_index(column) else {
        return Err(super::recipe::missing("one_hot", column));
    };
    let ca = as_str(get(&df, column)?)?;
    let n = ca.len();
    let names = one_hot_names(column, levels, other);
    if let Some(clash) = names.iter().find(|c| df.get_column_index(c).is_some()) {
        return Err(StageError::new(format!(
            "one_hot of `{column}` would make a column `{clash}`, which exists already"
        ))
        .code(NAME_CLASH)
        .help("rename the existing column first"));
    }
    let mut index: HashMap<&str, usize> = levels
        .iter()
        .enumerate()
        .map(|(i, l)| (l.as_str(), i))
        .collect();
    index.extend(other.iter().map(|l| (l.as_str(), levels.len())));
    // One pass to find each row's column, then each 0/1 column is written front to back;
    // columns are independent, so they are built in parallel without changing the result.
    const NONE: u32 = u32::MAX;
    let mut code = Vec::with_capacity(n);
    for (row, v) in ca.iter().enumerate() {
        code.push(match v.map(|v| (index.get(v), v)) {
            None => NONE,
            Some((Some(&j), _)) => j as u32,
            Some((None, _)) if unseen == Unseen::Ignore => NONE,
            Some((None, v)) => return Err(unseen_error(column, row, v, levels)),
        });
    }
    // Each 0/1 column is a bitmap with the bits of its rows set: one pass over the rows,
    // whatever the number of levels.
    let mut bits: Vec<MutableBitmap> = (0..names.len())
        .map(|_| MutableBitmap::from_len_zeroed(n))
        .collect();
    for (row, &c) in code.iter().enumerate() {
        if c != NONE {
            bits[c as usize].set(row, true);
        }
    }
    let new: Vec<Column> = names
        .into_iter()
        .zip(bits)
        .map(|(name, b)| {
            let arr = BooleanArray::new(ArrowDataType::Boolean, b.into(), None);
            BooleanChunked::with_chunk(name.into(), arr).into_column()
        })
        .collect();
    let mut out: Vec<Column> = df.columns().to_vec();
    out.splice(at..=at, new);
    DataFrame::new(n, out).map_err(|e| polars("one_hot", e))
}
