//! A k-d tree over the training rows, for exact neighbour search with few features.
//!
//! Rows are permuted so each node's rows are contiguous; a node splits its widest dimension
//! at the median. A query descends to the near side first and visits the far side only when
//! the split plane is no farther than its k-th best, which both metrics allow (a row beyond
//! the plane is at least the plane's distance away along that one dimension).

use crate::neighbours::{distance, offer, Found, Metric};

/// Above this many features a k-d tree prunes too little to beat brute force.
pub const TREE_MAX_DIMS: usize = 16;
const LEAF: usize = 16;

enum Node {
    Leaf {
        start: usize,
        end: usize,
    },
    Split {
        dim: usize,
        at: f64,
        left: usize,
        right: usize,
    },
}

pub struct Tree<'a> {
    train: &'a [f64],
    d: usize,
    rows: Vec<usize>,
    nodes: Vec<Node>,
}

impl<'a> Tree<'a> {
    pub fn build(train: &'a [f64], d: usize) -> Tree<'a> {
        let n = train.len().checked_div(d).unwrap_or(0);
        let mut t = Tree {
            train,
            d,
            rows: (0..n).collect(),
            nodes: Vec::new(),
        };
        if n > 0 {
            t.split(0, n);
        }
        t
    }

    fn value(&self, row: usize, dim: usize) -> f64 {
        self.train[row * self.d + dim]
    }

    /// Builds the node of rows[start..end]; its index.
    fn split(&mut self, start: usize, end: usize) -> usize {
        let id = self.nodes.len();
        self.nodes.push(Node::Leaf { start, end });
        if end - start <= LEAF {
            return id;
        }
        let (mut dim, mut spread) = (0, -1.0);
        for j in 0..self.d {
            let (lo, hi) = self.rows[start..end].iter().fold(
                (f64::INFINITY, f64::NEG_INFINITY),
                |(lo, hi), &r| {
                    let v = self.value(r, j);
                    (lo.min(v), hi.max(v))
                },
            );
            if hi - lo > spread {
                (dim, spread) = (j, hi - lo);
            }
        }
        if spread <= 0.0 {
            return id; // every row is the same point
        }
        let mid = start + (end - start) / 2;
        let (train, d) = (self.train, self.d);
        self.rows[start..end].select_nth_unstable_by(mid - start, |&a, &b| {
            train[a * d + dim].total_cmp(&train[b * d + dim])
        });
        let at = self.value(self.rows[mid], dim);
        let left = self.split(start, mid);
        let right = self.split(mid, end);
        self.nodes[id] = Node::Split {
            dim,
            at,
            left,
            right,
        };
        id
    }

    fn visit(&self, node: usize, q: &[f64], k: usize, metric: Metric, best: &mut Found) {
        match self.nodes[node] {
            Node::Leaf { start, end } => {
                for &r in &self.rows[start..end] {
                    let dist = distance(&self.train[r * self.d..(r + 1) * self.d], q, metric);
                    offer(best, k, dist, r);
                }
            }
            Node::Split {
                dim,
                at,
                left,
                right,
            } => {
                let diff = q[dim] - at;
                let (near, far) = if diff < 0.0 {
                    (left, right)
                } else {
                    (right, left)
                };
                self.visit(near, q, k, metric, best);
                let bound = match metric {
                    Metric::Euclidean => diff * diff, // distances are squared while searching
                    Metric::Manhattan => diff.abs(),
                };
                // A row exactly as far may still win a tie by its index: only `>` prunes.
                if best.len() < k || bound <= best[k - 1].0 {
                    self.visit(far, q, k, metric, best);
                }
            }
        }
    }

    /// The k nearest rows of `q`, as brute force would order them.
    pub fn nearest(&self, q: &[f64], k: usize, metric: Metric) -> Found {
        let mut best: Found = Vec::with_capacity(k + 1);
        if !self.nodes.is_empty() {
            self.visit(0, q, k, metric, &mut best);
        }
        best
    }
}
