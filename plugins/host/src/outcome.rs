//! What a call into a plugin gives back: values, or a failure that says whose fault it is.

use polars::prelude::DataFrame;
use serde_json::Value as Json;

/// One output port's value.
#[derive(Debug)]
pub enum PortValue {
    Frame(DataFrame),
    Metrics(Json),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailureKind {
    /// The plugin reported an error.
    Error,
    /// The plugin panicked; its SDK caught it.
    Panic,
    /// The plugin returned something the ABI or its descriptor does not allow.
    BadOutput,
    /// It did not return within `--stage-timeout`.
    Timeout,
    /// The isolated plugin host died (a crash in the plugin).
    Crash,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CallFailure {
    pub kind: FailureKind,
    pub message: String,
    /// The parameter the plugin blamed, so the diagnostic can point at its line.
    pub param: Option<String>,
}

impl CallFailure {
    pub fn new(kind: FailureKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            param: None,
        }
    }

    pub fn bad_output(message: impl Into<String>) -> Self {
        Self::new(FailureKind::BadOutput, message)
    }

    /// The message without the SDK's "plugin panicked" lead, which the diagnostic says
    /// already (`... panicked in `kind`: at src/lib.rs:3:5: ...`).
    pub fn detail(&self) -> &str {
        let m = self.message.as_str();
        m.strip_prefix("plugin panicked: ")
            .or_else(|| m.strip_prefix("plugin panicked "))
            .unwrap_or(m)
    }

    pub fn code(&self) -> &'static str {
        match self.kind {
            FailureKind::Error => "aimass::plugin::error",
            FailureKind::Panic => "aimass::plugin::panic",
            FailureKind::BadOutput => "aimass::plugin::bad_output",
            FailureKind::Timeout => "aimass::plugin::timeout",
            FailureKind::Crash => "aimass::plugin::crash",
        }
    }

    /// Decodes the `{"message", "param"}` error a plugin left; text that is not that JSON is
    /// taken as the message itself.
    pub fn from_error_json(kind: FailureKind, bytes: &[u8]) -> Self {
        let parsed: Option<Json> = serde_json::from_slice(bytes).ok();
        let message = parsed
            .as_ref()
            .and_then(|j| j.get("message"))
            .and_then(Json::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| {
                let text = String::from_utf8_lossy(bytes).trim().to_string();
                if text.is_empty() {
                    "the plugin failed without saying why".to_string()
                } else {
                    text
                }
            });
        let param = parsed
            .as_ref()
            .and_then(|j| j.get("param"))
            .and_then(Json::as_str)
            .map(str::to_string);
        Self {
            kind,
            message,
            param,
        }
    }
}

pub type CallResult<T> = Result<T, CallFailure>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_json_and_plain_text() {
        let f = CallFailure::from_error_json(
            FailureKind::Error,
            br#"{"message": "k must be below the row count", "param": "k"}"#,
        );
        assert_eq!(f.message, "k must be below the row count");
        assert_eq!(f.param.as_deref(), Some("k"));
        let f = CallFailure::from_error_json(FailureKind::Error, b"boom\n");
        assert_eq!(f.message, "boom");
        assert_eq!(f.param, None);
        let f = CallFailure::from_error_json(FailureKind::Panic, b"");
        assert!(f.message.contains("without saying why"));
    }
}
