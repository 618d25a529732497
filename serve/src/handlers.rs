//! The native endpoints: /predict, /health, /ready, /model, /schema, /metrics.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::State as Extract;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use polars::prelude::DataFrame;
use serde_json::{json, Map, Value as Json};

use crate::api_error::{ApiError, Reason};
use crate::loaded::Loaded;
use crate::metrics::Metrics;
use crate::records;
use crate::response::{json_response, predictions, text_response};
use crate::state::Shared;

/// How far past the limit a body is still read (and dropped) before the 413 goes out:
/// a connection closed with unread bytes is reset, and the client may never see the
/// answer. Past this the connection is closed anyway.
const DRAIN: usize = 16 << 20;

/// The most records a request may hold to be scored on the async thread that read it.
const INLINE_RECORDS: usize = 16;

/// Reads the body up to the limit; over it is a 413 naming the limit.
pub async fn body_bytes(body: Body, limit: usize) -> Result<Bytes, ApiError> {
    let too_large = || {
        ApiError::new(
            Reason::BodyTooLarge,
            "body",
            format!("the body is larger than {limit} bytes"),
            format!("at most {limit} bytes (set by --max-body)"),
        )
    };
    let bytes = axum::body::to_bytes(body, limit.saturating_add(DRAIN))
        .await
        .map_err(|_| too_large())?;
    if bytes.len() > limit {
        return Err(too_large());
    }
    Ok(bytes)
}

/// Scores a frame of raw rows with the current model; counts rows, probabilities and
/// drift. Runs on the blocking pool: scoring is CPU work.
pub async fn score(
    state: &Shared,
    model: Arc<Loaded>,
    rows: DataFrame,
) -> Result<DataFrame, ApiError> {
    let state = state.clone();
    let task = tokio::task::spawn_blocking(move || score_frame(&state.metrics, &model, &rows));
    task.await.unwrap_or_else(|_| Err(internal()))
}

/// [`score`]'s work: the frame path.
pub fn score_frame(
    metrics: &Metrics,
    model: &Loaded,
    rows: &DataFrame,
) -> Result<DataFrame, ApiError> {
    let scored = aimass_stdlib::bundle::score(&model.bundle, rows, model.threshold)
        .map_err(|e| unscorable(&e.message))?;
    model.count_drift(rows);
    metrics.scored(scored.height(), probabilities(model, &scored).into_iter());
    Ok(scored)
}

/// The predictions for parsed records: by rows when the model and records allow (see
/// `rows`), else by a frame. Counts rows, probabilities and drift either way.
pub fn predict_records(
    metrics: &Metrics,
    model: &Loaded,
    recs: &[Map<String, Json>],
) -> Result<Vec<Json>, ApiError> {
    if let Some(scored) = model
        .rows
        .as_ref()
        .and_then(|scorer| crate::rows::score(model, scorer, recs))
    {
        metrics.scored(scored.predictions.len(), scored.probabilities.into_iter());
        return Ok(scored.predictions);
    }
    let rows = records::to_frame(&model.fields, recs)?;
    Ok(predictions(&score_frame(metrics, model, &rows)?))
}

fn internal() -> ApiError {
    ApiError::new(
        Reason::UnscorableRecord,
        "body",
        "scoring these records failed inside aimass (a bug: please report it)",
        "records the model can score",
    )
}

/// A scoring error, with the column it names as the field when there is one.
fn unscorable(message: &str) -> ApiError {
    let field = message
        .split('`')
        .nth(1)
        .filter(|_| message.contains("column `"))
        .unwrap_or("body")
        .to_string();
    let reason = if message.contains("was not seen") {
        Reason::UnknownCategory
    } else {
        Reason::UnscorableRecord
    };
    ApiError::new(
        reason,
        field,
        message.to_string(),
        "a value the model's recipe accepts",
    )
}

/// The probability each row's histogram sample is: the positive class's, else the top.
fn probabilities(model: &Loaded, scored: &DataFrame) -> Vec<f64> {
    let m = &model.bundle.manifest;
    let columns: Vec<Vec<f64>> = m
        .classes
        .iter()
        .filter_map(|c| {
            let col = scored.column(&format!("proba_{c}")).ok()?;
            Some(col.f64().ok()?.into_no_null_iter().collect())
        })
        .collect();
    if columns.is_empty() {
        return Vec::new();
    }
    let positive = m
        .positive
        .as_ref()
        .and_then(|p| m.classes.iter().position(|c| c == p));
    (0..scored.height())
        .map(|i| match positive {
            Some(p) if columns.len() == 2 => columns[p][i],
            _ => columns.iter().map(|c| c[i]).fold(0.0, f64::max),
        })
        .collect()
}

pub async fn predict(Extract(state): Extract<Shared>, body: Body) -> Response {
    match predict_inner(&state, body).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

async fn predict_inner(state: &Shared, body: Body) -> Result<Response, ApiError> {
    let bytes = body_bytes(body, state.limits.max_body).await?;
    let model = state.model.load_full();
    let recs = records::parse(&bytes, state.limits.max_records)?;
    // A few records by rows take microseconds: cheaper on this thread than a hop to the
    // blocking pool. Larger batches, or a model that may be slow, go there.
    let predicted = if recs.len() <= INLINE_RECORDS && model.rows.is_some() {
        predict_records(&state.metrics, &model, &recs)?
    } else {
        let (state, model) = (state.clone(), model.clone());
        tokio::task::spawn_blocking(move || predict_records(&state.metrics, &model, &recs))
            .await
            .unwrap_or_else(|_| Err(internal()))?
    };
    Ok(json_response(
        StatusCode::OK,
        &json!({
            "model": model.name(),
            "version": model.version(),
            "predictions": predicted,
        }),
    ))
}

pub async fn health() -> Response {
    json_response(StatusCode::OK, &json!({ "status": "live" }))
}

/// Ready once a model is loaded, which `serve` does before it listens.
pub async fn ready(Extract(state): Extract<Shared>) -> Response {
    let m = state.model.load();
    json_response(
        StatusCode::OK,
        &json!({ "status": "ready", "model": m.name(), "version": m.version() }),
    )
}

pub async fn model(Extract(state): Extract<Shared>) -> Response {
    json_response(StatusCode::OK, &state.model.load().manifest_json)
}

pub async fn schema(Extract(state): Extract<Shared>) -> Response {
    let m = state.model.load();
    json_response(StatusCode::OK, &crate::schema::openapi(&m, &state.limits))
}

pub async fn metrics(Extract(state): Extract<Shared>) -> Response {
    let m = state.model.load();
    text_response(
        StatusCode::OK,
        "text/plain; version=0.0.4; charset=utf-8",
        state.metrics.render(&m),
    )
}

pub async fn not_found() -> Response {
    ApiError::new(
        Reason::NotFound,
        "path",
        "no such endpoint",
        "one of /predict, /health, /ready, /model, /schema, /metrics, /v2/...",
    )
    .into_response()
}
