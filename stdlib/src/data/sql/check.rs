//! `collect`'s query parameters: which combinations make sense (checked by `aimass check`),
//! when a cached result is stale, and running the query.

use std::path::Path;

use aimass_engine::{CallSig, Freshness, ParamValue, Params, StageError, Ty};
use polars::prelude::DataFrame;
use serde_json::{json, Value as Json};

use super::{literal_has_password, redact_url, Connection, Query, CONNECT};
use crate::data::errors::CONFLICT;

/// Parameters that only mean something for files.
const FILE_ONLY: [&str; 6] = [
    "format",
    "delimiter",
    "header",
    "null_values",
    "dtypes",
    "columns",
];

/// `connection`'s type, in `collect` and `export`: `env("NAME")` or a string.
pub fn connection_type() -> Ty {
    Ty::OneOf(vec![
        Ty::Call(vec![CallSig::new("env").positional(Ty::Str)]),
        Ty::Str,
    ])
}

pub fn validate(params: &Params) -> Vec<StageError> {
    let mut errors = Vec::new();
    let source = params.get("source");
    let sql = params.get("sql");
    let connection = params.get("connection");
    match (source, sql) {
        (None, None) => errors.push(
            StageError::new("`collect` needs `source` (files) or `sql` (a query)")
                .code("aimass::check::missing_param")
                .help("e.g. source = \"data/customers.csv\", or sql = \"select * from customers\" with connection = env(\"CRM_DATABASE_URL\")"),
        ),
        (Some(f), Some(q)) => errors.push(
            StageError::new("`source` and `sql` cannot both be given")
                .code(CONFLICT)
                .at(q.span, "a query")
                .at(f.span, "and files")
                .help("one collect reads one of them; use two stages and `join` to combine"),
        ),
        _ => {}
    }
    if let Some(q) = sql {
        if connection.is_none() {
            errors.push(
                StageError::new("`sql` needs a `connection`")
                    .code(CONFLICT)
                    .at(q.span, "a query")
                    .help("add connection = env(\"DATABASE_URL\") (postgres://...), or connection = \"sqlite://data/crm.db\""),
            );
        }
        for name in FILE_ONLY {
            if let Some(p) = params.get(name).filter(|p| p.span.len > 0) {
                errors.push(
                    StageError::new(format!("`{name}` is for files; it has no effect on `sql`"))
                        .code(CONFLICT)
                        .at(p.span, "remove this")
                        .help("shape the result in the query itself"),
                );
            }
        }
    } else {
        for name in ["connection", "refresh"] {
            if let Some(p) = params.get(name) {
                errors.push(
                    StageError::new(format!("`{name}` only applies to `sql`"))
                        .code(CONFLICT)
                        .at(p.span, "with files")
                        .help("files are re-read whenever their contents change"),
                );
            }
        }
    }
    errors.extend(literal_connection(connection));
    errors
}

/// A connection written as a literal: no password in it, and a scheme aimass knows.
fn literal_connection(connection: Option<&ParamValue>) -> Vec<StageError> {
    let mut errors = Vec::new();
    if let Some(c) = connection.filter(|c| c.as_str().is_some()) {
        let url = c.as_str().unwrap_or_default();
        if literal_has_password(url) {
            errors.push(
                // No label: a snippet of the line would print the password again.
                StageError::new(format!(
                    "the connection string holds a password ({}): it would be kept in git, the lock file and run records",
                    redact_url(url)
                ))
                .code(super::SECRET_IN_FILE)
                .help("put the URL in an environment variable and write connection = env(\"CRM_DATABASE_URL\")"),
            );
        }
        let scheme = url.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
        if !matches!(
            scheme.as_deref(),
            Some("sqlite" | "postgres" | "postgresql")
        ) {
            errors.push(
                StageError::new(format!(
                    "`{}` is not a database URL aimass knows",
                    redact_url(url)
                ))
                .code(CONNECT)
                .at(c.span, "here")
                .help(
                    "use postgres://user@host:5432/db (from env(...)) or sqlite://path/to/file.db",
                ),
            );
        }
    }
    errors
}

