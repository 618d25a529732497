//! The scheduler (design notes in the module above).

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use petgraph::graph::NodeIndex;
use petgraph::Direction;

use crate::artifact::Artifact;
use crate::cache::{Cache, Entry, FileHasher, OutputRecord};
use crate::graph::Workflow;
use crate::param::PortRef;
use crate::stage::StageError;

use super::effects::{cached_metrics, effects_present, fresh};
use super::error::RunError;
use super::events::{Event, EventSink, StageStatus};
use super::job::{run_stage, InputSource, JobDone};
use super::keys::{input_hashes, key_record};
use super::options::RunOptions;
use super::priority::critical_path;
use super::record::{RunRecord, StageRecord, StageState};

/// What a run did.
pub struct RunOutcome {
    pub record: RunRecord,
    pub failures: Vec<RunError>,
    /// Successful stages' cache entries (for the lock file and reports).
    pub entries: BTreeMap<String, Entry>,
}

impl RunOutcome {
    pub fn success(&self) -> bool {
        self.failures.is_empty()
            && !self.record.interrupted
            && self
                .record
                .stages
                .iter()
                .all(|s| s.status != StageState::Skipped)
    }
}

/// How often a waiting coordinator looks at [`RunOptions::stop`] and the deadlines.
const STOP_POLL: Duration = Duration::from_millis(50);

/// The extra time a stage that calls a plugin gets past `--stage-timeout`.
const PLUGIN_GRACE: Duration = Duration::from_secs(5);

/// What waiting for a job came to.
enum Waited {
    Done(Box<JobDone>),
    TimedOut,
    Gone,
}

#[derive(Clone)]
enum State {
    Waiting,
    Running,
    Succeeded,
    Failed,
    Skipped,
}

pub fn run(wf: &Workflow, opts: &RunOptions, sink: &mut dyn EventSink) -> RunOutcome {
    let started = Instant::now();
    let started_epoch = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let selected = selection(wf, opts.only.as_deref());
    let mut sched = Scheduler::new(wf, opts, selected, started);
    sched.drive(sink);
    let success = sched.failures.is_empty() && !sched.interrupted;
    let interrupted = sched.interrupted;
    let stages = wf
        .order
        .iter()
        .filter(|n| sched.selected.contains(n))
        .filter_map(|n| sched.records.remove(n))
        .collect();
    RunOutcome {
        record: RunRecord {
            pipeline: wf.name.clone(),
            file: wf.source.name.clone(),
            started: started_epoch,
            wall_ms: started.elapsed().as_secs_f64() * 1000.0,
            jobs: opts.jobs,
            success,
            interrupted,
            stages,
        },
        failures: sched.failures,
        entries: sched.entries,
    }
}

/// The stages to run: all, or `only` and its ancestors.
fn selection(wf: &Workflow, only: Option<&str>) -> BTreeSet<NodeIndex> {
    let Some(target) = only.and_then(|name| wf.node(name)) else {
        return wf.graph.node_indices().collect();
    };
    let mut out = BTreeSet::new();
    let mut stack = vec![target];
    while let Some(n) = stack.pop() {
        if out.insert(n) {
            stack.extend(wf.graph.neighbors_directed(n, Direction::Incoming));
        }
    }
    out
}

struct Scheduler<'a> {
    wf: &'a Workflow,
    opts: &'a RunOptions,
    cache: Cache,
    /// The workflow and options as the stage threads own them (see `start`).
    shared: Arc<Workflow>,
    shared_opts: Arc<RunOptions>,
    /// Stages given up on at `--stage-timeout`: their late results are dropped.
    abandoned: BTreeSet<NodeIndex>,
    selected: BTreeSet<NodeIndex>,
    state: BTreeMap<NodeIndex, State>,
    /// Content hashes of every output produced or found so far.
    hashes: BTreeMap<PortRef, String>,
    /// Artifacts produced in this run, for dependents to use without a disk round trip.
    memory: BTreeMap<PortRef, Arc<Artifact>>,
    outputs: BTreeMap<PortRef, OutputRecord>,
    entries: BTreeMap<String, Entry>,
    records: BTreeMap<NodeIndex, StageRecord>,
    failures: Vec<RunError>,
    position: BTreeMap<NodeIndex, usize>,
    /// Critical-path length of each stage ([`critical_path`]).
    priority: BTreeMap<NodeIndex, usize>,
    /// Ready stages, the longest critical path first, then file order.
    ready: BinaryHeap<(usize, Reverse<usize>, NodeIndex)>,
    /// Ready stages told to the sink as queued (waiting for a `--jobs` slot).
    queued: BTreeSet<NodeIndex>,
    running: usize,
    stopped: bool,
    /// [`RunOptions::stop`] was seen set: what did not start is `interrupted`.
    interrupted: bool,
    /// When the run started: stage start and end offsets are relative to it.
    t0: Instant,
    /// When each started stage was handed its thread.
    started_at: BTreeMap<NodeIndex, Instant>,
}

