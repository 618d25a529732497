//! The k nearest training rows of each query row (exact), and what they say.
//!
//! Few features (up to [`TREE_MAX_DIMS`]): a k-d tree over the training rows, so a query
//! visits a few leaves instead of every row. More features: brute force, where a tree
//! stops pruning. Both give the same neighbours, ties in distance going to the earlier
//! training row. Queries are split across threads.

use crate::tree::{Tree, TREE_MAX_DIMS};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Weights {
    Uniform,
    Distance,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Metric {
    Euclidean,
    Manhattan,
}

/// (distance, training row) of one query's neighbours, nearest first.
pub type Found = Vec<(f64, usize)>;

pub(crate) fn distance(a: &[f64], b: &[f64], metric: Metric) -> f64 {
    match metric {
        // Squared while searching; the square root is taken for the k kept.
        Metric::Euclidean => a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum(),
        Metric::Manhattan => a.iter().zip(b).map(|(x, y)| (x - y).abs()).sum(),
    }
}

fn nearest(train: &[f64], d: usize, q: &[f64], k: usize, metric: Metric) -> Found {
    let mut best: Found = Vec::with_capacity(k + 1);
    for (i, row) in train.chunks_exact(d.max(1)).enumerate() {
        let dist = if d == 0 {
            0.0
        } else {
            distance(row, q, metric)
        };
        offer(&mut best, k, dist, i);
    }
    best
}

/// Keeps `(dist, row)` among the k best, ordered by distance then row: ties favour the
/// earlier training row, whatever order rows are offered in.
pub(crate) fn offer(best: &mut Found, k: usize, dist: f64, row: usize) {
    if best.len() == k && (dist, row) >= best[k - 1] {
        return;
    }
    let at = best.partition_point(|&b| b < (dist, row));
    best.insert(at, (dist, row));
    best.truncate(k);
}

/// The k nearest training rows of each of the `n` query rows.
pub fn search(
    train: &[f64],
    d: usize,
    queries: &[f64],
    n: usize,
    k: usize,
    metric: Metric,
) -> Vec<Found> {
    if k == 0 {
        return vec![Vec::new(); n];
    }
    let tree = (d > 0 && d <= TREE_MAX_DIMS).then(|| Tree::build(train, d));
    let tree = tree.as_ref();
    let threads = std::thread::available_parallelism()
        .map_or(1, |t| t.get())
        .min(n.max(1));
    let per = n.div_ceil(threads.max(1)).max(1);
    let mut out: Vec<Found> = Vec::with_capacity(n);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..n)
            .step_by(per)
            .map(|start| {
                let end = (start + per).min(n);
                s.spawn(move || {
                    (start..end)
                        .map(|i| {
                            let q = &queries[i * d..(i + 1) * d];
                            match tree {
                                Some(t) => t.nearest(q, k, metric),
                                None => nearest(train, d, q, k, metric),
                            }
                        })
                        .collect::<Vec<Found>>()
                })
            })
            .collect();
        for h in handles {
            // A panic in a search thread is a bug of ours; the SDK turns it into an error.
            out.extend(h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)));
        }
    });
    if metric == Metric::Euclidean {
        // Squared while searching (the same order); real distances for the weights.
        for f in &mut out {
            f.iter_mut().for_each(|(dist, _)| *dist = dist.sqrt());
        }
    }
    out
}

/// How much each neighbour counts: with distance weights a neighbour at distance 0 counts
/// alone (all of them, if several).
fn weights_of(found: &Found, w: Weights) -> Vec<f64> {
    match w {
        Weights::Uniform => vec![1.0; found.len()],
        Weights::Distance => {
            if found.iter().any(|(d, _)| *d == 0.0) {
                found
                    .iter()
                    .map(|(d, _)| if *d == 0.0 { 1.0 } else { 0.0 })
                    .collect()
            } else {
                found.iter().map(|(d, _)| 1.0 / d).collect()
            }
        }
    }
}

/// Per class, each query's probability: `per_class[c][i]`.
pub fn vote(found: &[Found], y: &[f64], classes: usize, w: Weights) -> Vec<Vec<f64>> {
    let mut per_class = vec![vec![0.0; found.len()]; classes];
    for (i, f) in found.iter().enumerate() {
        let weights = weights_of(f, w);
        let total: f64 = weights.iter().sum();
        for ((_, row), wt) in f.iter().zip(&weights) {
            let c = (y[*row] as usize).min(classes - 1);
            per_class[c][i] += wt / total;
        }
    }
    per_class
}

pub fn mean(found: &[Found], y: &[f64], w: Weights) -> Vec<f64> {
    found
        .iter()
        .map(|f| {
            let weights = weights_of(f, w);
            let total: f64 = weights.iter().sum();
            f.iter()
                .zip(&weights)
                .map(|((_, r), wt)| y[*r] * wt)
                .sum::<f64>()
                / total
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    // Training rows on a line: 0, 1, 2, 10, 11.
    const TRAIN: [f64; 5] = [0.0, 1.0, 2.0, 10.0, 11.0];

    #[test]
    fn nearest_rows_in_order_with_ties_to_the_earlier_row() {
        let f = search(&TRAIN, 1, &[1.5, 10.4], 2, 3, Metric::Euclidean);
        assert_eq!(f[0], vec![(0.5, 1), (0.5, 2), (1.5, 0)]);
        let rows: Vec<usize> = f[1].iter().map(|x| x.1).collect();
        assert_eq!(rows, vec![3, 4, 2]);
    }

    #[test]
    fn the_tree_finds_exactly_what_brute_force_finds() {
        // A small deterministic generator; coarse values make many ties.
        let mut state = 12345u64;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((state >> 33) % 20) as f64 / 4.0
        };
        for d in [1, 3, 6] {
            let train: Vec<f64> = (0..500 * d).map(|_| next()).collect();
            let queries: Vec<f64> = (0..60 * d).map(|_| next()).collect();
            let tree = Tree::build(&train, d);
            for metric in [Metric::Euclidean, Metric::Manhattan] {
                for k in [1, 7, 40] {
                    for q in queries.chunks_exact(d) {
                        assert_eq!(
                            tree.nearest(q, k, metric),
                            nearest(&train, d, q, k, metric),
                            "d {d} k {k} {metric:?}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn votes_and_means() {
        let y = [0.0, 0.0, 1.0, 1.0, 1.0];
        let f = search(&TRAIN, 1, &[0.9], 1, 3, Metric::Euclidean);
        let p = vote(&f, &y, 2, Weights::Uniform);
        assert!((p[0][0] - 2.0 / 3.0).abs() < 1e-12 && (p[1][0] - 1.0 / 3.0).abs() < 1e-12);
        let exact = search(&TRAIN, 1, &[2.0], 1, 3, Metric::Euclidean);
        let p = vote(&exact, &y, 2, Weights::Distance);
        assert_eq!(
            (p[0][0], p[1][0]),
            (0.0, 1.0),
            "a row at distance 0 decides alone"
        );
        let m = mean(
            &search(&TRAIN, 1, &[10.5], 1, 2, Metric::Manhattan),
            &[0.0, 0.0, 0.0, 4.0, 6.0],
            Weights::Uniform,
        );
        assert_eq!(m, vec![5.0]);
    }
}
