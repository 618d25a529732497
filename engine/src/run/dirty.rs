//! `aimass plan`: per stage, cached or why it will run.
//!
//! The reasons compare the stage's current key record with the one in the lock file (the last
//! successful run): which parameter changed from what to what, which input, which source
//! file. Like cargo's `DirtyReason`, every miss is explained.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use petgraph::Direction;
use serde_json::Value as Json;

use crate::cache::{Cache, FileHasher, KeyRecord};
use crate::graph::Workflow;
use crate::param::PortRef;

use super::effects::{cached_metrics, effects_present, fresh};
use super::keys::{input_hashes, key_record};
use super::lockfile::LockFile;
use super::options::RunOptions;

#[derive(Clone, Debug, PartialEq)]
pub enum DirtyReason {
    NeverRun,
    Forced,
    ParamChanged {
        param: String,
        old: String,
        new: String,
    },
    InputChanged {
        param: String,
    },
    SourceChanged {
        path: String,
    },
    KindChanged {
        old: String,
        new: String,
    },
    /// A plugin library the stage runs was rebuilt or declares another version.
    PluginChanged {
        plugin: String,
        old: String,
        new: String,
    },
    EngineChanged {
        old: String,
        new: String,
    },
    SeedChanged {
        old: u64,
        new: u64,
    },
    /// The key is the one last run, but its cache entry is gone (removed by `cache gc`, or
    /// another cache directory).
    NotInCache,
    /// The key is cached, but what the stage wrote outside the cache (a deployed bundle) is
    /// gone or was changed: it runs again to restore it.
    EffectsMissing,
    /// The key is cached, but the stage reads what its key cannot see (a database) and the
    /// entry is older than its `refresh` allows.
    Stale {
        freshness: crate::stage::Freshness,
    },
    /// Upstream stages will run first; this one runs unless they reproduce identical outputs.
    UpstreamWillRun {
        stages: Vec<String>,
    },
    /// The key cannot be computed (e.g. a source file is missing): the run will fail here.
    Error(String),
}

impl fmt::Display for DirtyReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DirtyReason::NeverRun => f.write_str("never run"),
            DirtyReason::Forced => f.write_str("forced"),
            DirtyReason::ParamChanged { param, old, new } => {
                write!(f, "params changed: {param}: {old} -> {new}")
            }
            DirtyReason::InputChanged { param } => write!(f, "input changed: {param}"),
            DirtyReason::SourceChanged { path } => write!(f, "source file changed: {path}"),
            DirtyReason::KindChanged { old, new } => {
                write!(f, "stage implementation changed: {old} -> {new}")
            }
            DirtyReason::PluginChanged { plugin, old, new } => {
                write!(f, "plugin changed: {plugin}: {old} -> {new}")
            }
            DirtyReason::EngineChanged { old, new } => {
                write!(f, "aimass version changed: {old} -> {new}")
            }
            DirtyReason::SeedChanged { old, new } => write!(f, "seed changed: {old} -> {new}"),
            DirtyReason::NotInCache => f.write_str("not in the cache (removed?)"),
            DirtyReason::EffectsMissing => {
                f.write_str("cached, but its files outside the cache are missing or changed")
            }
            DirtyReason::Stale { freshness } => match freshness {
                crate::stage::Freshness::For(d) => write!(
                    f,
                    "cached result older than its refresh ({}): asks again",
                    aimass_dsl::duration::Duration::from_millis(d.as_millis() as u64)
                ),
                _ => f.write_str("refresh = always: asks again"),
            },
            DirtyReason::UpstreamWillRun { stages } => {
                write!(
                    f,
                    "upstream will run: {} (cached again if its output is unchanged)",
                    stages.join(", ")
                )
            }
            DirtyReason::Error(e) => write!(f, "cannot run: {e}"),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum PlanStatus {
    Cached,
    WillRun(Vec<DirtyReason>),
}

#[derive(Clone, Debug)]
pub struct PlanLine {
    pub stage: String,
    pub kind: String,
    pub status: PlanStatus,
    /// The stage's key when it can be computed now (all inputs known).
    pub key: Option<String>,
}

