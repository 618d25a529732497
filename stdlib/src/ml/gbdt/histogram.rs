//! Gradient histograms: per group bin, the sums of the gradients and hessians of a leaf's
//! rows and their count.
//!
//! A leaf's histogram covers every group, laid out one after another
//! ([`Dataset::hist_offsets`]). Groups are filled in parallel, each by one task writing
//! only its own slice and adding its rows in row order, so the sums do not depend on the
//! number of threads. A feature's own histogram is its group's slice when it is alone;
//! a bundled feature's is read off its part of the group, its zero bin being what the
//! leaf's totals leave over.

use rayon::prelude::*;

use super::dataset::{Dataset, Slot};

/// Sums over a set of rows.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Bin {
    pub grad: f64,
    pub hess: f64,
    pub count: u32,
}

impl Bin {
    #[inline]
    pub fn add(&mut self, g: [f64; 2]) {
        self.grad += g[0];
        self.hess += g[1];
        self.count += 1;
    }

    pub fn plus(self, o: Bin) -> Bin {
        Bin {
            grad: self.grad + o.grad,
            hess: self.hess + o.hess,
            count: self.count + o.count,
        }
    }

    pub fn minus(self, o: Bin) -> Bin {
        Bin {
            grad: self.grad - o.grad,
            hess: self.hess - o.hess,
            count: self.count.saturating_sub(o.count),
        }
    }
}

/// Below this many row-groups a histogram is built on the calling thread.
const PARALLEL_WORK: usize = 16 * 1024;

/// Fills `out` (length [`Dataset::hist_len`]) with the histogram of `rows` (ascending
/// dataset rows), row `r`'s gradient and hessian being `grads[r]`. Groups not `wanted` are
/// left zero.
///
/// Row-wise: each row's group bins are one run of bytes ([`Dataset::row_bins`]), so a row
/// is read once for all its groups, and its gradient pair once, instead of once per group.
/// The wanted groups are split between tasks; each task walks every row for its own
/// groups, so every bin still sums its rows in row order and the histogram does not depend
/// on the number of threads.
pub fn build(ds: &Dataset, wanted: &[bool], rows: &[u32], grads: &[[f64; 2]], out: &mut [Bin]) {
    let mut slices: Vec<(usize, &mut [Bin])> = Vec::with_capacity(ds.groups.len());
    let mut rest = out;
    for (g, group) in ds.groups.iter().enumerate() {
        let (head, tail) = rest.split_at_mut(group.n_bins);
        rest = tail;
        head.fill(Bin::default());
        if wanted[g] {
            slices.push((g, head));
        }
    }
    if slices.is_empty() {
        return;
    }
    let tasks = if rows.len() * slices.len() < PARALLEL_WORK {
        1
    } else {
        rayon::current_num_threads().min(slices.len())
    };
    let per_task = slices.len().div_ceil(tasks);
    let width = ds.groups.len();
    let fill = |part: &mut [(usize, &mut [Bin])]| {
        let whole = rows.len() == ds.n_rows;
        for (i, &r) in rows.iter().enumerate() {
            // The whole data set in order: row `i` is row `r`, no gather.
            let r = if whole { i } else { r as usize };
            let gh = grads[r];
            let bins = &ds.row_bins[r * width..(r + 1) * width];
            for (g, hist) in part.iter_mut() {
                hist[usize::from(bins[*g])].add(gh);
            }
        }
    };
    if tasks == 1 {
        fill(&mut slices);
    } else {
        slices.par_chunks_mut(per_task).for_each(fill);
    }
}

/// `parent - child`, in place in `parent`: the histogram of the child's sibling.
pub fn subtract(parent: &mut [Bin], child: &[Bin]) {
    for (p, c) in parent.iter_mut().zip(child) {
        *p = p.minus(*c);
    }
}

