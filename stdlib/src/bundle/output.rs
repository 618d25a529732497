//! Writing predictions: CSV (the default, for spreadsheets and campaign tools), JSON (an
//! array of one object per row, for services), NDJSON (one object per line) or Parquet.

use std::io::Write;
use std::path::Path;

use aimass_engine::StageError;
use polars::prelude::{
    CsvWriter, DataFrame, JsonFormat, JsonWriter, ParquetCompression, ParquetWriter, SerWriter,
};

use crate::data::write::FileFormat;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PredictionFormat {
    Csv,
    Json,
    Ndjson,
    Parquet,
}

impl PredictionFormat {
    /// From an output file's extension (`.json`, `.ndjson`/`.jsonl`, `.parquet`/`.pq`);
    /// anything else is CSV.
    pub fn from_path(path: &Path) -> Self {
        match FileFormat::from_path(path) {
            Some(FileFormat::Json) => Self::Json,
            Some(FileFormat::Ndjson) => Self::Ndjson,
            Some(FileFormat::Parquet) => Self::Parquet,
            Some(FileFormat::Csv) | None => Self::Csv,
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
        PredictionFormat::Ndjson => JsonWriter::new(&mut *out)
            .with_json_format(JsonFormat::JsonLines)
            .finish(df),
        PredictionFormat::Parquet => ParquetWriter::new(&mut *out)
            .with_compression(ParquetCompression::Zstd(None))
            .finish(df)
            .map(|_| ()),
    };
    result.map_err(|e| StageError::new(format!("cannot write the predictions: {e}")))?;
    if format == PredictionFormat::Json {
        // JSON as written has no final newline; a terminal or `jq -s` wants one.
        out.write_all(b"\n")
            .map_err(|e| StageError::new(format!("cannot write the predictions: {e}")))?;
    }
    Ok(())
}
