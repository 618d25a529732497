//! Checks one IR value against a declared type and turns it into a `ParamValue`.
//!
//! This is where a bare name gets its meaning: a reference where the type is `Input`, a word
//! where it is `Word`, a pipeline parameter when it is `params.x`.

use std::collections::BTreeMap;

use aimass_dsl::ir::{self, Span, ValueKind};

use super::errors::CheckError;
use crate::param::{CallValue, Gate, PKind, ParamValue, PortRef};
use crate::signature::{ParamSig, Signature, Ty};
use crate::suggest::did_you_mean;

/// What the typer needs to know about the rest of the pipeline.
pub(crate) struct Scope<'a> {
    /// Stage name -> its signature (None for stages whose kind is unknown).
    pub stages: &'a BTreeMap<String, Option<&'a Signature>>,
    pub params: &'a [ir::Entry],
    /// The stage being checked, to catch self-references.
    pub current: &'a str,
}

pub(crate) struct Typer<'a> {
    pub scope: Scope<'a>,
    pub errors: Vec<CheckError>,
    /// Pipeline-parameter substitutions in progress, to stop `params.a = params.a`.
    expanding: Vec<String>,
}

impl<'a> Typer<'a> {
    pub fn new(scope: Scope<'a>) -> Self {
        Self {
            scope,
            errors: Vec::new(),
            expanding: Vec::new(),
        }
    }

    /// Checks `value` against `ty`; on failure records errors and returns `None`.
    pub fn check(&mut self, param: &str, value: &ir::Value, ty: &Ty) -> Option<ParamValue> {
        if let Some(substituted) = self.pipeline_param(value) {
            return substituted.and_then(|(name, v)| {
                let checked = self.check(param, &v, ty);
                self.expanding.retain(|n| n != &name);
                checked.map(|c| ParamValue::new(c.kind, value.span))
            });
        }
        let span = value.span;
        let found = || value.kind.describe().to_string();
        let ok = |kind| Some(ParamValue::new(kind, span));
        match (ty, &value.kind) {
            (Ty::Any, _) => self.any(param, value),
            (Ty::Str, ValueKind::Str(s)) => ok(PKind::Str(s.clone())),
            (Ty::Str, ValueKind::Path(p)) if p.len() == 1 => ok(PKind::Str(p[0].name.clone())),
            (Ty::Int, ValueKind::Int(v)) => ok(PKind::Int(*v)),
            (Ty::Float, ValueKind::Int(v)) => ok(PKind::Float(*v as f64)),
            (Ty::Float, ValueKind::Float(v)) => ok(PKind::Float(*v)),
            (Ty::Fraction, ValueKind::Float(_) | ValueKind::Int(_) | ValueKind::Percent(_)) => {
                self.fraction(param, &value.kind, span)
            }
            (Ty::Bool, ValueKind::Bool(b)) => ok(PKind::Bool(*b)),
            (Ty::Duration, ValueKind::Duration(d)) => ok(PKind::Duration(*d)),
            // YAML's `budget: "30s"`, or a quoted duration in .aim.
            (Ty::Duration, ValueKind::Str(s)) => {
                match aimass_dsl::duration::Duration::parse(s, false) {
                    Ok(d) => ok(PKind::Duration(d)),
                    Err(why) => {
                        self.errors.push(CheckError::TypeMismatch {
                            param: param.to_string(),
                            expected: ty.to_string(),
                            found: format!("{s:?}"),
                            span,
                            help: Some(why),
                        });
                        None
                    }
                }
            }
            (Ty::Word(words), ValueKind::Path(p)) if p.len() == 1 => {
                self.word(param, &p[0].name, words, span)
            }
            (Ty::Word(words), ValueKind::Str(s)) => self.word(param, s, words, span),
            // `knn.knn`: a plugin's word (a plugin estimator as a model's algorithm).
            (Ty::Word(words), ValueKind::Path(p)) if p.len() == 2 => {
                let w = format!("{}.{}", p[0].name, p[1].name);
                self.word(param, &w, words, span)
            }
            (Ty::List(inner), ValueKind::List(items)) => {
                let checked: Vec<Option<ParamValue>> = items
                    .iter()
                    .map(|item| self.check(param, item, inner))
                    .collect();
                checked
                    .into_iter()
                    .collect::<Option<Vec<_>>>()
                    .map(|v| ParamValue::new(PKind::List(v), span))
            }
            (Ty::OneOf(alts), _) => self.one_of(param, value, alts),
            (Ty::Struct(fields), ValueKind::Map(entries)) => {
                let map = self.fields(param, entries, fields, span)?;
                ok(PKind::Map(map))
            }
            (Ty::MapOf(inner), ValueKind::Map(entries)) => {
                let checked: Vec<Option<(String, ParamValue)>> = entries
                    .iter()
                    .map(|e| {
                        self.check(&e.key.name, &e.value, inner)
                            .map(|v| (e.key.name.clone(), v))
                    })
                    .collect();
                checked
                    .into_iter()
                    .collect::<Option<Vec<_>>>()
                    .map(|m| ParamValue::new(PKind::Map(m), span))
            }
            (Ty::Call(calls), ValueKind::Path(p)) if p.len() == 1 => {
                let call = ir::Call {
                    name: p[0].clone(),
                    args: Vec::new(),
                };
                self.call(param, &call, calls, span)
            }
            (Ty::Call(calls), ValueKind::Call(call)) => self.call(param, call, calls, span),
            (Ty::Range(inner), ValueKind::Range(lo, hi)) => {
                let lo = self.check(param, lo, inner);
                let hi = self.check(param, hi, inner);
                let (lo, hi) = (lo?, hi?);
                if lo.as_float() > hi.as_float() {
                    self.errors.push(CheckError::Invalid {
                        message: format!("`{param}`: the range is empty"),
                        span,
                        help: Some("write the smaller end first, as in 2..12".into()),
                    });
                    return None;
                }
                ok(PKind::Range(Box::new(lo), Box::new(hi)))
            }
            (Ty::Gate(metric_ty), ValueKind::Compare(lhs, op, rhs)) => {
                let metric = self.check(param, lhs, metric_ty);
                let threshold = self.check(param, rhs, &Ty::Float);
                let (metric, threshold) = (metric?, threshold?.as_float()?);
                ok(PKind::Gate(Gate {
                    metric: Box::new(metric),
                    op: *op,
                    threshold,
                }))
            }
            (Ty::Input(_), ValueKind::Path(p)) => self.reference(param, p, ty, span),
            _ => {
                let help = match (ty, &value.kind) {
                    (Ty::Str, ValueKind::Path(_)) => {
                        Some("quote it to make it a string".to_string())
                    }
                    (Ty::Input(_), ValueKind::Str(s)) => {
                        Some(format!("a reference is written without quotes: {s}"))
                    }
                    (Ty::Int, ValueKind::Float(_)) => Some("write a whole number".to_string()),
                    (Ty::Bool, _) => Some("write true or false".to_string()),
                    (Ty::Duration, ValueKind::Int(n)) => {
                        Some(format!("give it a unit: {n}s, {n}m or {n}h"))
                    }
                    _ => None,
                };
                self.errors.push(CheckError::TypeMismatch {
                    param: param.to_string(),
                    expected: ty.to_string(),
                    found: found(),
                    span,
                    help,
                });
                None
            }
        }
    }

