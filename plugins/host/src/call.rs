//! Calling a library loaded in this process: frames exported, the function called, every
//! buffer and array the plugin hands back taken over and freed by its owner, the outputs
//! checked against the descriptor.
//!
//! Ownership (see the api crate): an input frame is the plugin's to take by moving it (it
//! copies the structs and clears the originals' `release`); whatever it leaves, the host
//! releases after the call. Output slots and buffers are the host's after the call, whatever
//! the status, so nothing leaks on an error path.

use aimass_engine::ArtifactType;
use aimass_plugin_api as api;
use polars::prelude::DataFrame;

use crate::descriptor::OutputDesc;
use crate::frames;
use crate::library::Library;
use crate::outcome::{CallFailure, CallResult, FailureKind, PortValue};

impl Library {
    /// Copies a plugin buffer and gives it back to the plugin.
    fn take(&self, buf: &mut api::Buffer) -> Vec<u8> {
        let b = std::mem::replace(buf, api::Buffer::EMPTY);
        if b.ptr.is_null() {
            return Vec::new();
        }
        // SAFETY: a non-null buffer from the plugin holds `len` bytes until it is freed.
        let bytes = unsafe { std::slice::from_raw_parts(b.ptr, b.len) }.to_vec();
        // SAFETY: handing the buffer back to the allocator that made it, once.
        unsafe { (self.functions.free_buffer)(b) };
        bytes
    }

    fn status(&self, status: i32, error: &mut api::Buffer) -> CallResult<()> {
        let kind = match status {
            api::STATUS_OK => {
                self.take(error);
                return Ok(());
            }
            api::STATUS_ERROR => FailureKind::Error,
            api::STATUS_PANIC => FailureKind::Panic,
            other => {
                let mut f = CallFailure::from_error_json(FailureKind::Error, &self.take(error));
                f.kind = FailureKind::BadOutput;
                f.message = format!("returned the unknown status {other}: {}", f.message);
                return Err(f);
            }
        };
        Err(CallFailure::from_error_json(kind, &self.take(error)))
    }

    fn export(&self, df: &DataFrame) -> CallResult<api::Frame> {
        frames::export(df, frames::compat_for(self.flags))
            .map_err(|e| CallFailure::new(FailureKind::Error, e))
    }

    /// Runs transform `kind` on `inputs` (parameter name, frame); one value per output port.
    pub fn transform(
        &self,
        kind: &str,
        call: &str,
        inputs: &[(String, DataFrame)],
        outputs: &[OutputDesc],
    ) -> CallResult<Vec<PortValue>> {
        let Some(transform) = self.functions.transform else {
            return Err(CallFailure::bad_output(
                "the plugin has no transform function",
            ));
        };
        let mut c_inputs = Vec::with_capacity(inputs.len());
        for (name, df) in inputs {
            c_inputs.push(api::Input {
                name: api::Str::new(name.as_bytes()),
                frame: self.export(df)?,
            });
        }
        let mut slots: Vec<api::Output> = outputs.iter().map(|_| api::Output::empty()).collect();
        let mut error = api::Buffer::EMPTY;
        // SAFETY: the ABI's transform call: every pointer is valid for the call, inputs and
        // slots hold as many elements as passed.
        let status = unsafe {
            transform(
                api::Str::new(kind.as_bytes()),
                api::Str::new(call.as_bytes()),
                c_inputs.as_mut_ptr(),
                c_inputs.len(),
                slots.as_mut_ptr(),
                slots.len(),
                &mut error,
            )
        };
        for input in &mut c_inputs {
            frames::release(&mut input.frame);
        }
        let status = self.status(status, &mut error);
        let values: Vec<CallResult<PortValue>> = slots
            .iter_mut()
            .zip(outputs)
            .map(|(slot, port)| self.take_output(slot, port))
            .collect();
        status?;
        values.into_iter().collect()
    }

