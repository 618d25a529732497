//! Scheduler overhead on a generated 10,000-stage DAG of trivial stages (target: under 1 s
//! in total), cold (every stage runs) and warm (every stage cached).
//!
//! `cargo bench --bench scheduler`.

use std::sync::Arc;
use std::time::Instant;

use aimass_dsl::ir::SourceFormat;
use aimass_dsl::SourceFile;
use aimass_engine::run::{self, NoEvents, RunOptions};
use aimass_engine::{
    Artifact, ArtifactType, Outputs, ParamSig, ParamValue, Registry, RunContext, Signature,
    StageError, StageKind, Ty,
};

/// Outputs its `value` plus the sum of its inputs: as little work as a stage can do.
struct Tiny(Signature);

impl StageKind for Tiny {
    fn signature(&self) -> &Signature {
        &self.0
    }

    fn run(&self, ctx: &RunContext<'_>) -> Result<Outputs, StageError> {
        let mut v = ctx.params.int("value").unwrap_or(0);
        for a in ctx.inputs_of("inputs") {
            v += a.as_metrics().and_then(|m| m.as_i64()).unwrap_or(0);
        }
        Ok(Outputs::one("out", Artifact::Metrics(serde_json::json!(v))))
    }
}

fn main() {
    let n = 10_000;
    let mut text = String::from("pipeline \"sched\" { }\n");
    for i in 0..n {
        // A wide, layered DAG: each stage reads up to two stages of the previous layer of 100.
        let inputs = if i < 100 {
            String::new()
        } else {
            format!(
                "inputs = [s{}, s{}], ",
                i - 100,
                i - 100 + (i % 7).min(99 - (i % 100))
            )
        };
        text.push_str(&format!(
            "stage s{i}: tiny {{ {inputs}value = {} }}\n",
            i % 13
        ));
    }
    let mut registry = Registry::new();
    registry.register(Arc::new(Tiny(
        Signature::new("tiny", "bench")
            .param(ParamSig::with_default(
                "value",
                Ty::Int,
                ParamValue::int(0),
                "v",
            ))
            .param(ParamSig::optional(
                "inputs",
                Ty::list(Ty::Input(ArtifactType::Metrics)),
                "in",
            ))
            .output("out", ArtifactType::Metrics, "v"),
    )));
    let src = SourceFile::new("sched.aim", text, SourceFormat::Aim);
    let t = Instant::now();
    let ir = aimass_dsl::parse(&src).expect("parses");
    let wf = aimass_engine::check(&src, &ir, &registry)
        .unwrap_or_else(|e| panic!("{}", aimass_dsl::render::plain(&e)));
    println!(
        "parse+check {n} stages: {:.0} ms",
        t.elapsed().as_secs_f64() * 1000.0
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let opts = RunOptions::new(dir.path().to_path_buf());
    let t = Instant::now();
    let cold = run::run(&wf, &opts, &mut NoEvents);
    assert!(cold.success());
    println!(
        "cold run, {n} stages (each stores its output): {:.0} ms",
        t.elapsed().as_secs_f64() * 1000.0
    );
    let t = Instant::now();
    let warm = run::run(&wf, &opts, &mut NoEvents);
    assert!(warm.record.stages.iter().all(|s| s.cached));
    println!(
        "warm run, {n} stages (all cached): {:.0} ms",
        t.elapsed().as_secs_f64() * 1000.0
    );
}
