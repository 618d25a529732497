//! Shared helpers for the model/evaluate tests: running pipelines with the stdlib's kinds,
//! loading their outputs, checking pipeline text, and running one stage directly on
//! hand-made inputs.
#![allow(clippy::unwrap_used, dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use aimass_dsl::ir::SourceFormat;
use aimass_dsl::SourceFile;
use aimass_engine::cache::Cache;
use aimass_engine::check::CheckError;
use aimass_engine::run::{self, NoEvents, RunOptions, RunOutcome};
use aimass_engine::{Artifact, Outputs, Params, RunContext, StageError, Workflow};

/// A deterministic pseudo-random number in [0, 1) (a 64-bit LCG's top bits).
pub struct Lcg(pub u64);

impl Lcg {
    pub fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The telco reference preparation through the stages: dedupe, stratified 80/20 split,
/// median-impute and standardise numerics, mode-impute and one-hot categoricals, fitted on the
/// training rows (`tidy`); `parts.test` holds the raw test rows.
pub const TELCO_PREP: &str = r#"
pipeline "telco-ml" { seed = 42 }
stage raw: collect { source = "data/telco_churn.csv" }
stage base: clean { input = raw, dedupe = true }
stage parts: split { input = base, test = 0.2, stratify = "churn" }
stage tidy: clean {
  input = parts.train
  impute = { numeric = median, categorical = mode }
  standardize = all_numeric
  one_hot = all_categorical
  keep = ["churn"]
}
"#;

pub fn telco_csv() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/telco-retention/data/telco_churn.csv")
}

/// A project directory holding `data/telco_churn.csv`.
pub fn telco_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("data")).unwrap();
    std::fs::copy(telco_csv(), dir.path().join("data/telco_churn.csv")).unwrap();
    dir
}

pub fn workflow(text: &str) -> Workflow {
    let src = SourceFile::new("p.aim", text, SourceFormat::Aim);
    let ir = aimass_dsl::parse(&src).unwrap();
    aimass_engine::check(&src, &ir, &aimass_stdlib::registry())
        .unwrap_or_else(|e| panic!("{:?}", e.errors))
}

pub fn run_pipeline(dir: &Path, text: &str, jobs: usize, force: bool) -> RunOutcome {
    let wf = workflow(text);
    let mut opts = RunOptions::new(dir.to_path_buf());
    opts.jobs = jobs;
    opts.force = force;
    run::run(&wf, &opts, &mut NoEvents)
}

pub fn failures(o: &RunOutcome) -> Vec<String> {
    o.failures
        .iter()
        .map(|f| format!("{}: {}", f.stage, f.error.message))
        .collect()
}

/// An output of a run, read back from the cache.
pub fn load(dir: &Path, o: &RunOutcome, stage: &str, port: &str) -> Artifact {
    let cache = Cache::new(dir.join(".aimass/cache"));
    cache.load(&o.entries[stage].outputs[port]).unwrap()
}

/// `aimass check` on the text: each stage error as (code, message, the text its first label
/// points at).
pub fn check_errors(text: &str) -> Vec<(String, String, String)> {
    let src = SourceFile::new("p.aim", text, SourceFormat::Aim);
    let ir = aimass_dsl::parse(&src).unwrap();
    let errors = match aimass_engine::check(&src, &ir, &aimass_stdlib::registry()) {
        Ok(_) => return Vec::new(),
        Err(e) => e.errors,
    };
    errors
        .into_iter()
        .map(|e| match e {
            CheckError::Stage(s) => (s.code.clone(), s.message.clone(), first_label(text, &s)),
            other => ("check".into(), other.to_string(), String::new()),
        })
        .collect()
}

pub fn first_label(text: &str, e: &StageError) -> String {
    e.labels
        .first()
        .map(|(sp, _)| text[sp.offset..sp.offset + sp.len].to_string())
        .unwrap_or_default()
}

/// A pipeline whose stage `s` is `kind { body }`, with collect stages `raw` and `other` to
/// refer to.
pub fn pipeline(kind: &str, body: &str) -> String {
    format!(
        "pipeline \"t\" {{\n  seed = 42\n}}\nstage raw: collect {{ source = \"a.csv\" }}\n\
         stage other: collect {{ source = \"b.csv\" }}\nstage m: model {{ input = raw, target = \"y\", algorithm = logistic }}\n\
         stage s: {kind} {{\n{body}\n}}\n"
    )
}

/// The checked parameters of stage `s` in `text`.
pub fn params_of(text: &str) -> (Workflow, Params) {
    let wf = workflow(text);
    let idx = wf
        .graph()
        .node_indices()
        .find(|&i| wf.graph()[i].name == "s")
        .unwrap();
    let p = wf.graph()[idx].params.clone();
    (wf, p)
}

/// Runs stage `s` = `kind { body }` directly on the given inputs, with seed 42.
pub fn run_stage(
    kind: &str,
    body: &str,
    inputs: Vec<(&str, Artifact)>,
) -> (String, Result<Outputs, StageError>) {
    let text = pipeline(kind, body);
    let (wf, params) = params_of(&text);
    let idx = wf
        .graph()
        .node_indices()
        .find(|&i| wf.graph()[i].name == "s")
        .unwrap();
    let kind = wf.graph()[idx].kind.clone();
    let inputs: BTreeMap<String, Vec<Artifact>> = inputs
        .into_iter()
        .map(|(n, a)| (n.to_string(), vec![a]))
        .collect();
    let ctx = RunContext {
        stage: "s",
        params: &params,
        inputs: &inputs,
        seed: 42,
        project_dir: Path::new("."),
    };
    let out = kind.run(&ctx);
    (text, out)
}

/// Runs `verdict` of stage `s` = `kind { body }` on outputs.
pub fn verdict(kind: &str, body: &str, outputs: &Outputs) -> (String, Vec<StageError>) {
    let text = pipeline(kind, body);
    let (wf, params) = params_of(&text);
    let idx = wf
        .graph()
        .node_indices()
        .find(|&i| wf.graph()[i].name == "s")
        .unwrap();
    let errors = wf.graph()[idx].kind.verdict(&params, outputs);
    (text, errors)
}
