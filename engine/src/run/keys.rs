//! Computing a stage's key record (shared by `run` and `plan`).

use std::collections::BTreeMap;

use petgraph::graph::NodeIndex;

use crate::cache::{FileHasher, KeyRecord, CACHE_FORMAT};
use crate::graph::Workflow;
use crate::param::PortRef;
use crate::stage::StageError;

use super::options::RunOptions;

/// The input hashes of a stage, per input parameter, or the first reference whose hash is
/// not known (its stage has not produced it).
pub(crate) fn input_hashes(
    wf: &Workflow,
    n: NodeIndex,
    known: &BTreeMap<PortRef, String>,
) -> Result<BTreeMap<String, Vec<String>>, PortRef> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (param, value) in wf.graph[n].params.iter() {
        for r in value.port_refs() {
            let hash = known.get(r).ok_or_else(|| r.clone())?;
            out.entry(param.to_string()).or_default().push(hash.clone());
        }
    }
    Ok(out)
}

pub(crate) fn key_record(
    wf: &Workflow,
    n: NodeIndex,
    inputs: BTreeMap<String, Vec<String>>,
    opts: &RunOptions,
    hasher: &FileHasher<'_>,
) -> Result<KeyRecord, StageError> {
    let node = &wf.graph[n];
    let mut sources = BTreeMap::new();
    for path in node.kind.source_files(&node.params, &opts.project_dir)? {
        let hash = hasher.hash(&path).map_err(|e| {
            StageError::new(format!("cannot read {}: {e}", path.display()))
                .code("aimass::run::source_unreadable")
        })?;
        let shown = path.strip_prefix(&opts.project_dir).unwrap_or(&path);
        sources.insert(shown.to_string_lossy().to_string(), hash);
    }
    Ok(KeyRecord {
        cache_format: CACHE_FORMAT,
        engine: env!("CARGO_PKG_VERSION").to_string(),
        kind: node.kind_name().to_string(),
        kind_version: node.kind.version(),
        params: node.params.canonical(),
        seed: wf.seed,
        inputs,
        sources,
        plugins: node.kind.plugins(&node.params),
    })
}
