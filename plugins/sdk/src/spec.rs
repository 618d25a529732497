//! What a stage kind declares: its ports and parameters, as the descriptor JSON says them.
//!
//! Specs are built once, when the host loads the plugin, and kept: the SDK uses a
//! transform's declared outputs to fill the host's output slots, and checks the whole
//! declaration ([`TransformSpec::check`], [`EstimatorSpec::check`]) so a mistake is an error
//! at load time with a message, not a confusing failure in a pipeline.

use serde_json::{json, Value};

use crate::error::{Error, Result};
use crate::param::Param;

/// What an output port carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PortType {
    Frame,
    /// A JSON document (`serde_json::Value`).
    Metrics,
}

/// A transform's input port.
#[derive(Clone, Debug, PartialEq)]
pub struct InputPort {
    pub name: String,
    pub doc: String,
    /// Whether the port takes a list of frames.
    pub list: bool,
}

/// A transform's output port.
#[derive(Clone, Debug, PartialEq)]
pub struct OutputPort {
    pub name: String,
    pub ty: PortType,
    pub doc: String,
}

/// What an estimator learns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Task {
    Classification,
    Regression,
}

impl Task {
    pub fn as_str(self) -> &'static str {
        match self {
            Task::Classification => "classification",
            Task::Regression => "regression",
        }
    }

    pub(crate) fn parse(text: &str) -> Option<Task> {
        match text {
            "classification" => Some(Task::Classification),
            "regression" => Some(Task::Regression),
            _ => None,
        }
    }
}

/// A transform kind's declaration:
/// `TransformSpec::new("segment").doc("...").input("input", "...").output("scores", "...")`.
#[derive(Clone, Debug, PartialEq)]
pub struct TransformSpec {
    pub kind: String,
    pub doc: String,
    pub inputs: Vec<InputPort>,
    pub outputs: Vec<OutputPort>,
    pub params: Vec<Param>,
}

impl TransformSpec {
    pub fn new(kind: impl Into<String>) -> TransformSpec {
        TransformSpec {
            kind: kind.into(),
            doc: String::new(),
            inputs: Vec::new(),
            outputs: Vec::new(),
            params: Vec::new(),
        }
    }

    pub fn doc(mut self, doc: impl Into<String>) -> TransformSpec {
        self.doc = doc.into();
        self
    }

    /// An input port taking one frame.
    pub fn input(self, name: impl Into<String>, doc: impl Into<String>) -> TransformSpec {
        self.input_port(name.into(), doc.into(), false)
    }

    /// An input port taking a list of frames (read with `TransformCall::inputs`).
    pub fn input_list(self, name: impl Into<String>, doc: impl Into<String>) -> TransformSpec {
        self.input_port(name.into(), doc.into(), true)
    }

    /// A Frame output port.
    pub fn output(self, name: impl Into<String>, doc: impl Into<String>) -> TransformSpec {
        self.output_port(name.into(), PortType::Frame, doc.into())
    }

    /// A Metrics output port (a JSON document).
    pub fn metrics(self, name: impl Into<String>, doc: impl Into<String>) -> TransformSpec {
        self.output_port(name.into(), PortType::Metrics, doc.into())
    }

    pub fn param(mut self, param: Param) -> TransformSpec {
        self.params.push(param);
        self
    }

    fn input_port(mut self, name: String, doc: String, list: bool) -> TransformSpec {
        self.inputs.push(InputPort { name, doc, list });
        self
    }

    fn output_port(mut self, name: String, ty: PortType, doc: String) -> TransformSpec {
        self.outputs.push(OutputPort { name, ty, doc });
        self
    }

    /// The descriptor entry.
    pub fn to_json(&self) -> Value {
        let inputs: Vec<Value> = self
            .inputs
            .iter()
            .map(|p| json!({"name": p.name, "doc": p.doc, "list": p.list}))
            .collect();
        let outputs: Vec<Value> = self
            .outputs
            .iter()
            .map(|p| {
                let ty = match p.ty {
                    PortType::Frame => "Frame",
                    PortType::Metrics => "Metrics",
                };
                json!({"name": p.name, "type": ty, "doc": p.doc})
            })
            .collect();
        json!({
            "kind": self.kind, "role": "transform", "doc": self.doc,
            "inputs": inputs, "outputs": outputs,
            "params": self.params.iter().map(Param::to_json).collect::<Vec<_>>(),
        })
    }

    /// An error when the declaration is malformed: names, duplicates, no output.
    pub fn check(&self) -> Result<()> {
        check_kind(&self.kind)?;
        let context = |e: Error| e.context(format!("transform `{}`", self.kind));
        unique("input", self.inputs.iter().map(|p| p.name.as_str())).map_err(context)?;
        unique("output", self.outputs.iter().map(|p| p.name.as_str())).map_err(context)?;
        if self.outputs.is_empty() {
            return Err(context(Error::new("declares no output")));
        }
        check_params(&self.params).map_err(context)
    }
}

