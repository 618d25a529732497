//! SQLite through rusqlite (SQLite compiled in, `bundled`: no system library to install).
//!
//! SQLite types values, not columns, so a result column's type is decided from its values:
//! integers stay `int`, integers mixed with reals become `float`, text is `str`, and a
//! column declared BOOLEAN holding only 0 and 1 is `bool`. Text mixed with numbers, and
//! BLOBs, are refused with the column named and a cast suggested. A column with no values
//! takes its declared type. The file is opened read-only: `collect` never writes.

use std::path::Path;

use aimass_engine::StageError;
use polars::prelude::{Column, DataFrame, DataType};
use rusqlite::types::ValueRef;
use rusqlite::{Connection as Db, OpenFlags};

use super::column::Builder;
use super::{Connection, Query, CONNECT, QUERY, SYNTAX, TYPE, UNKNOWN};

/// What a column's values have been so far.
#[derive(Clone, Copy, PartialEq)]
enum Seen {
    Nothing,
    Int,
    Float,
    Text,
}

/// Opens the database `conn` names: read-only for `collect`, read-write (created when
/// missing, and inside the project unless allowed) for `export`.
pub fn open(project_dir: &Path, conn: &Connection, writable: bool) -> Result<Db, StageError> {
    let rest = conn.rest();
    // `sqlite:///abs` is absolute, `sqlite://rel` relative to the pipeline file.
    let named = match rest.strip_prefix('/') {
        Some(abs) => Path::new("/").join(abs),
        None => Path::new(rest).to_path_buf(),
    };
    let file = if writable {
        // Writing stays inside the project unless --allow-outside-project, as for files.
        crate::paths::resolve_inside(project_dir, &named).map_err(|e| {
            StageError::new(e)
                .code("aimass::path::outside")
                .at(conn.span, "this database")
        })?
    } else {
        project_dir.join(named)
    };
    if !writable && !file.is_file() {
        return Err(StageError::new(format!(
            "cannot open SQLite database {}: no such file",
            file.display()
        ))
        .code(CONNECT)
        .at(conn.span, "this connection")
        .help("sqlite://path is relative to the pipeline file; sqlite:///path is absolute"));
    }
    if let Some(dir) = file.parent().filter(|_| writable) {
        std::fs::create_dir_all(dir).map_err(|e| {
            StageError::new(format!("cannot create {}: {e}", dir.display()))
                .code(CONNECT)
                .at(conn.span, "this database")
        })?;
    }
    let flags = if writable {
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE
    } else {
        OpenFlags::SQLITE_OPEN_READ_ONLY
    };
    Db::open_with_flags(&file, flags | OpenFlags::SQLITE_OPEN_NO_MUTEX).map_err(|e| {
        StageError::new(format!(
            "cannot open SQLite database {}: {e}",
            file.display()
        ))
        .code(CONNECT)
        .at(conn.span, "this connection")
    })
}

pub fn read(
    project_dir: &Path,
    conn: &Connection,
    query: &Query<'_>,
) -> Result<DataFrame, StageError> {
    let db = open(project_dir, conn, false)?;
    let mut stmt = db
        .prepare(query.sql)
        .map_err(|e| prepare_error(&e, query))?;
    let names: Vec<String> = stmt.column_names().map(|s| s.to_string()).collect();
    let declared: Vec<Option<String>> = stmt
        .columns()
        .map(|c| c.decl_type().map(|t| t.to_ascii_uppercase()))
        .collect();
    let n = names.len();
    // Values as SQLite gives them, column by column; types are settled once all are seen.
    let mut values: Vec<Vec<Value>> = vec![Vec::new(); n];
    let mut seen = vec![Seen::Nothing; n];
    let mut rows = stmt.query([]).map_err(|e| query_error(&e, query))?;
    while let Some(row) = rows.next().map_err(|e| query_error(&e, query))? {
        for (i, col) in values.iter_mut().enumerate() {
            let v = row.get_ref(i).map_err(|e| query_error(&e, query))?;
            let (value, kind) = match v {
                ValueRef::Null => (Value::Null, Seen::Nothing),
                ValueRef::Integer(x) => (Value::Int(x), Seen::Int),
                ValueRef::Real(x) => (Value::Float(x), Seen::Float),
                ValueRef::Text(t) => (
                    Value::Text(String::from_utf8_lossy(t).into_owned()),
                    Seen::Text,
                ),
                ValueRef::Blob(_) => {
                    return Err(StageError::new(format!(
                        "column `{}` holds a BLOB, which aimass cannot represent",
                        names[i]
                    ))
                    .code(TYPE)
                    .at(query.span, "in this query")
                    .help(format!(
                        "select it as text: hex({}) AS {}",
                        names[i], names[i]
                    )));
                }
            };
            seen[i] = join(seen[i], kind).ok_or_else(|| {
                StageError::new(format!(
                    "column `{}` mixes text and numbers, which one aimass column cannot hold",
                    names[i]
                ))
                .code(TYPE)
                .at(query.span, "in this query")
                .help(format!(
                    "cast it to one type: CAST({c} AS TEXT) AS {c} or CAST({c} AS REAL) AS {c}",
                    c = names[i]
                ))
            })?;
            col.push(value);
        }
    }
    let columns: Vec<Column> = names
        .iter()
        .zip(values)
        .zip(seen.iter().zip(&declared))
        .map(|((name, vals), (seen, decl))| build(name, vals, *seen, decl.as_deref()))
        .collect();
    DataFrame::new_infer_height(columns).map_err(|e| {
        StageError::new(format!("the query's columns do not make a frame: {e}"))
            .code(QUERY)
            .at(query.span, "this query")
            .help("give every result column its own name, e.g. with AS")
    })
}

