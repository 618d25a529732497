//! Split criteria: running statistics of one side of a candidate split, and a score to rank
//! candidate splits by.
//!
//! The score is scikit-learn's "proxy impurity improvement": a quantity that differs from
//! `-(n_left * impurity_left + n_right * impurity_right)` only by a constant of the node, so
//! ranking splits by it ranks them by impurity decrease, while each candidate costs O(1)
//! (MSE, Gini) or O(classes) (entropy) instead of a pass over the rows.

/// Sufficient statistics of a set of rows, updated one row at a time as the split position
/// sweeps through the rows sorted by one feature.
pub(crate) trait Criterion: Sync {
    type Stats: Clone + Send + Sync;
    type Leaf: Clone;

    fn empty(&self) -> Self::Stats;
    fn add(&self, stats: &mut Self::Stats, row: u32);
    fn remove(&self, stats: &mut Self::Stats, row: u32);
    fn merge(&self, into: &mut Self::Stats, other: &Self::Stats);
    fn subtract(&self, from: &mut Self::Stats, other: &Self::Stats);
    fn count(&self, stats: &Self::Stats) -> usize;
    /// Higher is better; only differences between splits of the same node are meaningful.
    fn score(&self, left: &Self::Stats, right: &Self::Stats) -> f64;
    /// True when every row has the same target, so no split can help.
    fn is_pure(&self, rows: &[u32]) -> bool;
    fn leaf(&self, stats: &Self::Stats) -> Self::Leaf;
}

/// Variance reduction for regression: minimising the children's summed squared error is
/// maximising `sum_l^2 / n_l + sum_r^2 / n_r`.
pub(crate) struct Mse<'a> {
    pub(crate) y: &'a [f64],
}

#[derive(Clone, Copy)]
pub(crate) struct MseStats {
    n: u32,
    sum: f64,
}

impl Criterion for Mse<'_> {
    type Stats = MseStats;
    type Leaf = f64;

    fn empty(&self) -> MseStats {
        MseStats { n: 0, sum: 0.0 }
    }
    fn add(&self, s: &mut MseStats, row: u32) {
        s.n += 1;
        s.sum += self.y[row as usize];
    }
    fn remove(&self, s: &mut MseStats, row: u32) {
        s.n -= 1;
        s.sum -= self.y[row as usize];
    }
    fn merge(&self, into: &mut MseStats, other: &MseStats) {
        into.n += other.n;
        into.sum += other.sum;
    }
    fn subtract(&self, from: &mut MseStats, other: &MseStats) {
        from.n -= other.n;
        from.sum -= other.sum;
    }
    fn count(&self, s: &MseStats) -> usize {
        s.n as usize
    }
    fn score(&self, l: &MseStats, r: &MseStats) -> f64 {
        l.sum * l.sum / f64::from(l.n) + r.sum * r.sum / f64::from(r.n)
    }
    fn is_pure(&self, rows: &[u32]) -> bool {
        let first = self.y[rows[0] as usize];
        rows.iter().all(|&r| self.y[r as usize] == first)
    }
    fn leaf(&self, s: &MseStats) -> f64 {
        s.sum / f64::from(s.n)
    }
}

/// Class counts, plus the running sum of squared counts that makes a Gini update O(1).
#[derive(Clone)]
pub(crate) struct ClassStats {
    n: u32,
    counts: Vec<u32>,
    sum_sq: u64,
}

/// The two impurity measures of a classification tree share their statistics.
pub(crate) struct Classes<'a> {
    pub(crate) y: &'a [u32],
    pub(crate) n_classes: usize,
    pub(crate) entropy: bool,
}

impl Criterion for Classes<'_> {
    type Stats = ClassStats;
    /// Class frequencies of the leaf's training rows.
    type Leaf = Vec<f64>;

    fn empty(&self) -> ClassStats {
        ClassStats {
            n: 0,
            counts: vec![0; self.n_classes],
            sum_sq: 0,
        }
    }
    fn add(&self, s: &mut ClassStats, row: u32) {
        let c = &mut s.counts[self.y[row as usize] as usize];
        s.sum_sq += 2 * u64::from(*c) + 1; // (c + 1)^2 - c^2
        *c += 1;
        s.n += 1;
    }
    fn remove(&self, s: &mut ClassStats, row: u32) {
        let c = &mut s.counts[self.y[row as usize] as usize];
        s.sum_sq -= 2 * u64::from(*c) - 1; // c^2 - (c - 1)^2
        *c -= 1;
        s.n -= 1;
    }
    fn merge(&self, into: &mut ClassStats, other: &ClassStats) {
        for (c, o) in into.counts.iter_mut().zip(&other.counts) {
            *c += o;
        }
        into.n += other.n;
        into.sum_sq = sum_of_squares(&into.counts);
    }
    fn subtract(&self, from: &mut ClassStats, other: &ClassStats) {
        for (c, o) in from.counts.iter_mut().zip(&other.counts) {
            *c -= o;
        }
        from.n -= other.n;
        from.sum_sq = sum_of_squares(&from.counts);
    }
    fn count(&self, s: &ClassStats) -> usize {
        s.n as usize
    }
    fn score(&self, l: &ClassStats, r: &ClassStats) -> f64 {
        if self.entropy {
            neg_weighted_entropy(l) + neg_weighted_entropy(r)
        } else {
            // n * gini = n - sum_sq / n, and the n_l + n_r part is the node's constant.
            l.sum_sq as f64 / f64::from(l.n) + r.sum_sq as f64 / f64::from(r.n)
        }
    }
    fn is_pure(&self, rows: &[u32]) -> bool {
        let first = self.y[rows[0] as usize];
        rows.iter().all(|&r| self.y[r as usize] == first)
    }
    fn leaf(&self, s: &ClassStats) -> Vec<f64> {
        let n = f64::from(s.n);
        s.counts.iter().map(|&c| f64::from(c) / n).collect()
    }
}

fn sum_of_squares(counts: &[u32]) -> u64 {
    counts.iter().map(|&c| u64::from(c) * u64::from(c)).sum()
}

/// `-n * entropy = sum_k c_k ln c_k - n ln n` (natural log; the base does not change the
/// ranking).
fn neg_weighted_entropy(s: &ClassStats) -> f64 {
    let x_ln_x = |c: u32| {
        let c = f64::from(c);
        if c > 0.0 {
            c * c.ln()
        } else {
            0.0
        }
    };
    s.counts.iter().map(|&c| x_ln_x(c)).sum::<f64>() - x_ln_x(s.n)
}
