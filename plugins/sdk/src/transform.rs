//! The `Transform` trait: frames in, frames and metrics out.
//!
//! A transform declares its ports and parameters ([`TransformSpec`]) and runs on a
//! [`TransformCall`], from which it takes its input frames and reads its parameters; it
//! returns [`Outputs`] by port name. Which output slot of the host a port fills, and whether
//! the kind matches the declaration, is the SDK's business (`ffi`), so `run` is plain Rust a
//! plugin author can unit-test without any FFI.

use serde_json::Value;

use crate::arrow::Frame;
use crate::error::{Error, Result};
use crate::params::Params;
use crate::spec::{PortType, TransformSpec};

/// A stage kind with the transform role.
pub trait Transform: Send + Sync + 'static {
    /// The declaration (called once, when the host loads the plugin).
    fn spec(&self) -> TransformSpec;

    /// One run of a stage of this kind.
    fn run(&self, call: TransformCall) -> Result<Outputs>;
}

/// What a run receives: the stage, its seed, its parameters and its input frames.
#[derive(Debug, Default)]
pub struct TransformCall {
    stage: String,
    seed: u64,
    params: Params,
    inputs: Vec<(String, Option<Frame>)>,
}

impl TransformCall {
    /// A call with `params` (a JSON object) and no inputs: what a unit test of `run` starts
    /// from, with [`TransformCall::with_input`].
    pub fn new(params: Value) -> Result<TransformCall> {
        Ok(TransformCall {
            params: Params::from_json(params)?,
            ..TransformCall::default()
        })
    }

    /// The call with one more input frame for port `name`.
    pub fn with_input(mut self, name: impl Into<String>, frame: Frame) -> TransformCall {
        self.inputs.push((name.into(), Some(frame)));
        self
    }

    pub fn with_stage(mut self, stage: impl Into<String>) -> TransformCall {
        self.stage = stage.into();
        self
    }

    pub fn with_seed(mut self, seed: u64) -> TransformCall {
        self.seed = seed;
        self
    }

    /// The stage's name in the pipeline (`seg`).
    pub fn stage(&self) -> &str {
        &self.stage
    }

    /// The stage's seed, for anything random.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    pub fn params(&self) -> &Params {
        &self.params
    }

    /// Takes the (first remaining) frame given for input port `name`.
    pub fn input(&mut self, name: &str) -> Result<Frame> {
        let slot = self
            .inputs
            .iter_mut()
            .filter(|(port, _)| port == name)
            .find_map(|(_, frame)| frame.take());
        slot.ok_or_else(|| {
            if self.inputs.iter().any(|(port, _)| port == name) {
                Error::new(format!("input `{name}` was already taken"))
            } else {
                let given: Vec<&str> = self.inputs.iter().map(|(p, _)| p.as_str()).collect();
                Error::new(format!(
                    "no frame for input `{name}` (given: {})",
                    if given.is_empty() {
                        "none".into()
                    } else {
                        given.join(", ")
                    }
                ))
            }
        })
    }

    /// Takes every remaining frame given for list port `name`, in the order written.
    pub fn inputs(&mut self, name: &str) -> Vec<Frame> {
        self.inputs
            .iter_mut()
            .filter(|(port, _)| port == name)
            .filter_map(|(_, frame)| frame.take())
            .collect()
    }

    pub(crate) fn from_parts(
        stage: String,
        seed: u64,
        params: Params,
        inputs: Vec<(String, Frame)>,
    ) -> TransformCall {
        let inputs = inputs.into_iter().map(|(n, f)| (n, Some(f))).collect();
        TransformCall {
            stage,
            seed,
            params,
            inputs,
        }
    }
}

/// What a port of a run's outputs holds.
#[derive(Debug)]
pub enum OutputValue {
    Frame(Frame),
    Metrics(Value),
}

/// A run's results by port name: `Outputs::new().frame("scores", f).metrics("summary", m)`.
#[derive(Debug, Default)]
pub struct Outputs {
    items: Vec<(String, OutputValue)>,
}

impl Outputs {
    pub fn new() -> Outputs {
        Outputs::default()
    }

    /// A frame for Frame port `port`.
    pub fn frame(mut self, port: impl Into<String>, frame: Frame) -> Outputs {
        self.items.push((port.into(), OutputValue::Frame(frame)));
        self
    }

