//! `collect`: files (a path or a glob) into one frame.
//!
//! A glob's files are read in sorted path order and stacked; each must have the first
//! file's columns (CSV files after the first are read with the first file's types, so a
//! value that does not fit is reported with its line). Paths are relative to the project
//! directory (the pipeline file's); see `files`.

use std::io::Cursor;
use std::path::Path;

use aimass_dsl::ir::Span;
use aimass_engine::StageError;
use polars::prelude::*;

use super::columns::{require_all, Named};
use super::csv::{self, CsvOptions};
use super::dtype::{cast_checked, ColType};
use super::errors::{polars, EMPTY_FILE, MISSING_FILE, SCHEMA_MISMATCH, UNREADABLE};
use super::files::expand;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Csv,
    Parquet,
    Json,
    Ndjson,
}

impl Format {
    pub fn from_word(w: &str) -> Option<Format> {
        match w {
            "csv" => Some(Format::Csv),
            "parquet" => Some(Format::Parquet),
            "json" => Some(Format::Json),
            "ndjson" => Some(Format::Ndjson),
            _ => None,
        }
    }

    /// From a file's extension; `.tsv` and `.txt` count as CSV (set `delimiter`).
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" | "tsv" | "txt" => Some(Format::Csv),
            "parquet" | "pq" => Some(Format::Parquet),
            "json" => Some(Format::Json),
            "ndjson" | "jsonl" => Some(Format::Ndjson),
            _ => None,
        }
    }
}

/// Everything `collect` was asked for.
#[derive(Clone, Debug)]
pub struct Source {
    pub path: String,
    pub span: Span,
    /// `None`: from each file's extension.
    pub format: Option<Format>,
    pub csv: CsvOptions,
    pub columns: Option<Vec<Named>>,
    pub limit: Option<usize>,
}

/// Reads every file of the source into one frame.
pub fn read(project_dir: &Path, src: &Source) -> Result<DataFrame, StageError> {
    let files = expand(project_dir, &src.path, src.span)?;
    let mut out: Option<(DataFrame, String)> = None;
    for path in &files {
        let shown = path
            .strip_prefix(project_dir)
            .unwrap_or(path)
            .display()
            .to_string();
        let remaining = match (&out, src.limit) {
            (Some((df, _)), Some(l)) if df.height() >= l => break,
            (Some((df, _)), Some(l)) => Some(l - df.height()),
            (_, l) => l,
        };
        let like = out.as_ref().map(|(df, _)| df.schema().as_ref().clone());
        let df = read_one(path, &shown, src, like.as_ref(), remaining).map_err(|e| {
            // Point at `source` too, unless the error already points somewhere.
            if e.labels.is_empty() {
                e.at(src.span, "reading this")
            } else {
                e
            }
        })?;
        out = Some(match out {
            None => (df, shown),
            Some((mut acc, first)) => {
                if acc.schema() != df.schema() {
                    return Err(schema_differs(&acc, &df, &shown, &first).at(src.span, "this glob"));
                }
                acc.vstack_mut_owned(df).map_err(|e| polars(&shown, e))?;
                (acc, first)
            }
        });
    }
    let Some((mut df, _)) = out else {
        return Err(StageError::new(format!("no file matches `{}`", src.path))
            .code(MISSING_FILE)
            .at(src.span, "matches nothing"));
    };
    if let Some(cols) = &src.columns {
        require_all(&df, cols, &format!("in {}", src.path))?;
        df = df
            .select(Named::names(cols))
            .map_err(|e| polars("selecting columns", e))?;
    }
    if let Some(l) = src.limit {
        df = df.head(Some(l));
    }
    Ok(df)
}

