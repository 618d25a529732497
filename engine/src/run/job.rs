//! One stage's execution, on a thread of its own with a rayon pool of its own.
//!
//! A stage runs on its own thread and its inner parallel work (a tune's trials, a forest's
//! trees, encoding outputs) on its own pool of `--jobs` threads, never on a pool shared
//! with other stages. On a shared pool, a heavy stage's tasks kept every worker busy
//! stealing from each other, and a quick independent stage queued behind them for tens of
//! seconds; with a pool per stage the operating system shares the cores between running
//! stages, so a quick stage takes a few times its own time, not the heavy stage's. Results
//! do not depend on the pool: every stage is a pure function of its key's inputs.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use petgraph::graph::NodeIndex;
use petgraph::Direction;

use crate::artifact::Artifact;
use crate::cache::{encode, Cache, Entry, FileHasher, KeyRecord, OutputRecord};
use crate::graph::Workflow;
use crate::stage::{Outputs, RunContext, StageError};

use super::options::RunOptions;
use super::resources::{peak_rss_bytes, process_cpu_time};

/// What a job sends back to the coordinator.
pub(super) struct JobDone {
    pub node: NodeIndex,
    pub result: Result<(Entry, BTreeMap<String, Arc<Artifact>>), StageError>,
    pub verdict: Vec<StageError>,
    pub wall: Duration,
    pub cpu: Duration,
    pub peak: u64,
}

/// Where a job finds one input artifact.
pub(super) enum InputSource {
    Memory(Arc<Artifact>),
    Disk(OutputRecord),
}

/// Runs stage `n` to its end: on the calling (the stage's own) thread, inside a pool of
/// `opts.jobs` threads, panics contained.
pub(super) fn run_stage(
    wf: &Workflow,
    n: NodeIndex,
    inputs: Vec<(String, Vec<InputSource>)>,
    record: KeyRecord,
    cache: &Cache,
    opts: &RunOptions,
) -> JobDone {
    let started = Instant::now();
    let cpu0 = process_cpu_time();
    let stage = &wf.graph[n].name;
    let work = || {
        // A panic anywhere in the stage (its own code, polars, linfa) must come back as a
        // failure, or the coordinator would wait forever for this job's message.
        contain_panic(stage, || {
            let result = execute(wf, n, inputs, record, cache, opts);
            let verdict = match &result {
                Ok((_, arts)) => {
                    let outputs = Outputs {
                        ports: arts
                            .iter()
                            .map(|(k, v)| (k.clone(), (**v).clone()))
                            .collect(),
                    };
                    wf.graph[n].kind.verdict(&wf.graph[n].params, &outputs)
                }
                Err(_) => Vec::new(),
            };
            (result, verdict)
        })
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.jobs.max(1))
        .thread_name({
            let stage = stage.clone();
            move |i| format!("{stage}-{i}")
        })
        .build();
    let (result, verdict) = match pool {
        Ok(pool) => pool.install(work),
        // Without a pool of its own the stage still runs; its parallel work goes to rayon's
        // global pool.
        Err(_) => work(),
    };
    JobDone {
        node: n,
        result,
        verdict,
        wall: started.elapsed(),
        cpu: process_cpu_time().saturating_sub(cpu0),
        peak: peak_rss_bytes(),
    }
}

pub(super) type JobResult = (
    Result<(Entry, BTreeMap<String, Arc<Artifact>>), StageError>,
    Vec<StageError>,
);

/// Runs `job`, turning a panic into the stage's failure ("internal error in stage X: ...").
/// A cache entry is only written after the stage returned, so a panic leaves none.
fn contain_panic(stage: &str, job: impl FnOnce() -> JobResult) -> JobResult {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(job)) {
        Ok(done) => done,
        Err(payload) => {
            let what = super::panics::message(payload.as_ref());
            let error = StageError::new(format!("internal error in stage `{stage}`: {what}"))
                .code("aimass::stage::panic")
                .help(
                    "this is a bug in the stage's implementation, not in your pipeline; \
                     please report it with the pipeline and data that trigger it",
                );
            (Err(error), Vec::new())
        }
    }
}

