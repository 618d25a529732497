//! Growing a CART tree depth first: split each node on its best split (see [`super::search`])
//! until a stopping rule or purity makes it a leaf.
//!
//! The node's rows live at contiguous positions of one index array, partitioned in place
//! together with the feature ranks (see [`Columns`]). Nodes are numbered in depth-first,
//! left-first order, as scikit-learn numbers them.

use linfa::Error;

use super::columns::{stable_partition, Columns};
use super::criterion::Criterion;
use super::search::{best_split, Scratch};
use super::tree::{Node, Tree};

/// The stopping rules shared by every tree, with scikit-learn's names and defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct Limits {
    pub(crate) max_depth: Option<usize>,
    pub(crate) min_samples_split: usize,
    pub(crate) min_samples_leaf: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_depth: None,
            min_samples_split: 2,
            min_samples_leaf: 1,
        }
    }
}

impl Limits {
    pub(crate) fn check(&self) -> Result<(), Error> {
        if self.max_depth == Some(0) {
            return Err(Error::Parameters(
                "max_depth must be at least 1 (or None for no limit)".into(),
            ));
        }
        if self.min_samples_split < 2 {
            return Err(Error::Parameters(format!(
                "min_samples_split must be at least 2, got {}",
                self.min_samples_split
            )));
        }
        if self.min_samples_leaf < 1 {
            return Err(Error::Parameters(
                "min_samples_leaf must be at least 1, got 0".into(),
            ));
        }
        Ok(())
    }
}

/// A node waiting to be grown: its rows are `rows[start..end]`.
struct Pending {
    start: usize,
    end: usize,
    depth: usize,
    /// Where to record this node's index: (parent node, is left child).
    parent: Option<(usize, bool)>,
    /// Features not yet known to be constant on these rows.
    features: Vec<usize>,
}

/// Grows a tree on all rows of `cols`; `limits` must have passed [`Limits::check`].
pub(crate) fn grow<C: Criterion>(crit: &C, cols: Columns, limits: &Limits) -> Tree<C::Leaf> {
    grow_keeping(crit, cols, limits, false).0
}

/// Every node's value as if it were a leaf, and its number of rows (internal nodes
/// included, in node order): what [`Tree::truncate`] needs to read the tree of any smaller
/// `max_depth` or larger `min_samples_split` from a tree.
pub(crate) struct NodeFacts<V> {
    pub(crate) values: Vec<V>,
    pub(crate) rows: Vec<usize>,
}

/// As [`grow`], also giving [`NodeFacts`] when `keep_values`.
pub(crate) fn grow_keeping<C: Criterion>(
    crit: &C,
    mut cols: Columns,
    limits: &Limits,
    keep_values: bool,
) -> (Tree<C::Leaf>, NodeFacts<C::Leaf>) {
    let mut values: Vec<C::Leaf> = Vec::new();
    let mut counts: Vec<usize> = Vec::new();
    let n_rows = cols.n_rows();
    let mut rows: Vec<u32> = (0..n_rows as u32).collect();
    let mut right_rows: Vec<u32> = Vec::with_capacity(n_rows);
    let mut scratch: Vec<Scratch<C::Stats>> = (0..rayon::current_num_threads().max(1))
        .map(|_| Scratch::default())
        .collect();
    let mut nodes: Vec<Node<C::Leaf>> = Vec::new();
    let mut node_rows_kept: Vec<u32> = Vec::new();
    let mut stack = vec![Pending {
        start: 0,
        end: n_rows,
        depth: 0,
        parent: None,
        features: (0..cols.n_features()).collect(),
    }];
    while let Some(task) = stack.pop() {
        let id = nodes.len();
        if let Some((parent, is_left)) = task.parent {
            if let Node::Split { left, right, .. } = &mut nodes[parent] {
                *(if is_left { left } else { right }) = id;
            }
        }
        let node_rows = &rows[task.start..task.end];
        let mut stats = crit.empty();
        for &r in node_rows {
            crit.add(&mut stats, r);
        }
        let m = node_rows.len();
        // Row counts fit in u32: the row indices themselves are u32.
        node_rows_kept.push(m as u32);
        let splittable = limits.max_depth.is_none_or(|d| task.depth < d)
            && m >= limits.min_samples_split
            && m >= 2 * limits.min_samples_leaf
            && !crit.is_pure(node_rows);
        let split = if splittable {
            best_split(
                crit,
                &cols,
                (task.start, task.end),
                node_rows,
                &stats,
                &task.features,
                limits.min_samples_leaf,
                &mut scratch,
            )
        } else {
            None
        };
        let Some(split) = split else {
            let leaf = crit.leaf(&stats);
            if keep_values {
                values.push(leaf.clone());
                counts.push(m);
            }
            nodes.push(Node::Leaf(leaf));
            continue;
        };
        if keep_values {
            values.push(crit.leaf(&stats));
            counts.push(m);
        }
        let go_left: Vec<bool> = cols.codes(split.feature)[task.start..task.end]
            .iter()
            .map(|&c| c <= split.code)
            .collect();
        let mid = task.start + go_left.iter().filter(|&&l| l).count();
        stable_partition(&mut rows[task.start..task.end], &go_left, &mut right_rows);
        cols.partition(task.start, task.end, &go_left, &split.live);
        nodes.push(Node::Split {
            feature: split.feature,
            threshold: split.threshold,
            left: 0,
            right: 0,
        });
        // Right first so that the left child is popped, and numbered, next.
        for (start, end, is_left) in [(mid, task.end, false), (task.start, mid, true)] {
            stack.push(Pending {
                start,
                end,
                depth: task.depth + 1,
                parent: Some((id, is_left)),
                features: split.live.clone(),
            });
        }
    }
    let facts = NodeFacts {
        values,
        rows: counts,
    };
    (
        Tree {
            nodes,
            rows: node_rows_kept,
        },
        facts,
    )
}
