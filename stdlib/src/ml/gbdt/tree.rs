//! A fitted tree as flat arrays (compact in JSON: no key repeated per node).
//!
//! Internal node `i` sends a row left when `x[feature[i]] <= threshold[i]`, and a missing
//! value (NaN) left when `missing_left[i]`; a split of numbers from missing values has the
//! threshold `f64::MAX` (JSON has no infinity), so only `+inf` would go right with the
//! missing values, and aimass refuses infinite features; a child `c >= 0` is a node, `c < 0` is leaf
//! `!c`. A tree of one leaf has no nodes. Leaf values are already shrunk by the learning
//! rate: a model's score is its initial score plus the leaves its rows reach.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Tree {
    pub feature: Vec<u32>,
    pub threshold: Vec<f64>,
    pub missing_left: Vec<bool>,
    pub left: Vec<i32>,
    pub right: Vec<i32>,
    pub leaf: Vec<f64>,
}

impl Tree {
    /// A tree of one leaf.
    pub fn constant(value: f64) -> Tree {
        Tree {
            leaf: vec![value],
            ..Tree::default()
        }
    }

    pub fn n_leaves(&self) -> usize {
        self.leaf.len()
    }

    /// The leaf a row of feature values reaches.
    #[inline]
    pub fn leaf_of(&self, row: &[f64]) -> usize {
        if self.feature.is_empty() {
            return 0;
        }
        let mut node = 0usize;
        loop {
            let v = row[self.feature[node] as usize];
            let left = if v.is_nan() {
                self.missing_left[node]
            } else {
                v <= self.threshold[node]
            };
            let next = if left {
                self.left[node]
            } else {
                self.right[node]
            };
            if next < 0 {
                return !next as usize;
            }
            node = next as usize;
        }
    }

    /// The value of the leaf a row reaches.
    #[inline]
    pub fn value(&self, row: &[f64]) -> f64 {
        self.leaf[self.leaf_of(row)]
    }

    /// Whether the node arrays are consistent: children in range, every leaf reached
    /// once, features below `n_features`. Checked when a model is read back.
    pub fn is_valid(&self, n_features: usize) -> bool {
        let n = self.feature.len();
        let same = [
            self.threshold.len(),
            self.missing_left.len(),
            self.left.len(),
            self.right.len(),
        ];
        if same.iter().any(|&l| l != n) || self.leaf.len() != n + 1 {
            return false;
        }
        if self.feature.iter().any(|&f| f as usize >= n_features) {
            return false;
        }
        if n == 0 {
            return true;
        }
        let mut leaves = vec![false; n + 1];
        let mut nodes = vec![false; n];
        for &c in self.left.iter().chain(&self.right) {
            let seen = if c < 0 {
                leaves.get_mut(!c as usize)
            } else {
                // Node 0 is the root: no child points at it.
                nodes.get_mut(c as usize).filter(|_| c > 0)
            };
            match seen {
                Some(s) if !*s => *s = true,
                _ => return false,
            }
        }
        leaves.iter().all(|&s| s) && nodes.iter().skip(1).all(|&s| s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_reach_their_leaves() {
        // x0 <= 1 ? (x1 <= 5 ? leaf 0 : leaf 2) : leaf 1; missing x0 goes right,
        // missing x1 left.
        let t = Tree {
            feature: vec![0, 1],
            threshold: vec![1.0, 5.0],
            missing_left: vec![false, true],
            left: vec![1, !0],
            right: vec![!1, !2],
            leaf: vec![10.0, 20.0, 30.0],
        };
        assert!(t.is_valid(2));
        assert!(!t.is_valid(1));
        assert_eq!(t.value(&[0.0, 0.0]), 10.0);
        assert_eq!(t.value(&[1.0, 6.0]), 30.0);
        assert_eq!(t.value(&[2.0, 0.0]), 20.0);
        assert_eq!(t.value(&[f64::NAN, 0.0]), 20.0);
        assert_eq!(t.value(&[0.0, f64::NAN]), 10.0);
        assert_eq!(Tree::constant(3.0).value(&[1.0]), 3.0);
        assert!(Tree::constant(3.0).is_valid(0));
        let mut bad = t.clone();
        bad.right[1] = !0;
        assert!(!bad.is_valid(2), "leaf 0 reached twice, leaf 2 never");
    }
}