impl<'a> Scheduler<'a> {
    fn new(
        wf: &'a Workflow,
        opts: &'a RunOptions,
        selected: BTreeSet<NodeIndex>,
        t0: Instant,
    ) -> Self {
        let position: BTreeMap<NodeIndex, usize> =
            wf.order.iter().enumerate().map(|(i, n)| (*n, i)).collect();
        let priority = critical_path(wf, &selected);
        let mut s = Self {
            wf,
            opts,
            cache: Cache::new(&opts.cache_dir),
            shared: Arc::new(wf.clone()),
            shared_opts: Arc::new(opts.clone()),
            abandoned: BTreeSet::new(),
            state: selected.iter().map(|n| (*n, State::Waiting)).collect(),
            selected,
            hashes: BTreeMap::new(),
            memory: BTreeMap::new(),
            outputs: BTreeMap::new(),
            entries: BTreeMap::new(),
            records: BTreeMap::new(),
            failures: Vec::new(),
            position,
            priority,
            ready: BinaryHeap::new(),
            queued: BTreeSet::new(),
            running: 0,
            stopped: false,
            interrupted: false,
            t0,
            started_at: BTreeMap::new(),
        };
        for &n in &wf.order {
            if s.selected.contains(&n)
                && wf
                    .graph
                    .neighbors_directed(n, Direction::Incoming)
                    .next()
                    .is_none()
            {
                s.push_ready(n);
            }
        }
        s
    }

    fn push_ready(&mut self, n: NodeIndex) {
        let pos = self.position.get(&n).copied().unwrap_or(usize::MAX);
        let priority = self.priority.get(&n).copied().unwrap_or(0);
        self.ready.push((priority, Reverse(pos), n));
    }

    fn total(&self) -> usize {
        self.selected.len()
    }

    fn emit(&self, sink: &mut dyn EventSink, n: NodeIndex, status: StageStatus, elapsed: Duration) {
        let node = &self.wf.graph[n];
        sink.event(Event {
            stage: &node.name,
            kind: node.kind_name(),
            status,
            elapsed,
            total: self.total(),
        });
    }

    fn drive(&mut self, sink: &mut dyn EventSink) {
        let (tx, rx) = mpsc::channel::<JobDone>();
        let slots = self.opts.jobs.max(1);
        loop {
            self.check_stop(sink);
            // Start ready stages while a slot is free; a cache hit takes no slot, so the
            // loop goes on with what it made ready.
            while self.running < slots {
                let Some((_, _, n)) = self.ready.pop() else {
                    break;
                };
                if self.stopped {
                    continue;
                }
                self.start(n, &tx, sink);
            }
            if self.stopped {
                self.ready.clear();
            }
            let waiting: Vec<NodeIndex> = self
                .ready
                .iter()
                .map(|(_, _, n)| *n)
                .filter(|n| !self.queued.contains(n))
                .collect();
            for n in waiting {
                self.queued.insert(n);
                self.emit(sink, n, StageStatus::Queued, Duration::ZERO);
            }
            if self.running == 0 {
                break;
            }
            // Wait for a job, watching the stop flag and the deadlines meanwhile.
            let done = loop {
                match rx.recv_timeout(STOP_POLL) {
                    Ok(done) => break Waited::Done(Box::new(done)),
                    Err(mpsc::RecvTimeoutError::Timeout) => {
                        self.check_stop(sink);
                        if self.check_deadlines(sink) {
                            break Waited::TimedOut;
                        }
                    }
                    // The coordinator holds a sender, so this cannot happen; stop waiting.
                    Err(mpsc::RecvTimeoutError::Disconnected) => break Waited::Gone,
                }
            };
            match done {
                // The late result of a stage given up on: dropped.
                Waited::Done(done) if self.abandoned.contains(&done.node) => {}
                Waited::Done(done) => {
                    self.running -= 1;
                    self.finish(*done, sink);
                }
                // A stage was given up on: its slot is free for what is ready.
                Waited::TimedOut => {}
                Waited::Gone => break,
            }
        }
        // Whatever never got to run was skipped (after a failure, or below one).
        let left: Vec<NodeIndex> = self
            .state
            .iter()
            .filter(|(_, s)| matches!(s, State::Waiting))
            .map(|(n, _)| *n)
            .collect();
        for n in left {
            self.skip(n, sink);
        }
    }

