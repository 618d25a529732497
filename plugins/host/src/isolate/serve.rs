//! The child's side: `aimass __plugin-host REQUEST RESPONSE` makes one call and exits.
//!
//! Exit code 0 whenever an answer was written, failures included (they travel in the
//! answer); anything else means the child died, which the parent reports as a crash.

use std::path::Path;

use aimass_engine::ArtifactType;
use polars::prelude::DataFrame;
use serde_json::{json, Value as Json};

use super::wire;
use crate::descriptor::OutputDesc;
use crate::library::Library;
use crate::outcome::{CallFailure, FailureKind, PortValue};

fn failure(f: &CallFailure) -> Json {
    let kind = match f.kind {
        FailureKind::Error => "error",
        FailureKind::Panic => "panic",
        FailureKind::BadOutput => "bad_output",
        FailureKind::Timeout => "timeout",
        FailureKind::Crash => "crash",
    };
    json!({ "ok": false, "failure": { "kind": kind, "message": f.message, "param": f.param } })
}

fn error(message: impl Into<String>) -> CallFailure {
    CallFailure::new(FailureKind::Error, message)
}

/// Serves one request; the process exit code.
pub fn serve(request: &Path, response: &Path) -> i32 {
    let (header, blobs) = match wire::read(request) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("aimass plugin host: cannot read {}: {e}", request.display());
            return 3;
        }
    };
    let (h, out) = answer(&header, blobs);
    match wire::write(response, &h, &out) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!(
                "aimass plugin host: cannot write {}: {e}",
                response.display()
            );
            3
        }
    }
}

fn answer(header: &Json, blobs: Vec<Vec<u8>>) -> (Json, Vec<Vec<u8>>) {
    let path = Path::new(header["path"].as_str().unwrap_or_default());
    let lib = match Library::open(path) {
        Ok(lib) => lib,
        Err(load) => {
            let h = json!({ "load_failure": load });
            if header["op"] == "describe" {
                return (h, Vec::new());
            }
            return (failure(&error(load.message())), Vec::new());
        }
    };
    if header["op"] == "describe" {
        let descriptor = lib.descriptor_json.clone();
        return (
            json!({ "identity": lib.identity, "flags": lib.flags, "descriptor": descriptor }),
            Vec::new(),
        );
    }
    if header["hash"].as_str() != Some(lib.identity.hash.as_str()) {
        return (
            failure(&error(format!(
                "{} changed since it was loaded; run again to load the new build",
                path.display()
            ))),
            Vec::new(),
        );
    }
    match call(&lib, header, blobs) {
        Ok(out) => (json!({ "ok": true }), out),
        Err(f) => (failure(&f), Vec::new()),
    }
}

fn frames(blobs: Vec<Vec<u8>>) -> Result<Vec<DataFrame>, CallFailure> {
    blobs
        .into_iter()
        .map(|b| wire::frame_from_bytes(b).map_err(error))
        .collect()
}

fn call(lib: &Library, header: &Json, blobs: Vec<Vec<u8>>) -> Result<Vec<Vec<u8>>, CallFailure> {
    let kind = header["kind"].as_str().unwrap_or_default();
    let call = header["call"].as_str().unwrap_or_default();
    match header["op"].as_str() {
        Some("transform") => {
            let names: Vec<String> = serde_json::from_value(header["inputs"].clone())
                .map_err(|e| error(e.to_string()))?;
            let outputs: Vec<OutputDesc> = header["outputs"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|o| OutputDesc {
                            name: o["name"].as_str().unwrap_or_default().to_string(),
                            ty: if o["type"] == "Metrics" {
                                ArtifactType::Metrics
                            } else {
                                ArtifactType::Frame
                            },
                            doc: String::new(),
                        })
                        .collect()
                })
                .unwrap_or_default();
            let inputs: Vec<(String, DataFrame)> = names.into_iter().zip(frames(blobs)?).collect();
            let values = lib.transform(kind, call, &inputs, &outputs)?;
            values
                .into_iter()
                .map(|v| match v {
                    PortValue::Frame(df) => wire::frame_to_bytes(&df).map_err(error),
                    PortValue::Metrics(j) => Ok(j.to_string().into_bytes()),
                })
                .collect()
        }
        Some("fit") => {
            let mut f = frames(blobs)?;
            let (Some(y), Some(x)) = (f.pop(), f.pop()) else {
                return Err(error("a fit request needs two frames"));
            };
            Ok(vec![lib.fit(kind, call, &x, &y)?])
        }
        Some("predict") => {
            let mut it = blobs.into_iter();
            let (Some(state), Some(x)) = (it.next(), it.next()) else {
                return Err(error("a predict request needs a state and a frame"));
            };
            let x = wire::frame_from_bytes(x).map_err(error)?;
            let out = lib.predict(kind, call, &state, &x)?;
            Ok(vec![wire::frame_to_bytes(&out).map_err(error)?])
        }
        other => Err(error(format!("unknown request {other:?}"))),
    }
}
