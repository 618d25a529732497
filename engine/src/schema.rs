//! A JSON Schema (draft 2020-12) of the YAML form of a pipeline, generated from the
//! registered signatures: `aimass schema` prints it, so an editor with a YAML language
//! server offers completion (kinds, parameters, words) and flags unknown keys and mistyped
//! values as the user types.
//!
//! The schema is a first line of help, not the checker: it describes the shape each value
//! takes in YAML (a reference, a range, a call, a gate are plain strings there), and
//! `aimass check` stays the authority on what they mean. Every value may also be a
//! pipeline parameter (`params.NAME`), as the checker allows.

use serde_json::{json, Map, Value as Json};

use crate::registry::Registry;
use crate::signature::{CallSig, ParamSig, Signature, Ty};

/// The `$id` the schema announces.
pub const SCHEMA_ID: &str = "https://aimass.dev/schema/pipeline.yaml.json";

/// The schema of a YAML pipeline whose stages are the registry's kinds.
pub fn yaml_schema(registry: &Registry) -> Json {
    let mut sigs: Vec<&Signature> = registry.kinds().map(|k| k.signature()).collect();
    sigs.sort_by(|a, b| a.kind.cmp(&b.kind));
    let mut defs = Map::new();
    defs.insert(
        "param_ref".into(),
        json!({
            "type": "string",
            "pattern": r"^params\.[A-Za-z_][A-Za-z0-9_]*$",
            "description": "a pipeline parameter, declared under `params`"
        }),
    );
    let mut stage_refs = Vec::new();
    for sig in &sigs {
        let name = format!("stage_{}", sig.kind.replace('.', "_"));
        defs.insert(name.clone(), stage(sig));
        stage_refs.push(json!({ "$ref": format!("#/$defs/{name}") }));
    }
    let kinds: Vec<&str> = sigs.iter().map(|s| s.kind.as_str()).collect();
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "aimass pipeline (YAML form)",
        "type": "object",
        "required": ["pipeline", "stages"],
        "additionalProperties": false,
        "properties": {
            "pipeline": { "type": "string", "description": "the pipeline's name" },
            "description": { "type": "string" },
            "seed": { "type": "integer", "description": "the seed every randomised stage draws from" },
            "params": {
                "type": "object",
                "description": "values stages refer to as params.NAME (and --set overrides)",
                "additionalProperties": { "type": ["string", "number", "boolean", "array"] }
            },
            "plugins": {
                "type": "object",
                "description": "plugin name -> shared library path; its stages are NAME.kind",
                "additionalProperties": { "type": "string" }
            },
            "stages": {
                "type": "object",
                "description": "stage name -> the stage",
                "propertyNames": { "pattern": r"^[A-Za-z_][A-Za-z0-9_]*$" },
                "additionalProperties": {
                    "type": "object",
                    "required": ["kind"],
                    "properties": { "kind": { "enum": kinds } },
                    "oneOf": stage_refs
                }
            }
        },
        "$defs": defs
    })
}

/// One kind's stage: `kind` fixed, its parameters, the required ones required.
fn stage(sig: &Signature) -> Json {
    let mut props = Map::new();
    props.insert(
        "kind".into(),
        json!({ "const": sig.kind, "description": sig.doc }),
    );
    let mut required = vec![Json::from("kind")];
    for p in &sig.params {
        props.insert(p.name.clone(), param(p));
        if p.required {
            required.push(Json::from(p.name.clone()));
        }
    }
    json!({
        "type": "object",
        "description": sig.doc,
        "properties": props,
        "required": required,
        "additionalProperties": false
    })
}

fn param(p: &ParamSig) -> Json {
    let mut schema = value(&p.ty);
    if let (Some((lo, hi)), Some(obj)) = (p.bounds, schema.as_object_mut()) {
        if matches!(p.ty, Ty::Int | Ty::Float) {
            obj.insert("minimum".into(), json!(lo));
            obj.insert("maximum".into(), json!(hi));
        }
    }
    json!({
        "description": p.doc,
        "anyOf": [schema, { "$ref": "#/$defs/param_ref" }]
    })
}

