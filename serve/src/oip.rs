//! The Open Inference Protocol v2 (KServe, Triton, Seldon): health, metadata and infer.
//!
//! A request carries one tensor per input column, named after it, of shape `[N]` or
//! `[N, 1]`, with the data flat in row-major order; the response has one tensor per output
//! column of `aimass predict` (`prediction` or `segment`, then `proba_<class>`). Errors are
//! `{"error": "..."}`, as the protocol has them; the message names the input at fault.

use axum::body::Body;
use axum::extract::{Path, State as Extract};
use axum::http::StatusCode;
use axum::response::Response;
use polars::prelude::{DataFrame, DataType};
use serde_json::{json, Map, Value as Json};

use crate::api_error::{ApiError, Reason};
use crate::handlers::{body_bytes, score};
use crate::loaded::Loaded;
use crate::records::{self, FieldType};
use crate::response::{cell, json_response};
use crate::state::Shared;

fn oip_error(e: ApiError) -> Response {
    let status = e.reason.status();
    let mut r = json_response(
        status,
        &json!({ "error": format!("{} (input `{}`; expected {})", e.message, e.field, e.expected) }),
    );
    r.extensions_mut().insert(e.reason);
    r
}

fn datatype(ty: FieldType) -> &'static str {
    match ty {
        FieldType::Int => "INT64",
        FieldType::Float | FieldType::Any => "FP64",
        FieldType::Str => "BYTES",
        FieldType::Bool => "BOOL",
    }
}

pub async fn server_live() -> Response {
    json_response(StatusCode::OK, &json!({ "live": true }))
}

pub async fn server_ready() -> Response {
    json_response(StatusCode::OK, &json!({ "ready": true }))
}

pub async fn server_metadata() -> Response {
    json_response(
        StatusCode::OK,
        &json!({ "name": "aimass", "version": env!("CARGO_PKG_VERSION"), "extensions": [] }),
    )
}

fn check_name(model: &Loaded, name: &str) -> Result<(), ApiError> {
    if name == model.name() {
        Ok(())
    } else {
        Err(ApiError::new(
            Reason::UnknownModel,
            "model",
            format!("no model named `{name}` is served here"),
            format!("`{}`", model.name()),
        ))
    }
}

fn check_version(model: &Loaded, version: Option<&str>) -> Result<(), ApiError> {
    match version {
        Some(v) if v != model.version() => Err(ApiError::new(
            Reason::UnknownModel,
            "version",
            format!("version `{v}` is not the one served"),
            format!("`{}`", model.version()),
        )),
        _ => Ok(()),
    }
}

pub async fn model_metadata(Extract(state): Extract<Shared>, Path(name): Path<String>) -> Response {
    let model = state.model.load();
    if let Err(e) = check_name(&model, &name) {
        return oip_error(e);
    }
    json_response(StatusCode::OK, &metadata(&model))
}

pub async fn version_metadata(
    Extract(state): Extract<Shared>,
    Path((name, version)): Path<(String, String)>,
) -> Response {
    let model = state.model.load();
    if let Err(e) = check_name(&model, &name).and_then(|()| check_version(&model, Some(&version))) {
        return oip_error(e);
    }
    json_response(StatusCode::OK, &metadata(&model))
}

fn metadata(model: &Loaded) -> Json {
    let inputs: Vec<Json> = model
        .fields
        .iter()
        .map(|f| json!({ "name": f.name, "datatype": datatype(f.ty), "shape": [-1] }))
        .collect();
    let m = &model.bundle.manifest;
    let mut outputs = Vec::new();
    match m.task.as_str() {
        "classification" => {
            outputs.push(
                json!({ "name": "prediction", "datatype": label_type(model), "shape": [-1] }),
            );
            for c in &m.classes {
                outputs.push(
                    json!({ "name": format!("proba_{c}"), "datatype": "FP64", "shape": [-1] }),
                );
            }
        }
        "regression" => {
            outputs.push(json!({ "name": "prediction", "datatype": "FP64", "shape": [-1] }))
        }
        _ => outputs.push(json!({ "name": "segment", "datatype": "UINT32", "shape": [-1] })),
    }
    json!({
        "name": m.name,
        "versions": [m.version],
        "platform": "aimass",
        "inputs": inputs,
        "outputs": outputs,
    })
}

fn label_type(model: &Loaded) -> &'static str {
    match model.bundle.manifest.classes.first().map(|c| c.to_string()) {
        Some(s) if s.parse::<i64>().is_ok() => "INT64",
        Some(s) if s == "true" || s == "false" => "BOOL",
        _ => "BYTES",
    }
}

pub async fn model_ready(Extract(state): Extract<Shared>, Path(name): Path<String>) -> Response {
    let model = state.model.load();
    if let Err(e) = check_name(&model, &name) {
        return oip_error(e);
    }
    json_response(StatusCode::OK, &json!({ "name": name, "ready": true }))
}

pub async fn infer(
    Extract(state): Extract<Shared>,
    Path(name): Path<String>,
    body: Body,
) -> Response {
    infer_any(state, name, None, body).await
}

pub async fn infer_version(
    Extract(state): Extract<Shared>,
    Path((name, version)): Path<(String, String)>,
    body: Body,
) -> Response {
    infer_any(state, name, Some(version), body).await
}

async fn infer_any(state: Shared, name: String, version: Option<String>, body: Body) -> Response {
    match infer_inner(&state, &name, version.as_deref(), body).await {
        Ok(r) => r,
        Err(e) => oip_error(e),
    }
}

