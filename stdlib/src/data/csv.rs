//! Reading one CSV file, with diagnostics that name the line and column of a bad value.

use std::io::Cursor;
use std::sync::Arc;

use aimass_engine::StageError;
use polars::prelude::*;

use super::columns::Named;
use super::csv_scan;
use super::dtype::ColType;
use super::errors::{
    show_value, unknown_column, BAD_VALUE, EMPTY_FILE, SCHEMA_MISMATCH, UNREADABLE,
};

/// How to read CSV text.
#[derive(Clone, Debug)]
pub struct CsvOptions {
    pub delimiter: u8,
    pub header: bool,
    pub null_values: Vec<String>,
    pub dtypes: Vec<(Named, ColType)>,
}

/// polars infers a column's type from this many rows; a later value that does not fit is
/// an error, which `locate` turns into a line number.
const INFER_ROWS: usize = 100;

/// Reads `bytes` (the file `file`). With `like`, the file must have exactly that schema's
/// columns (a later file of a glob) and is read with its types.
pub fn read(
    bytes: &[u8],
    file: &str,
    opts: &CsvOptions,
    like: Option<&Schema>,
    limit: Option<usize>,
) -> Result<DataFrame, StageError> {
    let shape = csv_scan::check(bytes, opts.delimiter, opts.header, file)?;
    if shape.rows == 0 {
        return Err(StageError::new(format!("{file} has a header but no rows")).code(EMPTY_FILE));
    }
    let names: Vec<String> = if opts.header {
        shape.first.clone()
    } else {
        (1..=shape.first.len())
            .map(|i| format!("column_{i}"))
            .collect()
    };
    for (col, _) in &opts.dtypes {
        if !names.contains(&col.name) {
            return Err(unknown_column(
                &col.name,
                col.span,
                names.iter().map(String::as_str),
                &format!("in {file}"),
            ));
        }
    }
    let target = match like {
        Some(schema) => {
            same_columns(schema, &names, file)?;
            Some(schema.clone())
        }
        None if opts.dtypes.is_empty() => None,
        None => Some(overrides(opts)),
    };
    let result = reader_options(opts, limit)
        .with_schema_overwrite(target.clone().map(Arc::new))
        .into_reader_with_file_handle(Cursor::new(bytes))
        .finish();
    match result {
        Ok(df) => Ok(df),
        Err(e) => Err(
            explain(bytes, file, opts, target.as_ref(), limit).unwrap_or_else(|| {
                StageError::new(format!("{file}: cannot read as CSV: {e}")).code(UNREADABLE)
            }),
        ),
    }
}

fn reader_options(opts: &CsvOptions, limit: Option<usize>) -> CsvReadOptions {
    let nulls: Vec<PlSmallStr> = opts.null_values.iter().map(|s| s.as_str().into()).collect();
    CsvReadOptions::default()
        .with_has_header(opts.header)
        .with_infer_schema_length(Some(INFER_ROWS))
        .with_n_rows(limit)
        .map_parse_options(|p| {
            p.with_separator(opts.delimiter)
                .with_null_values(Some(NullValues::AllColumns(nulls.clone())))
                .with_missing_is_null(true)
        })
}

fn overrides(opts: &CsvOptions) -> Schema {
    opts.dtypes
        .iter()
        .map(|(c, t)| Field::new(c.name.as_str().into(), t.dtype()))
        .collect()
}

fn same_columns(schema: &Schema, names: &[String], file: &str) -> Result<(), StageError> {
    let want: Vec<String> = schema.iter_names().map(|n| n.to_string()).collect();
    if want == names {
        return Ok(());
    }
    let missing: Vec<&String> = want.iter().filter(|n| !names.contains(n)).collect();
    let extra: Vec<&String> = names.iter().filter(|n| !want.contains(n)).collect();
    let detail = if missing.is_empty() && extra.is_empty() {
        "the same columns in another order".to_string()
    } else {
        format!("missing {missing:?}, extra {extra:?}")
    };
    Err(StageError::new(format!(
        "{file} has other columns than the first file of the glob: {detail}"
    ))
    .code(SCHEMA_MISMATCH)
    .help("every file a glob matches must have the same columns in the same order"))
}

/// Why polars refused the file: the first value that does not parse as its column's type.
/// `None` when the cause is something else.
fn explain(
    bytes: &[u8],
    file: &str,
    opts: &CsvOptions,
    target: Option<&Schema>,
    limit: Option<usize>,
) -> Option<StageError> {
    // The types polars wanted: the given schema, or those inferred from the first rows.
    // polars parses whole chunks even when asked for a few rows, so hand it only those.
    let head = csv_scan::Records::new(bytes, opts.delimiter)
        .nth(INFER_ROWS + usize::from(opts.header))
        .map_or(bytes, |r| &bytes[..r.start]);
    let mut types: Schema = reader_options(opts, None)
        .into_reader_with_file_handle(Cursor::new(head))
        .finish()
        .ok()?
        .schema()
        .as_ref()
        .clone();
    if let Some(t) = target {
        for (name, dt) in t.iter() {
            types.with_column(name.clone(), dt.clone());
        }
    }
    let text = reader_options(opts, limit)
        .with_infer_schema_length(Some(0))
        .into_reader_with_file_handle(Cursor::new(bytes))
        .finish()
        .ok()?;
    let mut first: Option<(usize, String, String, DataType)> = None;
    for (name, dt) in types.iter() {
        let Ok(col) = text.column(name) else { continue };
        let Ok(ca) = col.str() else { continue };
        let bad = ca
            .iter()
            .enumerate()
            .find(|(_, v)| v.is_some_and(|v| !parses(v, dt)));
        if let Some((row, Some(v))) = bad {
            if first.as_ref().is_none_or(|(r, ..)| row < *r) {
                first = Some((row, name.to_string(), v.to_string(), dt.clone()));
            }
        }
    }
    let (row, col, value, dt) = first?;
    let line = csv_scan::line_of_row(bytes, opts.delimiter, opts.header, row)?;
    let expected = if dt.is_integer() {
        "an integer"
    } else if dt.is_bool() {
        "true or false"
    } else {
        "a number"
    };
    Some(
        StageError::new(format!(
            "{file}, line {line}, column `{col}`: {} is not {expected}",
            show_value(&value)
        ))
        .code(BAD_VALUE)
        .help(format!(
            "fix the value, list it in `null_values` if it means missing, or read the column with \
                 another type: `dtypes = {{ {col} = {} }}`",
            // An integer column holding `2.5` wants floats; anything else wants text.
            if dt.is_integer() && value.parse::<f64>().is_ok() {
                "float"
            } else {
                "str"
            }
        )),
    )
}

fn parses(v: &str, dt: &DataType) -> bool {
    if dt.is_integer() {
        v.parse::<i64>().is_ok() || v.parse::<u64>().is_ok()
    } else if dt.is_float() {
        v.parse::<f64>().is_ok()
    } else if dt.is_bool() {
        v.eq_ignore_ascii_case("true") || v.eq_ignore_ascii_case("false")
    } else {
        true
    }
}
