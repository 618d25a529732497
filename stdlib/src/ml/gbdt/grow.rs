//! Growing one tree, best-first, on binned rows.
//!
//! The root's histogram is built from its rows; after that, splitting a leaf builds the
//! histogram of the child with fewer rows and takes the other's as the parent's minus it
//! (the parent's buffer is reused). Each leaf that may still split keeps its histogram
//! and its best split; the leaf whose split gains most splits next (lowest leaf on a tie),
//! until the tree has `max_leaves` leaves or no leaf can split. Splitting partitions the
//! leaf's rows in place with a lookup table over the split group's bins.

use rayon::prelude::*;

use super::dataset::Dataset;
use super::histogram::{self, Bin};
use super::params::GbdtParams;
use super::partition::Partition;
use super::split::{self, Rules, Split};
use super::tree::Tree;

/// A split node over group bins, for scoring binned rows.
#[derive(Clone, Debug)]
struct BinnedNode {
    group: usize,
    /// Bit `b` set: group bin `b` goes left.
    left_bins: [u64; 4],
    left: i32,
    right: i32,
}

/// A grown tree as it applies to the binned rows of its data set.
#[derive(Clone, Debug, Default)]
pub struct BinnedTree {
    nodes: Vec<BinnedNode>,
}

impl BinnedTree {
    /// The leaf dataset row `row` reaches.
    pub fn leaf_of(&self, ds: &Dataset, row: usize) -> usize {
        if self.nodes.is_empty() {
            return 0;
        }
        let mut node = 0usize;
        loop {
            let n = &self.nodes[node];
            let b = usize::from(ds.groups[n.group].bins[row]);
            let next = if n.left_bins[b >> 6] >> (b & 63) & 1 == 1 {
                n.left
            } else {
                n.right
            };
            if next < 0 {
                return !next as usize;
            }
            node = next as usize;
        }
    }
}

/// A grown tree, with the rows each leaf holds and the gain of each split.
pub struct Grown {
    pub tree: Tree,
    pub binned: BinnedTree,
    pub partition: Partition,
    /// `(feature, gain)` of each split node.
    pub splits: Vec<(usize, f64)>,
}

struct Leaf {
    sums: Bin,
    depth: usize,
    hist: Option<Vec<Bin>>,
    split: Option<Split>,
    /// The node pointing at this leaf and whether as its left child.
    parent: Option<(usize, bool)>,
}

pub struct Grower<'a> {
    ds: &'a Dataset,
    params: &'a GbdtParams,
    rules: Rules,
    /// Features the tree being grown may split on, ascending.
    features: Vec<usize>,
    /// Groups holding at least one of them.
    groups: Vec<bool>,
    pool: Vec<Vec<Bin>>,
}