pub fn plan(wf: &Workflow, opts: &RunOptions, lock: &LockFile) -> Vec<PlanLine> {
    let cache = Cache::new(&opts.cache_dir);
    let hasher = FileHasher::new(&cache);
    let only = opts.only.as_deref().and_then(|o| wf.node(o));
    let selected: BTreeSet<_> = match only {
        Some(target) => {
            let mut out = BTreeSet::new();
            let mut stack = vec![target];
            while let Some(n) = stack.pop() {
                if out.insert(n) {
                    stack.extend(wf.graph.neighbors_directed(n, Direction::Incoming));
                }
            }
            out
        }
        None => wf.graph.node_indices().collect(),
    };
    let mut known: BTreeMap<PortRef, String> = BTreeMap::new();
    let mut will_run: BTreeSet<String> = BTreeSet::new();
    let mut lines = Vec::new();
    for &n in wf.order.iter().filter(|n| selected.contains(n)) {
        let node = &wf.graph[n];
        let previous = lock.stages.get(&node.name).map(|s| &s.record);
        let mut key = None;
        let status = match input_hashes(wf, n, &known) {
            Err(_) => {
                let upstream: Vec<String> = wf
                    .graph
                    .neighbors_directed(n, Direction::Incoming)
                    .map(|p| wf.graph[p].name.clone())
                    .filter(|p| will_run.contains(p))
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect();
                let mut reasons = vec![DirtyReason::UpstreamWillRun { stages: upstream }];
                // Also say what changed in the stage itself, inputs aside.
                if let (Ok(current), Some(prev)) =
                    (key_record(wf, n, BTreeMap::new(), opts, &hasher), previous)
                {
                    reasons.extend(
                        diff(prev, &current)
                            .into_iter()
                            .filter(|r| !matches!(r, DirtyReason::InputChanged { .. })),
                    );
                }
                PlanStatus::WillRun(reasons)
            }
            Ok(inputs) => match key_record(wf, n, inputs, opts, &hasher) {
                Err(e) => PlanStatus::WillRun(vec![DirtyReason::Error(e.message)]),
                Ok(record) => {
                    let k = record.key();
                    key = Some(k.clone());
                    match cache.lookup(&k).map(|e| (fresh(wf, n, &e), e)) {
                        // A stale query may bring other rows: dependents cannot be judged
                        // on the cached ones, they wait for it (UpstreamWillRun).
                        Some((Err(freshness), _)) if !opts.force => {
                            PlanStatus::WillRun(vec![DirtyReason::Stale { freshness }])
                        }
                        Some((Ok(()), entry)) if !opts.force => {
                            // A stage re-run only to restore its effects reproduces these
                            // outputs (same key), so dependents are judged on them either way.
                            for (port, out) in &entry.outputs {
                                known.insert(
                                    PortRef {
                                        stage: node.name.clone(),
                                        port: port.clone(),
                                    },
                                    out.hash.clone(),
                                );
                            }
                            let outputs = cached_metrics(&cache, &entry);
                            if effects_present(wf, n, &outputs, &opts.project_dir) {
                                PlanStatus::Cached
                            } else {
                                PlanStatus::WillRun(vec![DirtyReason::EffectsMissing])
                            }
                        }
                        _ if opts.force => PlanStatus::WillRun(vec![DirtyReason::Forced]),
                        _ => PlanStatus::WillRun(match previous {
                            None => vec![DirtyReason::NeverRun],
                            Some(prev) => {
                                let reasons = diff(prev, &record);
                                if reasons.is_empty() {
                                    vec![DirtyReason::NotInCache]
                                } else {
                                    reasons
                                }
                            }
                        }),
                    }
                }
            },
        };
        if matches!(status, PlanStatus::WillRun(_)) {
            will_run.insert(node.name.clone());
        }
        lines.push(PlanLine {
            stage: node.name.clone(),
            kind: node.kind_name().to_string(),
            status,
            key,
        });
    }
    lines
}

/// What differs between the last run's record and the current one.
pub fn diff(old: &KeyRecord, new: &KeyRecord) -> Vec<DirtyReason> {
    let mut out = Vec::new();
    if old.engine != new.engine {
        out.push(DirtyReason::EngineChanged {
            old: old.engine.clone(),
            new: new.engine.clone(),
        });
    }
    if old.kind != new.kind || old.kind_version != new.kind_version {
        out.push(DirtyReason::KindChanged {
            old: format!("{} v{}", old.kind, old.kind_version),
            new: format!("{} v{}", new.kind, new.kind_version),
        });
    }
    let plugins: BTreeSet<&String> = old.plugins.keys().chain(new.plugins.keys()).collect();
    for plugin in plugins {
        let (o, n) = (old.plugins.get(plugin), new.plugins.get(plugin));
        if o != n {
            out.push(DirtyReason::PluginChanged {
                plugin: plugin.clone(),
                old: o.map_or_else(|| "(none)".to_string(), |v| plugin_version(v)),
                new: n.map_or_else(|| "(none)".to_string(), |v| plugin_version(v)),
            });
        }
    }
    if old.seed != new.seed {
        out.push(DirtyReason::SeedChanged {
            old: old.seed,
            new: new.seed,
        });
    }
    let empty = serde_json::Map::new();
    let old_params = old.params.as_object().unwrap_or(&empty);
    let new_params = new.params.as_object().unwrap_or(&empty);
    let names: BTreeSet<&String> = old_params.keys().chain(new_params.keys()).collect();
    for name in names {
        let (o, n) = (old_params.get(name), new_params.get(name));
        if o != n {
            out.push(DirtyReason::ParamChanged {
                param: name.clone(),
                old: o.map(human).unwrap_or_else(|| "(unset)".into()),
                new: n.map(human).unwrap_or_else(|| "(unset)".into()),
            });
        }
    }
    let inputs: BTreeSet<&String> = old.inputs.keys().chain(new.inputs.keys()).collect();
    for name in inputs {
        if old.inputs.get(name) != new.inputs.get(name) {
            out.push(DirtyReason::InputChanged {
                param: name.clone(),
            });
        }
    }
    let sources: BTreeSet<&String> = old.sources.keys().chain(new.sources.keys()).collect();
    for path in sources {
        if old.sources.get(path) != new.sources.get(path) {
            out.push(DirtyReason::SourceChanged { path: path.clone() });
        }
    }
    out
}

/// `0.1.0@<hash>` as `0.1.0 (blake3 1a2b3c4d5e6f)`.
fn plugin_version(v: &str) -> String {
    match v.rsplit_once('@') {
        Some((version, hash)) => format!("{version} (blake3 {})", &hash[..hash.len().min(12)]),
        None => v.to_string(),
    }
}

/// A canonical parameter value as the user would write it.
fn human(v: &Json) -> String {
    match v {
        Json::Object(m) if m.len() == 1 => {
            let Some((tag, inner)) = m.iter().next() else {
                return v.to_string();
            };
            match (tag.as_str(), inner) {
                ("str", Json::String(s)) => format!("{s:?}"),
                ("word", Json::String(s)) => s.clone(),
                ("float", x) => x.to_string(),
                ("input", Json::String(s)) => s.clone(),
                _ => v.to_string(),
            }
        }
        Json::Array(items) => format!(
            "[{}]",
            items.iter().map(human).collect::<Vec<_>>().join(", ")
        ),
        other => other.to_string(),
    }
}
