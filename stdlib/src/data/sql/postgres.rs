//! PostgreSQL through the `postgres` crate, rows fetched with binary `COPY (query) TO
//! STDOUT`: one stream in the server's binary format, no text parsing, no per-row round
//! trip. The query is prepared first, which checks it (errors carry the server's position)
//! and gives the result's column names and types.
//!
//! Types: booleans are `bool`; smallint, integer, bigint and oid are `int`; real, double and
//! numeric are `float`; text types, dates, timestamps and UUIDs are `str` (ISO 8601 text, as
//! a CSV export would hold them). Any other type is refused with the column named and a
//! cast suggested.

use std::time::Duration;

use aimass_engine::StageError;
use polars::prelude::{DataFrame, DataType};
use postgres::binary_copy::BinaryCopyOutIter;
use postgres::error::SqlState;
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::{FromSql, Type};
use postgres::{Config, NoTls};

use super::column::Builder;
use super::{Connection, Query, AUTH, CONNECT, QUERY, SYNTAX, TYPE, UNKNOWN};

/// A client for `conn`, with a 10 s connect timeout unless the URL sets one.
pub fn connect(conn: &Connection) -> Result<postgres::Client, StageError> {
    let mut config: Config = conn.url().parse().map_err(|e: postgres::Error| {
        StageError::new(format!(
            "cannot read the PostgreSQL URL {}: {}",
            conn.shown(),
            conn.secret.scrub(&e.to_string())
        ))
        .code(CONNECT)
        .at(conn.span, "this connection")
        .help("write it as postgres://user:password@host:5432/database")
    })?;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(Duration::from_secs(10));
    }
    config
        .connect(NoTls)
        .map_err(|e| connect_error(&e, &config, conn))
}

pub fn read(conn: &Connection, query: &Query<'_>) -> Result<DataFrame, StageError> {
    let mut client = connect(conn)?;
    let sql = query.sql.trim_end().trim_end_matches(';');
    let stmt = client
        .prepare(sql)
        .map_err(|e| server_error(&e, conn, query))?;
    let mut kinds = Vec::new();
    for c in stmt.columns() {
        kinds.push(Kind::of(c.type_()).ok_or_else(|| {
            StageError::new(format!(
                "column `{}` has type {}, which aimass cannot represent",
                c.name(),
                c.type_()
            ))
            .code(TYPE)
            .at(query.span, "in this query")
            .help(format!(
                "cast it in the query: {n}::text AS {n} (or ::double precision for numbers)",
                n = c.name()
            ))
        })?);
    }
    let names: Vec<String> = stmt
        .columns()
        .iter()
        .map(|c| c.name().to_string())
        .collect();
    let types: Vec<Type> = stmt.columns().iter().map(|c| c.type_().clone()).collect();
    let mut builders: Vec<Builder> = kinds
        .iter()
        .map(|k| Builder::with_capacity(&k.dtype(), 1024))
        .collect();
    let copy = format!("COPY ({sql}) TO STDOUT (FORMAT binary)");
    let reader = client
        .copy_out(copy.as_str())
        .map_err(|e| server_error(&e, conn, query))?;
    let mut rows = BinaryCopyOutIter::new(reader, &types);
    while let Some(row) = rows.next().map_err(|e| server_error(&e, conn, query))? {
        for (i, (b, k)) in builders.iter_mut().zip(&kinds).enumerate() {
            let raw: Option<Raw<'_>> = row
                .try_get(i)
                .map_err(|e| decode_error(&e, &names[i], query))?;
            match raw {
                None => b.push_null(),
                Some(Raw(bytes)) => k
                    .push(b, bytes)
                    .map_err(|e| decode_error(&*e, &names[i], query))?,
            }
        }
    }
    let columns = builders
        .into_iter()
        .zip(&names)
        .map(|(b, n)| b.finish(n))
        .collect();
    DataFrame::new_infer_height(columns).map_err(|e| {
        StageError::new(format!("the query's columns do not make a frame: {e}"))
            .code(QUERY)
            .at(query.span, "this query")
            .help("give every result column its own name, e.g. with AS")
    })
}

