//! Test-only stage kinds and a harness that parses, checks and runs pipeline text.
#![allow(clippy::unwrap_used, dead_code)]

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aimass_dsl::ir::SourceFormat;
use aimass_dsl::SourceFile;
use aimass_engine::run::{self, NoEvents, RunOptions, RunOutcome};
use aimass_engine::{
    Artifact, ArtifactType, Outputs, ParamSig, ParamValue, Registry, RunContext, Signature,
    StageError, StageKind, Ty,
};
use serde_json::json;

/// When each stage started and ended, to observe overlap.
pub type Timeline = Arc<Mutex<Vec<(String, Instant, Instant)>>>;

/// `emit { value = N, noise = M, sleep_ms = T, file = "x", append = "y" }`: outputs
/// `{ "value": N }` (plus the file's text if given), after sleeping. `noise` changes the key
/// but not the output. `append` adds text to the file just after reading it: another
/// process writing the file while the stage reads it.
pub struct Emit {
    sig: Signature,
    timeline: Timeline,
}

impl StageKind for Emit {
    fn signature(&self) -> &Signature {
        &self.sig
    }

    fn source_files(
        &self,
        params: &aimass_engine::Params,
        dir: &Path,
    ) -> Result<Vec<PathBuf>, StageError> {
        Ok(params
            .str("file")
            .map(|f| vec![dir.join(f)])
            .unwrap_or_default())
    }

    fn run(&self, ctx: &RunContext<'_>) -> Result<Outputs, StageError> {
        let start = Instant::now();
        std::thread::sleep(Duration::from_millis(
            ctx.params.int("sleep_ms").unwrap_or(0) as u64,
        ));
        let file = match ctx.params.str("file") {
            Some(f) => std::fs::read_to_string(ctx.project_dir.join(f))
                .map_err(|e| StageError::new(e.to_string()))?,
            None => String::new(),
        };
        if let (Some(f), Some(more)) = (ctx.params.str("file"), ctx.params.str("append")) {
            let path = ctx.project_dir.join(f);
            std::fs::write(&path, format!("{file}{more}")).unwrap();
        }
        let mut total = ctx.params.int("value").unwrap_or(0);
        for a in ctx.inputs_of("inputs") {
            total += a
                .as_metrics()
                .and_then(|m| m["value"].as_i64())
                .unwrap_or(0);
        }
        self.timeline
            .lock()
            .unwrap()
            .push((ctx.stage.to_string(), start, Instant::now()));
        Ok(Outputs::one(
            "out",
            Artifact::Metrics(json!({ "value": total, "file": file })),
        ))
    }
}

/// `fail { inputs = [...] }`: always fails.
pub struct Fail {
    sig: Signature,
}

impl StageKind for Fail {
    fn signature(&self) -> &Signature {
        &self.sig
    }

    fn run(&self, _ctx: &RunContext<'_>) -> Result<Outputs, StageError> {
        Err(StageError::new("this stage always fails").code("aimass::test::fail"))
    }
}

/// `spin { ms = T }`: keeps its pool busy for T ms with many small parallel tasks, as a tune
/// stage's trials do.
pub struct Spin {
    sig: Signature,
    timeline: Timeline,
}

impl StageKind for Spin {
    fn signature(&self) -> &Signature {
        &self.sig
    }

    fn run(&self, ctx: &RunContext<'_>) -> Result<Outputs, StageError> {
        use rayon::prelude::*;
        let start = Instant::now();
        let until = start + Duration::from_millis(ctx.params.int("ms").unwrap_or(0) as u64);
        // Tasks are spawned until the deadline, each a short busy loop.
        let mut rounds = 0u64;
        while Instant::now() < until {
            (0..64u64).into_par_iter().for_each(|i| {
                let mut x = i;
                for _ in 0..20_000 {
                    x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
                }
                std::hint::black_box(x);
            });
            rounds += 1;
        }
        self.timeline
            .lock()
            .unwrap()
            .push((ctx.stage.to_string(), start, Instant::now()));
        Ok(Outputs::one(
            "out",
            Artifact::Metrics(json!({ "rounds": rounds })),
        ))
    }
}

/// `panic { inputs = [...] }`: always panics, as a stage with a bug (or a polars panic
/// inside one) would.
pub struct Panic {
    sig: Signature,
}

impl StageKind for Panic {
    fn signature(&self) -> &Signature {
        &self.sig
    }

    fn run(&self, ctx: &RunContext<'_>) -> Result<Outputs, StageError> {
        panic!("index out of bounds in {}", ctx.stage);
    }
}

/// `touch { file = "x", text = "..." }`: writes `text` to the file (relative to the project)
/// and outputs `{ "file": .., "text": .. }`. Its effect is present when the file holds the
/// text: a stage with an effect outside the cache, as deploy is.
pub struct Touch {
    sig: Signature,
}

impl StageKind for Touch {
    fn signature(&self) -> &Signature {
        &self.sig
    }

