//! The order ready stages start in: critical path first, as cargo's dependency queue does.
//!
//! A stage's priority is the length of the longest chain of stages that depend on it,
//! itself included: starting the stage at the head of the longest chain first shortens the
//! run when stages compete for the `--jobs` slots. Ties go to the stage written first.

use std::collections::{BTreeMap, BTreeSet};

use petgraph::graph::NodeIndex;
use petgraph::Direction;

use crate::graph::Workflow;

/// Stage -> the length of the longest chain from it to a stage nothing selected depends on.
pub(super) fn critical_path(
    wf: &Workflow,
    selected: &BTreeSet<NodeIndex>,
) -> BTreeMap<NodeIndex, usize> {
    let mut length: BTreeMap<NodeIndex, usize> = BTreeMap::new();
    // `order` is topological: walking it backwards sees every dependent before its inputs.
    for &n in wf.order.iter().rev().filter(|n| selected.contains(n)) {
        let longest = wf
            .graph
            .neighbors_directed(n, Direction::Outgoing)
            .filter_map(|m| length.get(&m))
            .max()
            .copied()
            .unwrap_or(0);
        length.insert(n, longest + 1);
    }
    length
}
