//! The training features as per-feature ranks.

use linfa::Error;
use ndarray::{s, ArrayBase, Data, Ix2};
use rayon::prelude::*;

use super::search::PARALLEL_WORK;

/// `codes[f * n_rows + i]` is the rank of the feature's value, among its distinct values
/// `values[f]` (ascending), for the row at position `i` of the grower's row order.
///
/// Ranks turn every later sort into an integer sort or a histogram (one-hot columns have two
/// ranks), and take half the memory of an f64 copy. Splitting "rank <= c" is exactly
/// "x <= t" for any threshold t in `[values[c], values[c + 1])`.
///
/// The grower keeps each node's rows at contiguous positions, and [`Columns::partition`]
/// moves the ranks along with them, so that searching a node reads each feature's ranks as
/// one contiguous run instead of gathering them from all over the column: deep in the tree
/// that gather was a cache miss per row and feature, and most of the fitting time.
#[derive(Clone, Debug)]
pub(crate) struct Columns {
    codes: Vec<u32>,
    values: Vec<Vec<f64>>,
    n_rows: usize,
}

/// Features ranked per parallel task: enough to amortise a task, few enough that the task's
/// transposed block (`BLOCK * n_rows` values) stays small.
const BLOCK: usize = 16;

impl Columns {
    /// Ranks `x`, rejecting NaN and infinities: a NaN has no place in a sorted sweep.
    pub(crate) fn new<D: Data<Elem = f64>>(x: &ArrayBase<D, Ix2>) -> Result<Self, Error> {
        let (n_rows, n_features) = x.dim();
        if n_rows == 0 {
            return Err(Error::NotEnoughSamples);
        }
        if u32::try_from(n_rows).is_err() {
            return Err(Error::Parameters(format!(
                "a tree is limited to {} rows, got {n_rows}",
                u32::MAX
            )));
        }
        if let Some(((row, feature), v)) = x.indexed_iter().find(|(_, v)| !v.is_finite()) {
            return Err(Error::Parameters(format!(
                "feature matrix holds {v} at row {row}, column {feature}; \
                 impute missing values before fitting a tree"
            )));
        }
        // A view is Sync whatever storage `D` is, so blocks can be ranked in parallel.
        let x = x.view();
        let starts: Vec<usize> = (0..n_features).step_by(BLOCK).collect();
        let blocks: Vec<Vec<(Vec<u32>, Vec<f64>)>> = starts
            .par_iter()
            .map(|&start| {
                let end = (start + BLOCK).min(n_features);
                // Row by row, so a row-major `x` is read sequentially.
                let mut block: Vec<Vec<f64>> =
                    (start..end).map(|_| Vec::with_capacity(n_rows)).collect();
                for row in x.slice(s![.., start..end]).rows() {
                    for (column, &v) in block.iter_mut().zip(row) {
                        column.push(v);
                    }
                }
                block.into_iter().map(rank).collect()
            })
            .collect();
        let mut codes = Vec::with_capacity(n_rows * n_features);
        let mut values = Vec::with_capacity(n_features);
        for (feature_codes, feature_values) in blocks.into_iter().flatten() {
            codes.extend_from_slice(&feature_codes);
            values.push(feature_values);
        }
        Ok(Self {
            codes,
            values,
            n_rows,
        })
    }

    pub(crate) fn n_rows(&self) -> usize {
        self.n_rows
    }

    pub(crate) fn n_features(&self) -> usize {
        self.values.len()
    }

    pub(crate) fn codes(&self, feature: usize) -> &[u32] {
        &self.codes[feature * self.n_rows..(feature + 1) * self.n_rows]
    }

    pub(crate) fn n_values(&self, feature: usize) -> usize {
        self.values[feature].len()
    }

    /// The threshold between two ranks of a feature that are adjacent within a node.
    ///
    /// The midpoint of the node's neighbouring values, not of the feature's globally
    /// adjacent ones, so that unseen values between them fall where scikit-learn puts them.
    pub(crate) fn threshold(&self, feature: usize, below: u32, above: u32) -> f64 {
        let v = &self.values[feature];
        midpoint(v[below as usize], v[above as usize])
    }

    /// Stably moves positions `start..end` with `go_left[i - start]` to the front of the
    /// range, for each of `features` (the only ones searched again below this node).
    pub(crate) fn partition(
        &mut self,
        start: usize,
        end: usize,
        go_left: &[bool],
        features: &[usize],
    ) {
        let n_rows = self.n_rows;
        let mut live = vec![false; self.values.len()];
        for &f in features {
            live[f] = true;
        }
        let columns = self
            .codes
            .chunks_mut(n_rows)
            .zip(live)
            .filter_map(|(column, live)| live.then_some(&mut column[start..end]));
        if (end - start) * features.len() < PARALLEL_WORK {
            let mut right = Vec::new();
            columns.for_each(|column| stable_partition(column, go_left, &mut right));
        } else {
            let columns: Vec<&mut [u32]> = columns.collect();
            columns
                .into_par_iter()
                .for_each_init(Vec::new, |right, column| {
                    stable_partition(column, go_left, right)
                });
        }
    }
}

/// Moves the items with `go_left` to the front, keeping order on both sides.
pub(crate) fn stable_partition<T: Copy>(items: &mut [T], go_left: &[bool], right: &mut Vec<T>) {
    right.clear();
    let mut next = 0;
    for i in 0..items.len() {
        let item = items[i];
        if go_left[i] {
            items[next] = item;
            next += 1;
        } else {
            right.push(item);
        }
    }
    items[next..].copy_from_slice(right);
}

/// Dense ranks of one column and its distinct values, ascending.
fn rank(column: Vec<f64>) -> (Vec<u32>, Vec<f64>) {
    // Adding 0.0 turns -0.0 into 0.0, which `==` already treats as equal.
    let mut order: Vec<(f64, u32)> = column
        .iter()
        .enumerate()
        .map(|(row, &v)| (v + 0.0, row as u32))
        .collect();
    order.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
    let mut codes = vec![0u32; column.len()];
    let mut values: Vec<f64> = Vec::new();
    for (v, row) in order {
        if values.last() != Some(&v) {
            values.push(v);
        }
        codes[row as usize] = (values.len() - 1) as u32;
    }
    (codes, values)
}

/// A threshold with `lo <= t < hi`: the midpoint, unless rounding pushed it onto `hi`
/// (adjacent floats), in which case `lo` itself, as scikit-learn does.
fn midpoint(lo: f64, hi: f64) -> f64 {
    let mid = lo / 2.0 + hi / 2.0;
    if lo <= mid && mid < hi {
        mid
    } else {
        lo
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn ranks_are_dense_and_zeros_are_one_value() {
        let x = array![[3.0, 1.0], [-0.0, 1.0], [0.0, 1.0], [7.5, 1.0]];
        let cols = Columns::new(&x).unwrap();
        assert_eq!(cols.codes(0), [1, 0, 0, 2]);
        assert_eq!(cols.codes(1), [0, 0, 0, 0]);
        assert_eq!(cols.n_values(0), 3);
        assert_eq!(cols.threshold(0, 0, 2), 3.75);
    }

    #[test]
    fn midpoint_stays_below_the_upper_value() {
        let lo = 1.0_f64;
        let hi = f64::from_bits(lo.to_bits() + 1);
        assert_eq!(midpoint(lo, hi), lo);
        assert_eq!(
            midpoint(f64::MAX / 1.5, f64::MAX),
            f64::MAX / 1.5 / 2.0 + f64::MAX / 2.0
        );
    }
}