/// Checks that the stage's source files still hash as they did when its key was made: a
/// file rewritten while the stage read it would otherwise be cached under the old
/// content's key, a mix of the two. (The memo makes this a `stat` when nothing changed.)
fn unchanged_sources(
    wf: &Workflow,
    n: NodeIndex,
    record: &KeyRecord,
    cache: &Cache,
    opts: &RunOptions,
) -> Result<(), StageError> {
    if record.sources.is_empty() {
        return Ok(());
    }
    let node = &wf.graph[n];
    let hasher = FileHasher::new(cache);
    for path in node.kind.source_files(&node.params, &opts.project_dir)? {
        let shown = path.strip_prefix(&opts.project_dir).unwrap_or(&path);
        let shown = shown.to_string_lossy().to_string();
        let Some(before) = record.sources.get(&shown) else {
            continue;
        };
        let now = hasher.hash(&path).ok();
        if now.as_ref() != Some(before) {
            return Err(StageError::new(format!(
                "`{shown}` changed while the stage was reading it, so what it read may be neither the old file nor the new one; nothing was cached"
            ))
            .code("aimass::run::source_changed")
            .help("run again once the file is no longer being written (write it elsewhere and move it into place, so readers see it whole)"));
        }
    }
    Ok(())
}

/// Runs one stage: load inputs, run, check and store outputs.
fn execute(
    wf: &Workflow,
    n: NodeIndex,
    inputs: Vec<(String, Vec<InputSource>)>,
    record: KeyRecord,
    cache: &Cache,
    opts: &RunOptions,
) -> Result<(Entry, BTreeMap<String, Arc<Artifact>>), StageError> {
    let node = &wf.graph[n];
    let mut loaded: BTreeMap<String, Vec<Artifact>> = BTreeMap::new();
    for (param, sources) in inputs {
        let mut arts = Vec::new();
        for s in sources {
            arts.push(match s {
                InputSource::Memory(a) => (*a).clone(),
                InputSource::Disk(rec) => cache.load(&rec).map_err(|e| {
                    StageError::new(format!("cannot load input `{param}` from the cache: {e}"))
                })?,
            });
        }
        loaded.insert(param, arts);
    }
    let seed = node.params.int("seed").map(|s| s as u64).unwrap_or(wf.seed);
    let ctx = RunContext {
        stage: &node.name,
        params: &node.params,
        inputs: &loaded,
        seed,
        project_dir: &opts.project_dir,
    };
    let outputs = node.kind.run(&ctx)?;
    unchanged_sources(wf, n, &record, cache, opts)?;
    let sig = node.kind.signature();
    for (port, art) in &outputs.ports {
        let Some(decl) = sig.output_port(port) else {
            return Err(StageError::new(format!(
                "internal error: `{}` produced an undeclared output `{port}`",
                sig.kind
            )));
        };
        if decl.ty != art.ty() {
            return Err(StageError::new(format!(
                "internal error: output `{port}` of `{}` should be a {} but is a {}",
                sig.kind,
                decl.ty,
                art.ty()
            )));
        }
    }
    // Outputs are encoded in parallel: a split's train and test frames are independent.
    let encoded: Vec<(String, crate::cache::Encoded)> = {
        use rayon::prelude::*;
        outputs
            .ports
            .par_iter()
            .map(|(port, art)| {
                encode(art)
                    .map(|enc| (port.clone(), enc))
                    .map_err(|e| StageError::new(format!("cannot encode output `{port}`: {e}")))
            })
            .collect::<Result<_, _>>()?
    };
    let arts: BTreeMap<String, Arc<Artifact>> = outputs
        .ports
        .into_iter()
        .map(|(port, art)| (port, Arc::new(art)))
        .collect();
    // Every output a dependent reads must exist.
    for e in wf.graph.edges_directed(n, Direction::Outgoing) {
        let port = &petgraph::visit::EdgeRef::weight(&e).from_port;
        if !arts.contains_key(port) {
            return Err(StageError::new(format!(
                "this stage produced no `{port}` output, which a later stage reads"
            )));
        }
    }
    // The entry is written after its objects, each under a temporary name renamed into
    // place: a full disk or a read-only directory leaves no half entry behind.
    let entry = cache.store(record, &encoded).map_err(|e| {
        StageError::new(format!(
            "cannot write to the cache at {}: {e}",
            cache.root().display()
        ))
        .code("aimass::cache::unwritable")
        .help("free some space or make the directory writable, or put the cache elsewhere with --cache-dir (or AIMASS_CACHE_DIR)")
    })?;
    Ok((entry, arts))
}
