//! Helpers shared by the integration tests.
#![allow(dead_code, clippy::unwrap_used)]

use aimass_dsl::ir::{Pipeline, SourceFormat};
use aimass_dsl::{parse, render, SourceFile, SyntaxErrors};

pub const TELCO_AIM: &str = include_str!("../fixtures/telco.aim");
pub const TELCO_YAML: &str = include_str!("../fixtures/telco.yaml");

pub fn aim(text: &str) -> Result<Pipeline, SyntaxErrors> {
    parse(&SourceFile::new("test.aim", text, SourceFormat::Aim))
}

pub fn yaml(text: &str) -> Result<Pipeline, SyntaxErrors> {
    parse(&SourceFile::new("test.yaml", text, SourceFormat::Yaml))
}

/// Parses or fails the test with the rendered diagnostic.
pub fn ok(result: Result<Pipeline, SyntaxErrors>) -> Pipeline {
    match result {
        Ok(p) => p,
        Err(e) => panic!("unexpected syntax errors:\n{}", render::plain(&e)),
    }
}

/// The rendered diagnostic of an input that must fail.
pub fn err(result: Result<Pipeline, SyntaxErrors>) -> String {
    match result {
        Ok(p) => panic!("expected syntax errors, got {p:#?}"),
        Err(e) => render::plain(&e),
    }
}

pub mod generate;

/// False when the pipeline holds a value the YAML form cannot carry (see `emit_yaml`'s notes):
/// a comparison whose left side is a string, list or map, or a name spelled like YAML's null.
pub fn yaml_expressible(p: &Pipeline) -> bool {
    use aimass_dsl::ir::{Arg, Value, ValueKind};
    fn ok(v: &Value) -> bool {
        match &v.kind {
            ValueKind::Compare(lhs, _, rhs) => {
                !matches!(
                    lhs.kind,
                    ValueKind::Str(_) | ValueKind::List(_) | ValueKind::Map(_)
                ) && ok(lhs)
                    && ok(rhs)
            }
            ValueKind::Path(parts) => {
                !(parts.len() == 1 && matches!(parts[0].name.as_str(), "null" | "Null" | "NULL"))
            }
            ValueKind::List(items) => items.iter().all(ok),
            ValueKind::Map(entries) => entries.iter().all(|e| ok(&e.value)),
            ValueKind::Range(lo, hi) => ok(lo) && ok(hi),
            ValueKind::Call(call) => call.args.iter().all(|a| match a {
                Arg::Positional(v) => ok(v),
                Arg::Named(e) => ok(&e.value),
            }),
            _ => true,
        }
    }
    p.params.iter().all(|e| ok(&e.value))
        && p.stages
            .iter()
            .all(|s| s.entries.iter().all(|e| ok(&e.value)))
}
