//! The sealed DAG: stages as nodes, references as typed edges.
//!
//! A `Workflow` only exists for a pipeline that passed every check, cycles included, so the
//! scheduler can rely on its topological order without checking again.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fmt::Write as _;
use std::sync::Arc;

use aimass_dsl::ir::Span;
use aimass_dsl::SourceFile;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;

use crate::param::Params;
use crate::signature::ArtifactType;
use crate::stage::StageKind;

#[derive(Clone)]
pub struct StageNode {
    pub name: String,
    pub kind: Arc<dyn StageKind>,
    pub params: Params,
    /// The whole declaration and the stage's name, for diagnostics.
    pub span: Span,
    pub name_span: Span,
}

impl StageNode {
    pub fn kind_name(&self) -> &str {
        &self.kind.signature().kind
    }
}

#[derive(Clone, Debug)]
pub struct EdgeInfo {
    pub from_port: String,
    pub to_param: String,
    pub ty: ArtifactType,
    /// Where the reference was written.
    pub span: Span,
}

/// Sealed: only the checker makes one, and nothing changes it afterwards (the scheduler
/// relies on what was checked), so its parts are read through the accessors below.
#[derive(Clone)]
pub struct Workflow {
    pub(crate) name: String,
    /// The file the workflow was read from, for diagnostics at run time.
    pub(crate) source: SourceFile,
    pub(crate) seed: u64,
    pub(crate) graph: DiGraph<StageNode, EdgeInfo>,
    /// Topological order; among stages ready at the same time, the order written.
    pub(crate) order: Vec<NodeIndex>,
}

impl Workflow {
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The file the workflow was read from.
    pub fn source(&self) -> &SourceFile {
        &self.source
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    pub fn graph(&self) -> &DiGraph<StageNode, EdgeInfo> {
        &self.graph
    }

    /// Topological order; among stages ready at the same time, the order written.
    pub fn order(&self) -> &[NodeIndex] {
        &self.order
    }

    /// `None` if the graph has a cycle (the checker reports cycles before sealing).
    pub(crate) fn seal(
        name: String,
        source: SourceFile,
        seed: u64,
        graph: DiGraph<StageNode, EdgeInfo>,
    ) -> Option<Self> {
        let order = topological(&graph)?;
        Some(Self {
            name,
            source,
            seed,
            graph,
            order,
        })
    }

    pub fn node(&self, name: &str) -> Option<NodeIndex> {
        self.graph
            .node_indices()
            .find(|n| self.graph[*n].name == name)
    }

    pub fn stage_names(&self) -> impl Iterator<Item = &str> {
        self.order.iter().map(|n| self.graph[*n].name.as_str())
    }

    /// Graphviz text.
    pub fn to_dot(&self) -> String {
        let mut s = format!(
            "digraph {:?} {{\n  rankdir=LR;\n  node [shape=box, style=rounded];\n",
            self.name
        );
        for &n in &self.order {
            let node = &self.graph[n];
            let _ = writeln!(
                s,
                "  {:?} [label=\"{}\\n({})\"];",
                node.name,
                node.name,
                node.kind_name()
            );
        }
        for e in self.sorted_edges() {
            let (a, b, info) = e;
            let _ = writeln!(
                s,
                "  {:?} -> {:?} [label=\"{} -> {}: {}\"];",
                self.graph[a].name, self.graph[b].name, info.from_port, info.to_param, info.ty
            );
        }
        s.push_str("}\n");
        s
    }

    /// Mermaid flowchart text.
    pub fn to_mermaid(&self) -> String {
        let mut s = String::from("flowchart LR\n");
        for &n in &self.order {
            let node = &self.graph[n];
            let _ = writeln!(
                s,
                "  {}[\"{} ({})\"]",
                node.name,
                node.name,
                node.kind_name()
            );
        }
        for (a, b, info) in self.sorted_edges() {
            let _ = writeln!(
                s,
                "  {} -->|\"{} -> {}: {}\"| {}",
                self.graph[a].name, info.from_port, info.to_param, info.ty, self.graph[b].name
            );
        }
        s
    }

    /// Edges in a stable order (by the topological position of both ends).
    fn sorted_edges(&self) -> Vec<(NodeIndex, NodeIndex, &EdgeInfo)> {
        let pos = |n: NodeIndex| {
            self.order
                .iter()
                .position(|m| *m == n)
                .unwrap_or(usize::MAX)
        };
        let mut edges: Vec<_> = self
            .graph
            .edge_references()
            .map(|e| (e.source(), e.target(), e.weight()))
            .collect();
        edges.sort_by_key(|(a, b, info)| (pos(*b), pos(*a), info.to_param.clone()));
        edges
    }
}

/// Kahn's algorithm, taking ready stages in the order they were written so that plans and
/// reports list stages the way the user reads the file.
fn topological(graph: &DiGraph<StageNode, EdgeInfo>) -> Option<Vec<NodeIndex>> {
    let mut indegree: Vec<usize> = graph
        .node_indices()
        .map(|n| graph.edges_directed(n, petgraph::Incoming).count())
        .collect();
    let key = |n: NodeIndex| Reverse((graph[n].span.offset, n.index()));
    let mut ready: BinaryHeap<_> = graph
        .node_indices()
        .filter(|n| indegree[n.index()] == 0)
        .map(|n| (key(n), n))
        .collect();
    let mut order = Vec::with_capacity(graph.node_count());
    while let Some((_, n)) = ready.pop() {
        order.push(n);
        for m in graph.neighbors_directed(n, petgraph::Outgoing) {
            indegree[m.index()] -= 1;
            if indegree[m.index()] == 0 {
                ready.push((key(m), m));
            }
        }
    }
    (order.len() == graph.node_count()).then_some(order)
}