fn read_one(
    path: &Path,
    shown: &str,
    src: &Source,
    like: Option<&Schema>,
    limit: Option<usize>,
) -> Result<DataFrame, StageError> {
    let format = match src.format.or_else(|| Format::from_path(path)) {
        Some(f) => f,
        None => {
            return Err(StageError::new(format!(
                "{shown}: cannot tell the file format from its extension"
            ))
            .code(UNREADABLE)
            .at(src.span, "unknown format")
            .help("set `format = csv` (or parquet, json, ndjson)"))
        }
    };
    let bytes = std::fs::read(path).map_err(|e| {
        StageError::new(format!("{shown}: cannot read: {e}"))
            .code(MISSING_FILE)
            .at(src.span, "unreadable")
    })?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(StageError::new(format!("{shown} is empty"))
            .code(EMPTY_FILE)
            .at(src.span, "this file"));
    }
    let df = match format {
        Format::Csv => return csv::read(&bytes, shown, &src.csv, like, limit),
        Format::Parquet => ParquetReader::new(Cursor::new(&bytes))
            .finish()
            .map_err(|e| {
                StageError::new(format!("{shown}: not a readable Parquet file: {e}"))
                    .code(UNREADABLE)
            })?,
        Format::Json | Format::Ndjson => read_json(&bytes, shown, format)?,
    };
    if df.height() == 0 {
        return Err(StageError::new(format!("{shown} has no rows")).code(EMPTY_FILE));
    }
    let mut df = match limit {
        Some(l) => df.head(Some(l)),
        None => df,
    };
    apply_dtypes(&mut df, &src.csv.dtypes, shown)?;
    Ok(df)
}

fn read_json(bytes: &[u8], shown: &str, format: Format) -> Result<DataFrame, StageError> {
    let json_format = if format == Format::Json {
        JsonFormat::Json
    } else {
        JsonFormat::JsonLines
    };
    JsonReader::new(Cursor::new(bytes))
        .with_json_format(json_format)
        .finish()
        .map_err(|e| {
            let at = match format {
                Format::Json => serde_json::from_slice::<serde_json::Value>(bytes)
                    .err()
                    .map(|j| {
                        format!(
                            "{shown}, line {}, column {}: invalid JSON: {}",
                            j.line(),
                            j.column(),
                            json_message(&j)
                        )
                    }),
                _ => bytes
                    .split(|b| *b == b'\n')
                    .enumerate()
                    .find_map(|(i, line)| {
                        let blank = line.iter().all(u8::is_ascii_whitespace);
                        let bad = serde_json::from_slice::<serde_json::Value>(line)
                            .err()
                            .filter(|_| !blank)?;
                        Some(format!(
                            "{shown}, line {}, column {}: invalid JSON: {}",
                            i + 1,
                            bad.column(),
                            json_message(&bad)
                        ))
                    }),
            };
            StageError::new(at.unwrap_or_else(|| {
                format!(
                    "{shown}: cannot read as {}: {e}",
                    if format == Format::Json {
                        "JSON"
                    } else {
                        "NDJSON"
                    }
                )
            }))
            .code(UNREADABLE)
        })
}

/// serde_json's message without its own position (we give the file's).
fn json_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

/// Type overrides for formats that carry their own types: a checked cast after reading.
fn apply_dtypes(
    df: &mut DataFrame,
    dtypes: &[(Named, ColType)],
    shown: &str,
) -> Result<(), StageError> {
    for (col, ty) in dtypes {
        super::columns::require(df, col, &format!("in {shown}"))?;
        let cast = cast_checked(super::columns::get(df, &col.name)?, *ty, shown)?;
        df.replace(&col.name, cast).map_err(|e| polars(shown, e))?;
    }
    Ok(())
}

fn schema_differs(
    first: &DataFrame,
    other: &DataFrame,
    shown: &str,
    first_name: &str,
) -> StageError {
    let a = first.schema();
    let b = other.schema();
    let detail = a
        .iter()
        .zip(b.iter())
        .find(|(x, y)| x != y)
        .map(|((n1, t1), (n2, t2))| {
            if n1 == n2 {
                format!("column `{n1}` is {t2} in {shown} but {t1} in {first_name}")
            } else {
                format!("column `{n2}` of {shown} is `{n1}` in {first_name}")
            }
        })
        .unwrap_or_else(|| {
            format!(
                "{shown} has {} columns, {first_name} has {}",
                b.len(),
                a.len()
            )
        });
    StageError::new(format!(
        "{shown} does not match the other files of the glob: {detail}"
    ))
    .code(SCHEMA_MISMATCH)
    .help("every file a glob matches must have the same columns and types")
}