    /// Fails every running stage past `--stage-timeout` and stops waiting for it; true if
    /// any was. A stage that loads a plugin gets a few seconds more, so that the plugin
    /// host's own deadline (which can kill an isolated plugin's process) goes first.
    fn check_deadlines(&mut self, sink: &mut dyn EventSink) -> bool {
        let Some(limit) = self.opts.stage_timeout else {
            return false;
        };
        let late: Vec<NodeIndex> = self
            .started_at
            .iter()
            .filter(|(n, _)| matches!(self.state.get(n), Some(State::Running)))
            .filter(|(n, _)| !self.abandoned.contains(n))
            .filter(|(n, at)| {
                let node = &self.wf.graph[**n];
                let grace = if node.kind.plugins(&node.params).is_empty() {
                    Duration::ZERO
                } else {
                    PLUGIN_GRACE
                };
                at.elapsed() > limit + grace
            })
            .map(|(n, _)| *n)
            .collect();
        for &n in &late {
            self.abandoned.insert(n);
            self.running -= 1;
            let wall = self
                .started_at
                .get(&n)
                .map(|t| t.elapsed())
                .unwrap_or_default();
            let error = StageError::new(format!(
                "the stage did not finish within {} (--stage-timeout), so aimass stopped waiting for it",
                aimass_dsl::duration::Duration::from_millis(u64::try_from(limit.as_millis()).unwrap_or(u64::MAX))
            ))
            .code("aimass::stage::timeout")
            .help("raise --stage-timeout, or make the stage cheaper (a smaller search, fewer rows)");
            self.record(
                n,
                StageState::Failed,
                false,
                None,
                BTreeMap::new(),
                wall,
                Duration::ZERO,
                0,
                Some(error.message.clone()),
            );
            self.fail(n, error, sink);
        }
        !late.is_empty()
    }

    /// Stops scheduling once [`RunOptions::stop`] is set, telling the sink once.
    fn check_stop(&mut self, sink: &mut dyn EventSink) {
        let asked = self
            .opts
            .stop
            .is_some_and(|s| s.load(std::sync::atomic::Ordering::SeqCst));
        if asked && !self.interrupted {
            self.interrupted = true;
            self.stopped = true;
            sink.interrupted(self.running);
        }
    }

    /// Decides a ready stage: cached, or started on a thread of its own.
    fn start(&mut self, n: NodeIndex, tx: &mpsc::Sender<JobDone>, sink: &mut dyn EventSink) {
        let wf = self.wf;
        let node = &wf.graph[n];
        let hasher = FileHasher::new(&self.cache);
        let record = match input_hashes(wf, n, &self.hashes) {
            Ok(inputs) => key_record(wf, n, inputs, self.opts, &hasher),
            Err(missing) => Err(StageError::new(format!("input {missing} is not available"))),
        };
        let record = match record {
            Ok(r) => r,
            Err(e) => return self.fail(n, e, sink),
        };
        let key = record.key();
        if !self.opts.force {
            let hit = self.cache.lookup(&key).and_then(|entry| {
                // A stale result (a query past its `refresh`) is asked again.
                fresh(wf, n, &entry).ok()?;
                let outputs = cached_metrics(&self.cache, &entry);
                // A hit whose effects are gone runs again to restore them (see `effects`).
                effects_present(wf, n, &outputs, &self.opts.project_dir).then_some((entry, outputs))
            });
            if let Some((entry, outputs)) = hit {
                let verdict = node.kind.verdict(&node.params, &outputs);
                self.succeed(
                    n,
                    entry,
                    BTreeMap::new(),
                    true,
                    verdict,
                    Duration::ZERO,
                    Duration::ZERO,
                    0,
                    sink,
                );
                return;
            }
        }
        let inputs = self.input_sources(n);
        let tx = tx.clone();
        let cache = self.cache.clone();
        let (shared, opts) = (Arc::clone(&self.shared), Arc::clone(&self.shared_opts));
        // Not a scoped thread: a stage past `--stage-timeout` is left running while the run
        // goes on and ends without it (a thread cannot be killed; its result is dropped).
        let spawned = std::thread::Builder::new()
            .name(format!("stage {}", node.name))
            .spawn(move || {
                let _ = tx.send(run_stage(&shared, n, inputs, record, &cache, &opts));
            });
        if let Err(e) = spawned {
            let err = StageError::new(format!("cannot start a thread for the stage: {e}"));
            return self.fail(n, err, sink);
        }
        self.started_at.insert(n, Instant::now());
        self.state.insert(n, State::Running);
        self.running += 1;
        self.emit(sink, n, StageStatus::Running, Duration::ZERO);
    }

