//! The one error type of the estimator API: what went wrong, and which parameter it concerns.
//!
//! The estimator code knows parameter names, not spans: a stage turns an [`EstimatorError`]
//! into a [`StageError`] pointing at the parameter the user wrote ([`EstimatorError::at`]).

use aimass_engine::{Params, StageError};

/// Why a model could not be trained, loaded or applied.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct EstimatorError {
    pub message: String,
    pub help: Option<String>,
    /// The stage parameter the error concerns (`features`, `target`, ...), if any.
    pub param: Option<String>,
    /// The diagnostic code, `aimass::model::*`.
    pub code: &'static str,
}

impl EstimatorError {
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            help: None,
            param: None,
            code,
        }
    }

    /// The data does not suit the model (a text feature, a missing value, an unknown label).
    pub fn data(message: impl Into<String>) -> Self {
        Self::new("aimass::model::data", message)
    }

    /// The estimator failed to fit or predict.
    pub fn fit(message: impl Into<String>) -> Self {
        Self::new("aimass::model::fit", message)
    }

    /// Model bytes that cannot be read.
    pub fn format(message: impl Into<String>) -> Self {
        Self::new("aimass::model::format", message)
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn param(mut self, param: impl Into<String>) -> Self {
        self.param = Some(param.into());
        self
    }

    /// The diagnostic, pointing at `self.param` (or `fallback` when that parameter was not
    /// written) in the stage's parameters.
    pub fn at(self, params: &Params, fallback: &str) -> StageError {
        let span = self
            .param
            .as_deref()
            .and_then(|p| params.get(p))
            .or_else(|| params.get(fallback))
            .map(|v| v.span)
            .unwrap_or_default();
        let label = match self.param.as_deref() {
            Some(p) if params.get(p).is_some() => format!("this `{p}`"),
            _ => format!("this `{fallback}`"),
        };
        let mut e = StageError::new(self.message)
            .code(self.code)
            .at(span, label);
        if let Some(h) = self.help {
            e = e.help(h);
        }
        e
    }
}

impl From<EstimatorError> for StageError {
    fn from(e: EstimatorError) -> Self {
        let mut s = StageError::new(e.message).code(e.code);
        if let Some(h) = e.help {
            s = s.help(h);
        }
        s
    }
}

pub type Result<T, E = EstimatorError> = std::result::Result<T, E>;