async fn infer_inner(
    state: &Shared,
    name: &str,
    version: Option<&str>,
    body: Body,
) -> Result<Response, ApiError> {
    let model = state.model.load_full();
    check_name(&model, name)?;
    check_version(&model, version)?;
    let bytes = body_bytes(body, state.limits.max_body).await?;
    let request: Json = serde_json::from_slice(&bytes).map_err(|e| {
        ApiError::new(
            Reason::MalformedJson,
            "body",
            format!("the body is not JSON: {e}"),
            "an inference request: {\"inputs\": [{\"name\", \"shape\", \"datatype\", \"data\"}]}",
        )
    })?;
    let rows = tensors_to_frame(&model, &request, state.limits.max_records)?;
    let scored = score(state, model.clone(), rows).await?;
    let wanted: Option<Vec<String>> = request.get("outputs").and_then(Json::as_array).map(|o| {
        o.iter()
            .filter_map(|t| t.get("name").and_then(Json::as_str).map(str::to_string))
            .collect()
    });
    let outputs: Vec<Json> = scored
        .columns()
        .iter()
        .filter(|c| {
            wanted
                .as_ref()
                .is_none_or(|w| w.iter().any(|n| n == c.name().as_str()))
        })
        .map(|c| {
            let data: Vec<Json> = (0..c.len())
                .map(|i| c.get(i).map(cell).unwrap_or(Json::Null))
                .collect();
            let dt = match c.dtype() {
                DataType::Float64 | DataType::Float32 => "FP64",
                DataType::UInt32 => "UINT32",
                DataType::Int64 | DataType::Int32 => "INT64",
                DataType::Boolean => "BOOL",
                _ => "BYTES",
            };
            json!({ "name": c.name().as_str(), "datatype": dt, "shape": [c.len()], "data": data })
        })
        .collect();
    let mut out = Map::new();
    out.insert("model_name".into(), Json::from(model.name()));
    out.insert("model_version".into(), Json::from(model.version()));
    if let Some(id) = request.get("id") {
        out.insert("id".into(), id.clone());
    }
    out.insert("outputs".into(), Json::Array(outputs));
    Ok(json_response(StatusCode::OK, &Json::Object(out)))
}

/// The request's tensors as rows: every field of the model must come as one tensor, all of
/// the same length.
fn tensors_to_frame(model: &Loaded, request: &Json, max: usize) -> Result<DataFrame, ApiError> {
    let bad = |field: &str, message: String, expected: &str| {
        ApiError::new(Reason::NotARecord, field, message, expected)
    };
    let inputs = request
        .get("inputs")
        .and_then(Json::as_array)
        .ok_or_else(|| {
            bad(
                "inputs",
                "the request has no `inputs` array".into(),
                "an array of input tensors",
            )
        })?;
    let mut rows: Option<usize> = None;
    let mut columns = Vec::new();
    for f in &model.fields {
        let t = inputs
            .iter()
            .find(|t| t.get("name").and_then(Json::as_str) == Some(f.name.as_str()))
            .ok_or_else(|| {
                ApiError::new(
                    Reason::MissingField,
                    &f.name,
                    format!(
                        "the request has no input tensor `{}`, which the model needs",
                        f.name
                    ),
                    format!("a tensor named `{}` of datatype {}", f.name, datatype(f.ty)),
                )
            })?;
        let mut data = Vec::new();
        flatten(t.get("data").unwrap_or(&Json::Null), &mut data);
        let shape: Vec<u64> = t
            .get("shape")
            .and_then(Json::as_array)
            .map(|s| s.iter().filter_map(Json::as_u64).collect())
            .unwrap_or_default();
        let n = shape.first().copied().unwrap_or(data.len() as u64) as usize;
        let per_row: u64 = shape.iter().skip(1).product();
        if per_row != 1 || n != data.len() {
            return Err(bad(
                &f.name,
                format!(
                    "tensor `{}` has shape {shape:?} and {} values",
                    f.name,
                    data.len()
                ),
                "shape [N] or [N, 1] with N values, one per row",
            ));
        }
        if *rows.get_or_insert(n) != n {
            return Err(bad(
                &f.name,
                format!(
                    "tensor `{}` has {n} rows, another tensor {}",
                    f.name,
                    rows.unwrap_or(0)
                ),
                "every input tensor with the same number of rows",
            ));
        }
        columns.push(records::column(f, &data)?);
    }
    let n = rows.unwrap_or(0);
    if n == 0 {
        return Err(ApiError::new(
            Reason::EmptyBatch,
            "inputs",
            "the tensors hold no rows",
            "at least one row",
        ));
    }
    if n > max {
        return Err(ApiError::new(
            Reason::TooManyRecords,
            "inputs",
            format!("{n} rows in one request; the limit is {max}"),
            format!("at most {max} rows (set by --max-records)"),
        ));
    }
    DataFrame::new(n, columns).map_err(|e| {
        bad(
            "inputs",
            format!("the tensors do not make a frame: {e}"),
            "tensors of one length",
        )
    })
}

/// The values of a (possibly nested) data array in row-major order; a `null` inside is a
/// missing value, kept in its place.
fn flatten<'a>(v: &'a Json, out: &mut Vec<&'a Json>) {
    match v {
        Json::Array(items) => {
            for i in items {
                if i.is_array() {
                    flatten(i, out);
                } else {
                    out.push(i);
                }
            }
        }
        Json::Null => {}
        other => out.push(other),
    }
}