/// A field's bytes in the binary format, decoded by [`Kind`].
struct Raw<'a>(&'a [u8]);

impl<'a> FromSql<'a> for Raw<'a> {
    fn from_sql(_: &Type, raw: &'a [u8]) -> Result<Self, BoxError> {
        Ok(Raw(raw))
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}

type BoxError = Box<dyn std::error::Error + Sync + Send>;

#[derive(Clone, Copy)]
enum Kind {
    Bool,
    Int2,
    Int4,
    Int8,
    Float4,
    Float8,
    Numeric,
    Text,
    Date,
    Timestamp,
    TimestampTz,
    Uuid,
}

impl Kind {
    fn of(t: &Type) -> Option<Kind> {
        Some(match *t {
            Type::BOOL => Kind::Bool,
            Type::INT2 => Kind::Int2,
            Type::INT4 => Kind::Int4,
            Type::OID => Kind::Int4,
            Type::INT8 => Kind::Int8,
            Type::FLOAT4 => Kind::Float4,
            Type::FLOAT8 => Kind::Float8,
            Type::NUMERIC => Kind::Numeric,
            Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::CHAR => Kind::Text,
            Type::DATE => Kind::Date,
            Type::TIMESTAMP => Kind::Timestamp,
            Type::TIMESTAMPTZ => Kind::TimestampTz,
            Type::UUID => Kind::Uuid,
            _ => return None,
        })
    }

    fn dtype(self) -> DataType {
        match self {
            Kind::Bool => DataType::Boolean,
            Kind::Int2 | Kind::Int4 | Kind::Int8 => DataType::Int64,
            Kind::Float4 | Kind::Float8 | Kind::Numeric => DataType::Float64,
            _ => DataType::String,
        }
    }

    fn push(self, b: &mut Builder, raw: &[u8]) -> Result<(), BoxError> {
        match (self, b) {
            (Kind::Bool, Builder::Bool(v)) => v.push(Some(bool::from_sql(&Type::BOOL, raw)?)),
            (Kind::Int2, Builder::Int(v)) => v.push(Some(i16::from_sql(&Type::INT2, raw)?.into())),
            (Kind::Int4, Builder::Int(v)) => v.push(Some(i32::from_sql(&Type::INT4, raw)?.into())),
            (Kind::Int8, Builder::Int(v)) => v.push(Some(i64::from_sql(&Type::INT8, raw)?)),
            (Kind::Float4, Builder::Float(v)) => {
                v.push(Some(f32::from_sql(&Type::FLOAT4, raw)?.into()))
            }
            (Kind::Float8, Builder::Float(v)) => v.push(Some(f64::from_sql(&Type::FLOAT8, raw)?)),
            (Kind::Numeric, Builder::Float(v)) => v.push(numeric(raw)?),
            (Kind::Text, Builder::Str(v)) => v.push(Some(std::str::from_utf8(raw)?.to_string())),
            (Kind::Date, Builder::Str(v)) => v.push(Some(date(be_i32(raw)?))),
            (Kind::Timestamp, Builder::Str(v)) => v.push(Some(timestamp(be_i64(raw)?, ""))),
            (Kind::TimestampTz, Builder::Str(v)) => v.push(Some(timestamp(be_i64(raw)?, "Z"))),
            (Kind::Uuid, Builder::Str(v)) => v.push(Some(uuid(raw)?)),
            _ => return Err("a column's builder does not match its type".into()),
        }
        Ok(())
    }
}

fn be_i32(raw: &[u8]) -> Result<i32, BoxError> {
    Ok(i32::from_be_bytes(
        raw.try_into().map_err(|_| "expected 4 bytes")?,
    ))
}

fn be_i64(raw: &[u8]) -> Result<i64, BoxError> {
    Ok(i64::from_be_bytes(
        raw.try_into().map_err(|_| "expected 8 bytes")?,
    ))
}

