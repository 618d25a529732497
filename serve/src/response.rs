//! Scored rows to JSON, and JSON responses.

use axum::body::Body;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use polars::prelude::{AnyValue, DataFrame};
use serde_json::{Map, Value as Json};

pub fn json_response(status: StatusCode, value: &Json) -> Response {
    let bytes = serde_json::to_vec(value).unwrap_or_default();
    let mut r = Response::new(Body::from(bytes));
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

pub fn text_response(status: StatusCode, content_type: &'static str, text: String) -> Response {
    let mut r = Response::new(Body::from(text));
    *r.status_mut() = status;
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    r
}

/// A float as JSON, as [`cell`] writes one: a non-finite value is `null`.
pub fn number(x: f64) -> Json {
    serde_json::Number::from_f64(x).map_or(Json::Null, Json::Number)
}

/// A cell as JSON: numbers, text, booleans; a non-finite float is `null`.
pub fn cell(v: AnyValue<'_>) -> Json {
    match v {
        AnyValue::Null => Json::Null,
        AnyValue::Boolean(b) => Json::Bool(b),
        AnyValue::String(s) => Json::String(s.to_string()),
        AnyValue::StringOwned(s) => Json::String(s.to_string()),
        AnyValue::Float64(x) => number(x),
        AnyValue::Float32(x) => {
            serde_json::Number::from_f64(f64::from(x)).map_or(Json::Null, Json::Number)
        }
        AnyValue::Int64(x) => Json::from(x),
        AnyValue::Int32(x) => Json::from(x),
        AnyValue::Int16(x) => Json::from(x),
        AnyValue::Int8(x) => Json::from(x),
        AnyValue::UInt64(x) => Json::from(x),
        AnyValue::UInt32(x) => Json::from(x),
        AnyValue::UInt16(x) => Json::from(x),
        AnyValue::UInt8(x) => Json::from(x),
        other => Json::String(other.str_value().to_string()),
    }
}

/// Per row: `prediction` (or `segment`) and, for a classifier, `proba` by class label.
pub fn predictions(scored: &DataFrame) -> Vec<Json> {
    let columns = scored.columns();
    (0..scored.height())
        .map(|i| {
            let mut row = Map::new();
            let mut proba = Map::new();
            for c in columns {
                let v = c.get(i).map(cell).unwrap_or(Json::Null);
                match c.name().strip_prefix("proba_") {
                    Some(class) => {
                        proba.insert(class.to_string(), v);
                    }
                    None => {
                        row.insert(c.name().to_string(), v);
                    }
                }
            }
            if !proba.is_empty() {
                row.insert("proba".to_string(), Json::Object(proba));
            }
            Json::Object(row)
        })
        .collect()
}
