//! `join`: two frames on key columns.
//!
//! Row order is defined, not left to the hash join: left rows in their order, each with its
//! matches in right-row order; for an outer join, unmatched right rows follow, in their
//! order. Keys are coalesced into one column; other columns present on both sides get the
//! suffix `_right` on the right side's copy. Null keys match nothing.

use aimass_dsl::ir::Span;
use aimass_engine::StageError;
use polars::prelude::*;

use super::columns::{get, require, Named};
use super::errors::{polars, BAD_TYPE};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum How {
    Inner,
    Left,
    Outer,
}

impl How {
    pub fn from_word(w: &str) -> How {
        match w {
            "left" => How::Left,
            "outer" => How::Outer,
            _ => How::Inner,
        }
    }
}

const LEFT_ROW: &str = "__aimass_left_row";
const RIGHT_ROW: &str = "__aimass_right_row";

/// Integer keys of different widths are widened to Int64, mixed integer and float keys to
/// Float64; other type differences are an error.
fn align_keys(left: &mut DataFrame, right: &mut DataFrame, key: &Named) -> Result<(), StageError> {
    let (lt, rt) = (
        get(left, &key.name)?.dtype().clone(),
        get(right, &key.name)?.dtype().clone(),
    );
    if lt == rt {
        return Ok(());
    }
    let common = if lt.is_integer() && rt.is_integer() {
        DataType::Int64
    } else if lt.is_primitive_numeric() && rt.is_primitive_numeric() {
        DataType::Float64
    } else {
        return Err(StageError::new(format!(
            "key `{}` is {lt} on the left but {rt} on the right",
            key.name
        ))
        .code(BAD_TYPE)
        .at(key.span, "this key")
        .help("cast one side with `clean { cast = { ... } }` so both have the same type"));
    };
    for df in [left, right] {
        let c = get(df, &key.name)?
            .cast(&common)
            .map_err(|e| polars("join", e))?;
        df.replace(&key.name, c).map_err(|e| polars("join", e))?;
    }
    Ok(())
}

pub fn join(
    left: &DataFrame,
    right: &DataFrame,
    on: &[Named],
    how: How,
    on_span: Span,
) -> Result<DataFrame, StageError> {
    if on.is_empty() {
        return Err(StageError::new("`on` names no key column")
            .code(BAD_TYPE)
            .at(on_span, "empty"));
    }
    let (mut l, mut r) = (left.clone(), right.clone());
    for key in on {
        require(&l, key, "in the left frame")?;
        require(&r, key, "in the right frame")?;
        align_keys(&mut l, &mut r, key)?;
    }
    let l = l
        .with_row_index(LEFT_ROW.into(), None)
        .map_err(|e| polars("join", e))?;
    let r = r
        .with_row_index(RIGHT_ROW.into(), None)
        .map_err(|e| polars("join", e))?;
    let kind = match how {
        How::Inner => JoinType::Inner,
        How::Left => JoinType::Left,
        How::Outer => JoinType::Full,
    };
    let args = JoinArgs::new(kind)
        .with_coalesce(JoinCoalesce::CoalesceColumns)
        .with_suffix(Some("_right".into()));
    let keys = Named::names(on);
    let joined = l
        .join(&r, keys.iter(), keys.iter(), args, None)
        .map_err(|e| polars("join", e))?;
    let sorted = joined
        .sort(
            [LEFT_ROW, RIGHT_ROW],
            SortMultipleOptions::default()
                .with_nulls_last(true)
                .with_maintain_order(true),
        )
        .map_err(|e| polars("join", e))?;
    Ok(super::finish(sorted.drop_many([LEFT_ROW, RIGHT_ROW])))
}
