//! `Plugin`: a named, versioned set of stage kinds, and the safe half of every ABI call.
//!
//! The `ffi` module turns C arguments into Rust values (and back); everything between, from
//! parsing the call JSON to checking what the author's code returned, is here, in safe code
//! a test can drive without pointers.

use serde_json::{json, Value};

use crate::arrow::{Column, Frame};
use crate::error::{Error, Result};
use crate::estimator::{Estimator, EstimatorCall};
use crate::spec::{EstimatorSpec, TransformSpec};
use crate::transform::{OutputValue, Transform, TransformCall};

/// What `export_plugin!` builds: the plugin's name, version and stage kinds.
pub struct Plugin {
    name: String,
    version: String,
    transforms: Vec<(TransformSpec, Box<dyn Transform>)>,
    estimators: Vec<(EstimatorSpec, Box<dyn Estimator>)>,
}

impl Plugin {
    pub fn new(name: impl Into<String>, version: impl Into<String>) -> Plugin {
        Plugin {
            name: name.into(),
            version: version.into(),
            transforms: Vec::new(),
            estimators: Vec::new(),
        }
    }

    /// Adds a transform kind (its spec is read once, now).
    pub fn transform(mut self, transform: impl Transform) -> Plugin {
        self.transforms
            .push((transform.spec(), Box::new(transform)));
        self
    }