fn be_u16(raw: &[u8], at: usize) -> Result<u16, BoxError> {
    let b = raw.get(at..at + 2).ok_or("numeric value cut short")?;
    Ok(u16::from_be_bytes([b[0], b[1]]))
}

/// NUMERIC's binary form: digit count, weight (of the first base-10000 digit), sign, display
/// scale, then the digits. NaN becomes NaN, the infinities (PostgreSQL 14+) infinities.
fn numeric(raw: &[u8]) -> Result<Option<f64>, BoxError> {
    let ndigits = be_u16(raw, 0)? as usize;
    let weight = be_u16(raw, 2)? as i16;
    let sign = be_u16(raw, 4)?;
    let value = match sign {
        0xC000 => return Ok(Some(f64::NAN)),
        0xD000 => return Ok(Some(f64::INFINITY)),
        0xF000 => return Ok(Some(f64::NEG_INFINITY)),
        _ => {
            let mut v = 0.0f64;
            for i in 0..ndigits {
                let d = be_u16(raw, 8 + 2 * i)? as f64;
                v += d * 10000f64.powi(weight as i32 - i as i32);
            }
            v
        }
    };
    Ok(Some(if sign == 0x4000 { -value } else { value }))
}

/// Days since 2000-01-01 as `YYYY-MM-DD` (proleptic Gregorian, Howard Hinnant's algorithm).
fn date(days_since_2000: i32) -> String {
    let (y, m, d) = civil(days_since_2000 as i64 + 10_957);
    format!("{y:04}-{m:02}-{d:02}")
}

fn timestamp(micros_since_2000: i64, zone: &str) -> String {
    let secs = micros_since_2000.div_euclid(1_000_000);
    let micros = micros_since_2000.rem_euclid(1_000_000);
    let days = secs.div_euclid(86_400);
    let s = secs.rem_euclid(86_400);
    let (y, m, d) = civil(days + 10_957);
    let base = format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
        s / 3600,
        s / 60 % 60,
        s % 60
    );
    if micros == 0 {
        format!("{base}{zone}")
    } else {
        format!("{base}.{micros:06}{zone}")
    }
}

/// (year, month, day) of days since 1970-01-01.
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn uuid(raw: &[u8]) -> Result<String, BoxError> {
    if raw.len() != 16 {
        return Err("a UUID has 16 bytes".into());
    }
    let h: String = raw.iter().map(|b| format!("{b:02x}")).collect();
    Ok(format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    ))
}

/// Where the connection was going, password left out: what a "cannot connect" names.
fn target(config: &Config) -> String {
    let host = config
        .get_hosts()
        .first()
        .map(|h| match h {
            postgres::config::Host::Tcp(h) => h.clone(),
            #[cfg(unix)]
            postgres::config::Host::Unix(p) => p.display().to_string(),
        })
        .unwrap_or_else(|| "localhost".to_string());
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let db = config
        .get_dbname()
        .map(str::to_string)
        .or_else(|| config.get_user().map(str::to_string))
        .unwrap_or_default();
    let user = config.get_user().unwrap_or("(none)");
    format!("host {host}, port {port}, database {db}, user {user}")
}

fn connect_error(e: &postgres::Error, config: &Config, conn: &Connection) -> StageError {
    let text = conn.secret.scrub(&error_text(e));
    let auth = matches!(
        e.code(),
        Some(c) if *c == SqlState::INVALID_PASSWORD
            || *c == SqlState::INVALID_AUTHORIZATION_SPECIFICATION
    );
    if auth {
        return StageError::new(format!(
            "PostgreSQL refused the login ({}): {text}",
            target(config)
        ))
        .code(AUTH)
        .at(conn.span, "this connection")
        .help(match &conn.var {
            Some(v) => format!("check the user and password in {v}"),
            None => "check the user and password".to_string(),
        });
    }
    StageError::new(format!(
        "cannot connect to PostgreSQL ({}): {text}",
        target(config)
    ))
    .code(CONNECT)
    .at(conn.span, "this connection")
    .help("is the server running and reachable from here?")
}

