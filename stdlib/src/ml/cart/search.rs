//! The best split of one node: every feature, every boundary between its distinct values.
//!
//! Per feature, one of two exact sweeps, chosen by cost:
//! - histogram: when the feature has at most a quarter as many distinct values as the node
//!   has rows (always for one-hot columns), each row's statistics are added to its value's
//!   bucket in one pass, and the sweep walks the buckets;
//! - sorted: otherwise the node's rows are ordered by rank (a counting sort, or an integer
//!   sort when the ranks span more than the rows) and the sweep moves one row at a time.
//!
//! Determinism: features are compared in ascending index order and a candidate replaces the
//! best only if it scores strictly higher, so ties go to the lowest feature index, then to
//! the lowest threshold. (scikit-learn visits features in a random order even with
//! `max_features=None`, so it breaks exact ties between features by its `random_state`.)
//! Big nodes search their features in parallel, but each feature's result is independent
//! and the winner is picked sequentially, so the thread count never changes the tree.

use rayon::prelude::*;

use super::columns::Columns;
use super::criterion::Criterion;

/// Below this many (row, feature) pairs a node is searched on the calling thread: spreading a
/// small node over threads costs more than it saves.
pub(crate) const PARALLEL_WORK: usize = 1 << 15;

/// The histogram sweep pays per distinct value; it wins once rows outnumber values by this.
const HISTOGRAM_RATIO: usize = 4;

/// Where to split a node.
pub(crate) struct NodeSplit {
    pub(crate) feature: usize,
    /// Rows whose rank is `<= code` go left.
    pub(crate) code: u32,
    pub(crate) threshold: f64,
    /// The features that were not constant in this node: the only ones worth searching in
    /// its children.
    pub(crate) live: Vec<usize>,
}

/// The outcome of searching one feature.
enum FeatureSplit {
    /// Every row has the same value: the feature stays constant in all descendants too.
    Constant,
    /// No boundary leaves `min_samples_leaf` rows on both sides.
    Blocked,
    /// Split between the node's neighbouring ranks `below` and `above`.
    Best { score: f64, below: u32, above: u32 },
}

impl From<Option<(f64, u32, u32)>> for FeatureSplit {
    fn from(best: Option<(f64, u32, u32)>) -> Self {
        match best {
            None => FeatureSplit::Blocked,
            Some((score, below, above)) => FeatureSplit::Best {
                score,
                below,
                above,
            },
        }
    }
}

/// Buffers reused from node to node by one searching thread.
pub(crate) struct Scratch<S> {
    sorted: Vec<(u32, u32)>,
    keys: Vec<u64>,
    counts: Vec<usize>,
    buckets: Vec<S>,
}

impl<S> Default for Scratch<S> {
    fn default() -> Self {
        Self {
            sorted: Vec::new(),
            keys: Vec::new(),
            counts: Vec::new(),
            buckets: Vec::new(),
        }
    }
}

/// The node's context, the same for every feature.
struct Node<'a, C: Criterion> {
    crit: &'a C,
    rows: &'a [u32],
    stats: &'a C::Stats,
    min_leaf: usize,
}

impl<C: Criterion> Node<'_, C> {
    /// Scores a boundary if both sides keep `min_leaf` rows; keeps the first best.
    fn consider(
        &self,
        left: &C::Stats,
        right: &C::Stats,
        below: u32,
        above: u32,
        best: &mut Option<(f64, u32, u32)>,
    ) {
        let n_left = self.crit.count(left);
        if n_left < self.min_leaf || self.rows.len() - n_left < self.min_leaf {
            return;
        }
        let score = self.crit.score(left, right);
        if best.is_none_or(|(s, _, _)| score > s) {
            *best = Some((score, below, above));
        }
    }

    /// `codes[i]` is the feature's rank for row `self.rows[i]`.
    fn search(
        &self,
        codes: &[u32],
        n_values: usize,
        scratch: &mut Scratch<C::Stats>,
    ) -> FeatureSplit {
        if n_values * HISTOGRAM_RATIO <= self.rows.len() {
            self.histogram_sweep(codes, n_values, scratch)
        } else {
            self.sorted_sweep(codes, scratch)
        }
    }

    fn histogram_sweep(
        &self,
        codes: &[u32],
        n_values: usize,
        scratch: &mut Scratch<C::Stats>,
    ) -> FeatureSplit {
        let crit = self.crit;
        let buckets = &mut scratch.buckets;
        buckets.clear();
        buckets.resize(n_values, crit.empty());
        for (&c, &r) in codes.iter().zip(self.rows) {
            crit.add(&mut buckets[c as usize], r);
        }
        let m = self.rows.len();
        let mut left = crit.empty();
        let mut right = self.stats.clone();
        let mut best = None;
        let mut below: Option<u32> = None;
        for (code, bucket) in (0u32..).zip(buckets.iter()) {
            let n = crit.count(bucket);
            if n == 0 {
                continue;
            }
            if n == m {
                return FeatureSplit::Constant;
            }
            if let Some(below) = below {
                self.consider(&left, &right, below, code, &mut best);
                if m - crit.count(&left) < self.min_leaf {
                    break;
                }
            }
            crit.merge(&mut left, bucket);
            crit.subtract(&mut right, bucket);
            below = Some(code);
        }
        FeatureSplit::from(best)
    }

    fn sorted_sweep(&self, codes: &[u32], scratch: &mut Scratch<C::Stats>) -> FeatureSplit {
        if !sort_by_rank(codes, self.rows, scratch) {
            return FeatureSplit::Constant;
        }
        let crit = self.crit;
        let sorted = &scratch.sorted;
        let m = sorted.len();
        let mut left = crit.empty();
        let mut right = self.stats.clone();
        let mut best = None;
        for i in 0..m - 1 {
            let (code, row) = sorted[i];
            crit.add(&mut left, row);
            crit.remove(&mut right, row);
            if m - (i + 1) < self.min_leaf {
                break;
            }
            let next = sorted[i + 1].0;
            if code != next {
                self.consider(&left, &right, code, next, &mut best);
            }
        }
        FeatureSplit::from(best)
    }
}

