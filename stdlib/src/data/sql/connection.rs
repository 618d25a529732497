//! Where a query goes: the connection string, resolved from `env("NAME")` or written as a
//! literal, and the password it holds kept out of every message.

use aimass_dsl::ir::Span;
use aimass_engine::{ParamValue, StageError};

use super::ENV;

/// A value that must not be shown: what [`Secret::scrub`] removes from messages.
#[derive(Clone, Default)]
pub struct Secret(Option<String>);

impl Secret {
    /// `text` with every occurrence of the secret replaced by `***`.
    pub fn scrub(&self, text: &str) -> String {
        match &self.0 {
            Some(s) if !s.is_empty() => text.replace(s.as_str(), "***"),
            _ => text.to_string(),
        }
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// A resolved connection string.
pub struct Connection {
    url: String,
    pub span: Span,
    /// `env("NAME")`: the variable it came from, for messages.
    pub var: Option<String>,
    pub secret: Secret,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Connection({})", self.shown())
    }
}

impl Connection {
    /// From the `connection` parameter: a string literal, or `env("NAME")` read now.
    pub fn resolve(value: &ParamValue) -> Result<Connection, StageError> {
        let (url, var) = match value.as_call() {
            Some(call) if call.name == "env" => {
                let name = call
                    .positional
                    .as_deref()
                    .and_then(ParamValue::as_str)
                    .unwrap_or_default()
                    .to_string();
                match std::env::var(&name) {
                    Ok(v) if !v.trim().is_empty() => (v, Some(name)),
                    Ok(_) => {
                        return Err(StageError::new(format!(
                            "environment variable {name} is empty"
                        ))
                        .code(ENV)
                        .at(value.span, "read here")
                        .help(format!(
                            "set {name} to the database URL, e.g. postgres://user@host:5432/db"
                        )))
                    }
                    Err(_) => {
                        return Err(StageError::new(format!(
                            "environment variable {name} is not set"
                        ))
                        .code(ENV)
                        .at(value.span, "read here")
                        .help(format!(
                            "set {name} to the database URL, e.g. postgres://user@host:5432/db"
                        )))
                    }
                }
            }
            _ => (value.as_str().unwrap_or_default().to_string(), None),
        };
        let secret = Secret(password(&url));
        Ok(Connection {
            url,
            span: value.span,
            var,
            secret,
        })
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// `postgres`, `sqlite`, ... (lower case).
    pub fn scheme(&self) -> String {
        self.url
            .split_once("://")
            .map(|(s, _)| s.to_ascii_lowercase())
            .unwrap_or_default()
    }

    /// The part after `scheme://`.
    pub fn rest(&self) -> &str {
        self.url.split_once("://").map(|(_, r)| r).unwrap_or("")
    }

    /// The URL as messages show it: password replaced, and the variable named.
    pub fn shown(&self) -> String {
        let url = redact_url(&self.url);
        match &self.var {
            Some(v) => format!("{url} (from {v})"),
            None => url,
        }
    }
}

/// The password of `scheme://user:password@host...`, as written (drivers echo the URL
/// they were given, so the written form is the one to scrub).
fn password(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?']).next()?;
    let userinfo = authority.rsplit_once('@')?.0;
    let (_, pw) = userinfo.split_once(':')?;
    (!pw.is_empty()).then(|| pw.to_string())
}

/// `url` with its password, if any, replaced by `***`.
pub fn redact_url(url: &str) -> String {
    match password(url) {
        Some(pw) => {
            let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
            let at = rest.find(['/', '?']).unwrap_or(rest.len());
            let (authority, tail) = rest.split_at(at);
            let authority = authority.replacen(&format!(":{pw}@"), ":***@", 1);
            format!("{scheme}://{authority}{tail}")
        }
        None => url.to_string(),
    }
}

/// Whether a connection string written into the pipeline file holds a password (refused:
/// it would sit in git, the lock file and every run record).
pub fn literal_has_password(url: &str) -> bool {
    password(url).is_some()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn passwords_are_found_and_redacted() {
        let url = "postgres://ann:s3cr%40t@db.example:5432/crm?sslmode=disable";
        assert_eq!(password(url).as_deref(), Some("s3cr%40t"));
        assert_eq!(
            redact_url(url),
            "postgres://ann:***@db.example:5432/crm?sslmode=disable"
        );
        assert_eq!(redact_url("postgres://ann@db/crm"), "postgres://ann@db/crm");
        assert_eq!(redact_url("sqlite://data/crm.db"), "sqlite://data/crm.db");
        // A password holding `@` is cut at the last one, as URL parsers do.
        assert_eq!(password("postgres://a:p@ss@h/d").as_deref(), Some("p@ss"));
        assert!(!literal_has_password("postgres://ann@db/crm"));
        assert!(literal_has_password(url));
    }

    #[test]
    fn scrub_removes_every_occurrence() {
        let s = Secret(Some("hunter2".into()));
        assert_eq!(
            s.scrub("password hunter2 rejected for hunter2"),
            "password *** rejected for ***"
        );
        assert_eq!(format!("{s:?}"), "Secret(***)");
    }
}
