//! Reading the rows to score.

use std::path::Path;

use aimass_engine::StageError;
use polars::prelude::DataFrame;

use crate::data::csv::CsvOptions;
use crate::data::errors::MISSING_FILE;
use crate::data::read::{self, Source};

/// The rows of one file (CSV, Parquet, JSON or NDJSON, by extension), read as `collect`
/// reads it with its default options, so columns get the types the model was trained on.
/// A relative path is resolved against the current directory.
pub fn read_rows(path: &Path) -> Result<DataFrame, StageError> {
    let dir = std::env::current_dir()
        .map_err(|e| StageError::new(format!("cannot find the current directory: {e}")))?;
    // `collect`'s own message would say paths are relative to the pipeline file.
    if !dir.join(path).is_file() {
        return Err(StageError::new(format!(
            "cannot read the rows to score: {}: no such file",
            path.display()
        ))
        .code(MISSING_FILE)
        .help(format!(
            "a relative path is resolved against the current directory, {}",
            dir.display()
        )));
    }
    let source = Source {
        path: path.to_string_lossy().to_string(),
        span: Default::default(),
        format: None,
        csv: CsvOptions {
            delimiter: b',',
            header: true,
            null_values: vec![String::new(), "NA".to_string()],
            dtypes: Vec::new(),
        },
        columns: None,
        limit: None,
    };
    read::read(&dir, &source)
}
