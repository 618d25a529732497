//! `aimass check`: from a syntactically valid pipeline to a sealed, typed DAG.
//!
//! Every problem is collected and reported at once. The order of the phases matters only for
//! not piling errors on errors: a stage whose kind is unknown is not type-checked, a reference
//! to it is not reported again, and cycles are searched only among stages that checked.

mod errors;
mod overrides;
mod typing;

use std::collections::BTreeMap;
use std::sync::Arc;

use aimass_dsl::ir::{self, Span};
use aimass_dsl::SourceFile;
use petgraph::graph::{DiGraph, NodeIndex};

pub use errors::{CheckError, CheckErrors};
pub use overrides::{apply_overrides, OverrideError};

use crate::graph::{EdgeInfo, StageNode, Workflow};
use crate::param::{PKind, Params};
use crate::registry::Registry;
use crate::signature::Signature;
use crate::stage::{StageError, StageKind};
use crate::suggest::did_you_mean;
use typing::{Scope, Typer};

/// Stage names that would make references ambiguous.
const RESERVED: &[&str] = &["params"];

pub fn check(
    src: &SourceFile,
    pipeline: &ir::Pipeline,
    registry: &Registry,
) -> Result<Workflow, CheckErrors> {
    let mut errors = Vec::new();
    let unique = unique_stages(pipeline, &mut errors);
    let kinds = resolve_kinds(pipeline, &unique, registry, &mut errors);
    let sigs: BTreeMap<String, Option<&Signature>> = kinds
        .iter()
        .map(|(name, k)| (name.clone(), k.as_ref().map(|k| k.signature())))
        .collect();

    let mut graph: DiGraph<StageNode, EdgeInfo> = DiGraph::new();
    let mut index: BTreeMap<String, NodeIndex> = BTreeMap::new();
    for stage in &unique {
        let Some(Some(kind)) = kinds.get(&stage.name.name) else {
            continue;
        };
        let sig = kind.signature();
        let mut typer = Typer::new(Scope {
            stages: &sigs,
            params: &pipeline.params,
            current: &stage.name.name,
        });
        let owner = format!("stage `{}` ({})", stage.name.name, sig.kind);
        let checked = typer.fields(&owner, &stage.entries, &sig.params, stage.name.span);
        errors.append(&mut typer.errors);
        let Some(checked) = checked else { continue };
        let params = Params::new(checked);
        errors.extend(
            kind.validate(&params)
                .into_iter()
                .map(|e| point_at_stage(e, &stage.name.name, stage.name.span))
                .map(CheckError::from),
        );
        let node = graph.add_node(StageNode {
            name: stage.name.name.clone(),
            kind: Arc::clone(kind),
            params,
            span: stage.span,
            name_span: stage.name.span,
        });
        index.insert(stage.name.name.clone(), node);
    }
    add_edges(&mut graph, &index);
    errors.extend(find_cycles(&graph));

    if !errors.is_empty() {
        // Report in the order the user reads the file.
        errors.sort_by_key(first_offset);
        return Err(CheckErrors {
            file: src.name.clone(),
            src: src.named_source(),
            errors,
        });
    }
    let seed = pipeline.seed.as_ref().map(|s| s.value as u64).unwrap_or(0);
    Workflow::seal(pipeline.name.name.clone(), src.clone(), seed, graph).ok_or_else(|| {
        CheckErrors {
            file: src.name.clone(),
            src: src.named_source(),
            errors: vec![CheckError::Invalid {
                message: "internal error: the pipeline has a cycle that was not reported".into(),
                span: Span::default(),
                help: None,
            }],
        }
    })
}

/// The stages with distinct, allowed names; duplicates are reported against the first.
fn unique_stages<'p>(
    pipeline: &'p ir::Pipeline,
    errors: &mut Vec<CheckError>,
) -> Vec<&'p ir::StageDecl> {
    let mut seen: BTreeMap<&str, Span> = BTreeMap::new();
    let mut out = Vec::new();
    for stage in &pipeline.stages {
        let name = stage.name.name.as_str();
        if RESERVED.contains(&name) {
            errors.push(CheckError::ReservedName {
                name: name.to_string(),
                span: stage.name.span,
            });
            continue;
        }
        if let Some(first) = seen.get(name) {
            errors.push(CheckError::DuplicateStage {
                name: name.to_string(),
                span: stage.name.span,
                first: *first,
            });
            continue;
        }
        seen.insert(name, stage.name.span);
        out.push(stage);
    }
    out
}

