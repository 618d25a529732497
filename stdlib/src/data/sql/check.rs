//! `collect`'s query parameters: which combinations make sense (checked by `aimass check`),
//! when a cached result is stale, and running the query.

use std::path::Path;

use aimass_engine::{Freshness, ParamValue, Params, StageError};
use polars::prelude::DataFrame;

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
