//! Feature importance of a fitted CART tree: the mean decrease in impurity, scikit-learn's
//! `feature_importances_`. Every split adds `n_t * imp_t - n_l * imp_l - n_r * imp_r` to its
//! feature (rows reaching the node times its impurity, less the children's), and the totals
//! are normalised to sum 1.
//!
//! The tree keeps only the leaf values and the rows reaching each node, which is enough:
//! a node's class counts are the sum of its leaves' (frequency times rows), and a regression
//! split's decrease in squared error is `n_l * n_r / n_t * (mean_l - mean_r)^2`, with a node's
//! mean the row-weighted mean of its children's.

use super::tree::{Node, Tree};

/// Gini or entropy (in bits, as scikit-learn) of class counts.
fn impurity(counts: &[f64], entropy: bool) -> f64 {
    let n: f64 = counts.iter().sum();
    if n <= 0.0 {
        return 0.0;
    }
    if entropy {
        -counts
            .iter()
            .filter(|&&c| c > 0.0)
            .map(|&c| (c / n) * (c / n).log2())
            .sum::<f64>()
    } else {
        1.0 - counts.iter().map(|&c| (c / n) * (c / n)).sum::<f64>()
    }
}

/// Sums to 1, unless nothing was gained (a lone leaf): then all zero.
fn normalised(mut total: Vec<f64>) -> Vec<f64> {
    let sum: f64 = total.iter().sum();
    if sum > 0.0 {
        total.iter_mut().for_each(|v| *v /= sum);
    }
    total
}

/// Importance of a classification tree over `n_features`; `None` for a tree stored without
/// its row counts.
pub(crate) fn class_importance(
    tree: &Tree<Vec<f64>>,
    n_features: usize,
    entropy: bool,
) -> Option<Vec<f64>> {
    if tree.rows.len() != tree.nodes.len() {
        return None;
    }
    let n = |i: usize| f64::from(tree.rows[i]);
    // Children are numbered after their parent, so one backward pass sees them first.
    let mut counts: Vec<Vec<f64>> = vec![Vec::new(); tree.nodes.len()];
    let mut total = vec![0.0; n_features];
    for i in (0..tree.nodes.len()).rev() {
        counts[i] = match &tree.nodes[i] {
            Node::Leaf(freq) => freq.iter().map(|f| f * n(i)).collect(),
            Node::Split {
                feature,
                left,
                right,
                ..
            } => {
                let (l, r) = (&counts[*left], &counts[*right]);
                let here: Vec<f64> = l.iter().zip(r).map(|(a, b)| a + b).collect();
                let gain = n(i) * impurity(&here, entropy)
                    - n(*left) * impurity(l, entropy)
                    - n(*right) * impurity(r, entropy);
                *total.get_mut(*feature)? += gain.max(0.0);
                here
            }
        };
    }
    Some(normalised(total))
}

/// Importance of a regression tree (squared error) over `n_features`; `None` for a tree
/// stored without its row counts.
pub(crate) fn regression_importance(tree: &Tree<f64>, n_features: usize) -> Option<Vec<f64>> {
    if tree.rows.len() != tree.nodes.len() {
        return None;
    }
    let n = |i: usize| f64::from(tree.rows[i]);
    let mut mean = vec![0.0; tree.nodes.len()];
    let mut total = vec![0.0; n_features];
    for i in (0..tree.nodes.len()).rev() {
        mean[i] = match &tree.nodes[i] {
            Node::Leaf(v) => *v,
            Node::Split {
                feature,
                left,
                right,
                ..
            } => {
                let (nl, nr) = (n(*left), n(*right));
                let d = mean[*left] - mean[*right];
                *total.get_mut(*feature)? += nl * nr / (nl + nr) * d * d;
                (nl * mean[*left] + nr * mean[*right]) / (nl + nr)
            }
        };
    }
    Some(normalised(total))
}
