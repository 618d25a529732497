//! Writing predictions: CSV (the default, for spreadsheets and campaign tools) or JSON (an
//! array of one object per row, for services).

use std::io::Write;
use std::path::Path;

use aimass_engine::StageError;
use polars::prelude::{CsvWriter, DataFrame, JsonFormat, JsonWriter, SerWriter};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PredictionFormat {
    Csv,
    Json,
}

impl PredictionFormat {
    /// From an output file's extension: `.json` is JSON, anything else CSV.
    pub fn from_path(path: &Path) -> Self {
        match path.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("json") => Self::Json,
            _ => Self::Csv,
        }
    }
}

/// Writes `df` to `out`. Floats are written in full precision (the shortest text that reads
/// back as the same number), so scores can be compared exactly.
pub fn write_predictions(
    df: &mut DataFrame,
    format: PredictionFormat,
    out: &mut dyn Write,
) -> Result<(), StageError> {
    let result = match format {
        PredictionFormat::Csv => CsvWriter::new(&mut *out).include_header(true).finish(df),
        PredictionFormat::Json => JsonWriter::new(&mut *out)
            .with_json_format(JsonFormat::Json)
            .finish(df),
    };
    result.map_err(|e| StageError::new(format!("cannot write the predictions: {e}")))?;
    if format == PredictionFormat::Json {
        // JSON as written has no final newline; a terminal or `jq -s` wants one.
        out.write_all(b"\n")
            .map_err(|e| StageError::new(format!("cannot write the predictions: {e}")))?;
    }
    Ok(())
}