    /// Adds an estimator kind (its spec is read once, now).
    pub fn estimator(mut self, estimator: impl Estimator) -> Plugin {
        self.estimators
            .push((estimator.spec(), Box::new(estimator)));
        self
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn version(&self) -> &str {
        &self.version
    }

    pub fn has_transforms(&self) -> bool {
        !self.transforms.is_empty()
    }

    pub fn has_estimators(&self) -> bool {
        !self.estimators.is_empty()
    }

    /// The descriptor JSON (`{"stages": [...]}`), after checking every declaration: what a
    /// plugin's own unit test should call.
    pub fn descriptor(&self) -> Result<String> {
        let plugin = format!("plugin `{}`", self.name);
        if self.name.is_empty() || self.name.contains('\0') {
            return Err(Error::new("the plugin name must be non-empty, without NUL"));
        }
        if self.version.is_empty() || self.version.contains('\0') {
            return Err(Error::new(format!("{plugin}: invalid version")));
        }
        let mut kinds: Vec<&str> = Vec::new();
        let mut stages = Vec::new();
        for (spec, _) in &self.transforms {
            spec.check().map_err(|e| e.context(&plugin))?;
            kinds.push(&spec.kind);
            stages.push(spec.to_json());
        }
        for (spec, _) in &self.estimators {
            spec.check().map_err(|e| e.context(&plugin))?;
            kinds.push(&spec.kind);
            stages.push(spec.to_json());
        }
        for (i, kind) in kinds.iter().enumerate() {
            if kinds[..i].contains(kind) {
                return Err(Error::new(format!(
                    "{plugin}: kind `{kind}` is declared twice"
                )));
            }
        }
        Ok(json!({ "stages": stages }).to_string())
    }

    /// Runs transform `kind`: parses `call`, runs, and orders the outputs as declared (an
    /// error when there are not `n_outputs` declared ports). Inputs that failed to import are
    /// errors naming their port.
    pub(crate) fn run_transform(
        &self,
        kind: &str,
        call: &[u8],
        inputs: Vec<(String, Result<Frame>)>,
        n_outputs: usize,
    ) -> Result<Vec<OutputValue>> {
        let (spec, transform) = self
            .transforms
            .iter()
            .find(|(spec, _)| spec.kind == kind)
            .ok_or_else(|| self.unknown("transform", kind))?;
        if n_outputs != spec.outputs.len() {
            return Err(Error::new(format!(
                "host passed {n_outputs} output slots; transform `{kind}` declares {}",
                spec.outputs.len()
            )));
        }
        let inputs = inputs
            .into_iter()
            .map(|(name, frame)| match frame {
                Ok(frame) => Ok((name, frame)),
                Err(e) => Err(e.context(format!("input `{name}`"))),
            })
            .collect::<Result<Vec<_>>>()?;
        let mut call = match parse(call)? {
            Value::Object(call) => call,
            other => return Err(Error::new(format!("call must be an object, not {other}"))),
        };
        let stage = call
            .get("stage")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let seed = crate::plugin::seed(&call)?;
        let params = crate::Params::from_json(call.remove("params").unwrap_or(Value::Null))?;
        let call = TransformCall::from_parts(stage, seed, params, inputs);
        transform.run(call)?.into_slots(spec)
    }

    /// Fits estimator `kind` and returns its state.
    pub(crate) fn fit(
        &self,
        kind: &str,
        call: &[u8],
        x: Result<Frame>,
        y: Result<Frame>,
    ) -> Result<Vec<u8>> {
        let (spec, estimator) = self.estimator_kind(kind)?;
        let x = x.map_err(|e| e.context("x"))?;
        let y = y.map_err(|e| e.context("y"))?;
        let call = EstimatorCall::from_json(parse(call)?, true)?;
        self.check_task(spec, &call)?;
        let y = single_column(y)?;
        if y.len() != x.len() {
            return Err(Error::new(format!(
                "x has {} rows but y {}",
                x.len(),
                y.len()
            )));
        }
        estimator.fit(&call, x, y)
    }

    /// Predicts with estimator `kind` and checks the shape of what it returned.
    pub(crate) fn predict(
        &self,
        kind: &str,
        call: &[u8],
        state: &[u8],
        x: Result<Frame>,
    ) -> Result<Frame> {
        let (spec, estimator) = self.estimator_kind(kind)?;
        let x = x.map_err(|e| e.context("x"))?;
        let call = EstimatorCall::from_json(parse(call)?, false)?;
        self.check_task(spec, &call)?;
        let rows = x.len();
        let out = estimator.predict(&call, state, x)?;
        call.check_prediction(kind, &out, rows)?;
        Ok(out)
    }

    fn estimator_kind(&self, kind: &str) -> Result<&(EstimatorSpec, Box<dyn Estimator>)> {
        self.estimators
            .iter()
            .find(|(spec, _)| spec.kind == kind)
            .ok_or_else(|| self.unknown("estimator", kind))
    }

    fn check_task(&self, spec: &EstimatorSpec, call: &EstimatorCall) -> Result<()> {
        if spec.tasks.contains(&call.task()) {
            return Ok(());
        }
        Err(Error::new(format!(
            "estimator `{}` does not do {}",
            spec.kind,
            call.task().as_str()
        )))
    }

    fn unknown(&self, role: &str, kind: &str) -> Error {
        let kinds: Vec<&str> = match role {
            "transform" => self
                .transforms
                .iter()
                .map(|(s, _)| s.kind.as_str())
                .collect(),
            _ => self
                .estimators
                .iter()
                .map(|(s, _)| s.kind.as_str())
                .collect(),
        };
        Error::new(format!(
            "plugin `{}` has no {role} `{kind}` ({role}s: {})",
            self.name,
            if kinds.is_empty() {
                "none".into()
            } else {
                kinds.join(", ")
            }
        ))
    }
}

fn parse(call: &[u8]) -> Result<Value> {
    serde_json::from_slice(call).map_err(|e| Error::new(format!("call is not JSON: {e}")))
}

fn single_column(y: Frame) -> Result<Column> {
    if y.width() != 1 {
        return Err(Error::new(format!(
            "y must have one column, not {}",
            y.width()
        )));
    }
    let mut columns = y.into_columns();
    columns
        .pop()
        .map(|(_, column)| column)
        .ok_or_else(|| Error::new("y has no column"))
}

/// The call's `seed` (0 when absent).
pub(crate) fn seed(call: &serde_json::Map<String, Value>) -> Result<u64> {
    match call.get("seed") {
        None | Some(Value::Null) => Ok(0),
        Some(seed) => seed.as_u64().ok_or_else(|| {
            Error::new(format!("call `seed` is {seed}, not a non-negative integer"))
        }),
    }
}