/// `refresh`: a query's result is reused until it is stale; the default asks every run.
pub fn freshness(params: &Params) -> Freshness {
    if params.get("sql").is_none() {
        return Freshness::Forever;
    }
    match params.get("refresh") {
        Some(r) if r.as_str() == Some("never") => Freshness::Forever,
        Some(r) => match r.as_duration() {
            Some(d) => Freshness::For(d),
            None => Freshness::Never,
        },
        None => Freshness::Never,
    }
}

pub fn run(project_dir: &Path, sql: &ParamValue, params: &Params) -> Result<DataFrame, StageError> {
    let conn_value = params
        .get("connection")
        .ok_or_else(|| StageError::new("`sql` needs a `connection`").code(CONFLICT))?;
    let conn = Connection::resolve(conn_value)?;
    let text = sql.as_str().unwrap_or_default();
    let query = Query {
        sql: text,
        span: sql.span,
        // Offsets in the query are offsets in the file only when the literal holds no escape.
        verbatim: sql.span.len == text.len() + 2,
    };
    let df = super::read(project_dir, &conn, &query)?;
    let limit = params.int("limit").map(|l| l.max(0) as usize);
    Ok(match limit {
        Some(n) if n < df.height() => df.head(Some(n)),
        _ => df,
    })
}

/// `export { to = table(...) }`: a connection is needed, file options are not.
pub fn validate_table(params: &Params) -> Vec<StageError> {
    let mut errors = Vec::new();
    let to = params.get("to");
    let is_table = to
        .and_then(ParamValue::as_call)
        .is_some_and(|c| c.name == "table");
    match (is_table, params.get("connection")) {
        (true, None) => errors.push(
            StageError::new("a table needs a `connection`")
                .code(CONFLICT)
                .at(to.map(|t| t.span).unwrap_or_default(), "a table")
                .help("add connection = env(\"CRM_DATABASE_URL\"), or connection = \"sqlite://out/campaign.db\""),
        ),
        (false, Some(c)) => errors.push(
            StageError::new("`connection` is for tables: `to` names a file")
                .code(CONFLICT)
                .at(c.span, "with a file")
                .help("write to = table(\"campaign\") to export to a table"),
        ),
        _ => {}
    }
    if let Some(f) = params.get("format").filter(|_| is_table) {
        errors.push(
            StageError::new("`format` is for files; a table has none")
                .code(CONFLICT)
                .at(f.span, "remove this"),
        );
    }
    if let Some(m) = params.get("mode").filter(|_| !is_table) {
        errors.push(
            StageError::new("`mode` is for tables")
                .code(CONFLICT)
                .at(m.span, "with a file")
                .help("a file is always replaced, atomically"),
        );
    }
    errors.extend(literal_connection(params.get("connection")));
    errors
}

/// Writes the frame to the table; the Metrics report that a cache hit checks.
pub fn export(
    project_dir: &Path,
    table: &str,
    df: &DataFrame,
    params: &Params,
) -> Result<Json, StageError> {
    let conn_value = params
        .get("connection")
        .ok_or_else(|| StageError::new("a table needs a `connection`").code(CONFLICT))?;
    let conn = Connection::resolve(conn_value)?;
    let mode = mode(params);
    let here = |e: StageError| e.at_param(params, "to", "this table");
    let rows = super::write::write_table(project_dir, &conn, table, df, mode).map_err(here)?;
    let columns: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|c| c.to_string())
        .collect();
    Ok(json!({ "table": table, "rows": rows, "columns": columns }))
}

/// Whether the exported table is still there with its rows (a cache hit's effect).
pub fn table_present(project_dir: &Path, table: &str, report: &Json, params: &Params) -> bool {
    let Some(conn) = params
        .get("connection")
        .and_then(|c| Connection::resolve(c).ok())
    else {
        return false;
    };
    let rows = report.get("rows").and_then(Json::as_u64).unwrap_or(0) as usize;
    super::write::table_has(project_dir, &conn, table, rows, mode(params))
}

fn mode(params: &Params) -> super::write::Mode {
    params
        .str("mode")
        .and_then(super::write::Mode::from_word)
        .unwrap_or(super::write::Mode::Replace)
}