/// The server's message, with its detail and hint when it gives them.
fn error_text(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => {
            let mut s = db.message().to_string();
            if let Some(d) = db.detail() {
                s.push_str(&format!(" ({d})"));
            }
            s
        }
        None => {
            // The driver's Display is "error connecting to server" with the cause below it.
            let mut s = e.to_string();
            let mut src = std::error::Error::source(e);
            while let Some(c) = src {
                s.push_str(&format!(": {c}"));
                src = c.source();
            }
            s
        }
    }
}

fn server_error(e: &postgres::Error, conn: &Connection, query: &Query<'_>) -> StageError {
    let text = conn.secret.scrub(&error_text(e));
    let Some(db) = e.as_db_error() else {
        return StageError::new(format!("PostgreSQL failed while running the query: {text}"))
            .code(QUERY)
            .at(query.span, "this query");
    };
    let code = db.code();
    let kind = if *code == SqlState::SYNTAX_ERROR {
        SYNTAX
    } else if *code == SqlState::UNDEFINED_TABLE
        || *code == SqlState::UNDEFINED_COLUMN
        || *code == SqlState::UNDEFINED_FUNCTION
    {
        UNKNOWN
    } else {
        QUERY
    };
    // The server's position counts characters from 1 in the statement it was sent.
    let span = match db.position() {
        Some(postgres::error::ErrorPosition::Original(p)) => {
            let chars = (*p as usize).saturating_sub(1);
            let offset = query
                .sql
                .char_indices()
                .nth(chars)
                .map(|(i, _)| i)
                .unwrap_or(query.sql.len());
            query.span_at(offset)
        }
        _ => query.span,
    };
    let mut err = StageError::new(format!(
        "PostgreSQL rejected the query: {text} (SQLSTATE {})",
        code.code()
    ))
    .code(kind)
    .at(span, "here");
    if let Some(h) = db.hint() {
        err = err.help(h.to_string());
    }
    err
}

fn decode_error(e: &(dyn std::error::Error + '_), column: &str, query: &Query<'_>) -> StageError {
    StageError::new(format!("cannot read a value of column `{column}`: {e}"))
        .code(QUERY)
        .at(query.span, "this query")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn dates_and_timestamps_are_iso_8601() {
        assert_eq!(date(0), "2000-01-01");
        assert_eq!(date(-1), "1999-12-31");
        assert_eq!(date(9_466), "2025-12-01");
        assert_eq!(timestamp(0, ""), "2000-01-01T00:00:00");
        assert_eq!(
            timestamp(86_399_000_001, "Z"),
            "2000-01-01T23:59:59.000001Z"
        );
        assert_eq!(timestamp(-1_000_000, ""), "1999-12-31T23:59:59");
    }

    #[test]
    fn numeric_binary_form_decodes() {
        // 12345.678: digits 1, 2345, 6780; weight 1; positive; scale 3.
        let raw = [0, 3, 0, 1, 0, 0, 0, 3, 0, 1, 0x09, 0x29, 0x1A, 0x7C];
        assert!((numeric(&raw).unwrap().unwrap() - 12345.678).abs() < 1e-9);
        let neg = [0, 1, 0xFF, 0xFF, 0x40, 0, 0, 2, 0x13, 0x88];
        // -0.5: one digit 5000 at weight -1.
        assert!((numeric(&neg).unwrap().unwrap() + 0.5).abs() < 1e-12);
        assert!(numeric(&[0, 0, 0, 0, 0xC0, 0, 0, 0])
            .unwrap()
            .unwrap()
            .is_nan());
    }

    #[test]
    fn uuids_are_hyphenated_hex() {
        let raw: Vec<u8> = (0..16).collect();
        assert_eq!(uuid(&raw).unwrap(), "00010203-0405-0607-0809-0a0b0c0d0e0f");
    }
}
