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

    pub(crate) fn n_leaves(&self) -> usize {
        self.nodes
            .iter()
            .filter(|n| matches!(n, Node::Leaf(_)))
            .count()
    }
}
