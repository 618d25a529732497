//! The rows of every leaf of the tree being grown: one index array, each leaf a range of
//! it. Splitting a leaf partitions its range in place, stably, so every leaf's rows stay in
//! ascending order (cache-friendly gathers, and sums in a fixed order).

/// Row ranges of leaves over one index array.
pub struct Partition {
    rows: Vec<u32>,
    scratch: Vec<u32>,
    /// `(start, len)` of each leaf.
    leaves: Vec<(usize, usize)>,
}

impl Partition {
    /// One leaf holding `rows` (ascending).
    pub fn new(rows: Vec<u32>) -> Partition {
        let n = rows.len();
        Partition {
            rows,
            scratch: Vec::new(),
            leaves: vec![(0, n)],
        }
    }

    pub fn rows(&self, leaf: usize) -> &[u32] {
        let (start, len) = self.leaves[leaf];
        &self.rows[start..start + len]
    }

    pub fn n_leaves(&self) -> usize {
        self.leaves.len()
    }

    /// Splits `leaf`: rows with `go_left[bins[row]]` stay in it, the others become a new
    /// leaf (returned). Both keep their order.
    pub fn split(&mut self, leaf: usize, bins: &[u8], go_left: &[bool; 256]) -> usize {
        let (start, len) = self.leaves[leaf];
        let range = &mut self.rows[start..start + len];
        // One pass on this thread: measured on 262k rows, it beat partitioning blocks on
        // the pool (130 ms against 230 ms over 100 trees).
        let n_left = split_serial(range, &mut self.scratch, bins, go_left);
        self.leaves[leaf] = (start, n_left);
        self.leaves.push((start + n_left, len - n_left));
        self.leaves.len() - 1
    }
}

/// Stable partition of `rows` in place; the count of rows kept first.
///
/// Branch-free: every row is written to both sides and only the side it belongs to
/// advances, because which way a row goes is as good as random to the branch predictor.
fn split_serial(
    rows: &mut [u32],
    scratch: &mut Vec<u32>,
    bins: &[u8],
    go_left: &[bool; 256],
) -> usize {
    scratch.clear();
    scratch.resize(rows.len() + 1, 0);
    let (mut kept, mut moved) = (0, 0);
    for i in 0..rows.len() {
        let r = rows[i];
        let left = usize::from(go_left[usize::from(bins[r as usize])]);
        rows[kept] = r;
        scratch[moved] = r;
        kept += left;
        moved += 1 - left;
    }
    rows[kept..].copy_from_slice(&scratch[..moved]);
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_keep_order() {
        let bins: Vec<u8> = (0..20).map(|i| (i % 4) as u8).collect();
        let mut p = Partition::new((0..20).collect());
        let mut left = [false; 256];
        left[0] = true;
        left[1] = true;
        let right = p.split(0, &bins, &left);
        assert_eq!(p.rows(0), &[0, 1, 4, 5, 8, 9, 12, 13, 16, 17]);
        assert_eq!(p.rows(right), &[2, 3, 6, 7, 10, 11, 14, 15, 18, 19]);
        let mut only3 = [false; 256];
        only3[3] = true;
        let r2 = p.split(right, &bins, &only3);
        assert_eq!(p.rows(right), &[3, 7, 11, 15, 19]);
        assert_eq!(p.rows(r2), &[2, 6, 10, 14, 18]);
        assert_eq!(p.rows(0).len(), 10, "other leaves untouched");
        assert_eq!(p.n_leaves(), 3);
    }
}