/// Each stage's kind, or `None` (with an error recorded) when it cannot be found.
fn resolve_kinds(
    pipeline: &ir::Pipeline,
    stages: &[&ir::StageDecl],
    registry: &Registry,
    errors: &mut Vec<CheckError>,
) -> BTreeMap<String, Option<Arc<dyn StageKind>>> {
    let mut out = BTreeMap::new();
    for stage in stages {
        let kind = match &stage.kind.plugin {
            Some(plugin) => {
                let full = stage.kind.to_string();
                if let Some(k) = registry.get(&full) {
                    Some(Arc::clone(k))
                } else if pipeline.plugins.iter().any(|p| p.name.name == plugin.name) {
                    // Loaded (the host registers a plugin's kinds as `plugin.kind`), but
                    // without this kind.
                    let prefix = format!("{}.", plugin.name);
                    let own: Vec<&str> = registry
                        .names()
                        .filter_map(|n| n.strip_prefix(prefix.as_str()))
                        .collect();
                    let help = match did_you_mean(&stage.kind.name.name, own.iter().copied()) {
                        Some(s) => format!("did you mean `{}{s}`?", prefix),
                        None if own.is_empty() => format!(
                            "`{}` provides no transforms here (an estimator is used as a model's `algorithm = {}NAME`); `aimass stages` lists what is loaded",
                            plugin.name, prefix
                        ),
                        None => format!("`{}` provides: {}", plugin.name, own.join(", ")),
                    };
                    errors.push(CheckError::UnknownPluginKind {
                        plugin: plugin.name.clone(),
                        kind: stage.kind.name.name.clone(),
                        span: stage.kind.name.span,
                        help,
                    });
                    None
                } else {
                    let names = pipeline.plugins.iter().map(|p| p.name.name.as_str());
                    let help = match did_you_mean(&plugin.name, names) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => format!(
                            "declare it: plugin {} = \"path/to/lib{}.so\"",
                            plugin.name, plugin.name
                        ),
                    };
                    errors.push(CheckError::UnknownPlugin {
                        plugin: plugin.name.clone(),
                        span: plugin.span,
                        help,
                    });
                    None
                }
            }
            None => match registry.get(&stage.kind.name.name) {
                Some(k) => Some(Arc::clone(k)),
                None => {
                    let help = match did_you_mean(&stage.kind.name.name, registry.names()) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => format!(
                            "built-in kinds: {} (`aimass stages` describes them)",
                            registry.names().collect::<Vec<_>>().join(", ")
                        ),
                    };
                    errors.push(CheckError::UnknownKind {
                        kind: stage.kind.name.name.clone(),
                        span: stage.kind.span,
                        help,
                    });
                    None
                }
            },
        };
        out.insert(stage.name.name.clone(), kind);
    }
    out
}

/// One edge per reference, from the producing stage to the consuming one.
fn add_edges(graph: &mut DiGraph<StageNode, EdgeInfo>, index: &BTreeMap<String, NodeIndex>) {
    let mut edges = Vec::new();
    for to in graph.node_indices() {
        let node = &graph[to];
        for (param, value) in node.params.iter() {
            collect_edges(param, value, to, index, &mut edges);
        }
    }
    for (from, to, mut info) in edges {
        if let Some(port) = graph[from].kind.signature().output_port(&info.from_port) {
            info.ty = port.ty;
        }
        graph.add_edge(from, to, info);
    }
}

fn collect_edges(
    param: &str,
    value: &crate::param::ParamValue,
    to: NodeIndex,
    index: &BTreeMap<String, NodeIndex>,
    out: &mut Vec<(NodeIndex, NodeIndex, EdgeInfo)>,
) {
    match &value.kind {
        PKind::Input(r) => {
            if let Some(&from) = index.get(&r.stage) {
                out.push((
                    from,
                    to,
                    EdgeInfo {
                        from_port: r.port.clone(),
                        to_param: param.to_string(),
                        ty: crate::signature::ArtifactType::Frame,
                        span: value.span,
                    },
                ));
            }
        }
        PKind::List(items) => items
            .iter()
            .for_each(|v| collect_edges(param, v, to, index, out)),
        PKind::Map(entries) => entries
            .iter()
            .for_each(|(_, v)| collect_edges(param, v, to, index, out)),
        _ => {}
    }
}

/// Every cycle (strongly connected component of more than one stage), naming its stages in
/// the order the data would flow and pointing at each reference that closes it.
fn find_cycles(graph: &DiGraph<StageNode, EdgeInfo>) -> Vec<CheckError> {
    let mut out = Vec::new();
    for scc in petgraph::algo::tarjan_scc(graph) {
        if scc.len() < 2 {
            continue;
        }
        // Start at the stage written first, then follow edges that stay inside the component.
        let Some(&start) = scc.iter().min_by_key(|n| graph[**n].span.offset) else {
            continue;
        };
        let mut order = vec![start];
        let mut current = start;
        while order.len() < scc.len() {
            let next = graph
                .neighbors(current)
                .filter(|n| scc.contains(n) && !order.contains(n))
                .min_by_key(|n| graph[*n].span.offset);
            match next {
                Some(n) => {
                    order.push(n);
                    current = n;
                }
                None => break,
            }
        }
        let mut stages: Vec<String> = order.iter().map(|n| graph[*n].name.clone()).collect();
        stages.push(graph[start].name.clone());
        let spans = graph
            .edge_indices()
            .filter_map(|e| {
                let (a, b) = graph.edge_endpoints(e)?;
                (scc.contains(&a) && scc.contains(&b)).then(|| {
                    let info = &graph[e];
                    miette::LabeledSpan::new_with_span(
                        Some(format!("`{}` reads `{}`", graph[b].name, graph[a].name)),
                        info.span,
                    )
                })
            })
            .collect();
        out.push(CheckError::Cycle { stages, spans });
    }
    out
}

/// Where a diagnostic's first label points (errors without one sort last).
fn first_offset(e: &CheckError) -> usize {
    use miette::Diagnostic;
    e.labels()
        .and_then(|mut l| l.next())
        .map(|l| l.offset())
        .unwrap_or(usize::MAX)
}

/// A validation error with no label of its own points at the stage's name, so the user sees
/// which stage it is about. Except a secret's: the snippet would print its line again
/// ([`crate::stage::SECRET_SUFFIX`]).
fn point_at_stage(e: StageError, stage: &str, span: Span) -> StageError {
    if e.labels.is_empty() && !e.code.ends_with(crate::stage::SECRET_SUFFIX) {
        e.at(span, format!("in stage `{stage}`"))
    } else {
        e
    }
}
