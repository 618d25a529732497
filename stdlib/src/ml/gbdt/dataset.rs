//! The training rows binned once: one byte column per feature group.
//!
//! Building it takes three passes. A scan of the row-major matrix in row order (in
//! parallel over blocks of rows, concatenated in order) keeps each column's nonzero
//! values and their rows, so a one-hot column costs its ones, not its length. Each
//! feature's [`BinMapper`] is fitted on those values plus its count of zeros. Then
//! exclusive feature bundling (EFB, as in LightGBM) packs sparse features that are never
//! away from their zero bin in the same row into one group: a group's bin 0 means every
//! member is at its zero bin, and each member's other bins follow in turn. One-hot
//! columns of a categorical are exclusive by construction, so the 105 `dest` columns of the
//! flights data become one group of 106 bins, and a histogram costs per group, not per
//! column. A feature busy in more than half the rows stays alone in its group, where group
//! bins are its own bins.
//!
//! Bundling here is exact (no conflicting row is allowed), so binned rows say exactly
//! what the feature values say.

use ndarray::ArrayView2;
use rayon::prelude::*;

use super::bins::BinMapper;

/// Rows per block of the parallel scan.
const SCAN_BLOCK: usize = 8192;

/// A group holds at most this many bins: a bin is a byte.
pub const GROUP_BINS: usize = 256;

/// Where a feature's bins sit in its group's bins.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Slot {
    pub group: usize,
    /// Alone in its group: group bins are its bins.
    pub alone: bool,
    /// Bundled: its first non-zero bin's group bin (the others follow).
    pub offset: usize,
    /// Its bin of 0, which a bundle stores as group bin 0.
    pub zero_bin: usize,
    pub n_bins: usize,
}

impl Slot {
    /// The feature's bin for a group bin.
    pub fn feature_bin(&self, group_bin: usize) -> usize {
        if self.alone {
            return group_bin;
        }
        match group_bin.checked_sub(self.offset) {
            Some(k) if k + 1 < self.n_bins => {
                if k < self.zero_bin {
                    k
                } else {
                    k + 1
                }
            }
            _ => self.zero_bin,
        }
    }

    /// The group bin of a feature bin other than the zero bin (bundled features).
    fn group_bin(&self, bin: usize) -> usize {
        if self.alone {
            bin
        } else {
            self.offset + bin - usize::from(bin > self.zero_bin)
        }
    }
}

/// One byte column of bins and the features packed in it.
#[derive(Clone, Debug)]
pub struct Group {
    pub bins: Vec<u8>,
    pub n_bins: usize,
    pub features: Vec<usize>,
}

/// The binned training rows.
#[derive(Clone, Debug)]
pub struct Dataset {
    pub n_rows: usize,
    pub mappers: Vec<BinMapper>,
    /// Per feature; `None` for a feature with one bin (nothing to split on).
    pub slots: Vec<Option<Slot>>,
    pub groups: Vec<Group>,
    /// Each group's first entry in a histogram of all groups.
    pub hist_offsets: Vec<usize>,
    /// Entries in a histogram of all groups.
    pub hist_len: usize,
    /// The same bins row-major: row `r`'s group bins are `row_bins[r * G..(r + 1) * G]`
    /// for `G` groups. Histograms read rows this way (one run of bytes per row); splits
    /// and scoring read the group columns.
    pub row_bins: Vec<u8>,
}

/// One column's values away from 0 (NaN included) and their rows.
#[derive(Default)]
struct Nonzero {
    rows: Vec<u32>,
    values: Vec<f64>,
}

/// A feature's rows away from its zero bin, with their bins.
struct Busy {
    rows: Vec<u32>,
    bins: Vec<u8>,
}

