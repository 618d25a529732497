//! The parent's side of an isolated plugin: requests written, the child run and waited for,
//! its answer or its death turned into a result.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use aimass_engine::ArtifactType;
use polars::prelude::DataFrame;
use serde_json::{json, Value as Json};

use super::wire;
use crate::deadline::timed_out;
use crate::descriptor::{Descriptor, OutputDesc};
use crate::failure::LoadFailure;
use crate::identity::Identity;
use crate::outcome::{CallFailure, CallResult, FailureKind, PortValue};

/// A plugin library that is only ever opened by child processes.
pub struct Child {
    pub identity: Identity,
    pub flags: u32,
    pub descriptor: Descriptor,
    exe: Arc<PathBuf>,
}

/// What running one child gave.
enum Ran {
    Answer(Json, Vec<Vec<u8>>),
    Failed(CallFailure),
}

fn run(exe: &Path, header: &Json, blobs: &[Vec<u8>], timeout: Option<Duration>) -> Ran {
    let dir = match tempfile::Builder::new().prefix("aimass-plugin-").tempdir() {
        Ok(d) => d,
        Err(e) => {
            return Ran::Failed(CallFailure::new(
                FailureKind::Error,
                format!("cannot create a temporary directory: {e}"),
            ))
        }
    };
    let (req, resp) = (dir.path().join("request"), dir.path().join("response"));
    if let Err(e) = wire::write(&req, header, blobs) {
        return Ran::Failed(CallFailure::new(
            FailureKind::Error,
            format!("cannot write the request: {e}"),
        ));
    }
    let mut child = match Command::new(exe)
        .arg("__plugin-host")
        .arg(&req)
        .arg(&resp)
        .spawn()
    {
        Ok(c) => c,
        Err(e) => {
            return Ran::Failed(CallFailure::new(
                FailureKind::Error,
                format!(
                    "cannot start the isolated plugin host {}: {e}",
                    exe.display()
                ),
            ))
        }
    };
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) => {}
            Err(e) => {
                return Ran::Failed(CallFailure::new(
                    FailureKind::Crash,
                    format!("cannot wait for the plugin host: {e}"),
                ))
            }
        }
        if let Some(limit) = timeout {
            if started.elapsed() >= limit {
                let _ = child.kill();
                let _ = child.wait();
                let mut f = timed_out(limit);
                f.message.push_str("; its isolated host process was killed");
                return Ran::Failed(f);
            }
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    if !status.success() {
        return Ran::Failed(CallFailure::new(FailureKind::Crash, died(&status)));
    }
    match wire::read(&resp) {
        Ok((h, b)) => Ran::Answer(h, b),
        Err(e) => Ran::Failed(CallFailure::new(
            FailureKind::Crash,
            format!("its isolated host gave no readable answer: {e}"),
        )),
    }
}

/// How a child ended, in words.
fn died(status: &std::process::ExitStatus) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(sig) = status.signal() {
            let name = match sig {
                4 => " (SIGILL)",
                6 => " (SIGABRT: the plugin aborted)",
                7 => " (SIGBUS)",
                8 => " (SIGFPE)",
                9 => " (SIGKILL)",
                11 => " (SIGSEGV: the plugin crashed)",
                _ => "",
            };
            return format!("its isolated host process was killed by signal {sig}{name}");
        }
    }
    match status.code() {
        Some(c) => format!("its isolated host process exited with code {c}"),
        None => "its isolated host process ended abnormally".to_string(),
    }
}

/// The failure a child reported, or the values it returned.
fn answer(h: &Json) -> CallResult<()> {
    if h["ok"].as_bool() == Some(true) {
        return Ok(());
    }
    let f = &h["failure"];
    let kind = match f["kind"].as_str() {
        Some("panic") => FailureKind::Panic,
        Some("bad_output") => FailureKind::BadOutput,
        Some("timeout") => FailureKind::Timeout,
        _ => FailureKind::Error,
    };
    Err(CallFailure {
        kind,
        message: f["message"]
            .as_str()
            .unwrap_or("the plugin failed")
            .to_string(),
        param: f["param"].as_str().map(str::to_string),
    })
}

fn protocol(why: impl std::fmt::Display) -> CallFailure {
    CallFailure::new(
        FailureKind::Crash,
        format!("its isolated host answered wrongly: {why}"),
    )
}

