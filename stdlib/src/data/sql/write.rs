//! `export { to = table("name"), connection = ... }`: a frame into a database table, in one
//! transaction, so a failed export leaves the old table as it was.
//!
//! `mode`: `replace` (the default) drops and recreates the table, `append` adds the rows
//! (creating the table when it is missing), `fail` refuses when the table exists. Column
//! types: int -> BIGINT (SQLite INTEGER), float -> DOUBLE PRECISION (REAL), bool -> BOOLEAN,
//! anything else as text. PostgreSQL receives the rows by binary COPY.

use std::path::Path;

use aimass_engine::StageError;
use polars::prelude::{AnyValue, DataFrame, DataType};

use super::{Connection, CONNECT, QUERY};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Replace,
    Append,
    Fail,
}

impl Mode {
    pub fn from_word(w: &str) -> Option<Mode> {
        match w {
            "replace" => Some(Mode::Replace),
            "append" => Some(Mode::Append),
            "fail" => Some(Mode::Fail),
            _ => None,
        }
    }
}

/// A column's SQL type per backend.
#[derive(Clone, Copy)]
enum Col {
    Int,
    Float,
    Bool,
    Text,
}

impl Col {
    fn of(t: &DataType) -> Col {
        match t {
            DataType::Int8
            | DataType::Int16
            | DataType::Int32
            | DataType::Int64
            | DataType::UInt8
            | DataType::UInt16
            | DataType::UInt32 => Col::Int,
            DataType::Float32 | DataType::Float64 | DataType::UInt64 => Col::Float,
            DataType::Boolean => Col::Bool,
            _ => Col::Text,
        }
    }

    fn sql(self, postgres: bool) -> &'static str {
        match (self, postgres) {
            (Col::Int, true) => "BIGINT",
            (Col::Int, false) => "INTEGER",
            (Col::Float, true) => "DOUBLE PRECISION",
            (Col::Float, false) => "REAL",
            (Col::Bool, _) => "BOOLEAN",
            (Col::Text, _) => "TEXT",
        }
    }
}