    /// Takes over one output slot, whatever it holds, and checks it against its port.
    fn take_output(&self, slot: &mut api::Output, port: &OutputDesc) -> CallResult<PortValue> {
        let frame = std::mem::replace(&mut slot.frame, api::Frame::empty());
        let json = self.take(&mut slot.json);
        let wrong = |found: &str| {
            CallFailure::bad_output(format!(
                "output `{}` is declared a {}, but the plugin returned {found}",
                port.name, port.ty
            ))
        };
        let got_frame = frame.array.release.is_some() || frame.schema.release.is_some();
        let result = match (slot.tag, port.ty) {
            (api::OUTPUT_FRAME, ArtifactType::Frame) => {
                return frames::import(frame).map(PortValue::Frame).map_err(|e| {
                    CallFailure::bad_output(format!(
                        "output `{}` is not a valid frame: {e}",
                        port.name
                    ))
                });
            }
            (api::OUTPUT_JSON, ArtifactType::Metrics) => serde_json::from_slice(&json)
                .map(PortValue::Metrics)
                .map_err(|e| {
                    CallFailure::bad_output(format!(
                        "output `{}` is not valid JSON: {e}",
                        port.name
                    ))
                }),
            (api::OUTPUT_EMPTY, _) => Err(CallFailure::bad_output(format!(
                "the plugin returned nothing for output `{}`",
                port.name
            ))),
            (api::OUTPUT_FRAME, _) => Err(wrong("a frame")),
            (api::OUTPUT_JSON, _) => Err(wrong("JSON metrics")),
            (tag, _) => Err(CallFailure::bad_output(format!(
                "output `{}` has the unknown tag {tag}",
                port.name
            ))),
        };
        if got_frame {
            let mut frame = frame;
            frames::release(&mut frame);
        }
        result
    }

    /// Fits estimator `kind`: the state bytes.
    pub fn fit(&self, kind: &str, call: &str, x: &DataFrame, y: &DataFrame) -> CallResult<Vec<u8>> {
        let Some(fit) = self.functions.fit else {
            return Err(CallFailure::bad_output("the plugin has no fit function"));
        };
        let mut cx = self.export(x)?;
        let mut cy = self.export(y)?;
        let mut state = api::Buffer::EMPTY;
        let mut error = api::Buffer::EMPTY;
        // SAFETY: the ABI's fit call; every pointer is valid for its duration.
        let status = unsafe {
            fit(
                api::Str::new(kind.as_bytes()),
                api::Str::new(call.as_bytes()),
                &mut cx,
                &mut cy,
                &mut state,
                &mut error,
            )
        };
        frames::release(&mut cx);
        frames::release(&mut cy);
        let state = self.take(&mut state);
        self.status(status, &mut error)?;
        Ok(state)
    }

    /// Applies a fitted state to `x`: the plugin's prediction frame, not yet checked.
    pub fn predict(
        &self,
        kind: &str,
        call: &str,
        state: &[u8],
        x: &DataFrame,
    ) -> CallResult<DataFrame> {
        let Some(predict) = self.functions.predict else {
            return Err(CallFailure::bad_output(
                "the plugin has no predict function",
            ));
        };
        let mut cx = self.export(x)?;
        let mut out = api::Frame::empty();
        let mut error = api::Buffer::EMPTY;
        // SAFETY: the ABI's predict call; every pointer is valid for its duration.
        let status = unsafe {
            predict(
                api::Str::new(kind.as_bytes()),
                api::Str::new(call.as_bytes()),
                api::Str::new(state),
                &mut cx,
                &mut out,
                &mut error,
            )
        };
        frames::release(&mut cx);
        if let Err(e) = self.status(status, &mut error) {
            frames::release(&mut out);
            return Err(e);
        }
        frames::import(out).map_err(|e| {
            CallFailure::bad_output(format!("its predictions are not a valid frame: {e}"))
        })
    }
}
