//! Diagnostic codes and constructors shared by the data stages.
//!
//! Every user-facing failure has a code under `aimass::data::`, so scripts and tests can tell
//! a missing file from a bad value without parsing prose.

use aimass_dsl::ir::Span;
use aimass_engine::{did_you_mean, StageError};
use polars::prelude::PolarsError;

pub const MISSING_FILE: &str = "aimass::data::missing_file";
pub const EMPTY_FILE: &str = "aimass::data::empty_file";
pub const RAGGED_ROW: &str = "aimass::data::ragged_row";
pub const BAD_VALUE: &str = "aimass::data::bad_value";
pub const SCHEMA_MISMATCH: &str = "aimass::data::schema_mismatch";
pub const UNREADABLE: &str = "aimass::data::unreadable";
pub const UNKNOWN_COLUMN: &str = "aimass::data::unknown_column";
pub const EXPR_SYNTAX: &str = "aimass::data::expr_syntax";
pub const EXPR_TYPE: &str = "aimass::data::expr_type";
pub const BAD_TYPE: &str = "aimass::data::bad_type";
pub const NO_VALUES: &str = "aimass::data::no_values";
pub const UNSEEN_LEVEL: &str = "aimass::data::unseen_level";
pub const RECIPE: &str = "aimass::data::recipe";
pub const CONFLICT: &str = "aimass::data::conflicting_options";
pub const SPLIT: &str = "aimass::data::split";
pub const NAME_CLASH: &str = "aimass::data::name_clash";

/// A column named in a parameter that the frame does not have, with a "did you mean".
pub fn unknown_column<'a>(
    name: &str,
    span: Span,
    columns: impl IntoIterator<Item = &'a str> + Clone,
    context: &str,
) -> StageError {
    let err = StageError::new(format!("there is no column `{name}` {context}"))
        .code(UNKNOWN_COLUMN)
        .at(span, "no such column");
    match did_you_mean(name, columns.clone()) {
        Some(s) => err.help(format!("did you mean `{s}`?")),
        None => {
            let all: Vec<String> = columns.into_iter().map(|c| format!("`{c}`")).collect();
            err.help(format!("the columns are {}", shorten(&all, 30)))
        }
    }
}

/// A polars failure we did not anticipate, with what we were doing.
pub fn polars(context: impl std::fmt::Display, e: PolarsError) -> StageError {
    StageError::new(format!("{context}: {e}")).code(UNREADABLE)
}

/// A list for a message, cut after `max` items.
pub fn shorten(items: &[String], max: usize) -> String {
    if items.len() <= max {
        items.join(", ")
    } else {
        format!("{}, ... ({} in all)", items[..max].join(", "), items.len())
    }
}

/// A cell value for a message: quoted, and cut if it is long.
pub fn show_value(v: &str) -> String {
    let mut s: String = v.chars().take(40).collect();
    if s.len() < v.len() {
        s.push_str("...");
    }
    format!("`{s}`")
}
