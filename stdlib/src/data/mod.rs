//! The data stages' work on polars frames: reading files, cleaning, splitting, joining and
//! resampling, and the recipe that replays fitted transforms on new rows.
//!
//! The stage kinds in `kinds/` parse their parameters and call into this module; nothing here
//! knows about the DAG or the cache. Two rules hold throughout:
//!
//! - **Determinism.** The same input and seed give byte-identical frames: rows keep their
//!   input order unless an operation documents otherwise, statistics are computed by
//!   sequential loops (not parallel reductions whose float rounding depends on the thread
//!   count), maps that reach an output are `BTreeMap`s, and outputs are rechunked so their
//!   layout does not depend on how many threads read the file.
//! - **Diagnostics.** Errors name what the user can act on: the file, line and column of a
//!   bad value, or the span of a parameter naming a column that does not exist.

pub mod clean;
pub mod columns;
pub mod csv;
pub mod csv_scan;
pub mod dtype;
pub mod encode;
pub mod errors;
pub mod eval;
pub mod expr;
pub mod files;
pub mod impute;
pub mod join;
mod lex;
mod parse;
pub mod read;
pub mod recipe;
mod recipe_inputs;
pub mod resample;
pub mod reshape;
pub mod row;
pub mod rows;
pub mod scale;
pub mod spec;
pub mod split;
pub mod sql;
pub mod stats;
pub mod write;

pub use recipe::{Recipe, Step};

use polars::prelude::DataFrame;

/// Makes a frame's memory layout independent of how it was produced (one chunk per
/// column), so its stored bytes, and so its content hash, depend on its values alone.
pub fn finish(mut df: DataFrame) -> DataFrame {
    df.rechunk_mut_par();
    df
}
