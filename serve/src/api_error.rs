//! The JSON error every bad request gets: a code, the field at fault, what was expected.
//!
//! ```json
//! { "error": { "code": "aimass::serve::mistyped_field", "field": "tenure", "record": 0,
//!              "message": "...", "expected": "an integer" } }
//! ```

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::response::json_response;

/// Why a request was refused: the label `/metrics` counts it under.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    MalformedJson,
    NotARecord,
    MissingField,
    MistypedField,
    UnknownCategory,
    EmptyBatch,
    BodyTooLarge,
    TooManyRecords,
    UnscorableRecord,
    UnknownModel,
    NotFound,
    NotReady,
}

impl Reason {
    pub const ALL: [Reason; 12] = [
        Reason::MalformedJson,
        Reason::NotARecord,
        Reason::MissingField,
        Reason::MistypedField,
        Reason::UnknownCategory,
        Reason::EmptyBatch,
        Reason::BodyTooLarge,
        Reason::TooManyRecords,
        Reason::UnscorableRecord,
        Reason::UnknownModel,
        Reason::NotFound,
        Reason::NotReady,
    ];

    pub fn word(self) -> &'static str {
        match self {
            Reason::MalformedJson => "malformed_json",
            Reason::NotARecord => "not_a_record",
            Reason::MissingField => "missing_field",
            Reason::MistypedField => "mistyped_field",
            Reason::UnknownCategory => "unknown_category",
            Reason::EmptyBatch => "empty_batch",
            Reason::BodyTooLarge => "body_too_large",
            Reason::TooManyRecords => "too_many_records",
            Reason::UnscorableRecord => "unscorable_record",
            Reason::UnknownModel => "unknown_model",
            Reason::NotFound => "not_found",
            Reason::NotReady => "not_ready",
        }
    }

    pub fn status(self) -> StatusCode {
        match self {
            Reason::MalformedJson | Reason::NotARecord => StatusCode::BAD_REQUEST,
            Reason::BodyTooLarge | Reason::TooManyRecords => StatusCode::PAYLOAD_TOO_LARGE,
            Reason::UnknownModel | Reason::NotFound => StatusCode::NOT_FOUND,
            Reason::NotReady => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct ApiError {
    #[serde(skip)]
    pub reason: Reason,
    pub code: String,
    /// The field (input column) at fault, or `body` / `records` for the request as a whole.
    pub field: String,
    /// The record's index in the request, when one record is at fault.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record: Option<usize>,
    pub message: String,
    pub expected: String,
}

impl ApiError {
    pub fn new(
        reason: Reason,
        field: impl Into<String>,
        message: impl Into<String>,
        expected: impl Into<String>,
    ) -> Self {
        ApiError {
            reason,
            code: format!("aimass::serve::{}", reason.word()),
            field: field.into(),
            record: None,
            message: message.into(),
            expected: expected.into(),
        }
    }

    pub fn record(mut self, i: usize) -> Self {
        self.record = Some(i);
        self
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.reason.status();
        let mut r = json_response(status, &serde_json::json!({ "error": self }));
        r.extensions_mut().insert(self.reason);
        r
    }
}
