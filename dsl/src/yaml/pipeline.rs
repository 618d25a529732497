//! The top level of a YAML pipeline: `pipeline:`, `description:`, `seed:`, `params:`,
//! `plugins:` and `stages:`.

use super::lower::YamlLower;
use super::tree::{Node, NodeKind};
use crate::errors::{SyntaxError, NAME_HELP};
use crate::ir::{
    Comments, Entry, Ident, KindRef, Pipeline, PluginDecl, Span, Spanned, StageDecl, ValueKind,
};
use crate::keys::{check_duplicate_idents, is_ident};

const TOP_HELP: &str = "a YAML pipeline is a mapping such as:\n    pipeline: my-pipeline\n    stages:\n      raw:\n        kind: collect\n        source: data.csv";

pub(crate) fn pipeline(l: &mut YamlLower<'_>, root: Option<Node>) -> Option<Pipeline> {
    let Some(root) = root else {
        l.errors.push(SyntaxError::NotMapping {
            what: "a pipeline file".to_owned(),
            found: "empty",
            span: Span::new(0, 0).into(),
            help: TOP_HELP.to_owned(),
        });
        return None;
    };
    let NodeKind::Map(pairs) = &root.kind else {
        l.errors.push(SyntaxError::NotMapping {
            what: "the top level of the file".to_owned(),
            found: root.describe(),
            span: root.span.into(),
            help: TOP_HELP.to_owned(),
        });
        return None;
    };
    let mut name = None;
    let mut description = None;
    let mut seed = None;
    let mut params = Vec::new();
    let mut plugins = Vec::new();
    let mut stages = Vec::new();
    let mut keys = Vec::new();
    for (k, v) in pairs {
        let Some(key) = l.text_of(k, "a key") else {
            continue;
        };
        keys.push(Ident::new(key.value.clone(), key.span));
        match key.value.as_str() {
            "pipeline" => {
                name = l
                    .text_of(v, "`pipeline`")
                    .map(|t| Ident::new(t.value, t.span));
            }
            "description" => description = l.text_of(v, "`description`"),
            "seed" => seed = self::seed(l, v),
            "params" => params = mapping(l, v, "`params`").map_or_else(Vec::new, |p| l.entries(p)),
            "plugins" => {
                if let Some(pairs) = mapping(l, v, "`plugins`") {
                    plugins = self::plugins(l, pairs);
                }
            }
            "stages" => {
                if let Some(pairs) = mapping(l, v, "`stages`") {
                    stages = self::stages(l, pairs);
                }
            }
            _ => l.errors.push(SyntaxError::UnknownKey {
                name: key.value,
                span: key.span.into(),
            }),
        }
    }
    check_duplicate_idents(keys.iter(), &mut l.errors);
    let Some(name) = name else {
        if !pairs
            .iter()
            .any(|(k, _)| scalar_text(k) == Some("pipeline"))
        {
            l.errors.push(SyntaxError::MissingKey {
                what: "the file".to_owned(),
                key: "pipeline",
                span: Span::new(root.span.offset, 0).into(),
                help: "name the pipeline on the first line: `pipeline: my-pipeline`".to_owned(),
            });
        }
        return None;
    };
    Some(Pipeline {
        name,
        description,
        seed,
        params,
        plugins,
        stages,
        comments: Comments::default(),
    })
}

fn scalar_text(node: &Node) -> Option<&str> {
    match &node.kind {
        NodeKind::Scalar { text, .. } => Some(text),
        _ => None,
    }
}

/// The pairs of a node that must be a mapping.
fn mapping<'n>(l: &mut YamlLower<'_>, node: &'n Node, what: &str) -> Option<&'n [(Node, Node)]> {
    match &node.kind {
        NodeKind::Map(pairs) => Some(pairs),
        NodeKind::Scalar { text, .. } if text.is_empty() => {
            l.errors.push(SyntaxError::Null {
                span: node.span.into(),
            });
            None
        }
        _ => {
            l.errors.push(SyntaxError::NotMapping {
                what: what.to_owned(),
                found: node.describe(),
                span: node.span.into(),
                help: format!("write {what} as indented `name: value` lines"),
            });
            None
        }
    }
}

fn seed(l: &mut YamlLower<'_>, node: &Node) -> Option<Spanned<i64>> {
    let value = l.value(node)?;
    match value.kind {
        ValueKind::Int(n) => Some(Spanned {
            value: n,
            span: value.span,
        }),
        kind => {
            l.errors.push(SyntaxError::SettingType {
                key: "seed".to_owned(),
                expected: "an integer",
                found: kind.describe(),
                span: node.span.into(),
                help: "write a whole number, such as `seed: 42`".to_owned(),
            });
            None
        }
    }
}