/// Feature `slot`'s histogram from its group's part of a leaf histogram `hist`, the leaf
/// summing to `total`. Alone, it is borrowed; bundled, written into `buf`.
pub fn feature_hist<'a>(
    ds: &Dataset,
    slot: &Slot,
    hist: &'a [Bin],
    total: Bin,
    buf: &'a mut Vec<Bin>,
) -> &'a [Bin] {
    let start = ds.hist_offsets[slot.group];
    if slot.alone {
        return &hist[start..start + slot.n_bins];
    }
    buf.clear();
    buf.resize(slot.n_bins, Bin::default());
    let mut rest = total;
    for (b, entry) in buf.iter_mut().enumerate() {
        if b != slot.zero_bin {
            let k = start + slot.offset + b - usize::from(b > slot.zero_bin);
            *entry = hist[k];
            rest = rest.minus(hist[k]);
        }
    }
    buf[slot.zero_bin] = rest;
    buf
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    fn data(n: usize) -> (Dataset, Vec<[f64; 2]>) {
        let x = Array2::from_shape_fn((n, 6), |(i, j)| match j {
            0 => ((i * 7919) % 101) as f64,
            1 => (i as f64 * 0.61).cos(),
            2 => f64::from(u8::from(i % 13 == 0)),
            k => f64::from(u8::from(i % 3 == k - 3)),
        });
        let rows: Vec<usize> = (0..n).collect();
        let ds = Dataset::new(x.view(), &rows, 32);
        let grads = (0..n)
            .map(|i| [((i * 31) % 17) as f64 - 8.0, 0.25 + (i % 5) as f64 * 0.1])
            .collect();
        (ds, grads)
    }

    fn direct(ds: &Dataset, f: usize, rows: &[u32], grads: &[[f64; 2]]) -> Vec<Bin> {
        let mut h = vec![Bin::default(); ds.mappers[f].n_bins()];
        for &r in rows {
            let b = ds.feature_bin(f, r as usize).unwrap();
            h[b].add(grads[r as usize]);
        }
        h
    }

    fn close(a: &[Bin], b: &[Bin]) {
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(b) {
            assert_eq!(x.count, y.count);
            assert!((x.grad - y.grad).abs() < 1e-9, "{x:?} {y:?}");
            assert!((x.hess - y.hess).abs() < 1e-9, "{x:?} {y:?}");
        }
    }

    fn hist_of(ds: &Dataset, rows: &[u32], grads: &[[f64; 2]]) -> Vec<Bin> {
        let mut h = vec![Bin::default(); ds.hist_len];
        build(ds, &vec![true; ds.groups.len()], rows, grads, &mut h);
        h
    }

    fn total(rows: &[u32], grads: &[[f64; 2]]) -> Bin {
        let mut t = Bin::default();
        for &r in rows {
            t.add(grads[r as usize]);
        }
        t
    }

    #[test]
    fn feature_histograms_match_a_direct_count() {
        let (ds, grads) = data(5000);
        assert!(
            ds.groups.len() < ds.n_features(),
            "the one-hot columns are bundled"
        );
        let all: Vec<u32> = (0..5000).collect();
        let some: Vec<u32> = (0..5000).filter(|i| i % 7 < 3).collect();
        for rows in [&all, &some] {
            let h = hist_of(&ds, rows, &grads);
            let t = total(rows, &grads);
            for f in 0..ds.n_features() {
                let slot = ds.slots[f].unwrap();
                let mut buf = Vec::new();
                let got = feature_hist(&ds, &slot, &h, t, &mut buf);
                close(got, &direct(&ds, f, rows, &grads));
            }
        }
    }

    #[test]
    fn subtraction_equals_a_direct_build() {
        let (ds, grads) = data(5000);
        let parent: Vec<u32> = (0..5000).filter(|i| i % 5 != 0).collect();
        let (small, large): (Vec<u32>, Vec<u32>) = parent.iter().partition(|&&i| i % 3 == 0);
        let mut h = hist_of(&ds, &parent, &grads);
        subtract(&mut h, &hist_of(&ds, &small, &grads));
        close(&h, &hist_of(&ds, &large, &grads));
        // and so every feature's histogram of the larger child.
        let t = total(&large, &grads);
        for f in 0..ds.n_features() {
            let slot = ds.slots[f].unwrap();
            let mut buf = Vec::new();
            close(
                feature_hist(&ds, &slot, &h, t, &mut buf),
                &direct(&ds, f, &large, &grads),
            );
        }
    }

    #[test]
    fn unwanted_groups_stay_empty() {
        let (ds, grads) = data(1000);
        let rows: Vec<u32> = (0..1000).collect();
        let mut wanted = vec![true; ds.groups.len()];
        wanted[0] = false;
        let mut h = vec![
            Bin {
                grad: 1.0,
                hess: 1.0,
                count: 1
            };
            ds.hist_len
        ];
        build(&ds, &wanted, &rows, &grads, &mut h);
        let g0 = &h[..ds.groups[0].n_bins];
        assert!(g0.iter().all(|b| *b == Bin::default()));
    }
}