    fn run(&self, ctx: &RunContext<'_>) -> Result<Outputs, StageError> {
        let file = ctx.params.str("file").unwrap_or("touched");
        let text = ctx.params.str("text").unwrap_or("");
        std::fs::write(ctx.project_dir.join(file), text)
            .map_err(|e| StageError::new(e.to_string()))?;
        Ok(Outputs::one(
            "out",
            Artifact::Metrics(json!({ "file": file, "text": text })),
        ))
    }

    fn effects_present(
        &self,
        _params: &aimass_engine::Params,
        outputs: &Outputs,
        project_dir: &Path,
    ) -> bool {
        let Some(m) = outputs.get("out").and_then(Artifact::as_metrics) else {
            return false;
        };
        let file = m["file"].as_str().unwrap_or_default();
        std::fs::read_to_string(project_dir.join(file))
            .ok()
            .as_deref()
            == m["text"].as_str()
    }
}

pub fn registry(timeline: &Timeline) -> Registry {
    let mut r = Registry::new();
    let emit = Signature::new("emit", "test: emit a value")
        .param(ParamSig::with_default(
            "value",
            Ty::Int,
            ParamValue::int(0),
            "value",
        ))
        .param(ParamSig::with_default(
            "noise",
            Ty::Int,
            ParamValue::int(0),
            "ignored",
        ))
        .param(ParamSig::with_default(
            "sleep_ms",
            Ty::Int,
            ParamValue::int(0),
            "sleep",
        ))
        .param(ParamSig::optional("file", Ty::Str, "a file to read"))
        .param(ParamSig::optional(
            "append",
            Ty::Str,
            "text added to the file after reading it",
        ))
        .param(ParamSig::optional(
            "inputs",
            Ty::list(Ty::Input(ArtifactType::Metrics)),
            "inputs summed",
        ))
        .output("out", ArtifactType::Metrics, "the value");
    r.register(Arc::new(Emit {
        sig: emit,
        timeline: Arc::clone(timeline),
    }));
    let fail = Signature::new("fail", "test: always fails")
        .param(ParamSig::optional(
            "inputs",
            Ty::list(Ty::Input(ArtifactType::Metrics)),
            "ignored",
        ))
        .output("out", ArtifactType::Metrics, "nothing");
    r.register(Arc::new(Fail { sig: fail }));
    let spin = Signature::new("spin", "test: keep the pool busy")
        .param(ParamSig::with_default(
            "ms",
            Ty::Int,
            ParamValue::int(100),
            "how long",
        ))
        .param(ParamSig::optional(
            "inputs",
            Ty::list(Ty::Input(ArtifactType::Metrics)),
            "ignored",
        ))
        .output("out", ArtifactType::Metrics, "rounds done");
    r.register(Arc::new(Spin {
        sig: spin,
        timeline: Arc::clone(timeline),
    }));
    let panic = Signature::new("panic", "test: always panics")
        .param(ParamSig::optional(
            "inputs",
            Ty::list(Ty::Input(ArtifactType::Metrics)),
            "ignored",
        ))
        .output("out", ArtifactType::Metrics, "nothing");
    r.register(Arc::new(Panic { sig: panic }));
    let touch = Signature::new("touch", "test: write a file")
        .param(ParamSig::required("file", Ty::Str, "the file"))
        .param(ParamSig::with_default(
            "text",
            Ty::Str,
            ParamValue::str(""),
            "its text",
        ))
        .param(ParamSig::optional(
            "inputs",
            Ty::list(Ty::Input(ArtifactType::Metrics)),
            "ignored",
        ))
        .output("out", ArtifactType::Metrics, "what was written");
    r.register(Arc::new(Touch { sig: touch }));
    r
}

pub struct Harness {
    pub dir: tempfile::TempDir,
    pub timeline: Timeline,
}

impl Harness {
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
            timeline: Arc::default(),
        }
    }

    pub fn opts(&self) -> RunOptions {
        RunOptions::new(self.dir.path().to_path_buf())
    }

    pub fn workflow(&self, text: &str, sets: &[String]) -> aimass_engine::Workflow {
        let src = SourceFile::new("test.aim", text, SourceFormat::Aim);
        let pipeline = aimass_dsl::parse(&src).unwrap();
        let pipeline = aimass_engine::check::apply_overrides(&pipeline, sets).unwrap();
        aimass_engine::check(&src, &pipeline, &registry(&self.timeline)).unwrap()
    }

    pub fn run(&self, text: &str, opts: &RunOptions) -> RunOutcome {
        self.run_with(text, &[], opts)
    }

    pub fn run_with(&self, text: &str, sets: &[String], opts: &RunOptions) -> RunOutcome {
        let wf = self.workflow(text, sets);
        run::run(&wf, opts, &mut NoEvents)
    }
}

/// Stage name -> status word, in run order.
pub fn statuses(o: &RunOutcome) -> Vec<(String, String)> {
    o.record
        .stages
        .iter()
        .map(|s| (s.name.clone(), s.status.word().to_string()))
        .collect()
}

pub fn status_of(o: &RunOutcome, stage: &str) -> String {
    o.record
        .stages
        .iter()
        .find(|s| s.name == stage)
        .map(|s| s.status.word().to_string())
        .unwrap_or_default()
}
