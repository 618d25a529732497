//! Cache hits of stages with effects outside the cache.
//!
//! A stage such as `deploy` writes files the cache does not hold. Its entry can outlive
//! them (the user deletes the bundle, or copies the project with its cache), and a hit
//! would then report the stage as done while its files are gone. So on a hit, `run` and
//! `plan` ask the kind ([`StageKind::effects_present`]) whether its effects are still in
//! place; when they are not, the hit counts as a miss and the stage runs again. Its key is
//! unchanged and its outputs are the same, so dependents stay cached.
//!
//! [`StageKind::effects_present`]: crate::stage::StageKind::effects_present

use std::path::Path;

use petgraph::graph::NodeIndex;

use crate::cache::{Cache, Entry};
use crate::graph::Workflow;
use crate::signature::ArtifactType;
use crate::stage::{Freshness, Outputs};

/// The Metrics outputs of a cached entry: all a verdict or an effects check reads (frames
/// and models stay on disk, so a hit stays cheap).
pub(crate) fn cached_metrics(cache: &Cache, entry: &Entry) -> Outputs {
    let mut out = Outputs::new();
    for (port, rec) in &entry.outputs {
        if ArtifactType::from(rec.ty) == ArtifactType::Metrics {
            if let Ok(a) = cache.load(rec) {
                out.ports.insert(port.clone(), a);
            }
        }
    }
    out
}

/// Whether stage `n`'s effects outside the cache are in place, judged from its cached
/// outputs.
pub(crate) fn effects_present(
    wf: &Workflow,
    n: NodeIndex,
    outputs: &Outputs,
    project_dir: &Path,
) -> bool {
    let node = &wf.graph[n];
    node.kind
        .effects_present(&node.params, outputs, project_dir)
}

/// Whether the cached `entry` of stage `n` is fresh enough to use
/// ([`crate::stage::StageKind::freshness`]), by its age now.
pub(crate) fn fresh(wf: &Workflow, n: NodeIndex, entry: &Entry) -> Result<(), Freshness> {
    let node = &wf.graph[n];
    let freshness = node.kind.freshness(&node.params);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    // A clock set back makes an entry look new; that errs towards the cache, as `make` does.
    let age = std::time::Duration::from_secs(now.saturating_sub(entry.created));
    if freshness.admits(age) {
        Ok(())
    } else {
        Err(freshness)
    }
}