    fn input_sources(&self, n: NodeIndex) -> Vec<(String, Vec<InputSource>)> {
        let mut out = Vec::new();
        for (param, value) in self.wf.graph[n].params.iter() {
            let refs = value.port_refs();
            if refs.is_empty() {
                continue;
            }
            let sources = refs
                .into_iter()
                .filter_map(|r| match self.memory.get(r) {
                    Some(a) => Some(InputSource::Memory(Arc::clone(a))),
                    None => self.outputs.get(r).map(|o| InputSource::Disk(o.clone())),
                })
                .collect();
            out.push((param.to_string(), sources));
        }
        out
    }

    fn finish(&mut self, done: JobDone, sink: &mut dyn EventSink) {
        match done.result {
            Ok((entry, arts)) => self.succeed(
                done.node,
                entry,
                arts,
                false,
                done.verdict,
                done.wall,
                done.cpu,
                done.peak,
                sink,
            ),
            Err(e) => {
                self.record(
                    done.node,
                    StageState::Failed,
                    false,
                    None,
                    BTreeMap::new(),
                    done.wall,
                    done.cpu,
                    done.peak,
                    Some(e.message.clone()),
                );
                self.fail(done.node, e, sink);
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn succeed(
        &mut self,
        n: NodeIndex,
        entry: Entry,
        arts: BTreeMap<String, Arc<Artifact>>,
        cached: bool,
        verdict: Vec<StageError>,
        wall: Duration,
        cpu: Duration,
        peak: u64,
        sink: &mut dyn EventSink,
    ) {
        let name = self.wf.graph[n].name.clone();
        for (port, rec) in &entry.outputs {
            let r = PortRef {
                stage: name.clone(),
                port: port.clone(),
            };
            self.hashes.insert(r.clone(), rec.hash.clone());
            self.outputs.insert(r, rec.clone());
        }
        for (port, art) in arts {
            self.memory.insert(
                PortRef {
                    stage: name.clone(),
                    port,
                },
                art,
            );
        }
        let hashes: BTreeMap<String, String> = entry
            .outputs
            .iter()
            .map(|(p, o)| (p.clone(), o.hash.clone()))
            .collect();
        let status = if cached {
            StageStatus::Cached
        } else {
            StageStatus::Done
        };
        let failed = !verdict.is_empty();
        let error = verdict.first().map(|e| e.message.clone());
        self.record(
            n,
            if failed {
                StageState::Failed
            } else if cached {
                StageState::Cached
            } else {
                StageState::Done
            },
            cached,
            Some(entry.key.clone()),
            hashes,
            wall,
            cpu,
            peak,
            error,
        );
        self.entries.insert(name, entry);
        if failed {
            for e in verdict {
                self.report(n, e);
            }
            self.state.insert(n, State::Failed);
            self.emit(sink, n, StageStatus::Failed, wall);
            self.after_failure(n, sink);
            return;
        }
        self.state.insert(n, State::Succeeded);
        self.emit(sink, n, status, wall);
        let mut next: Vec<NodeIndex> = self
            .wf
            .graph
            .neighbors_directed(n, Direction::Outgoing)
            .collect();
        next.sort();
        next.dedup();
        for m in next {
            let all_done = self
                .wf
                .graph
                .neighbors_directed(m, Direction::Incoming)
                .all(|p| matches!(self.state.get(&p), Some(State::Succeeded)));
            if all_done && matches!(self.state.get(&m), Some(State::Waiting)) {
                self.push_ready(m);
            }
        }
    }

    fn fail(&mut self, n: NodeIndex, e: StageError, sink: &mut dyn EventSink) {
        if !self.records.contains_key(&n) {
            self.record(
                n,
                StageState::Failed,
                false,
                None,
                BTreeMap::new(),
                Duration::ZERO,
                Duration::ZERO,
                0,
                Some(e.message.clone()),
            );
        }
        self.report(n, e);
        self.state.insert(n, State::Failed);
        self.emit(sink, n, StageStatus::Failed, Duration::ZERO);
        self.after_failure(n, sink);
    }

    fn report(&mut self, n: NodeIndex, error: StageError) {
        let node = &self.wf.graph[n];
        self.failures.push(RunError {
            stage: node.name.clone(),
            kind: node.kind_name().to_string(),
            error,
            src: self.wf.source.named_source(),
            stage_span: node.name_span,
        });
    }

    /// Dependents of a failed stage are skipped; without --keep-going, so is everything
    /// not yet started.
    fn after_failure(&mut self, n: NodeIndex, sink: &mut dyn EventSink) {
        let mut stack: Vec<NodeIndex> = self
            .wf
            .graph
            .neighbors_directed(n, Direction::Outgoing)
            .collect();
        while let Some(m) = stack.pop() {
            if matches!(self.state.get(&m), Some(State::Waiting)) {
                self.skip(m, sink);
                stack.extend(self.wf.graph.neighbors_directed(m, Direction::Outgoing));
            }
        }
        if !self.opts.keep_going {
            self.stopped = true;
        }
    }

    fn skip(&mut self, n: NodeIndex, sink: &mut dyn EventSink) {
        self.state.insert(n, State::Skipped);
        // After an interruption, a stage nothing stopped but the interruption was not
        // skipped for a failure: it was interrupted.
        let (word, status) = if self.interrupted && !self.below_failure(n) {
            (StageState::Interrupted, StageStatus::Interrupted)
        } else {
            (StageState::Skipped, StageStatus::Skipped)
        };
        self.record(
            n,
            word,
            false,
            None,
            BTreeMap::new(),
            Duration::ZERO,
            Duration::ZERO,
            0,
            None,
        );
        self.emit(sink, n, status, Duration::ZERO);
    }

    /// Whether a stage `n` reads (directly or not) failed or was skipped for a failure.
    fn below_failure(&self, n: NodeIndex) -> bool {
        let mut stack: Vec<NodeIndex> = self
            .wf
            .graph
            .neighbors_directed(n, Direction::Incoming)
            .collect();
        let mut seen = BTreeSet::new();
        while let Some(m) = stack.pop() {
            if !seen.insert(m) {
                continue;
            }
            if matches!(self.state.get(&m), Some(State::Failed)) {
                return true;
            }
            stack.extend(self.wf.graph.neighbors_directed(m, Direction::Incoming));
        }
        false
    }

    #[allow(clippy::too_many_arguments)]
    fn record(
        &mut self,
        n: NodeIndex,
        status: StageState,
        cached: bool,
        key: Option<String>,
        outputs: BTreeMap<String, String>,
        wall: Duration,
        cpu: Duration,
        peak: u64,
        error: Option<String>,
    ) {
        let node = &self.wf.graph[n];
        let now = Instant::now();
        let offset = |t: Instant| t.saturating_duration_since(self.t0).as_secs_f64() * 1000.0;
        let start = self.started_at.get(&n).copied().unwrap_or(now);
        self.records.insert(
            n,
            StageRecord {
                name: node.name.clone(),
                kind: node.kind_name().to_string(),
                status,
                cached,
                key,
                start_ms: offset(start),
                end_ms: offset(now),
                wall_ms: wall.as_secs_f64() * 1000.0,
                cpu_ms: cpu.as_secs_f64() * 1000.0,
                peak_rss_bytes: peak,
                outputs,
                error,
            },
        );
    }
}