/// An estimator kind's declaration: `EstimatorSpec::new("knn").classification()`.
#[derive(Clone, Debug, PartialEq)]
pub struct EstimatorSpec {
    pub kind: String,
    pub doc: String,
    pub tasks: Vec<Task>,
    pub params: Vec<Param>,
}

impl EstimatorSpec {
    pub fn new(kind: impl Into<String>) -> EstimatorSpec {
        EstimatorSpec {
            kind: kind.into(),
            doc: String::new(),
            tasks: Vec::new(),
            params: Vec::new(),
        }
    }

    pub fn doc(mut self, doc: impl Into<String>) -> EstimatorSpec {
        self.doc = doc.into();
        self
    }

    pub fn classification(self) -> EstimatorSpec {
        self.task(Task::Classification)
    }

    pub fn regression(self) -> EstimatorSpec {
        self.task(Task::Regression)
    }

    pub fn task(mut self, task: Task) -> EstimatorSpec {
        if !self.tasks.contains(&task) {
            self.tasks.push(task);
        }
        self
    }

    pub fn param(mut self, param: Param) -> EstimatorSpec {
        self.params.push(param);
        self
    }

    /// The descriptor entry.
    pub fn to_json(&self) -> Value {
        json!({
            "kind": self.kind, "role": "estimator", "doc": self.doc,
            "tasks": self.tasks.iter().map(|t| t.as_str()).collect::<Vec<_>>(),
            "params": self.params.iter().map(Param::to_json).collect::<Vec<_>>(),
        })
    }

    /// An error when the declaration is malformed: names, duplicates, no task.
    pub fn check(&self) -> Result<()> {
        check_kind(&self.kind)?;
        let context = |e: Error| e.context(format!("estimator `{}`", self.kind));
        if self.tasks.is_empty() {
            return Err(context(Error::new("declares no task")));
        }
        check_params(&self.params).map_err(context)
    }
}

/// What the pipeline language accepts as a name: `[A-Za-z_][A-Za-z0-9_]*`.
pub(crate) fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn check_kind(kind: &str) -> Result<()> {
    if is_identifier(kind) {
        Ok(())
    } else {
        Err(Error::new(format!(
            "`{kind}` is not a valid stage kind name"
        )))
    }
}

fn check_params(params: &[Param]) -> Result<()> {
    unique("parameter", params.iter().map(Param::name))?;
    params.iter().try_for_each(Param::check)
}

fn unique<'a>(what: &str, names: impl Iterator<Item = &'a str>) -> Result<()> {
    let mut seen = Vec::new();
    for name in names {
        if !is_identifier(name) {
            return Err(Error::new(format!("`{name}` is not a valid {what} name")));
        }
        if seen.contains(&name) {
            return Err(Error::new(format!("{what} `{name}` is declared twice")));
        }
        seen.push(name);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transform_json_has_the_documented_shape() {
        let spec = TransformSpec::new("segment")
            .doc("RFM segments.")
            .input("input", "Customers.")
            .input_list("extra", "More.")
            .output("scores", "Scores.")
            .metrics("summary", "Counts.")
            .param(Param::int("bins").default(5));
        assert_eq!(spec.check(), Ok(()));
        let json = spec.to_json();
        assert_eq!(json["role"], "transform");
        assert_eq!(
            json["inputs"],
            json!([{"name": "input", "doc": "Customers.", "list": false},
                   {"name": "extra", "doc": "More.", "list": true}])
        );
        assert_eq!(
            json["outputs"],
            json!([{"name": "scores", "type": "Frame", "doc": "Scores."},
                   {"name": "summary", "type": "Metrics", "doc": "Counts."}])
        );
        assert_eq!(json["params"][0]["name"], "bins");
    }

    #[test]
    fn malformed_specs_are_errors() {
        let no_output = TransformSpec::new("t").input("input", "");
        assert!(no_output.check().is_err());
        let twice = TransformSpec::new("t").output("a", "").metrics("a", "");
        let error = twice.check().expect_err("duplicate");
        assert_eq!(
            error.message(),
            "transform `t`: output `a` is declared twice"
        );
        let bad_kind = TransformSpec::new("my-kind").output("a", "");
        assert!(bad_kind.check().is_err());
        let bad_param = TransformSpec::new("t")
            .output("a", "")
            .param(Param::int("n").default("x"));
        assert_eq!(
            bad_param.check().expect_err("param").param_name(),
            Some("n")
        );
        assert!(EstimatorSpec::new("knn").check().is_err());
        let knn = EstimatorSpec::new("knn")
            .classification()
            .regression()
            .classification();
        assert_eq!(knn.tasks, [Task::Classification, Task::Regression]);
        assert_eq!(
            knn.to_json()["tasks"],
            json!(["classification", "regression"])
        );
    }
}