impl Dataset {
    /// Bins `rows` of `x` (in that order: dataset row `i` is `x` row `rows[i]`).
    pub fn new(x: ArrayView2<'_, f64>, rows: &[usize], max_bins: usize) -> Dataset {
        let p = x.ncols();
        let n = rows.len();
        let nonzero = scan(x, rows);
        let mappers: Vec<BinMapper> = nonzero
            .par_iter()
            .map(|nz| BinMapper::fit(&nz.values, n - nz.values.len(), max_bins))
            .collect();
        let busy: Vec<Busy> = nonzero
            .into_par_iter()
            .zip(&mappers)
            .map(|(nz, m)| {
                let zero = m.bin(0.0);
                let mut b = Busy {
                    rows: Vec::new(),
                    bins: Vec::new(),
                };
                for (&r, &v) in nz.rows.iter().zip(&nz.values) {
                    let bin = m.bin(v);
                    if bin != zero {
                        b.rows.push(r);
                        b.bins.push(bin as u8);
                    }
                }
                b
            })
            .collect();
        let members = bundle(&mappers, &busy, n);
        let mut slots: Vec<Option<Slot>> = vec![None; p];
        let mut groups = Vec::with_capacity(members.len());
        for (g, features) in members.into_iter().enumerate() {
            let alone = features.len() == 1;
            let mut offset = 1;
            let mut group_bins = 1;
            for &f in &features {
                let m = &mappers[f];
                let slot = Slot {
                    group: g,
                    alone,
                    offset: if alone { 0 } else { offset },
                    zero_bin: m.bin(0.0),
                    n_bins: m.n_bins(),
                };
                offset += m.n_bins() - 1;
                group_bins = if alone { m.n_bins() } else { offset };
                slots[f] = Some(slot);
            }
            let fill = if alone {
                slots[features[0]].map_or(0, |s| s.zero_bin as u8)
            } else {
                0
            };
            groups.push(Group {
                bins: vec![fill; n],
                n_bins: group_bins,
                features,
            });
        }
        groups.par_iter_mut().for_each(|g| {
            for &f in &g.features {
                let Some(slot) = slots[f] else { continue };
                let b = &busy[f];
                for (&r, &bin) in b.rows.iter().zip(&b.bins) {
                    g.bins[r as usize] = slot.group_bin(usize::from(bin)) as u8;
                }
            }
        });
        let mut hist_offsets = Vec::with_capacity(groups.len());
        let mut hist_len = 0;
        for g in &groups {
            hist_offsets.push(hist_len);
            hist_len += g.n_bins;
        }
        let row_bins = interleave(&groups, n);
        Dataset {
            n_rows: n,
            mappers,
            slots,
            groups,
            hist_offsets,
            hist_len,
            row_bins,
        }
    }

    pub fn n_features(&self) -> usize {
        self.mappers.len()
    }

    /// Feature `f`'s bin in dataset row `row` (`None` for a feature with one bin).
    pub fn feature_bin(&self, f: usize, row: usize) -> Option<usize> {
        let slot = self.slots[f]?;
        Some(slot.feature_bin(usize::from(self.groups[slot.group].bins[row])))
    }
}

/// The group columns' bins row-major, in parallel over blocks of rows.
fn interleave(groups: &[Group], n: usize) -> Vec<u8> {
    let width = groups.len();
    let mut out = vec![0u8; n * width];
    if width == 0 {
        return out;
    }
    out.par_chunks_mut(SCAN_BLOCK * width)
        .enumerate()
        .for_each(|(block, rows)| {
            let start = block * SCAN_BLOCK;
            for (g, group) in groups.iter().enumerate() {
                let bins = &group.bins[start..start + rows.len() / width];
                for (cell, &b) in rows.iter_mut().skip(g).step_by(width).zip(bins) {
                    *cell = b;
                }
            }
        });
    out
}

/// Every column's nonzero values with their rows, from a scan in row order.
fn scan(x: ArrayView2<'_, f64>, rows: &[usize]) -> Vec<Nonzero> {
    let p = x.ncols();
    let blocks: Vec<Vec<Nonzero>> = rows
        .par_chunks(SCAN_BLOCK)
        .enumerate()
        .map(|(b, chunk)| {
            let mut cols: Vec<Nonzero> = (0..p).map(|_| Nonzero::default()).collect();
            for (k, &r) in chunk.iter().enumerate() {
                let i = (b * SCAN_BLOCK + k) as u32;
                let row = x.row(r);
                for (c, &v) in cols.iter_mut().zip(row.iter()) {
                    // NaN != 0 too: missing values are kept.
                    if v != 0.0 {
                        c.rows.push(i);
                        c.values.push(v);
                    }
                }
            }
            cols
        })
        .collect();
    (0..p)
        .into_par_iter()
        .map(|j| {
            let len = blocks.iter().map(|b| b[j].rows.len()).sum();
            let mut out = Nonzero {
                rows: Vec::with_capacity(len),
                values: Vec::with_capacity(len),
            };
            for b in &blocks {
                out.rows.extend_from_slice(&b[j].rows);
                out.values.extend_from_slice(&b[j].values);
            }
            out
        })
        .collect()
}