/// `"name"` with inner quotes doubled: identifiers are never spliced in raw.
pub fn quote(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

/// One cell as the backends take it.
enum Cell {
    Null,
    Int(i64),
    Float(f64),
    Bool(bool),
    Text(String),
}

fn cell(v: AnyValue<'_>, col: Col) -> Cell {
    match (v, col) {
        (AnyValue::Null, _) => Cell::Null,
        (AnyValue::Boolean(b), _) => Cell::Bool(b),
        (v, Col::Int) => v.extract::<i64>().map(Cell::Int).unwrap_or(Cell::Null),
        (v, Col::Float) => v.extract::<f64>().map(Cell::Float).unwrap_or(Cell::Null),
        (AnyValue::String(s), _) => Cell::Text(s.to_string()),
        (AnyValue::StringOwned(s), _) => Cell::Text(s.to_string()),
        (v, _) => Cell::Text(v.to_string()),
    }
}

fn columns(df: &DataFrame) -> Vec<(String, Col)> {
    df.columns()
        .iter()
        .map(|c| (c.name().to_string(), Col::of(c.dtype())))
        .collect()
}

fn ddl(table: &str, cols: &[(String, Col)], postgres: bool, if_missing: bool) -> String {
    let defs: Vec<String> = cols
        .iter()
        .map(|(n, c)| format!("{} {}", quote(n), c.sql(postgres)))
        .collect();
    format!(
        "CREATE TABLE {}{} ({})",
        if if_missing { "IF NOT EXISTS " } else { "" },
        quote(table),
        defs.join(", ")
    )
}

/// Writes `df` to `table`; returns the number of rows written.
pub fn write_table(
    project_dir: &Path,
    conn: &Connection,
    table: &str,
    df: &DataFrame,
    mode: Mode,
) -> Result<usize, StageError> {
    match conn.scheme().as_str() {
        "sqlite" => sqlite(project_dir, conn, table, df, mode),
        "postgres" | "postgresql" => postgres(conn, table, df, mode),
        other => Err(
            StageError::new(format!("unknown database URL scheme `{other}://`"))
                .code(CONNECT)
                .at(conn.span, "this connection"),
        ),
    }
}

/// Whether `table` exists with `rows` rows, or at least that many after an append (the
/// cached export's effect is still there).
pub fn table_has(
    project_dir: &Path,
    conn: &Connection,
    table: &str,
    rows: usize,
    mode: Mode,
) -> bool {
    let count = format!("SELECT COUNT(*) FROM {}", quote(table));
    let n: Option<i64> = match conn.scheme().as_str() {
        "sqlite" => super::sqlite::open(project_dir, conn, false)
            .ok()
            .and_then(|db| db.query_row(&count, [], |r| r.get(0)).ok()),
        "postgres" | "postgresql" => super::postgres::connect(conn)
            .ok()
            .and_then(|mut c| c.query_one(count.as_str(), &[]).ok())
            .and_then(|r| r.try_get(0).ok()),
        _ => None,
    };
    match (n, mode) {
        (Some(n), Mode::Append) => n >= rows as i64,
        (Some(n), _) => n == rows as i64,
        (None, _) => false,
    }
}

fn failed(conn: &Connection, what: &str, e: &dyn std::fmt::Display) -> StageError {
    StageError::new(format!(
        "cannot {what}: {}",
        conn.secret.scrub(&e.to_string())
    ))
    .code(QUERY)
    .at(conn.span, "this connection")
}

fn exists_error(table: &str) -> StageError {
    StageError::new(format!("table {} exists and mode = fail", quote(table)))
        .code(QUERY)
        .help("use mode = replace to rewrite it, or mode = append to add the rows")
}

fn sqlite(
    project_dir: &Path,
    conn: &Connection,
    table: &str,
    df: &DataFrame,
    mode: Mode,
) -> Result<usize, StageError> {
    let mut db = super::sqlite::open(project_dir, conn, true)?;
    let tx = db
        .transaction()
        .map_err(|e| failed(conn, "start a transaction", &e))?;
    let exists: bool = tx
        .query_row(
            "SELECT COUNT(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = ?1",
            [table],
            |r| r.get(0),
        )
        .map_err(|e| failed(conn, "look the table up", &e))?;
    let cols = columns(df);
    match mode {
        Mode::Fail if exists => return Err(exists_error(table)),
        Mode::Replace => {
            tx.execute(&format!("DROP TABLE IF EXISTS {}", quote(table)), [])
                .map_err(|e| failed(conn, "drop the old table", &e))?;
        }
        _ => {}
    }
    tx.execute(&ddl(table, &cols, false, true), [])
        .map_err(|e| failed(conn, "create the table", &e))?;
    {
        let marks: Vec<String> = (1..=cols.len()).map(|i| format!("?{i}")).collect();
        let insert = format!("INSERT INTO {} VALUES ({})", quote(table), marks.join(", "));
        let mut stmt = tx
            .prepare(&insert)
            .map_err(|e| failed(conn, "insert into the table", &e))?;
        let series: Vec<_> = df
            .columns()
            .iter()
            .map(|c| c.as_materialized_series())
            .collect();
        for row in 0..df.height() {
            let cells: Vec<rusqlite::types::Value> = series
                .iter()
                .zip(&cols)
                .map(
                    |(s, (_, c))| match cell(s.get(row).unwrap_or(AnyValue::Null), *c) {
                        Cell::Null => rusqlite::types::Value::Null,
                        Cell::Int(x) => rusqlite::types::Value::Integer(x),
                        Cell::Float(x) => rusqlite::types::Value::Real(x),
                        Cell::Bool(b) => rusqlite::types::Value::Integer(b.into()),
                        Cell::Text(t) => rusqlite::types::Value::Text(t),
                    },
                )
                .collect();
            stmt.execute(rusqlite::params_from_iter(cells))
                .map_err(|e| failed(conn, "insert into the table", &e))?;
        }
    }
    tx.commit().map_err(|e| failed(conn, "commit", &e))?;
    Ok(df.height())
}

fn postgres(
    conn: &Connection,
    table: &str,
    df: &DataFrame,
    mode: Mode,
) -> Result<usize, StageError> {
    use postgres::binary_copy::BinaryCopyInWriter;
    use postgres::types::{ToSql, Type};

    let mut client = super::postgres::connect(conn)?;
    let mut tx = client
        .transaction()
        .map_err(|e| failed(conn, "start a transaction", &e))?;
    let exists: bool = tx
        .query_one("SELECT to_regclass($1) IS NOT NULL", &[&quote(table)])
        .and_then(|r| r.try_get(0))
        .map_err(|e| failed(conn, "look the table up", &e))?;
    let cols = columns(df);
    match mode {
        Mode::Fail if exists => return Err(exists_error(table)),
        Mode::Replace => tx
            .batch_execute(&format!("DROP TABLE IF EXISTS {}", quote(table)))
            .map_err(|e| failed(conn, "drop the old table", &e))?,
        _ => {}
    }
    tx.batch_execute(&ddl(table, &cols, true, true))
        .map_err(|e| failed(conn, "create the table", &e))?;
    let types: Vec<Type> = cols
        .iter()
        .map(|(_, c)| match c {
            Col::Int => Type::INT8,
            Col::Float => Type::FLOAT8,
            Col::Bool => Type::BOOL,
            Col::Text => Type::TEXT,
        })
        .collect();
    let names: Vec<String> = cols.iter().map(|(n, _)| quote(n)).collect();
    let copy = format!(
        "COPY {} ({}) FROM STDIN (FORMAT binary)",
        quote(table),
        names.join(", ")
    );
    let sink = tx
        .copy_in(copy.as_str())
        .map_err(|e| failed(conn, "copy into the table", &e))?;
    let mut writer = BinaryCopyInWriter::new(sink, &types);
    let series: Vec<_> = df
        .columns()
        .iter()
        .map(|c| c.as_materialized_series())
        .collect();
    for row in 0..df.height() {
        let cells: Vec<Cell> = series
            .iter()
            .zip(&cols)
            .map(|(s, (_, c))| cell(s.get(row).unwrap_or(AnyValue::Null), *c))
            .collect();
        let values: Vec<Box<dyn ToSql + Sync>> = cells
            .into_iter()
            .zip(&cols)
            .map(|(v, (_, c))| -> Box<dyn ToSql + Sync> {
                match (v, c) {
                    (Cell::Int(x), _) => Box::new(x),
                    (Cell::Float(x), _) => Box::new(x),
                    (Cell::Bool(b), _) => Box::new(b),
                    (Cell::Text(t), _) => Box::new(t),
                    (Cell::Null, Col::Int) => Box::new(None::<i64>),
                    (Cell::Null, Col::Float) => Box::new(None::<f64>),
                    (Cell::Null, Col::Bool) => Box::new(None::<bool>),
                    (Cell::Null, Col::Text) => Box::new(None::<String>),
                }
            })
            .collect();
        let refs: Vec<&(dyn ToSql + Sync)> = values.iter().map(|b| b.as_ref()).collect();
        writer
            .write(&refs)
            .map_err(|e| failed(conn, "copy into the table", &e))?;
    }
    writer
        .finish()
        .map_err(|e| failed(conn, "copy into the table", &e))?;
    tx.commit().map_err(|e| failed(conn, "commit", &e))?;
    Ok(df.height())
}