    /// Checks a whole stage body (or a struct block) against declared parameters, filling in
    /// defaults and reporting unknown and missing ones.
    pub fn fields(
        &mut self,
        owner: &str,
        entries: &[ir::Entry],
        sigs: &[ParamSig],
        owner_span: Span,
    ) -> Option<Vec<(String, ParamValue)>> {
        let mut ok = true;
        for e in entries {
            if !sigs.iter().any(|s| s.name == e.key.name) {
                let names = sigs.iter().map(|s| s.name.as_str());
                let help = match did_you_mean(&e.key.name, names) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!(
                        "valid parameters: {}",
                        sigs.iter()
                            .map(|s| s.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                };
                self.errors.push(CheckError::UnknownParam {
                    owner: owner.to_string(),
                    param: e.key.name.clone(),
                    span: e.key.span,
                    help,
                });
                ok = false;
            }
        }
        let mut out = Vec::new();
        for sig in sigs {
            match entries.iter().find(|e| e.key.name == sig.name) {
                Some(e) => match self.check(&sig.name, &e.value, &sig.ty) {
                    Some(v) => match self.in_bounds(&sig.name, v, sig.bounds) {
                        Some(v) => out.push((sig.name.clone(), v)),
                        None => ok = false,
                    },
                    None => ok = false,
                },
                None if sig.required => {
                    self.errors.push(CheckError::MissingParam {
                        owner: owner.to_string(),
                        param: sig.name.clone(),
                        span: owner_span,
                        help: format!("add `{} = ...` ({}): {}", sig.name, sig.ty, sig.doc),
                    });
                    ok = false;
                }
                None => {
                    if let Some(d) = &sig.default {
                        out.push((sig.name.clone(), d.clone()));
                    }
                }
            }
        }
        ok.then_some(out)
    }

    fn in_bounds(
        &mut self,
        param: &str,
        v: ParamValue,
        bounds: Option<(f64, f64)>,
    ) -> Option<ParamValue> {
        let Some((lo, hi)) = bounds else {
            return Some(v);
        };
        match v.as_float() {
            Some(x) if x < lo || x > hi => {
                self.errors.push(CheckError::OutOfRange {
                    param: param.to_string(),
                    value: v.display(),
                    span: v.span,
                    lo,
                    hi,
                });
                None
            }
            _ => Some(v),
        }
    }

    /// `params.x`: `None` if the value is not such a reference, `Some(None)` if it is one that
    /// cannot be resolved (error recorded), `Some(Some(..))` with the value to check instead.
    #[allow(clippy::option_option)]
    fn pipeline_param(&mut self, value: &ir::Value) -> Option<Option<(String, ir::Value)>> {
        let ValueKind::Path(p) = &value.kind else {
            return None;
        };
        if p.first().map(|i| i.name.as_str()) != Some("params") {
            return None;
        }
        if p.len() != 2 {
            self.errors.push(CheckError::Invalid {
                message: "a pipeline parameter is written `params.NAME`".into(),
                span: value.span,
                help: None,
            });
            return Some(None);
        }
        let name = &p[1].name;
        let Some(entry) = self.scope.params.iter().find(|e| &e.key.name == name) else {
            let names = self.scope.params.iter().map(|e| e.key.name.as_str());
            let help = match did_you_mean(name, names) {
                Some(s) => format!("did you mean `params.{s}`?"),
                None => format!("declare it in the pipeline header: params {{ {name} = ... }}"),
            };
            self.errors.push(CheckError::UnknownPipelineParam {
                name: name.clone(),
                span: p[1].span,
                help,
            });
            return Some(None);
        };
        if self.expanding.contains(name) {
            self.errors.push(CheckError::Invalid {
                message: format!("`params.{name}` refers to itself"),
                span: value.span,
                help: None,
            });
            return Some(None);
        }
        self.expanding.push(name.clone());
        Some(Some((name.clone(), entry.value.clone())))
    }

    /// A share in [0, 1], written `0.2` or `20%`.
    fn fraction(&mut self, param: &str, v: &ValueKind, span: Span) -> Option<ParamValue> {
        let x = match v {
            ValueKind::Float(f) => *f,
            ValueKind::Int(i) => *i as f64,
            ValueKind::Percent(p) => p / 100.0,
            _ => return None,
        };
        if !(0.0..=1.0).contains(&x) {
            let written = match v {
                ValueKind::Percent(p) => format!("{p}%"),
                _ => format!("{x}"),
            };
            self.errors.push(CheckError::OutOfRange {
                param: param.to_string(),
                value: written,
                span,
                lo: 0.0,
                hi: 1.0,
            });
            return None;
        }
        Some(ParamValue::new(PKind::Float(x), span))
    }

    fn word(&mut self, param: &str, w: &str, words: &[String], span: Span) -> Option<ParamValue> {
        if words.iter().any(|x| x == w) {
            return Some(ParamValue::new(PKind::Word(w.to_string()), span));
        }
        let help = match did_you_mean(w, words.iter().map(String::as_str)) {
            Some(s) => Some(format!("did you mean `{s}`?")),
            None => Some(format!("choose one of: {}", words.join(", "))),
        };
        self.errors.push(CheckError::TypeMismatch {
            param: param.to_string(),
            expected: format!("one of {}", words.join(" | ")),
            found: format!("`{w}`"),
            span,
            help,
        });
        None
    }

    fn one_of(&mut self, param: &str, value: &ir::Value, alts: &[Ty]) -> Option<ParamValue> {
        let mut attempts = Vec::new();
        for alt in alts {
            let saved = std::mem::take(&mut self.errors);
            let result = self.check(param, value, alt);
            let errs = std::mem::replace(&mut self.errors, saved);
            match result {
                Some(v) => return Some(v),
                None => attempts.push((alt, errs)),
            }
        }
        // When exactly one alternative has the value's shape, its own errors are the helpful
        // ones (a typo inside a list, say); otherwise say what was expected overall.
        let shaped: Vec<_> = attempts
            .into_iter()
            .filter(|(alt, _)| same_shape(alt, &value.kind))
            .collect();
        if shaped.len() == 1 {
            if let Some((_, errs)) = shaped.into_iter().next() {
                self.errors.extend(errs);
                return None;
            }
        }
        self.errors.push(CheckError::TypeMismatch {
            param: param.to_string(),
            expected: Ty::OneOf(alts.to_vec()).to_string(),
            found: value.kind.describe().to_string(),
            span: value.span,
            help: None,
        });
        None
    }

    fn call(
        &mut self,
        param: &str,
        call: &ir::Call,
        sigs: &[crate::signature::CallSig],
        span: Span,
    ) -> Option<ParamValue> {
        let Some(sig) = sigs.iter().find(|s| s.name == call.name.name) else {
            let names: Vec<&str> = sigs.iter().map(|s| s.name.as_str()).collect();
            let help = match did_you_mean(&call.name.name, names.iter().copied()) {
                Some(s) => Some(format!("did you mean `{s}`?")),
                None => Some(format!("choose one of: {}", names.join(", "))),
            };
            self.errors.push(CheckError::TypeMismatch {
                param: param.to_string(),
                expected: Ty::Call(sigs.to_vec()).to_string(),
                found: format!("`{}`", call.name.name),
                span: call.name.span,
                help,
            });
            return None;
        };
        let mut positional = None;
        let mut named_entries = Vec::new();
        let mut ok = true;
        for arg in &call.args {
            match arg {
                ir::Arg::Positional(v) => match (&sig.positional, &positional) {
                    (Some(ty), None) => match self.check(param, v, ty) {
                        Some(pv) => positional = Some(Box::new(pv)),
                        None => ok = false,
                    },
                    _ => {
                        self.errors.push(CheckError::Invalid {
                            message: format!("`{}` takes no positional argument here", sig.name),
                            span: v.span,
                            help: Some(format!("write it as {sig}")),
                        });
                        ok = false;
                    }
                },
                ir::Arg::Named(e) => named_entries.push(e.clone()),
            }
        }
        if sig.positional.is_some() && positional.is_none() && ok {
            self.errors.push(CheckError::Invalid {
                message: format!("`{}` needs an argument", sig.name),
                span,
                help: Some(format!("write it as {sig}")),
            });
            return None;
        }
        let named = self.fields(
            &format!("`{}(...)`", sig.name),
            &named_entries,
            &sig.params,
            span,
        );
        let named = named?;
        ok.then(|| {
            ParamValue::new(
                PKind::Call(CallValue {
                    name: sig.name.clone(),
                    positional,
                    named,
                }),
                span,
            )
        })
    }

    fn reference(
        &mut self,
        param: &str,
        path: &[ir::Ident],
        ty: &Ty,
        span: Span,
    ) -> Option<ParamValue> {
        let expected = ty.input_type()?;
        let (stage, port) = match path {
            [stage] => (stage, None),
            [stage, port] => (stage, Some(port)),
            _ => {
                self.errors.push(CheckError::Invalid {
                    message: "a reference is `stage` or `stage.output`".into(),
                    span,
                    help: None,
                });
                return None;
            }
        };
        if stage.name == self.scope.current {
            self.errors.push(CheckError::SelfReference {
                span,
                stage: stage.name.clone(),
            });
            return None;
        }
        let Some(sig) = self.scope.stages.get(&stage.name) else {
            let help = match did_you_mean(&stage.name, self.scope.stages.keys().map(String::as_str))
            {
                Some(s) => format!("did you mean `{s}`?"),
                None => "define a stage of this name, or refer to an existing one".to_string(),
            };
            self.errors.push(CheckError::UnknownReference {
                name: stage.name.clone(),
                span: stage.span,
                help,
            });
            return None;
        };
        // A stage of unknown kind has already been reported; do not pile on.
        let sig = (*sig)?;
        let port_name = match port {
            Some(p) => p.name.clone(),
            None => match &sig.default_output {
                Some(d) => d.clone(),
                None => {
                    let ports: Vec<String> = sig
                        .outputs
                        .iter()
                        .map(|o| format!("{}.{}", stage.name, o.name))
                        .collect();
                    self.errors.push(CheckError::AmbiguousOutput {
                        stage: stage.name.clone(),
                        span,
                        help: format!("write one of: {}", ports.join(", ")),
                    });
                    return None;
                }
            },
        };
        let Some(out) = sig.output_port(&port_name) else {
            let names = sig.outputs.iter().map(|o| o.name.as_str());
            let help = match did_you_mean(&port_name, names) {
                Some(s) => format!("did you mean `{}.{s}`?", stage.name),
                None => format!(
                    "`{}` ({}) outputs: {}",
                    stage.name,
                    sig.kind,
                    sig.outputs
                        .iter()
                        .map(|o| o.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            let pspan = port.map(|p| p.span).unwrap_or(span);
            self.errors.push(CheckError::UnknownPort {
                stage: stage.name.clone(),
                port: port_name,
                span: pspan,
                help,
            });
            return None;
        };
        if out.ty != expected {
            self.errors.push(CheckError::PortTypeMismatch {
                param: param.to_string(),
                reference: path
                    .iter()
                    .map(|i| i.name.as_str())
                    .collect::<Vec<_>>()
                    .join("."),
                expected: expected.to_string(),
                found: out.ty.to_string(),
                span,
                help: format!("`{param}` needs a stage that outputs a {expected}"),
            });
            return None;
        }
        Some(ParamValue::new(
            PKind::Input(PortRef {
                stage: stage.name.clone(),
                port: out.name.clone(),
            }),
            span,
        ))
    }

    /// Untyped conversion for `Ty::Any`: the stage will check the value itself.
    fn any(&mut self, param: &str, value: &ir::Value) -> Option<ParamValue> {
        let span = value.span;
        let kind = match &value.kind {
            ValueKind::Str(s) => PKind::Str(s.clone()),
            ValueKind::Int(v) => PKind::Int(*v),
            ValueKind::Float(v) => PKind::Float(*v),
            ValueKind::Percent(v) => PKind::Float(v / 100.0),
            ValueKind::Duration(d) => PKind::Duration(*d),
            ValueKind::Bool(b) => PKind::Bool(*b),
            ValueKind::Path(p) => PKind::Word(
                p.iter()
                    .map(|i| i.name.as_str())
                    .collect::<Vec<_>>()
                    .join("."),
            ),
            ValueKind::List(items) => {
                let v: Option<Vec<_>> = items.iter().map(|i| self.any(param, i)).collect();
                PKind::List(v?)
            }
            ValueKind::Map(entries) => {
                let v: Option<Vec<_>> = entries
                    .iter()
                    .map(|e| self.any(param, &e.value).map(|v| (e.key.name.clone(), v)))
                    .collect();
                PKind::Map(v?)
            }
            ValueKind::Range(lo, hi) => PKind::Range(
                Box::new(self.any(param, lo)?),
                Box::new(self.any(param, hi)?),
            ),
            ValueKind::Call(c) => {
                let mut positional = None;
                let mut named = Vec::new();
                for a in &c.args {
                    match a {
                        ir::Arg::Positional(v) => positional = Some(Box::new(self.any(param, v)?)),
                        ir::Arg::Named(e) => {
                            named.push((e.key.name.clone(), self.any(param, &e.value)?))
                        }
                    }
                }
                PKind::Call(CallValue {
                    name: c.name.name.clone(),
                    positional,
                    named,
                })
            }
            ValueKind::Compare(lhs, op, rhs) => {
                let metric = self.any(param, lhs)?;
                let threshold = self.check(param, rhs, &Ty::Float)?.as_float()?;
                PKind::Gate(Gate {
                    metric: Box::new(metric),
                    op: *op,
                    threshold,
                })
            }
        };
        Some(ParamValue::new(kind, span))
    }
}

/// Whether a value is of the broad form a type expects (a list for a list, ...).
fn same_shape(ty: &Ty, v: &ValueKind) -> bool {
    matches!(
        (ty, v),
        (Ty::List(_), ValueKind::List(_))
            | (Ty::Struct(_) | Ty::MapOf(_), ValueKind::Map(_))
            | (Ty::Call(_), ValueKind::Call(_))
            | (Ty::Range(_), ValueKind::Range(..))
            | (Ty::Gate(_), ValueKind::Compare(..))
            | (Ty::Str, ValueKind::Str(_))
            | (
                Ty::Int | Ty::Float | Ty::Fraction,
                ValueKind::Int(_) | ValueKind::Float(_)
            )
            | (Ty::Bool, ValueKind::Bool(_))
            | (Ty::Duration, ValueKind::Duration(_))
    )
}