/// Fills `scratch.sorted` with (rank, row) ordered by rank; false if all ranks are equal.
/// `codes[i]` is the rank of row `rows[i]`.
fn sort_by_rank<S>(codes: &[u32], rows: &[u32], scratch: &mut Scratch<S>) -> bool {
    let (mut lo, mut hi) = (u32::MAX, 0);
    for &c in codes {
        lo = lo.min(c);
        hi = hi.max(c);
    }
    if lo == hi {
        return false;
    }
    let m = rows.len();
    let span = (hi - lo) as usize + 1;
    scratch.sorted.clear();
    if span <= m {
        // Counting sort: O(m + span).
        let counts = &mut scratch.counts;
        counts.clear();
        counts.resize(span + 1, 0);
        for &c in codes {
            counts[(c - lo) as usize + 1] += 1;
        }
        for k in 1..=span {
            counts[k] += counts[k - 1];
        }
        scratch.sorted.resize(m, (0, 0));
        for (&c, &r) in codes.iter().zip(rows) {
            let slot = &mut counts[(c - lo) as usize];
            scratch.sorted[*slot] = (c, r);
            *slot += 1;
        }
    } else {
        // Rank in the high half, row in the low: distinct keys, so any sort gives one order.
        scratch.keys.clear();
        scratch.keys.extend(
            codes
                .iter()
                .zip(rows)
                .map(|(&c, &r)| u64::from(c) << 32 | u64::from(r)),
        );
        scratch.keys.sort_unstable();
        scratch
            .sorted
            .extend(scratch.keys.iter().map(|&k| ((k >> 32) as u32, k as u32)));
    }
    true
}

/// The best split of the node at positions `start..end` of `cols` and `rows` over
/// `features`, or `None` if no feature can split it.
///
/// `scratch` holds one buffer set per parallel chunk; the sequential path uses the first.
#[allow(clippy::too_many_arguments)]
pub(crate) fn best_split<C: Criterion>(
    crit: &C,
    cols: &Columns,
    (start, end): (usize, usize),
    rows: &[u32],
    stats: &C::Stats,
    features: &[usize],
    min_leaf: usize,
    scratch: &mut [Scratch<C::Stats>],
) -> Option<NodeSplit> {
    let node = Node {
        crit,
        rows,
        stats,
        min_leaf,
    };
    let search = |f: usize, s: &mut Scratch<C::Stats>| {
        node.search(&cols.codes(f)[start..end], cols.n_values(f), s)
    };
    let results: Vec<FeatureSplit> =
        if rows.len() * features.len() >= PARALLEL_WORK && scratch.len() > 1 {
            let chunk = features.len().div_ceil(scratch.len());
            let per_chunk: Vec<Vec<FeatureSplit>> = scratch
                .par_iter_mut()
                .zip(features.par_chunks(chunk))
                .map(|(s, chunk)| chunk.iter().map(|&f| search(f, s)).collect())
                .collect();
            per_chunk.into_iter().flatten().collect()
        } else {
            let s = scratch.first_mut()?;
            features.iter().map(|&f| search(f, s)).collect()
        };
    let mut best: Option<(f64, usize, u32, u32)> = None;
    let mut live = Vec::with_capacity(features.len());
    for (&f, result) in features.iter().zip(results) {
        match result {
            FeatureSplit::Constant => continue,
            FeatureSplit::Blocked => {}
            FeatureSplit::Best {
                score,
                below,
                above,
            } => {
                if best.is_none_or(|(s, ..)| score > s) {
                    best = Some((score, f, below, above));
                }
            }
        }
        live.push(f);
    }
    best.map(|(_, feature, below, above)| NodeSplit {
        feature,
        code: below,
        threshold: cols.threshold(feature, below, above),
        live,
    })
}