/// Groups of features, greedily: features by busy rows (most first, then by index), each
/// into the first bundle it shares no busy row with and whose bins it fits in, else into a
/// new one. A feature busy in more than half the rows stays alone; one with a single bin
/// is left out.
fn bundle(mappers: &[BinMapper], busy: &[Busy], n: usize) -> Vec<Vec<usize>> {
    struct Bundle {
        features: Vec<usize>,
        bins: usize,
        used: Vec<u64>,
    }
    let mut order: Vec<usize> = (0..mappers.len())
        .filter(|&f| mappers[f].n_bins() > 1)
        .collect();
    order.sort_by_key(|&f| (std::cmp::Reverse(busy[f].rows.len()), f));
    let mut alone = Vec::new();
    let mut bundles: Vec<Bundle> = Vec::new();
    for f in order {
        let rows = &busy[f].rows;
        let extra = mappers[f].n_bins() - 1;
        if rows.len() * 2 > n || extra + 1 > GROUP_BINS {
            alone.push(vec![f]);
            continue;
        }
        let free = |b: &Bundle| {
            b.bins + extra <= GROUP_BINS
                && rows
                    .iter()
                    .all(|&r| b.used[r as usize / 64] & (1 << (r % 64)) == 0)
        };
        let at = match bundles.iter().position(free) {
            Some(i) => i,
            None => {
                bundles.push(Bundle {
                    features: Vec::new(),
                    bins: 1,
                    used: vec![0; n.div_ceil(64)],
                });
                bundles.len() - 1
            }
        };
        let b = &mut bundles[at];
        b.features.push(f);
        b.bins += extra;
        for &r in rows {
            b.used[r as usize / 64] |= 1 << (r % 64);
        }
    }
    alone
        .into_iter()
        .chain(bundles.into_iter().map(|b| b.features))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    /// Two numeric columns and a 3-level one-hot categorical (rows cycle through levels).
    fn one_hot_matrix(n: usize) -> Array2<f64> {
        Array2::from_shape_fn((n, 5), |(i, j)| match j {
            0 => (i % 7) as f64,
            1 => (i as f64 * 0.37).sin(),
            k => f64::from(u8::from(i % 3 == k - 2)),
        })
    }

    #[test]
    fn row_major_bins_are_the_group_columns_interleaved() {
        let x = one_hot_matrix(3 * SCAN_BLOCK + 11);
        let rows: Vec<usize> = (0..x.nrows()).rev().collect();
        let ds = Dataset::new(x.view(), &rows, 255);
        let width = ds.groups.len();
        assert_eq!(ds.row_bins.len(), ds.n_rows * width);
        for r in 0..ds.n_rows {
            for (g, group) in ds.groups.iter().enumerate() {
                assert_eq!(ds.row_bins[r * width + g], group.bins[r]);
            }
        }
    }

    #[test]
    fn one_hot_columns_share_a_group() {
        let x = one_hot_matrix(300);
        let rows: Vec<usize> = (0..300).collect();
        let ds = Dataset::new(x.view(), &rows, 255);
        assert_eq!(
            ds.groups.len(),
            3,
            "{:?}",
            ds.groups.iter().map(|g| &g.features).collect::<Vec<_>>()
        );
        let s2 = ds.slots[2].unwrap();
        let s3 = ds.slots[3].unwrap();
        let s4 = ds.slots[4].unwrap();
        assert_eq!(s2.group, s3.group);
        assert_eq!(s3.group, s4.group);
        assert!(!s2.alone);
        assert_eq!(ds.groups[s2.group].n_bins, 4);
        assert!(ds.slots[0].unwrap().alone);
        // Binned rows say what the values say, feature by feature.
        for i in 0..300 {
            for f in 0..5 {
                let want = ds.mappers[f].bin(x[[i, f]]);
                assert_eq!(ds.feature_bin(f, i), Some(want), "row {i} feature {f}");
            }
        }
    }

    #[test]
    fn a_subset_of_rows_is_binned_in_order_and_constants_are_left_out() {
        let mut x = one_hot_matrix(100);
        x.column_mut(1).fill(4.0);
        let rows: Vec<usize> = (0..100).rev().step_by(2).collect();
        let ds = Dataset::new(x.view(), &rows, 255);
        assert_eq!(ds.n_rows, rows.len());
        assert!(ds.slots[1].is_none(), "a constant column cannot split");
        for (i, &r) in rows.iter().enumerate() {
            assert_eq!(ds.feature_bin(0, i), Some(ds.mappers[0].bin(x[[r, 0]])));
            assert_eq!(ds.feature_bin(3, i), Some(ds.mappers[3].bin(x[[r, 3]])));
        }
    }

    #[test]
    fn overlapping_sparse_columns_are_not_bundled() {
        // Columns 0 and 1 are both 1 on every tenth row; column 2 elsewhere sometimes.
        let x = Array2::from_shape_fn((200, 3), |(i, j)| match j {
            0 | 1 => f64::from(u8::from(i % 10 == 0)),
            _ => f64::from(u8::from(i % 10 == 5)),
        });
        let rows: Vec<usize> = (0..200).collect();
        let ds = Dataset::new(x.view(), &rows, 255);
        let g = |f: usize| ds.slots[f].unwrap().group;
        assert_ne!(g(0), g(1));
        assert!(g(2) == g(0) || g(2) == g(1));
        for i in 0..200 {
            for f in 0..3 {
                assert_eq!(ds.feature_bin(f, i), Some(ds.mappers[f].bin(x[[i, f]])));
            }
        }
    }
}
