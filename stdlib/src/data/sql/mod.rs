//! `collect { sql = "...", connection = ... }`: a query's result as a frame.
//!
//! Backends by URL scheme: `sqlite://path` (relative to the pipeline file) and
//! `postgres://...` / `postgresql://...`. A connection string usually holds a password, so
//! it comes from the environment (`env("NAME")`): the pipeline file, the cache key, the lock
//! file and run records see only the variable's name. Every message built from a
//! connection or a driver error goes through [`Secret::scrub`], so a password never reaches
//! a diagnostic either.

pub mod check;
mod column;
mod connection;
mod postgres;
mod sqlite;
pub mod write;

use std::path::Path;

use aimass_dsl::ir::Span;
use aimass_engine::StageError;
use polars::prelude::DataFrame;

pub use connection::{literal_has_password, redact_url, Connection, Secret};

pub const CONNECT: &str = "aimass::sql::connect";
pub const AUTH: &str = "aimass::sql::auth";
pub const SYNTAX: &str = "aimass::sql::syntax";
pub const UNKNOWN: &str = "aimass::sql::unknown_object";
pub const TYPE: &str = "aimass::sql::unsupported_type";
pub const QUERY: &str = "aimass::sql::query";
pub const ENV: &str = "aimass::sql::env";
/// A password written into the pipeline file (no snippet: it would print it again).
pub const SECRET_IN_FILE: &str = "aimass::sql::secret_in_file";

/// One query, with where it was written.
pub struct Query<'a> {
    pub sql: &'a str,
    /// The `sql` string literal's span (quotes included), for errors at a position in it.
    pub span: Span,
    /// Whether offsets in `sql` map one to one onto the source (no escapes in the literal).
    pub verbatim: bool,
}

impl Query<'_> {
    /// The span of the query's byte `offset` (a database's error position), or the whole
    /// literal when the written text is not the query byte for byte.
    pub fn span_at(&self, offset: usize) -> Span {
        if !self.verbatim || offset >= self.sql.len() {
            return self.span;
        }
        let len = self.sql[offset..]
            .find(|c: char| c.is_whitespace() || c == ',' || c == ';')
            .unwrap_or(self.sql.len() - offset)
            .max(1);
        Span::new(self.span.offset + 1 + offset, len)
    }
}

/// Runs `query` on `conn` and returns its rows, one column per result column.
pub fn read(
    project_dir: &Path,
    conn: &Connection,
    query: &Query<'_>,
) -> Result<DataFrame, StageError> {
    match conn.scheme().as_str() {
        "sqlite" => sqlite::read(project_dir, conn, query),
        "postgres" | "postgresql" => postgres::read(conn, query),
        other => Err(StageError::new(format!(
            "unknown database URL scheme `{other}://` in {}",
            conn.shown()
        ))
        .code(CONNECT)
        .at(conn.span, "a database URL")
        .help("use postgres://user@host:5432/db or sqlite://path/to/file.db")),
    }
}
