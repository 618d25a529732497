//! Checked parameter values: what a stage receives.
//!
//! The checker turns the IR's untyped values into `ParamValue`s against the stage kind's
//! declared types: references become `Input`, words become `Word`, `params.x` is substituted,
//! fractions written as `20%` become `0.2`, defaults are filled in. Each value keeps the span
//! where the user wrote it, so a stage can point at it when it fails at run time.

use aimass_dsl::ir::{CmpOp, Span};
use serde_json::{json, Value as Json};

#[derive(Clone, Debug, PartialEq)]
pub struct ParamValue {
    pub kind: PKind,
    pub span: Span,
}

/// A reference to an output port of another stage.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PortRef {
    pub stage: String,
    pub port: String,
}

impl std::fmt::Display for PortRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.stage, self.port)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum PKind {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Word(String),
    List(Vec<ParamValue>),
    /// Entries in the order written.
    Map(Vec<(String, ParamValue)>),
    Range(Box<ParamValue>, Box<ParamValue>),
    /// `30s`, as written (the unit is kept for display; the cache key sees milliseconds).
    Duration(aimass_dsl::duration::Duration),
    Call(CallValue),
    Gate(Gate),
    Input(PortRef),
}

#[derive(Clone, Debug, PartialEq)]
pub struct CallValue {
    pub name: String,
    pub positional: Option<Box<ParamValue>>,
    pub named: Vec<(String, ParamValue)>,
}

impl CallValue {
    pub fn arg(&self, name: &str) -> Option<&ParamValue> {
        self.named.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }
}

/// `metric OP threshold`, e.g. `roc_auc >= 0.8` or `lift(10%) >= 2`.
#[derive(Clone, Debug, PartialEq)]
pub struct Gate {
    pub metric: Box<ParamValue>,
    pub op: CmpOp,
    pub threshold: f64,
}

impl ParamValue {
    pub fn new(kind: PKind, span: Span) -> Self {
        Self { kind, span }
    }

    /// A value with no source position (defaults declared by a stage kind).
    pub fn synthetic(kind: PKind) -> Self {
        Self {
            kind,
            span: Span::default(),
        }
    }

    pub fn int(v: i64) -> Self {
        Self::synthetic(PKind::Int(v))
    }

    pub fn float(v: f64) -> Self {
        Self::synthetic(PKind::Float(v))
    }

    pub fn bool(v: bool) -> Self {
        Self::synthetic(PKind::Bool(v))
    }

    pub fn word(v: &str) -> Self {
        Self::synthetic(PKind::Word(v.to_string()))
    }

    pub fn str(v: &str) -> Self {
        Self::synthetic(PKind::Str(v.to_string()))
    }