fn plugins(l: &mut YamlLower<'_>, pairs: &[(Node, Node)]) -> Vec<PluginDecl> {
    let mut out = Vec::new();
    let mut names = Vec::new();
    for (k, v) in pairs {
        let name = l.key(k, "plugin name");
        let path = l.text_of(v, "a plugin's path");
        if let Some(name) = &name {
            names.push(name.clone());
        }
        if let (Some(name), Some(path)) = (name, path) {
            out.push(PluginDecl { name, path });
        }
    }
    check_duplicate_idents(names.iter(), &mut l.errors);
    out
}

fn stages(l: &mut YamlLower<'_>, pairs: &[(Node, Node)]) -> Vec<StageDecl> {
    let mut out = Vec::new();
    let mut names = Vec::new();
    for (k, v) in pairs {
        let Some(name) = l.key(k, "stage name") else {
            continue;
        };
        names.push(name.clone());
        if let Some(stage) = stage(l, name, v) {
            out.push(stage);
        }
    }
    check_duplicate_idents(names.iter(), &mut l.errors);
    out
}

fn stage(l: &mut YamlLower<'_>, name: Ident, node: &Node) -> Option<StageDecl> {
    let NodeKind::Map(pairs) = &node.kind else {
        l.errors.push(SyntaxError::NotMapping {
            what: format!("stage `{name}`"),
            found: node.describe(),
            span: node.span.into(),
            help: format!(
                "write the stage as an indented mapping:\n    {name}:\n      kind: collect\n      source: data.csv"
            ),
        });
        return None;
    };
    let mut kind = None;
    let mut kind_seen = false;
    let mut entry_pairs = Vec::with_capacity(pairs.len());
    for pair in pairs {
        if scalar_text(&pair.0) == Some("kind") {
            kind_seen = true;
            if kind.is_none() {
                kind = kind_ref(l, &pair.1);
            }
        } else {
            entry_pairs.push(pair.clone());
        }
    }
    // Duplicates among all keys, `kind` included.
    let keys: Vec<Ident> = pairs
        .iter()
        .filter_map(|(k, _)| scalar_text(k).map(|t| Ident::new(t, k.span)))
        .collect();
    let mut entries: Vec<Entry> = Vec::new();
    for (k, v) in &entry_pairs {
        let key = l.key(k, "parameter name");
        let value = l.value(v);
        if let (Some(key), Some(value)) = (key, value) {
            entries.push(Entry { key, value });
        }
    }
    check_duplicate_idents(keys.iter(), &mut l.errors);
    if !kind_seen {
        l.errors.push(SyntaxError::MissingKey {
            what: format!("stage `{name}`"),
            key: "kind",
            span: name.span.into(),
            help: format!("say what the stage does: add `kind: collect` (or another stage kind) under `{name}:`"),
        });
    }
    let span = name.span.join(node.span);
    Some(StageDecl {
        name,
        kind: kind?,
        entries,
        span,
    })
}

/// `collect` or `rfm.segment`.
fn kind_ref(l: &mut YamlLower<'_>, node: &Node) -> Option<KindRef> {
    let text = l.text_of(node, "`kind`")?;
    let span = text.span;
    let parts: Vec<&str> = text.value.split('.').collect();
    if !(1..=2).contains(&parts.len()) || !parts.iter().all(|p| is_ident(p)) {
        l.errors.push(SyntaxError::BadName {
            what: "stage kind",
            text: text.value.clone(),
            span: span.into(),
            help: format!(
                "a kind is a name (`collect`) or a plugin's kind (`rfm.segment`); {NAME_HELP}"
            ),
        });
        return None;
    }
    // Point each part at its own text when the scalar is written as is.
    let verbatim = l.text.get(span.offset..span.offset + span.len) == Some(text.value.as_str());
    let part_span = |start: usize, part: &str| {
        if verbatim {
            Span::new(span.offset + start, part.len())
        } else {
            span
        }
    };
    Some(match parts.as_slice() {
        [plugin, kind] => KindRef {
            plugin: Some(Ident::new(*plugin, part_span(0, plugin))),
            name: Ident::new(*kind, part_span(plugin.len() + 1, kind)),
            span,
        },
        _ => KindRef {
            plugin: None,
            name: Ident::new(text.value.clone(), span),
            span,
        },
    })
}