    /// A JSON document for Metrics port `port`.
    pub fn metrics(mut self, port: impl Into<String>, metrics: Value) -> Outputs {
        self.items
            .push((port.into(), OutputValue::Metrics(metrics)));
        self
    }

    /// What port `port` holds.
    pub fn get(&self, port: &str) -> Option<&OutputValue> {
        self.items.iter().find(|(p, _)| p == port).map(|(_, v)| v)
    }

    /// The values in the order of `spec`'s output ports: an error for a port `spec` does not
    /// declare, a value of the wrong kind, a port given twice or a port left without value.
    pub fn into_slots(self, spec: &TransformSpec) -> Result<Vec<OutputValue>> {
        let kind = &spec.kind;
        let declared = || {
            let names: Vec<&str> = spec.outputs.iter().map(|p| p.name.as_str()).collect();
            names.join(", ")
        };
        let mut slots: Vec<Option<OutputValue>> = spec.outputs.iter().map(|_| None).collect();
        for (port, value) in self.items {
            let Some(index) = spec.outputs.iter().position(|p| p.name == port) else {
                return Err(Error::new(format!(
                    "transform `{kind}` returned output `{port}`, which it does not declare \
                     (outputs: {})",
                    declared()
                )));
            };
            let expected = spec.outputs[index].ty;
            let actual = match value {
                OutputValue::Frame(_) => PortType::Frame,
                OutputValue::Metrics(_) => PortType::Metrics,
            };
            if expected != actual {
                return Err(Error::new(format!(
                    "transform `{kind}` returned {actual:?} for output `{port}`, declared \
                     {expected:?}"
                )));
            }
            if slots[index].replace(value).is_some() {
                return Err(Error::new(format!(
                    "transform `{kind}` returned output `{port}` twice"
                )));
            }
        }
        slots
            .into_iter()
            .zip(&spec.outputs)
            .map(|(slot, port)| {
                slot.ok_or_else(|| {
                    Error::new(format!(
                        "transform `{kind}` returned no value for output `{}`",
                        port.name
                    ))
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arrow::Column;
    use serde_json::json;

    fn spec() -> TransformSpec {
        TransformSpec::new("seg")
            .output("scores", "")
            .metrics("summary", "")
    }

    fn frame() -> Frame {
        Frame::new()
            .with("a", Column::from_i64(vec![1]))
            .expect("frame")
    }

    #[test]
    fn slots_follow_the_declared_order() {
        let outputs = Outputs::new()
            .metrics("summary", json!({"n": 1}))
            .frame("scores", frame());
        let slots = outputs.into_slots(&spec()).expect("slots");
        assert!(matches!(slots[0], OutputValue::Frame(_)));
        assert!(matches!(slots[1], OutputValue::Metrics(_)));
    }

    #[test]
    fn undeclared_wrong_kind_twice_and_missing_are_errors() {
        let cases = [
            (
                Outputs::new()
                    .frame("scores", frame())
                    .frame("extra", frame()),
                "returned output `extra`, which it does not declare (outputs: scores, summary)",
            ),
            (
                Outputs::new()
                    .metrics("scores", json!(1))
                    .metrics("summary", json!(1)),
                "returned Metrics for output `scores`, declared Frame",
            ),
            (
                Outputs::new()
                    .frame("scores", frame())
                    .frame("scores", frame()),
                "returned output `scores` twice",
            ),
            (
                Outputs::new().frame("scores", frame()),
                "returned no value for output `summary`",
            ),
        ];
        for (outputs, expected) in cases {
            let error = outputs.into_slots(&spec()).expect_err("invalid");
            assert!(error.message().contains(expected), "{error}");
        }
    }

    #[test]
    fn inputs_are_taken_once() {
        let mut call = TransformCall::new(json!({}))
            .expect("call")
            .with_input("input", frame())
            .with_input("more", frame())
            .with_input("more", frame());
        assert!(call.input("input").is_ok());
        let again = call.input("input").expect_err("taken");
        assert_eq!(again.message(), "input `input` was already taken");
        let missing = call.input("other").expect_err("missing");
        assert_eq!(
            missing.message(),
            "no frame for input `other` (given: input, more, more)"
        );
        assert_eq!(call.inputs("more").len(), 2);
        assert!(call.inputs("more").is_empty());
    }
}
