//! The one error type of the SDK and of plugin code.
//!
//! It is what crosses the ABI on failure: a message and, when a parameter is to blame, that
//! parameter's name, so the host can point at the parameter in the pipeline file. It carries
//! no source chain on purpose: whatever a plugin wants the user to read goes in the message.

use std::fmt;

/// A failure a plugin reports to the host: `{"message": "...", "param": "name"}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    message: String,
    param: Option<String>,
}

/// `Result<T, Error>`, the SDK's result.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An error about the stage as a whole.
    pub fn new(message: impl Into<String>) -> Error {
        Error {
            message: message.into(),
            param: None,
        }
    }

    /// An error the host reports against parameter `name`.
    pub fn param(name: impl Into<String>, message: impl Into<String>) -> Error {
        Error {
            message: message.into(),
            param: Some(name.into()),
        }
    }

    /// The message, without the parameter name.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The parameter to blame, if any.
    pub fn param_name(&self) -> Option<&str> {
        self.param.as_deref()
    }

    /// The same error with `context: ` in front of its message (the parameter is kept).
    pub fn context(mut self, context: impl fmt::Display) -> Error {
        self.message = format!("{context}: {}", self.message);
        self
    }

    /// The JSON document the ABI expects in a call's `error` buffer.
    pub fn to_json(&self) -> String {
        let mut object = serde_json::Map::new();
        object.insert("message".into(), self.message.clone().into());
        if let Some(param) = &self.param {
            object.insert("param".into(), param.clone().into());
        }
        serde_json::Value::Object(object).to_string()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.param {
            Some(param) => write!(f, "param `{param}`: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for Error {}

impl From<String> for Error {
    fn from(message: String) -> Error {
        Error::new(message)
    }
}

impl From<&str> for Error {
    fn from(message: &str) -> Error {
        Error::new(message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_has_param_only_when_given() {
        let plain: serde_json::Value =
            serde_json::from_str(&Error::new("bad \"input\"").to_json()).expect("json");
        assert_eq!(plain, serde_json::json!({"message": "bad \"input\""}));
        let param: serde_json::Value =
            serde_json::from_str(&Error::param("bins", "must be >= 2").to_json()).expect("json");
        assert_eq!(
            param,
            serde_json::json!({"message": "must be >= 2", "param": "bins"})
        );
    }

    #[test]
    fn context_keeps_param() {
        let error = Error::param("bins", "too small").context("stage `seg`");
        assert_eq!(error.message(), "stage `seg`: too small");
        assert_eq!(error.param_name(), Some("bins"));
        assert_eq!(error.to_string(), "param `bins`: stage `seg`: too small");
    }
}
