//! Shared helpers for the data-stage tests: fixture paths, checking pipeline text with the
//! stdlib's kinds, and running one stage directly on hand-made frames.
#![allow(clippy::unwrap_used, dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use aimass_dsl::ir::SourceFormat;
use aimass_dsl::SourceFile;
use aimass_engine::check::CheckError;
use aimass_engine::{Artifact, Frame, Outputs, Params, RunContext, StageError, Workflow};
use polars::prelude::*;

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/data")
}

pub fn telco_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/telco-retention")
}

/// A pipeline with two collect stages (`raw`, `other`) and `stage s: KIND { BODY }`.
pub fn pipeline(kind: &str, body: &str) -> String {
    format!(
        "pipeline \"t\" {{\n  seed = 42\n}}\nstage raw: collect {{ source = \"a.csv\" }}\n\
         stage other: collect {{ source = \"b.csv\" }}\nstage s: {kind} {{\n{body}\n}}\n"
    )
}

pub fn check(text: &str) -> Result<Workflow, Vec<CheckError>> {
    let src = SourceFile::new("test.aim", text, SourceFormat::Aim);
    let ir = aimass_dsl::parse(&src).unwrap();
    aimass_engine::check(&src, &ir, &aimass_stdlib::registry()).map_err(|e| e.errors)
}

/// The stage errors `aimass check` reports for the text, with the text each first label
/// points at.
pub fn check_errors(text: &str) -> Vec<(String, String, String)> {
    let errors = match check(text) {
        Ok(_) => return Vec::new(),
        Err(e) => e,
    };
    errors
        .into_iter()
        .map(|e| match e {
            CheckError::Stage(s) => {
                let at = s
                    .labels
                    .first()
                    .map(|(sp, _)| text[sp.offset..sp.offset + sp.len].to_string())
                    .unwrap_or_default();
                (s.code, s.message, at)
            }
            other => ("check".into(), other.to_string(), String::new()),
        })
        .collect()
}

/// The checked params of stage `s`.
pub fn params(text: &str) -> (Workflow, Params) {
    let wf = check(text).unwrap_or_else(|e| panic!("{e:?}"));
    let idx = wf
        .graph()
        .node_indices()
        .find(|&i| wf.graph()[i].name == "s")
        .unwrap();
    let p = wf.graph()[idx].params.clone();
    (wf, p)
}

/// Runs stage `s` of `kind { body }` on the given input frames.
pub fn run(
    kind: &str,
    body: &str,
    inputs: &[(&str, Frame)],
    dir: &Path,
) -> Result<Outputs, StageError> {
    let text = pipeline(kind, body);
    let (wf, params) = params(&text);
    let idx = wf
        .graph()
        .node_indices()
        .find(|&i| wf.graph()[i].name == "s")
        .unwrap();
    let kind = wf.graph()[idx].kind.clone();
    let inputs: BTreeMap<String, Vec<Artifact>> = inputs
        .iter()
        .map(|(n, f)| (n.to_string(), vec![Artifact::Frame(f.clone())]))
        .collect();
    // As the scheduler does: a stage's own `seed` wins over the pipeline's.
    let seed = params.int("seed").map(|s| s as u64).unwrap_or(42);
    let ctx = RunContext {
        stage: "s",
        params: &params,
        inputs: &inputs,
        seed,
        project_dir: dir,
    };
    kind.run(&ctx)
}

/// Like `run`, with the text an error's first label points at.
pub fn run_err(
    kind: &str,
    body: &str,
    inputs: &[(&str, Frame)],
    dir: &Path,
) -> (String, String, String) {
    let text = pipeline(kind, body);
    match run(kind, body, inputs, dir) {
        Ok(_) => panic!("expected `{kind} {{ {body} }}` to fail"),
        Err(e) => {
            let at = e
                .labels
                .first()
                .map(|(sp, _)| text[sp.offset..sp.offset + sp.len].to_string())
                .unwrap_or_default();
            (e.code, e.message, at)
        }
    }
}

pub fn out(o: &Outputs, port: &str) -> Frame {
    o.get(port).and_then(Artifact::as_frame).cloned().unwrap()
}

/// Runs `clean { body }` on `df` (no recipe).
pub fn clean(df: &DataFrame, body: &str) -> Frame {
    let o = run(
        "clean",
        &format!("input = raw\n{body}"),
        &[("input", Frame::new(df.clone()))],
        Path::new("."),
    )
    .unwrap_or_else(|e| panic!("clean {{ {body} }}: {e} {:?}", e.help));
    out(&o, "out")
}

/// Reads a CSV with collect's defaults.
pub fn collect(dir: &Path, body: &str) -> Result<DataFrame, StageError> {
    let o = run("collect", body, &[], dir)?;
    Ok(out(&o, "out").data)
}

pub fn f64s(df: &DataFrame, col: &str) -> Vec<Option<f64>> {
    df.column(col)
        .unwrap()
        .cast(&DataType::Float64)
        .unwrap()
        .f64()
        .unwrap()
        .iter()
        .collect()
}

pub fn strs(df: &DataFrame, col: &str) -> Vec<Option<String>> {
    df.column(col)
        .unwrap()
        .cast(&DataType::String)
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|s| s.map(String::from))
        .collect()
}

pub fn names(df: &DataFrame) -> Vec<String> {
    df.get_column_names()
        .iter()
        .map(|s| s.to_string())
        .collect()
}

pub fn null_count(df: &DataFrame) -> usize {
    df.columns().iter().map(|c| c.null_count()).sum()
}
