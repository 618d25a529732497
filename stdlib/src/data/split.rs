//! `split`: train / test (/ validation) rows by seeded index lists.
//!
//! The index lists come from [`crate::ml::folds::train_test_indices`] (shared with the
//! model stages, so a holdout means the same thing everywhere): `ceil(test * n)` test rows,
//! `ceil(valid * n)` validation rows, the rest train; stratified, each class contributes in
//! proportion to its size. Each part keeps the input's row order.

use std::collections::BTreeMap;

use aimass_engine::StageError;
use polars::prelude::*;
use polars_arrow::array::BooleanArray;
use polars_arrow::bitmap::MutableBitmap;

use super::columns::{as_str, get, require, Named};
use super::errors::{polars, SPLIT};
use crate::ml::folds::train_test_indices;

/// The three parts; `valid` is empty (with the input's columns) unless asked for.
pub struct Parts {
    pub train: DataFrame,
    pub test: DataFrame,
    pub valid: DataFrame,
}

/// Class numbers for stratification: classes in ascending order of their text form (null
/// is a class of its own, first).
pub fn class_labels(df: &DataFrame, col: &Named) -> Result<Vec<usize>, StageError> {
    require(df, col, "to stratify on")?;
    let ca = as_str(get(df, &col.name)?)?;
    let classes: BTreeMap<Option<&str>, usize> = ca.iter().map(|v| (v, 0)).collect();
    let ids: BTreeMap<Option<&str>, usize> =
        classes.keys().enumerate().map(|(i, k)| (*k, i)).collect();
    Ok(ca
        .iter()
        .map(|v| ids.get(&v).copied().unwrap_or(0))
        .collect())
}

pub fn split(
    df: &DataFrame,
    test: f64,
    valid: f64,
    stratify: Option<&Named>,
    seed: u64,
) -> Result<Parts, StageError> {
    let labels = stratify.map(|c| class_labels(df, c)).transpose()?;
    let holdout =
        train_test_indices(df.height(), test, valid, seed, labels.as_deref()).map_err(|e| {
            StageError::new(format!("cannot split {} rows: {e}", df.height())).code(SPLIT)
        })?;
    // The rows of each part are ascending, so a part is a filter of the input: a mask is
    // much cheaper than a gather for bit-packed (Boolean, e.g. one-hot) columns.
    let take = |rows: &[usize]| -> Result<DataFrame, StageError> {
        let mut bits = MutableBitmap::from_len_zeroed(df.height());
        for &r in rows {
            bits.set(r, true);
        }
        let mask = BooleanChunked::with_chunk(
            "".into(),
            BooleanArray::new(ArrowDataType::Boolean, bits.into(), None),
        );
        df.filter(&mask)
            .map(super::finish)
            .map_err(|e| polars("split", e))
    };
    Ok(Parts {
        train: take(&holdout.train)?,
        test: take(&holdout.test)?,
        valid: take(&holdout.valid)?,
    })
}