#[derive(Clone)]
enum Value {
    Null,
    Int(i64),
    Float(f64),
    Text(String),
}

fn join(a: Seen, b: Seen) -> Option<Seen> {
    use Seen::*;
    match (a, b) {
        (x, Nothing) | (Nothing, x) => Some(x),
        (Text, Text) => Some(Text),
        (Text, _) | (_, Text) => None,
        (Int, Int) => Some(Int),
        _ => Some(Float),
    }
}

/// SQLite's own affinity rules for a declared type (https://sqlite.org/datatype3.html).
fn declared_type(decl: Option<&str>) -> DataType {
    let d = decl.unwrap_or("");
    if d.contains("BOOL") {
        DataType::Boolean
    } else if d.contains("INT") {
        DataType::Int64
    } else if d.contains("REAL") || d.contains("FLOA") || d.contains("DOUB") {
        DataType::Float64
    } else {
        DataType::String
    }
}

fn build(name: &str, vals: Vec<Value>, seen: Seen, decl: Option<&str>) -> Column {
    let declared = declared_type(decl);
    let ty = match seen {
        Seen::Nothing => declared.clone(),
        Seen::Int if declared == DataType::Boolean && vals.iter().all(is_bit) => DataType::Boolean,
        Seen::Int => DataType::Int64,
        Seen::Float => DataType::Float64,
        Seen::Text => DataType::String,
    };
    let mut b = Builder::with_capacity(&ty, vals.len());
    for v in vals {
        match (&mut b, v) {
            (b, Value::Null) => b.push_null(),
            (Builder::Int(c), Value::Int(x)) => c.push(Some(x)),
            (Builder::Float(c), Value::Int(x)) => c.push(Some(x as f64)),
            (Builder::Float(c), Value::Float(x)) => c.push(Some(x)),
            (Builder::Bool(c), Value::Int(x)) => c.push(Some(x != 0)),
            (Builder::Str(c), Value::Text(t)) => c.push(Some(t)),
            // `join` admits no other pairs.
            (b, _) => b.push_null(),
        }
    }
    b.finish(name)
}

fn is_bit(v: &Value) -> bool {
    matches!(v, Value::Null | Value::Int(0) | Value::Int(1))
}

/// SQLite reports errors in prepare as text only; unknown tables and columns have fixed
/// wordings, everything else is a syntax error.
fn prepare_error(e: &rusqlite::Error, query: &Query<'_>) -> StageError {
    // SqlInputError's Display repeats the whole query; the label shows where instead.
    let (msg, offset) = match e {
        rusqlite::Error::SqlInputError { msg, offset, .. } => {
            (msg.clone(), usize::try_from(*offset).ok())
        }
        _ => (e.to_string(), None),
    };
    let code = if msg.contains("no such table") || msg.contains("no such column") {
        UNKNOWN
    } else {
        SYNTAX
    };
    let span = offset.map(|o| query.span_at(o)).unwrap_or(query.span);
    StageError::new(format!("SQLite rejected the query: {msg}"))
        .code(code)
        .at(span, "here")
}

fn query_error(e: &rusqlite::Error, query: &Query<'_>) -> StageError {
    StageError::new(format!("SQLite failed while running the query: {e}"))
        .code(QUERY)
        .at(query.span, "this query")
}
