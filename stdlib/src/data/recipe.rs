//! The recipe: the row-wise transforms a `clean` fitted, with their statistics, so the same
//! preparation can be replayed on rows it has never seen (held-out rows, production records).
//!
//! A recipe is an ordered list of [`Step`]s; each step's output depends on one row and the
//! fitted values only, never on other rows, so applying a recipe to raw rows reproduces the
//! cleaned frame exactly on the rows `clean` kept. Row filters (dedupe, drop_missing,
//! filter) are not steps: production rows are scored, not dropped.
//!
//! Recipes compose: `clean` appends its steps to its input frame's recipe, so a chain of
//! cleans (and the splits between them) yields one recipe from raw rows to model input.
//!
//! Missing columns: a step whose column is one of `keep` (the target, say) is skipped when
//! the rows do not have it, so production rows need no target; any other missing column is
//! an error naming the step.
//!
//! The JSON form (`to_json`) is versioned; floats round-trip exactly (serde_json's
//! `float_roundtrip`), so a recipe read back from the cache replays bit for bit.

use std::collections::BTreeSet;

use aimass_engine::StageError;
use polars::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use super::dtype::ColType;
use super::errors::RECIPE;
use super::{encode, impute, reshape, scale};

/// The recipe format this version writes and understands.
pub const RECIPE_VERSION: u32 = 1;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Recipe {
    pub version: u32,
    /// Columns never transformed, and allowed to be absent when the recipe is applied.
    pub keep: Vec<String>,
    pub steps: Vec<Step>,
    /// The distribution of the raw rows the first step was fitted on (see `drift`): what
    /// `deploy` ships so served rows can be checked for drift. Absent in recipes written
    /// before profiles existed, and then not written either, so their bytes are unchanged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<crate::drift::Profile>,
}

/// A fitted impute value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fill {
    Float(f64),
    Int(i64),
    Str(String),
    Bool(bool),
}

/// What an encoder does with a level it did not see when fitted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unseen {
    /// one_hot: all its columns 0; ordinal: code -1.
    Ignore,
    Error,
}

/// One fitted transform. Outputs of the numeric steps are `Float64`; one-hot columns are
/// `Boolean`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Step {
    /// Keep only these columns, in this order.
    Select {
        columns: Vec<String>,
    },
    /// Remove these columns (absent ones are ignored).
    Drop {
        columns: Vec<String>,
    },
    Rename {
        from: String,
        to: String,
    },
    Cast {
        column: String,
        to: ColType,
    },
    /// A new (or replaced) column computed by an expression (see `expr`).
    Derive {
        column: String,
        expr: String,
    },
    /// Nulls become `value`; a float value makes an integer column Float64.
    Impute {
        column: String,
        value: Fill,
    },
    /// Values below `lo` become `lo`, above `hi` become `hi`.
    Clip {
        column: String,
        lo: f64,
        hi: f64,
    },
    /// `(x - mean) / scale`.
    Standardize {
        column: String,
        mean: f64,
        scale: f64,
    },
    /// `(x - min) / range`.
    MinMax {
        column: String,
        min: f64,
        range: f64,
    },
    /// Level `levels[i]` becomes `i`; null stays null.
    Ordinal {
        column: String,
        levels: Vec<String>,
        unseen: Unseen,
    },
    /// One `column=level` column per level (sorted); the levels in `other` share one
    /// `column=other` column, present when `other` is not empty.
    OneHot {
        column: String,
        levels: Vec<String>,
        other: Vec<String>,
        unseen: Unseen,
    },
}

