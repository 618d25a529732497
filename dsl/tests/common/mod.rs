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