    pub fn list(items: Vec<ParamValue>) -> Self {
        Self::synthetic(PKind::List(items))
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            PKind::Str(s) | PKind::Word(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_int(&self) -> Option<i64> {
        match self.kind {
            PKind::Int(v) => Some(v),
            _ => None,
        }
    }

    pub fn as_duration(&self) -> Option<std::time::Duration> {
        match self.kind {
            PKind::Duration(d) => Some(d.to_std()),
            _ => None,
        }
    }

    pub fn as_float(&self) -> Option<f64> {
        match self.kind {
            PKind::Float(v) => Some(v),
            PKind::Int(v) => Some(v as f64),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.kind {
            PKind::Bool(v) => Some(v),
            _ => None,
        }
    }

    pub fn as_list(&self) -> Option<&[ParamValue]> {
        match &self.kind {
            PKind::List(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&[(String, ParamValue)]> {
        match &self.kind {
            PKind::Map(entries) => Some(entries),
            _ => None,
        }
    }

    pub fn as_call(&self) -> Option<&CallValue> {
        match &self.kind {
            PKind::Call(c) => Some(c),
            _ => None,
        }
    }

    /// A string or a list of strings, as a list (column selections).
    pub fn as_strings(&self) -> Option<Vec<String>> {
        match &self.kind {
            PKind::Str(s) | PKind::Word(s) => Some(vec![s.clone()]),
            PKind::List(items) => items
                .iter()
                .map(|v| v.as_str().map(str::to_string))
                .collect(),
            _ => None,
        }
    }

    /// Every port this value refers to, in the order written.
    pub fn port_refs(&self) -> Vec<&PortRef> {
        let mut out = Vec::new();
        self.collect_refs(&mut out);
        out
    }

    fn collect_refs<'a>(&'a self, out: &mut Vec<&'a PortRef>) {
        match &self.kind {
            PKind::Input(r) => out.push(r),
            PKind::List(items) => items.iter().for_each(|v| v.collect_refs(out)),
            PKind::Map(entries) => entries.iter().for_each(|(_, v)| v.collect_refs(out)),
            PKind::Call(c) => {
                if let Some(p) = &c.positional {
                    p.collect_refs(out);
                }
                c.named.iter().for_each(|(_, v)| v.collect_refs(out));
            }
            _ => {}
        }
    }

    /// The canonical JSON form: stable across runs and machines, positions left out. This is
    /// what goes into cache keys and lock files, so its shape must only change with the
    /// engine's cache version.
    pub fn canonical(&self) -> Json {
        match &self.kind {
            PKind::Str(s) => json!({ "str": s }),
            PKind::Int(v) => json!(v),
            PKind::Float(v) => json!({ "float": v }),
            PKind::Bool(v) => json!(v),
            PKind::Word(w) => json!({ "word": w }),
            PKind::List(items) => Json::Array(items.iter().map(|v| v.canonical()).collect()),
            PKind::Map(entries) => json!({ "map": pairs(entries) }),
            PKind::Range(lo, hi) => json!({ "range": [lo.canonical(), hi.canonical()] }),
            PKind::Duration(d) => json!({ "duration_ms": d.millis() }),
            PKind::Call(c) => json!({
                "call": c.name,
                "positional": c.positional.as_ref().map(|p| p.canonical()),
                "named": pairs(&c.named),
            }),
            PKind::Gate(g) => json!({
                "gate": g.metric.canonical(),
                "op": g.op.symbol(),
                "threshold": g.threshold,
            }),
            PKind::Input(r) => json!({ "input": r.to_string() }),
        }
    }

    /// Plain JSON, as a plugin reads its parameters: numbers, strings (words too),
    /// booleans, lists and objects; a range is `[lo, hi]`; anything else its canonical form.
    pub fn plain(&self) -> Json {
        match &self.kind {
            PKind::Str(s) | PKind::Word(s) => Json::from(s.as_str()),
            PKind::Int(i) => Json::from(*i),
            PKind::Float(f) => Json::from(*f),
            PKind::Bool(b) => Json::from(*b),
            PKind::List(items) => Json::Array(items.iter().map(ParamValue::plain).collect()),
            PKind::Map(entries) => Json::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.clone(), v.plain()))
                    .collect(),
            ),
            PKind::Range(lo, hi) => Json::Array(vec![lo.plain(), hi.plain()]),
            PKind::Duration(d) => Json::from(d.to_string()),
            _ => self.canonical(),
        }
    }

    /// Short human text, as `aimass plan` shows old -> new values.
    pub fn display(&self) -> String {
        match &self.kind {
            PKind::Str(s) => format!("{s:?}"),
            PKind::Int(v) => v.to_string(),
            PKind::Float(v) => format!("{v:?}"),
            PKind::Bool(v) => v.to_string(),
            PKind::Word(w) => w.clone(),
            PKind::List(items) => {
                let parts: Vec<String> = items.iter().map(|v| v.display()).collect();
                format!("[{}]", parts.join(", "))
            }
            PKind::Map(entries) => {
                let parts: Vec<String> = entries
                    .iter()
                    .map(|(k, v)| format!("{k} = {}", v.display()))
                    .collect();
                format!("{{ {} }}", parts.join(", "))
            }
            PKind::Range(lo, hi) => format!("{}..{}", lo.display(), hi.display()),
            PKind::Duration(d) => d.to_string(),
            PKind::Call(c) => {
                let mut args: Vec<String> = Vec::new();
                if let Some(p) = &c.positional {
                    args.push(p.display());
                }
                args.extend(
                    c.named
                        .iter()
                        .map(|(k, v)| format!("{k} = {}", v.display())),
                );
                format!("{}({})", c.name, args.join(", "))
            }
            PKind::Gate(g) => format!("{} {} {}", g.metric.display(), g.op.symbol(), g.threshold),
            PKind::Input(r) => r.to_string(),
        }
    }
}

fn pairs(entries: &[(String, ParamValue)]) -> Json {
    Json::Array(
        entries
            .iter()
            .map(|(k, v)| json!([k, v.canonical()]))
            .collect(),
    )
}

/// A stage's checked parameters, keyed by name, in declaration order of the signature.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Params {
    entries: Vec<(String, ParamValue)>,
}

impl Params {
    pub fn new(entries: Vec<(String, ParamValue)>) -> Self {
        Self { entries }
    }

    pub fn get(&self, name: &str) -> Option<&ParamValue> {
        self.entries.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &ParamValue)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v))
    }

    pub fn str(&self, name: &str) -> Option<&str> {
        self.get(name).and_then(ParamValue::as_str)
    }

    pub fn int(&self, name: &str) -> Option<i64> {
        self.get(name).and_then(ParamValue::as_int)
    }

    pub fn float(&self, name: &str) -> Option<f64> {
        self.get(name).and_then(ParamValue::as_float)
    }

    pub fn bool(&self, name: &str) -> Option<bool> {
        self.get(name).and_then(ParamValue::as_bool)
    }

    /// Parameters that are not input ports, canonical, for cache keys and lock files.
    pub fn canonical(&self) -> Json {
        let map: serde_json::Map<String, Json> = self
            .entries
            .iter()
            .filter(|(_, v)| v.port_refs().is_empty())
            .map(|(k, v)| (k.clone(), v.canonical()))
            .collect();
        Json::Object(map)
    }
}