/// The YAML shape of a value of type `ty`.
fn value(ty: &Ty) -> Json {
    match ty {
        Ty::Str => json!({ "type": "string" }),
        Ty::Int => json!({ "type": "integer" }),
        Ty::Float => json!({ "type": "number" }),
        Ty::Fraction => json!({
            "anyOf": [
                { "type": "number", "minimum": 0, "maximum": 1 },
                { "type": "string", "pattern": r"^[0-9]+(\.[0-9]+)?%$" }
            ]
        }),
        Ty::Bool => json!({ "type": "boolean" }),
        Ty::Duration => json!({ "type": "string", "pattern": r"^[0-9]+(ms|s|m|h|d)$" }),
        Ty::Word(words) => json!({ "enum": words }),
        Ty::List(inner) => json!({ "type": "array", "items": value(inner) }),
        Ty::OneOf(alts) => json!({ "anyOf": alts.iter().map(value).collect::<Vec<_>>() }),
        Ty::Struct(fields) => {
            let props: Map<String, Json> =
                fields.iter().map(|f| (f.name.clone(), param(f))).collect();
            let required: Vec<&str> = fields
                .iter()
                .filter(|f| f.required)
                .map(|f| f.name.as_str())
                .collect();
            json!({
                "type": "object",
                "properties": props,
                "required": required,
                "additionalProperties": false
            })
        }
        Ty::MapOf(inner) => json!({
            "type": "object",
            "additionalProperties": { "anyOf": [value(inner), { "$ref": "#/$defs/param_ref" }] }
        }),
        Ty::Call(calls) => call(calls),
        Ty::Range(_) => json!({
            "type": "string",
            "pattern": r"^\s*-?[0-9]+(\.[0-9]+)?\s*\.\.\s*-?[0-9]+(\.[0-9]+)?\s*$",
            "description": "an inclusive range, lo..hi"
        }),
        Ty::Gate(_) => json!({
            "type": "string",
            "pattern": r"^.+\s*(>=|<=|==|!=|>|<)\s*-?[0-9]+(\.[0-9]+)?%?\s*$",
            "description": "a quality gate: metric OP number"
        }),
        Ty::Input(art) => json!({
            "type": "string",
            "pattern": r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$",
            "description": format!("a {} output of another stage: stage or stage.port", art.name())
        }),
        Ty::Any => json!({}),
    }
}

/// A call written as a string: `name` or `name(args)`, for one of the calls' names.
fn call(calls: &[CallSig]) -> Json {
    let names: Vec<String> = calls.iter().map(|c| regex_escape(&c.name)).collect();
    json!({
        "type": "string",
        "pattern": format!(r"^({})(\s*\(.*\))?$", names.join("|")),
        "description": format!(
            "one of: {}",
            calls.iter().map(|c| c.name.as_str()).collect::<Vec<_>>().join(", ")
        )
    })
}

fn regex_escape(s: &str) -> String {
    s.chars()
        .flat_map(|c| {
            let special = r"\.+*?()|[]{}^$".contains(c);
            special
                .then_some('\\')
                .into_iter()
                .chain(std::iter::once(c))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn calls_become_anchored_patterns_with_their_names_escaped() {
        let s = call(&[CallSig::new("lift"), CallSig::new("a.b")]);
        assert_eq!(s["pattern"], r"^(lift|a\.b)(\s*\(.*\))?$");
    }

    #[test]
    fn bounds_and_parameter_references_are_part_of_a_number() {
        let mut p = ParamSig::required("n", Ty::Int, "count");
        p.bounds = Some((1.0, 10.0));
        let s = param(&p);
        assert_eq!(
            s["anyOf"][0],
            json!({ "type": "integer", "minimum": 1.0, "maximum": 10.0 })
        );
        assert_eq!(s["anyOf"][1], json!({ "$ref": "#/$defs/param_ref" }));
    }
}
