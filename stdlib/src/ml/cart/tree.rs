//! The fitted tree: a flat node array, walked from the root.

use ndarray::{ArrayBase, Data, Ix1};
use serde::{Deserialize, Serialize};

/// One node. Children are indices into [`Tree::nodes`]; rows with
/// `x[feature] <= threshold` go left, as in scikit-learn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) enum Node<V> {
    Leaf(V),
    Split {
        feature: usize,
        threshold: f64,
        left: usize,
        right: usize,
    },
}

/// Nodes in depth-first, left-first order; the root is node 0.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Tree<V> {
    pub(crate) nodes: Vec<Node<V>>,
    /// The training rows that reached each node, in node order: what feature importance
    /// (impurity decrease weighted by rows, see `importance.rs`) needs besides the leaf
    /// values. Empty in trees stored before it was kept.
    #[serde(default)]
    pub(crate) rows: Vec<u32>,
}

impl<V> Tree<V> {
    /// The index (into `nodes`) of the leaf a row falls in.
    pub(crate) fn leaf_index<S: Data<Elem = f64>>(&self, row: &ArrayBase<S, Ix1>) -> usize {
        let mut at = 0;
        loop {
            match &self.nodes[at] {
                Node::Leaf(_) => return at,
                Node::Split {
                    feature,
                    threshold,
                    left,
                    right,
                } => {
                    at = if row[*feature] <= *threshold {
                        *left
                    } else {
                        *right
                    }
                }
            }
        }
    }

    /// The leaf value for one row of features.
    ///
    /// A NaN feature compares false with `<=` and so goes right; fitting rejects NaN, so this
    /// only happens on data the tree never saw.
    pub(crate) fn leaf<S: Data<Elem = f64>>(&self, row: &ArrayBase<S, Ix1>) -> &V {
        match &self.nodes[self.leaf_index(row)] {
            Node::Leaf(v) => v,
            Node::Split { .. } => unreachable!("leaf_index stops only at a leaf"),
        }
    }

    /// Longest root-to-leaf path, in edges (a lone leaf has depth 0).
    pub(crate) fn depth(&self) -> usize {
        let mut deepest = 0;
        let mut stack = vec![(0usize, 0usize)];
        while let Some((at, depth)) = stack.pop() {
            deepest = deepest.max(depth);
            if let Node::Split { left, right, .. } = &self.nodes[at] {
                stack.push((*left, depth + 1));
                stack.push((*right, depth + 1));
            }
        }
        deepest
    }

    /// The tree that growing with `max_depth` and `min_samples_split` would have given,
    /// read from this one grown with looser limits (and the same others): a greedy CART
    /// tree chooses each split regardless of these two limits, which only decide whether a
    /// node is split at all. So the stricter tree is this one with every node at depth
    /// `max_depth`, or with fewer than `min_samples_split` rows, made a leaf with the value
    /// its rows give (`facts`, from [`super::grow::grow_keeping`]). Nodes keep the
    /// depth-first, left-first numbering.
    pub(crate) fn truncate(
        &self,
        facts: &super::grow::NodeFacts<V>,
        max_depth: Option<usize>,
        min_samples_split: usize,
    ) -> Tree<V>
    where
        V: Clone,
    {
        /// A node of this tree still to copy: its index, depth, and where to record its new
        /// index (the new parent, and whether it is the left child).
        struct Todo {
            at: usize,
            depth: usize,
            parent: Option<(usize, bool)>,
        }
        let mut nodes: Vec<Node<V>> = Vec::new();
        let mut rows: Vec<u32> = Vec::new();
        let mut stack = vec![Todo {
            at: 0,
            depth: 0,
            parent: None,
        }];
        while let Some(Todo { at, depth, parent }) = stack.pop() {
            let id = nodes.len();
            if let Some((p, is_left)) = parent {
                if let Node::Split { left, right, .. } = &mut nodes[p] {
                    *(if is_left { left } else { right }) = id;
                }
            }
            rows.push(u32::try_from(facts.rows[at]).unwrap_or(u32::MAX));
            match &self.nodes[at] {
                Node::Split {
                    feature,
                    threshold,
                    left,
                    right,
                } if max_depth.is_none_or(|d| depth < d) && facts.rows[at] >= min_samples_split => {
                    nodes.push(Node::Split {
                        feature: *feature,
                        threshold: *threshold,
                        left: 0,
                        right: 0,
                    });
                    // Right first so that the left child is numbered next, as in `grow`.
                    for (child, is_left) in [(*right, false), (*left, true)] {
                        stack.push(Todo {
                            at: child,
                            depth: depth + 1,
                            parent: Some((id, is_left)),
                        });
                    }
                }
                _ => nodes.push(Node::Leaf(facts.values[at].clone())),
            }
        }
        Tree { nodes, rows }
    }

    pub(crate) fn n_leaves(&self) -> usize {
        self.nodes
            .iter()
            .filter(|n| matches!(n, Node::Leaf(_)))
            .count()
    }
}