impl Child {
    /// Describes the library at `path` from a child process.
    pub fn describe(exe: Arc<PathBuf>, path: &Path) -> Result<Child, LoadFailure> {
        let header = json!({ "op": "describe", "path": path });
        match run(&exe, &header, &[], None) {
            Ran::Failed(f) => Err(LoadFailure::Isolated(f.message)),
            Ran::Answer(h, _) => {
                if let Some(load) = h.get("load_failure") {
                    return Err(serde_json::from_value::<LoadFailure>(load.clone())
                        .unwrap_or_else(|e| LoadFailure::Isolated(e.to_string())));
                }
                let identity: Identity = serde_json::from_value(h["identity"].clone())
                    .map_err(|e| LoadFailure::Isolated(e.to_string()))?;
                let descriptor = Descriptor::parse(h["descriptor"].as_str().unwrap_or_default())
                    .map_err(LoadFailure::BadDescriptor)?;
                Ok(Child {
                    identity,
                    flags: h["flags"].as_u64().unwrap_or(0) as u32,
                    descriptor,
                    exe,
                })
            }
        }
    }

    fn header(&self, op: &str, kind: &str, call: &str) -> Json {
        json!({
            "op": op,
            "path": self.identity.path,
            "hash": self.identity.hash,
            "kind": kind,
            "call": call,
        })
    }

    fn call(
        &self,
        header: Json,
        blobs: &[Vec<u8>],
        timeout: Option<Duration>,
    ) -> CallResult<Vec<Vec<u8>>> {
        match run(&self.exe, &header, blobs, timeout) {
            Ran::Failed(f) => Err(f),
            Ran::Answer(h, b) => answer(&h).map(|_| b),
        }
    }

    pub fn transform(
        &self,
        kind: &str,
        call: &str,
        inputs: Vec<(String, DataFrame)>,
        outputs: &[OutputDesc],
        timeout: Option<Duration>,
    ) -> CallResult<Vec<PortValue>> {
        let mut header = self.header("transform", kind, call);
        header["inputs"] = json!(inputs.iter().map(|(n, _)| n).collect::<Vec<_>>());
        header["outputs"] = json!(outputs
            .iter()
            .map(|o| json!({ "name": o.name, "type": o.ty.name(), "doc": o.doc }))
            .collect::<Vec<_>>());
        let blobs = inputs
            .iter()
            .map(|(_, df)| wire::frame_to_bytes(df))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| CallFailure::new(FailureKind::Error, e))?;
        let answers = self.call(header, &blobs, timeout)?;
        if answers.len() != outputs.len() {
            return Err(protocol(format!(
                "{} outputs for {} ports",
                answers.len(),
                outputs.len()
            )));
        }
        outputs
            .iter()
            .zip(answers)
            .map(|(port, bytes)| match port.ty {
                ArtifactType::Metrics => serde_json::from_slice(&bytes)
                    .map(PortValue::Metrics)
                    .map_err(protocol),
                _ => wire::frame_from_bytes(bytes)
                    .map(PortValue::Frame)
                    .map_err(protocol),
            })
            .collect()
    }

    pub fn fit(
        &self,
        kind: &str,
        call: &str,
        x: DataFrame,
        y: DataFrame,
        timeout: Option<Duration>,
    ) -> CallResult<Vec<u8>> {
        let blobs = [&x, &y]
            .iter()
            .map(|df| wire::frame_to_bytes(df))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| CallFailure::new(FailureKind::Error, e))?;
        let mut answers = self.call(self.header("fit", kind, call), &blobs, timeout)?;
        answers.pop().ok_or_else(|| protocol("no state"))
    }

    pub fn predict(
        &self,
        kind: &str,
        call: &str,
        state: &[u8],
        x: DataFrame,
        timeout: Option<Duration>,
    ) -> CallResult<DataFrame> {
        let blobs = vec![
            state.to_vec(),
            wire::frame_to_bytes(&x).map_err(|e| CallFailure::new(FailureKind::Error, e))?,
        ];
        let mut answers = self.call(self.header("predict", kind, call), &blobs, timeout)?;
        let out = answers.pop().ok_or_else(|| protocol("no predictions"))?;
        wire::frame_from_bytes(out).map_err(protocol)
    }
}
