//! Comments, kept beside the IR so that formatting a file does not destroy them.
//!
//! Comments are stored in one side table on the [`Pipeline`](crate::ir::Pipeline), keyed by the
//! path of the node they belong to (`stage tidy` / `impute` / `numeric`), rather than as fields
//! of every IR node: code that builds or rewrites nodes (the engine's `--set` overrides) keeps
//! working unchanged, and a comment stays with its key when the value is replaced.
//!
//! Like [`Span`](crate::ir::Span), `Comments` always compares equal: comments are not meaning.

use std::collections::BTreeMap;
use std::fmt;

/// One step of a path from the file down to a node.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Segment {
    /// The `pipeline "..." { }` header.
    Header,
    Plugin(String),
    Stage(String),
    /// An entry of a block or map, by key.
    Key(String),
    /// An item of a list (or of a `{ }` block of comparisons), by position.
    Item(usize),
}

/// The comments attached to one node.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NodeComments {
    /// Whole-line comments written above the node, each with its `#`.
    pub leading: Vec<String>,
    /// The comment at the end of the node's last line.
    pub trailing: Option<String>,
    /// Comments after the node's last child, before its closing bracket (for the file: the
    /// comments at its end).
    pub inner: Vec<String>,
}

impl NodeComments {
    pub fn is_empty(&self) -> bool {
        self.leading.is_empty() && self.trailing.is_none() && self.inner.is_empty()
    }
}

/// All comments of a pipeline, by node path. The empty path is the file itself.
#[derive(Clone, Default)]
pub struct Comments {
    by_path: BTreeMap<Vec<Segment>, NodeComments>,
}

impl Comments {
    pub fn is_empty(&self) -> bool {
        self.by_path.is_empty()
    }

    pub fn get(&self, path: &[Segment]) -> Option<&NodeComments> {
        self.by_path.get(path)
    }

    /// The comments of a node, created empty if it has none yet.
    pub fn entry(&mut self, path: Vec<Segment>) -> &mut NodeComments {
        self.by_path.entry(path).or_default()
    }

    /// True when a comment sits inside the node at `path` (on a descendant, or before its
    /// closing bracket): such a node cannot be printed on one line without losing it.
    pub fn has_inside(&self, path: &[Segment]) -> bool {
        if self.get(path).is_some_and(|c| !c.inner.is_empty()) {
            return true;
        }
        self.by_path
            .range(path.to_vec()..)
            .skip_while(|(p, _)| p.as_slice() == path)
            .take_while(|(p, _)| p.starts_with(path))
            .any(|(_, c)| !c.is_empty())
    }

    /// Every node with comments, in path order.
    pub fn iter(&self) -> impl Iterator<Item = (&[Segment], &NodeComments)> {
        self.by_path.iter().map(|(p, c)| (p.as_slice(), c))
    }
}

impl PartialEq for Comments {
    fn eq(&self, _other: &Self) -> bool {
        true
    }
}

impl fmt::Debug for Comments {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Comments({} nodes)", self.by_path.len())
    }
}
