//! The descriptor a plugin declares (`PluginTable::descriptor`, JSON), checked and turned into
//! the engine's [`Signature`]s, so `aimass check` types a plugin stage exactly as a built-in.
//!
//! Decoding never trusts the plugin: every problem (unknown role, bad type, duplicate kind or
//! parameter, default of the wrong type) is collected and reported as one diagnostic naming
//! the library, rather than surfacing later as a confusing check error.

use std::collections::BTreeSet;

use aimass_engine::{ArtifactType, ParamSig, ParamValue, Signature, Ty};
use serde::Deserialize;
use serde_json::Value as Json;

/// What one plugin provides.
#[derive(Clone, Debug, PartialEq)]
pub struct Descriptor {
    pub stages: Vec<StageDesc>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct StageDesc {
    pub kind: String,
    pub doc: String,
    pub role: Role,
    pub params: Vec<ParamDesc>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Role {
    Transform {
        inputs: Vec<InputDesc>,
        outputs: Vec<OutputDesc>,
    },
    Estimator {
        /// `classification` and/or `regression`, in the order the plugin prefers.
        tasks: Vec<String>,
    },
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InputDesc {
    pub name: String,
    #[serde(default)]
    pub doc: String,
    #[serde(default)]
    pub list: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct OutputDesc {
    pub name: String,
    pub ty: ArtifactType,
    pub doc: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ParamDesc {
    pub name: String,
    pub ty: Ty,
    pub required: bool,
    pub default: Option<Json>,
    pub bounds: Option<(f64, f64)>,
    pub doc: String,
}

// The wire form, decoded leniently enough to report every problem with a clear message.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDescriptor {
    stages: Vec<RawStage>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStage {
    kind: String,
    role: String,
    #[serde(default)]
    doc: String,
    #[serde(default)]
    inputs: Vec<InputDesc>,
    #[serde(default)]
    outputs: Vec<RawOutput>,
    #[serde(default)]
    params: Vec<RawParam>,
    #[serde(default)]
    tasks: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOutput {
    name: String,
    #[serde(rename = "type")]
    ty: String,
    #[serde(default)]
    doc: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawParam {
    name: String,
    #[serde(rename = "type")]
    ty: Json,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    default: Option<Json>,
    #[serde(default)]
    min: Option<f64>,
    #[serde(default)]
    max: Option<f64>,
    #[serde(default)]
    doc: String,
}

/// Names a user writes in a pipeline: `segment`, `max_k`, `input`.
fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Parameter names the engine gives a meaning of its own on every stage.
const RESERVED_PARAMS: &[&str] = &["seed"];

impl Descriptor {
    /// Decodes and checks a descriptor; the error lists every problem found.
    pub fn parse(text: &str) -> Result<Descriptor, Vec<String>> {
        let raw: RawDescriptor = serde_json::from_str(text).map_err(|e| {
            vec![format!(
                "the descriptor is not valid JSON of the expected shape: {e}"
            )]
        })?;
        let mut problems = Vec::new();
        let mut kinds = BTreeSet::new();
        let mut stages = Vec::new();
        if raw.stages.is_empty() {
            problems.push("it declares no stages".to_string());
        }
        for s in raw.stages {
            if !is_name(&s.kind) {
                problems.push(format!(
                    "stage kind `{}` is not a valid name (letters, digits, `_`)",
                    s.kind
                ));
            }
            if !kinds.insert(s.kind.clone()) {
                problems.push(format!("it defines the stage kind `{}` twice", s.kind));
            }
            let at = format!("`{}`", s.kind);
            let params = params(&at, s.params, &mut problems);
            let role = match s.role.as_str() {
                "transform" => {
                    let outputs = outputs(&at, s.outputs, &mut problems);
                    check_inputs(&at, &s.inputs, &params, &mut problems);
                    if !s.tasks.is_empty() {
                        problems.push(format!("{at}: `tasks` is for estimators, not transforms"));
                    }
                    Role::Transform {
                        inputs: s.inputs,
                        outputs,
                    }
                }
                "estimator" => {
                    if !s.inputs.is_empty() || !s.outputs.is_empty() {
                        problems.push(format!(
                            "{at}: an estimator declares no inputs or outputs (it is used as a model stage's `algorithm`)"
                        ));
                    }
                    if s.tasks.is_empty() {
                        problems.push(format!("{at}: an estimator must list its `tasks`"));
                    }
                    for t in &s.tasks {
                        if t != "classification" && t != "regression" {
                            problems.push(format!(
                                "{at}: unknown task `{t}` (classification or regression)"
                            ));
                        }
                    }
                    Role::Estimator { tasks: s.tasks }
                }
                other => {
                    problems.push(format!(
                        "{at}: unknown role `{other}` (transform or estimator)"
                    ));
                    continue;
                }
            };
            stages.push(StageDesc {
                kind: s.kind,
                doc: s.doc,
                role,
                params,
            });
        }
        if problems.is_empty() {
            Ok(Descriptor { stages })
        } else {
            Err(problems)
        }
    }

    pub fn stage(&self, kind: &str) -> Option<&StageDesc> {
        self.stages.iter().find(|s| s.kind == kind)
    }
}

fn outputs(at: &str, raw: Vec<RawOutput>, problems: &mut Vec<String>) -> Vec<OutputDesc> {
    if raw.is_empty() {
        problems.push(format!(
            "{at}: a transform must declare at least one output"
        ));
    }
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for o in raw {
        if !is_name(&o.name) {
            problems.push(format!("{at}: output `{}` is not a valid name", o.name));
        }
        if !seen.insert(o.name.clone()) {
            problems.push(format!("{at}: output `{}` is declared twice", o.name));
        }
        let ty = match o.ty.as_str() {
            "Frame" => ArtifactType::Frame,
            "Metrics" => ArtifactType::Metrics,
            other => {
                problems.push(format!(
                    "{at}: output `{}` has type `{other}`; a transform outputs Frame or Metrics",
                    o.name
                ));
                continue;
            }
        };
        out.push(OutputDesc {
            name: o.name,
            ty,
            doc: o.doc,
        });
    }
    out
}

fn check_inputs(at: &str, inputs: &[InputDesc], params: &[ParamDesc], problems: &mut Vec<String>) {
    let mut seen = BTreeSet::new();
    for i in inputs {
        if !is_name(&i.name) {
            problems.push(format!("{at}: input `{}` is not a valid name", i.name));
        }
        if !seen.insert(i.name.as_str()) || params.iter().any(|p| p.name == i.name) {
            problems.push(format!("{at}: `{}` is declared twice", i.name));
        }
    }
}

fn params(at: &str, raw: Vec<RawParam>, problems: &mut Vec<String>) -> Vec<ParamDesc> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for p in raw {
        let here = format!("{at}: parameter `{}`", p.name);
        if !is_name(&p.name) {
            problems.push(format!("{here} is not a valid name"));
        }
        if RESERVED_PARAMS.contains(&p.name.as_str()) {
            problems.push(format!(
                "{here} is reserved: aimass passes the stage's seed in every call"
            ));
        }
        if !seen.insert(p.name.clone()) {
            problems.push(format!("{here} is declared twice"));
        }
        let Some(ty) = param_type(&p.ty) else {
            problems.push(format!(
                "{here} has the unknown type {}; use string, int, float, fraction, bool, column, columns, {{\"words\": [...]}} or {{\"list\": TYPE}}",
                p.ty
            ));
            continue;
        };
        if let Some(d) = &p.default {
            if to_param_value(d, &ty).is_none() {
                problems.push(format!("{here}: the default {d} is not a {ty}"));
            }
        }
        if p.required && p.default.is_some() {
            problems.push(format!("{here} is required and has a default: choose one"));
        }
        let bounds = match (p.min, p.max) {
            (None, None) => None,
            (lo, hi) => {
                let (lo, hi) = (lo.unwrap_or(f64::NEG_INFINITY), hi.unwrap_or(f64::INFINITY));
                if lo > hi {
                    problems.push(format!("{here}: min {lo} is above max {hi}"));
                }
                Some((lo, hi))
            }
        };
        out.push(ParamDesc {
            name: p.name,
            ty,
            required: p.required,
            default: p.default,
            bounds,
            doc: p.doc,
        });
    }
    out
}

/// A descriptor type: `"int"`, `{"words": [...]}`, `{"list": "string"}`, ...
fn param_type(t: &Json) -> Option<Ty> {
    match t {
        Json::String(s) => Some(match s.as_str() {
            "string" | "column" => Ty::Str,
            "int" => Ty::Int,
            "float" => Ty::Float,
            "fraction" => Ty::Fraction,
            "bool" => Ty::Bool,
            "columns" => Ty::columns(),
            _ => return None,
        }),
        Json::Object(m) if m.len() == 1 => {
            if let Some(words) = m.get("words") {
                let words: Vec<String> = words
                    .as_array()?
                    .iter()
                    .map(|w| w.as_str().filter(|w| is_name(w)).map(str::to_string))
                    .collect::<Option<_>>()?;
                (!words.is_empty()).then_some(Ty::Word(words))
            } else {
                m.get("list").and_then(param_type).map(Ty::list)
            }
        }
        _ => None,
    }
}

/// A JSON default as the engine's value of `ty`, or `None` when it is not one.
fn to_param_value(v: &Json, ty: &Ty) -> Option<ParamValue> {
    match (ty, v) {
        (Ty::Str, Json::String(s)) => Some(ParamValue::str(s)),
        (Ty::Int, Json::Number(n)) => n.as_i64().map(ParamValue::int),
        (Ty::Float, Json::Number(n)) => n.as_f64().map(ParamValue::float),
        (Ty::Fraction, Json::Number(n)) => n
            .as_f64()
            .filter(|f| (0.0..=1.0).contains(f))
            .map(ParamValue::float),
        (Ty::Bool, Json::Bool(b)) => Some(ParamValue::bool(*b)),
        (Ty::Word(words), Json::String(s)) => words.contains(s).then(|| ParamValue::word(s)),
        (Ty::List(inner), Json::Array(items)) => items
            .iter()
            .map(|i| to_param_value(i, inner))
            .collect::<Option<Vec<_>>>()
            .map(ParamValue::list),
        (Ty::OneOf(alts), _) => alts.iter().find_map(|t| to_param_value(v, t)),
        _ => None,
    }
}

impl ParamDesc {
    /// The engine's declaration of this parameter.
    pub fn to_sig(&self) -> ParamSig {
        let mut sig = match (&self.default, self.required) {
            (Some(d), _) => match to_param_value(d, &self.ty) {
                Some(v) => ParamSig::with_default(&self.name, self.ty.clone(), v, &self.doc),
                None => ParamSig::optional(&self.name, self.ty.clone(), &self.doc),
            },
            (None, true) => ParamSig::required(&self.name, self.ty.clone(), &self.doc),
            (None, false) => ParamSig::optional(&self.name, self.ty.clone(), &self.doc),
        };
        if let Some((lo, hi)) = self.bounds {
            sig = sig.bounds(lo, hi);
        }
        sig
    }
}

impl StageDesc {
    /// The signature of a transform, registered as `alias.kind`. `None` for an estimator.
    pub fn signature(&self, alias: &str) -> Option<Signature> {
        let Role::Transform { inputs, outputs } = &self.role else {
            return None;
        };
        let mut sig = Signature::new(&format!("{alias}.{}", self.kind), &self.doc);
        for i in inputs {
            sig = if i.list {
                sig.inputs(&i.name, ArtifactType::Frame, &i.doc)
            } else {
                sig.input(&i.name, ArtifactType::Frame, &i.doc)
            };
        }
        for p in &self.params {
            sig = sig.param(p.to_sig());
        }
        sig = sig.param(ParamSig::optional(
            "seed",
            Ty::Int,
            "random seed passed to the plugin (default: the pipeline's)",
        ));
        for o in outputs {
            sig = sig.output(&o.name, o.ty, &o.doc);
        }
        Some(sig)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RFM: &str = r#"{"stages": [
        {"kind": "segment", "role": "transform", "doc": "RFM scores",
         "inputs": [{"name": "input", "doc": "transactions"}],
         "outputs": [{"name": "scores", "type": "Frame"}, {"name": "summary", "type": "Metrics"}],
         "params": [{"name": "bins", "type": "int", "default": 5, "min": 2, "max": 10},
                    {"name": "customer", "type": "column", "required": true},
                    {"name": "weights", "type": {"words": ["uniform", "distance"]}, "default": "uniform"},
                    {"name": "keep", "type": {"list": "string"}, "default": []}]},
        {"kind": "knn", "role": "estimator", "tasks": ["classification", "regression"],
         "params": [{"name": "k", "type": "int", "default": 5, "min": 1}]}
    ]}"#;

    #[test]
    fn a_good_descriptor_becomes_signatures() {
        let d = Descriptor::parse(RFM).expect("valid");
        assert_eq!(d.stages.len(), 2);
        let sig = d.stages[0].signature("rfm").expect("a transform");
        assert_eq!(sig.kind, "rfm.segment");
        assert_eq!(sig.default_output.as_deref(), Some("scores"));
        assert_eq!(
            sig.output_port("summary").map(|p| p.ty),
            Some(ArtifactType::Metrics)
        );
        assert_eq!(
            sig.param_sig("input").map(|p| p.ty.clone()),
            Some(Ty::Input(ArtifactType::Frame))
        );
        let bins = sig.param_sig("bins").expect("bins");
        assert_eq!(bins.default, Some(ParamValue::int(5)));
        assert_eq!(bins.bounds, Some((2.0, 10.0)));
        assert!(sig.param_sig("customer").is_some_and(|p| p.required));
        assert_eq!(
            sig.param_sig("weights").map(|p| p.ty.clone()),
            Some(Ty::words(&["uniform", "distance"]))
        );
        assert!(d.stages[1].signature("rfm").is_none());
    }

    #[test]
    fn every_problem_is_reported() {
        let bad = r#"{"stages": [
            {"kind": "a-b", "role": "transform", "outputs": []},
            {"kind": "x", "role": "transform", "outputs": [{"name": "o", "type": "Model"}],
             "params": [{"name": "n", "type": "integer"}, {"name": "m", "type": "int", "default": "five"},
                        {"name": "seed", "type": "int"}]},
            {"kind": "x", "role": "estimator", "tasks": []},
            {"kind": "y", "role": "sink"}
        ]}"#;
        let problems = Descriptor::parse(bad).expect_err("invalid");
        let all = problems.join("\n");
        for want in [
            "`a-b` is not a valid name",
            "`a-b`: a transform must declare at least one output",
            "has type `Model`",
            "parameter `n` has the unknown type \"integer\"",
            "the default \"five\" is not a integer",
            "parameter `seed` is reserved",
            "defines the stage kind `x` twice",
            "must list its `tasks`",
            "unknown role `sink`",
        ] {
            assert!(all.contains(want), "missing {want:?} in:\n{all}");
        }
    }

    #[test]
    fn not_json_is_one_clear_problem() {
        let p = Descriptor::parse("{stages: nope").expect_err("invalid");
        assert_eq!(p.len(), 1);
        assert!(
            p[0].starts_with("the descriptor is not valid JSON"),
            "{p:?}"
        );
    }
}