impl<'a> Grower<'a> {
    pub fn new(ds: &'a Dataset, params: &'a GbdtParams) -> Grower<'a> {
        Grower {
            ds,
            params,
            rules: Rules {
                min_samples_leaf: params.min_samples_leaf,
                l2: params.l2,
            },
            features: Vec::new(),
            groups: vec![false; ds.groups.len()],
            pool: Vec::new(),
        }
    }

    /// Lets the next tree split on `features` (those with bins to split on).
    fn use_features(&mut self, features: &[usize]) {
        let ds = self.ds;
        self.features.clear();
        self.features
            .extend(features.iter().copied().filter(|&f| ds.slots[f].is_some()));
        self.groups.fill(false);
        for &f in &self.features {
            if let Some(s) = ds.slots[f] {
                self.groups[s.group] = true;
            }
        }
    }

    fn buffer(&mut self) -> Vec<Bin> {
        self.pool
            .pop()
            .unwrap_or_else(|| vec![Bin::default(); self.ds.hist_len])
    }

    fn histogram(&mut self, rows: &[u32], gh: &[[f64; 2]]) -> Vec<Bin> {
        let mut h = self.buffer();
        histogram::build(self.ds, &self.groups, rows, gh, &mut h);
        h
    }

    fn may_split(&self, sums: Bin, depth: usize) -> bool {
        sums.count as usize >= 2 * self.params.min_samples_leaf
            && self.params.max_depth.is_none_or(|d| depth < d)
    }

    /// The best split over this tree's features of a leaf with histogram `hist`.
    fn best_split(&self, hist: &[Bin], total: Bin) -> Option<Split> {
        let ds = self.ds;
        let rules = self.rules;
        let found: Vec<Option<Split>> = self
            .features
            .par_iter()
            .with_min_len(16)
            .map_init(Vec::new, |buf, &f| {
                let slot = ds.slots[f]?;
                let h = histogram::feature_hist(ds, &slot, hist, total, buf);
                split::best_split(f, h, ds.mappers[f].missing_bin(), total, &rules)
            })
            .collect();
        let mut best: Option<Split> = None;
        for s in found.into_iter().flatten() {
            if best.is_none_or(|b| s.beats(&b)) {
                best = Some(s);
            }
        }
        best
    }

    /// Grows a tree on `bag` (ascending dataset rows) and `features` with per-row gradient
    /// and hessian pairs `gh`, leaf values shrunk by `learning_rate`.
    pub fn grow(
        &mut self,
        gh: &[[f64; 2]],
        bag: Vec<u32>,
        features: &[usize],
        learning_rate: f64,
    ) -> Grown {
        self.use_features(features);
        let mut total = Bin::default();
        for &r in &bag {
            total.add(gh[r as usize]);
        }
        let mut partition = Partition::new(bag);
        let mut leaves = vec![Leaf {
            sums: total,
            depth: 0,
            hist: None,
            split: None,
            parent: None,
        }];
        if self.may_split(total, 0) {
            let h = self.histogram(partition.rows(0), gh);
            self.settle(&mut leaves[0], h);
        }
        let mut tree = Tree::default();
        let mut binned = BinnedTree::default();
        let mut splits = Vec::new();
        while leaves.len() < self.params.max_leaves {
            let mut pick: Option<(usize, f64)> = None;
            for (i, l) in leaves.iter().enumerate() {
                if let Some(s) = &l.split {
                    if pick.is_none_or(|(_, g)| s.gain > g) {
                        pick = Some((i, s.gain));
                    }
                }
            }
            let Some((leaf, _)) = pick else { break };
            let s = leaves[leaf]
                .split
                .take()
                .expect("picked leaves have a split");
            let parent_hist = leaves[leaf].hist.take();
            let depth = leaves[leaf].depth + 1;
            let node = tree.feature.len();
            let ds = self.ds;
            let slot = ds.slots[s.feature].expect("split features have bins");
            let mapper = &ds.mappers[s.feature];
            let missing = mapper.missing_bin();
            let group = &ds.groups[slot.group];
            let mut go_left = [false; 256];
            let mut left_bins = [0u64; 4];
            for (b, left) in go_left.iter_mut().enumerate().take(group.n_bins) {
                let fb = slot.feature_bin(b);
                *left = if Some(fb) == missing {
                    s.missing_left
                } else {
                    fb <= s.bin
                };
                if *left {
                    left_bins[b >> 6] |= 1 << (b & 63);
                }
            }
            let right_leaf = partition.split(leaf, &group.bins, &go_left);
            debug_assert_eq!(partition.rows(leaf).len(), s.left.count as usize);
            tree.feature.push(s.feature as u32);
            tree.threshold.push(mapper.threshold(s.bin));
            tree.missing_left.push(s.missing_left);
            tree.left.push(!(leaf as i32));
            tree.right.push(!(right_leaf as i32));
            binned.nodes.push(BinnedNode {
                group: slot.group,
                left_bins,
                left: !(leaf as i32),
                right: !(right_leaf as i32),
            });
            if let Some((p, is_left)) = leaves[leaf].parent {
                let child = if is_left {
                    &mut tree.left[p]
                } else {
                    &mut tree.right[p]
                };
                *child = node as i32;
                let bchild = if is_left {
                    &mut binned.nodes[p].left
                } else {
                    &mut binned.nodes[p].right
                };
                *bchild = node as i32;
            }
            splits.push((s.feature, s.gain));
            leaves[leaf].sums = s.left;
            leaves[leaf].depth = depth;
            leaves[leaf].parent = Some((node, true));
            leaves.push(Leaf {
                sums: s.right,
                depth,
                hist: None,
                split: None,
                parent: Some((node, false)),
            });
            self.split_children(&mut leaves, &partition, gh, [leaf, right_leaf], parent_hist);
        }
        for l in &mut leaves {
            if let Some(h) = l.hist.take() {
                self.pool.push(h);
            }
        }
        tree.leaf = leaves
            .iter()
            .map(|l| split::leaf_value(l.sums, self.params.l2) * learning_rate)
            .collect();
        Grown {
            tree,
            binned,
            partition,
            splits,
        }
    }

    /// The histograms and best splits of two new siblings: the smaller built, the larger
    /// by subtraction from `parent_hist`.
    fn split_children(
        &mut self,
        leaves: &mut [Leaf],
        partition: &Partition,
        gh: &[[f64; 2]],
        children: [usize; 2],
        parent_hist: Option<Vec<Bin>>,
    ) {
        let [a, b] = children;
        let (small, large) = if leaves[a].sums.count <= leaves[b].sums.count {
            (a, b)
        } else {
            (b, a)
        };
        let want_small = self.may_split(leaves[small].sums, leaves[small].depth);
        let want_large = self.may_split(leaves[large].sums, leaves[large].depth);
        if !want_small && !want_large {
            if let Some(h) = parent_hist {
                self.pool.push(h);
            }
            return;
        }
        let small_hist = self.histogram(partition.rows(small), gh);
        if want_large {
            let large_hist = match parent_hist {
                Some(mut h) => {
                    histogram::subtract(&mut h, &small_hist);
                    h
                }
                None => self.histogram(partition.rows(large), gh),
            };
            self.settle(&mut leaves[large], large_hist);
        } else if let Some(h) = parent_hist {
            self.pool.push(h);
        }
        if want_small {
            self.settle(&mut leaves[small], small_hist);
        } else {
            self.pool.push(small_hist);
        }
    }

    /// A leaf's best split; its histogram is kept while it may still split.
    fn settle(&mut self, leaf: &mut Leaf, hist: Vec<Bin>) {
        leaf.split = self.best_split(&hist, leaf.sums);
        if leaf.split.is_some() {
            leaf.hist = Some(hist);
        } else {
            self.pool.push(hist);
        }
    }
}
