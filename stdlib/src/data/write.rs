//! Writing a frame to a file in an open format that polars, pandas and duckdb read: CSV,
//! Parquet, JSON (one array of row objects) or NDJSON (one object per line), chosen by the
//! file's extension. The write is atomic: a temporary file beside the target, renamed over
//! it once complete, so a reader never sees half a file and a failed write leaves the old one.

use std::io::{BufWriter, Write};
use std::path::Path;

use polars::prelude::{
    CsvWriter, DataFrame, JsonFormat, JsonWriter, ParquetCompression, ParquetWriter, SerWriter,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileFormat {
    Csv,
    Parquet,
    Json,
    Ndjson,
}

/// The extensions accepted, for messages.
pub const EXTENSIONS: &str = ".csv, .parquet, .json or .ndjson";

impl FileFormat {
    pub fn from_path(path: &Path) -> Option<FileFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "csv" => FileFormat::Csv,
            "parquet" | "pq" => FileFormat::Parquet,
            "json" => FileFormat::Json,
            "ndjson" | "jsonl" => FileFormat::Ndjson,
            _ => return None,
        })
    }
}

/// Writes `df` to `path` in `format`, atomically.
pub fn write_frame(df: &mut DataFrame, path: &Path, format: FileFormat) -> Result<(), String> {
    let fail = |e: &dyn std::fmt::Display| format!("cannot write {}: {e}", path.display());
    let mut tmp = tempfile::NamedTempFile::new_in(parent(path)).map_err(|e| fail(&e))?;
    {
        let mut out = BufWriter::new(tmp.as_file_mut());
        let written = match format {
            FileFormat::Csv => CsvWriter::new(&mut out).include_header(true).finish(df),
            FileFormat::Json => JsonWriter::new(&mut out)
                .with_json_format(JsonFormat::Json)
                .finish(df),
            FileFormat::Ndjson => JsonWriter::new(&mut out)
                .with_json_format(JsonFormat::JsonLines)
                .finish(df),
            FileFormat::Parquet => ParquetWriter::new(&mut out)
                .with_compression(ParquetCompression::Zstd(None))
                .finish(df)
                .map(|_| ()),
        };
        written.map_err(|e| fail(&e))?;
        out.flush().map_err(|e| fail(&e))?;
    }
    tmp.as_file().sync_all().map_err(|e| fail(&e))?;
    tmp.persist(path).map(|_| ()).map_err(|e| fail(&e.error))
}

/// Writes raw bytes (a model's or metrics' JSON) to `path`, atomically.
pub fn write_bytes(bytes: &[u8], path: &Path) -> Result<(), String> {
    aimass_engine::atomic::write_file(path, bytes)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// The rows as a JSON array of objects (column name to value), as `--format json` prints
/// them.
pub fn rows_as_json(df: &DataFrame) -> Result<serde_json::Value, String> {
    let mut buf = Vec::new();
    JsonWriter::new(&mut buf)
        .with_json_format(JsonFormat::Json)
        .finish(&mut df.clone())
        .map_err(|e| e.to_string())?;
    serde_json::from_slice(&buf).map_err(|e| e.to_string())
}

fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use polars::prelude::*;

    #[test]
    fn formats_by_extension_and_every_one_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let mut df =
            df!("id" => [1i64, 2, 3], "score" => [0.25f64, 0.5, 0.125], "seg" => ["a", "b", "a"])
                .unwrap();
        for name in ["x.csv", "x.parquet", "x.json", "x.ndjson"] {
            let path = dir.path().join(name);
            let format = FileFormat::from_path(&path).unwrap();
            write_frame(&mut df, &path, format).unwrap();
            let text = std::fs::read(&path).unwrap();
            assert!(!text.is_empty(), "{name}");
        }
        let back = ParquetReader::new(std::fs::File::open(dir.path().join("x.parquet")).unwrap())
            .finish()
            .unwrap();
        assert!(back.equals(&df));
        let lines = std::fs::read_to_string(dir.path().join("x.ndjson")).unwrap();
        assert_eq!(lines.lines().count(), 3);
        assert_eq!(FileFormat::from_path(Path::new("x.xlsx")), None);
        // Nothing but the files written: no temporary file is left behind.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 4);
    }
}