impl Step {
    pub fn op(&self) -> &'static str {
        match self {
            Step::Select { .. } => "select",
            Step::Drop { .. } => "drop",
            Step::Rename { .. } => "rename",
            Step::Cast { .. } => "cast",
            Step::Derive { .. } => "derive",
            Step::Impute { .. } => "impute",
            Step::Clip { .. } => "clip",
            Step::Standardize { .. } => "standardize",
            Step::MinMax { .. } => "min_max",
            Step::Ordinal { .. } => "ordinal",
            Step::OneHot { .. } => "one_hot",
        }
    }

    /// The one column a per-column step reads (and replaces).
    pub fn column(&self) -> Option<&str> {
        match self {
            Step::Select { .. } | Step::Drop { .. } | Step::Derive { .. } => None,
            Step::Rename { from, .. } => Some(from),
            Step::Cast { column, .. }
            | Step::Impute { column, .. }
            | Step::Clip { column, .. }
            | Step::Standardize { column, .. }
            | Step::MinMax { column, .. }
            | Step::Ordinal { column, .. }
            | Step::OneHot { column, .. } => Some(column),
        }
    }

    /// Applies the step. `keep` columns may be missing; then the step is skipped.
    pub fn apply(&self, df: DataFrame, keep: &BTreeSet<String>) -> Result<DataFrame, StageError> {
        if let Some(col) = self.column() {
            if df.get_column_index(col).is_none() {
                // A kept column may be missing (the target in production rows), under its
                // old name or, for a rename, its new one.
                let renamed_kept = matches!(self, Step::Rename { to, .. } if keep.contains(to));
                if keep.contains(col) || renamed_kept {
                    return Ok(df);
                }
                return Err(missing(self.op(), col));
            }
        }
        match self {
            Step::Select { columns } => reshape::select(df, columns, keep),
            Step::Drop { columns } => Ok(df.drop_many(columns)),
            Step::Rename { from, to } => reshape::rename(df, from, to),
            Step::Cast { column, to } => reshape::cast(df, column, *to),
            Step::Derive { column, expr } => reshape::derive(df, column, expr, keep),
            Step::Impute { column, value } => impute::apply(df, column, value),
            Step::Clip { column, lo, hi } => scale::map(df, column, |x| x.clamp(*lo, *hi)),
            Step::Standardize {
                column,
                mean,
                scale,
            } => scale::map(df, column, |x| (x - mean) / scale),
            Step::MinMax { column, min, range } => scale::map(df, column, |x| (x - min) / range),
            Step::Ordinal {
                column,
                levels,
                unseen,
            } => encode::ordinal(df, column, levels, *unseen),
            Step::OneHot {
                column,
                levels,
                other,
                unseen,
            } => encode::one_hot(df, column, levels, other, *unseen),
        }
    }
}

pub fn missing(op: &str, col: &str) -> StageError {
    StageError::new(format!(
        "the recipe's `{op}` step needs column `{col}`, which the rows do not have"
    ))
    .code(RECIPE)
    .help("rows given to a recipe need the columns of the raw rows it was fitted on")
}

impl Recipe {
    pub fn new() -> Self {
        Self {
            version: RECIPE_VERSION,
            keep: Vec::new(),
            steps: Vec::new(),
            profile: None,
        }
    }

    /// Profiles `raw` unless the recipe has a profile or steps already (then its rows are
    /// no longer raw).
    pub fn profile_raw(&mut self, raw: &DataFrame) {
        if self.profile.is_none() && self.steps.is_empty() {
            self.profile = Some(crate::drift::Profile::of(raw));
        }
    }

    /// Joins `other`'s profile into this one: its columns this one lacks, after these.
    pub fn merge_profile(&mut self, other: Option<crate::drift::Profile>) {
        match (&mut self.profile, other) {
            (Some(mine), Some(theirs)) => {
                for c in theirs.columns {
                    if mine.column(&c.name).is_none() {
                        mine.columns.push(c);
                    }
                }
            }
            (None, Some(theirs)) => self.profile = Some(theirs),
            _ => {}
        }
    }

    /// Reads a frame's recipe; `null` (a frame no clean has touched) is the empty recipe.
    pub fn from_json(json: &Json) -> Result<Recipe, StageError> {
        if json.is_null() {
            return Ok(Recipe::new());
        }
        let version = json.get("version").and_then(Json::as_u64).unwrap_or(0);
        if version > u64::from(RECIPE_VERSION) {
            return Err(StageError::new(format!(
                "this recipe has format version {version}; this aimass understands up to {RECIPE_VERSION}"
            ))
            .code(RECIPE)
            .help("re-run the pipeline with this version of aimass, or upgrade aimass"));
        }
        serde_json::from_value(json.clone())
            .map_err(|e| StageError::new(format!("the recipe cannot be read: {e}")).code(RECIPE))
    }

    pub fn to_json(&self) -> Json {
        // Serialising plain data with string keys cannot fail.
        serde_json::to_value(self).unwrap_or(Json::Null)
    }

    /// Adds `keep` columns (without repeats) and steps.
    pub fn extend(&mut self, keep: &[String], steps: Vec<Step>) {
        for k in keep {
            if !self.keep.contains(k) {
                self.keep.push(k.clone());
            }
        }
        self.steps.extend(steps);
    }

    pub fn keep_set(&self) -> BTreeSet<String> {
        self.keep.iter().cloned().collect()
    }

    /// Prepares rows: every step in order.
    pub fn apply(&self, df: &DataFrame) -> Result<DataFrame, StageError> {
        let keep = self.keep_set();
        let mut out = df.clone();
        for step in &self.steps {
            out = step.apply(out, &keep)?;
        }
        Ok(super::finish(out))
    }
}
