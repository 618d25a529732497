//! `search = halving(trials, factor, min_rows)`: successive halving over rows (Jamieson and
//! Talwalkar 2016; scikit-learn's HalvingGridSearchCV).
//!
//! Every candidate is cross-validated on a small share of the training rows; the best
//! `1/factor` go on to the next rung, which has `factor` times the rows; the last rung
//! scores the few survivors (at most `factor`) on all rows, and the best of them wins. A
//! large space is then searched for little more than the cost of its last rungs.
//!
//! The rows of a rung are the first `n` of one seeded, stratified order of the training rows,
//! so each rung's rows contain the previous rung's, and every class keeps its share in every
//! prefix (a rare class does not vanish from a small rung).

use std::cmp::Ordering;

use aimass_engine::StageError;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

use super::search::Search;
use super::space::key;
use crate::estimator::TargetValues;

/// Candidates drawn when the space has a float range and `trials` is not given.
pub const DEFAULT_TRIALS: usize = 81;

/// The smallest rung by default: enough rows for each of `folds` folds to hold some of
/// every class.
pub fn min_rows(folds: usize, classes: usize) -> usize {
    (folds * classes.max(2) * 20).max(folds * 40)
}

/// The rows of each rung, smallest first; the last is all `rows`. Rungs are added until the
/// survivors are at most `factor`.
pub fn rungs(candidates: usize, factor: usize, rows: usize, min_rows: usize) -> Vec<usize> {
    let mut survivors = candidates;
    let mut count: usize = 1;
    while survivors > factor {
        survivors = survivors.div_ceil(factor);
        count += 1;
    }
    (0..count)
        .map(|r| {
            let shrink = (factor as f64).powi((count - 1 - r) as i32);
            ((rows as f64 / shrink) as usize).clamp(min_rows.min(rows), rows)
        })
        .collect()
}

/// The training rows in a seeded order whose every prefix keeps each class's share.
pub fn nested_order(target: &TargetValues, seed: u64) -> Vec<usize> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed ^ 0x0068_616c_7669_6e67);
    match target {
        TargetValues::Values(y) => {
            let mut order: Vec<usize> = (0..y.len()).collect();
            order.shuffle(&mut rng);
            order
        }
        TargetValues::Classes(y) => {
            let classes = y.iter().copied().max().map_or(0, |m| m + 1);
            let mut by_class: Vec<Vec<usize>> = vec![Vec::new(); classes];
            for (i, &c) in y.iter().enumerate() {
                by_class[c].push(i);
            }
            by_class.iter_mut().for_each(|rows| rows.shuffle(&mut rng));
            // Take next from the class furthest behind its share: taken / total smallest.
            let mut taken = vec![0usize; classes];
            let mut order = Vec::with_capacity(y.len());
            while order.len() < y.len() {
                let next = (0..classes)
                    .filter(|&c| taken[c] < by_class[c].len())
                    .min_by(|&a, &b| {
                        let share = |c: usize| taken[c] as f64 / by_class[c].len() as f64;
                        share(a).partial_cmp(&share(b)).unwrap_or(Ordering::Equal)
                    });
                let Some(c) = next else { break };
                order.push(by_class[c][taken[c]]);
                taken[c] += 1;
            }
            order
        }
    }
}

impl Search<'_, '_> {
    pub(super) fn halving(
        &mut self,
        trials: Option<usize>,
        factor: usize,
        min_rows: Option<usize>,
    ) -> Result<(), StageError> {
        let mut candidates = match (trials, self.space.grid_size()) {
            (None, Some(_)) => self.space.grid(),
            (t, _) => self.distinct_draws(t.unwrap_or(DEFAULT_TRIALS)),
        };
        for c in &candidates {
            self.seen.insert(key(c));
        }
        let all = self.rows;
        let plan = rungs(candidates.len(), factor, all, min_rows.unwrap_or(0));
        for (r, &rows) in plan.iter().enumerate() {
            let first = self.trials.len();
            let on = (rows < all).then_some(rows);
            self.score(candidates.clone(), None, Some(r + 1), on)?;
            if self.cut.is_some() || r + 1 == plan.len() {
                break;
            }
            // The best 1/factor go on; undefined scores last; ties keep the earlier.
            let mut ranked: Vec<(usize, Option<f64>)> = self.trials[first..]
                .iter()
                .enumerate()
                .map(|(i, t)| (i, self.goal(&t.outcome)))
                .collect();
            ranked.sort_by(|(i, a), (j, b)| match (a, b) {
                (Some(x), Some(y)) => y.total_cmp(x).then(i.cmp(j)),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => i.cmp(j),
            });
            let keep = candidates.len().div_ceil(factor).max(1);
            candidates = ranked
                .into_iter()
                .take(keep)
                .map(|(i, _)| self.trials[first + i].config.clone())
                .collect();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rungs_grow_by_the_factor_up_to_all_rows() {
        assert_eq!(rungs(27, 3, 9000, 0), vec![1000, 3000, 9000]);
        assert_eq!(rungs(3, 3, 9000, 0), vec![9000]);
        assert_eq!(rungs(360, 3, 8100, 0), vec![33, 100, 300, 900, 2700, 8100]);
        // The floor lifts small rungs; never above all rows.
        assert_eq!(rungs(27, 3, 900, 200), vec![200, 300, 900]);
        assert_eq!(rungs(27, 3, 100, 200), vec![100, 100, 100]);
    }

    #[test]
    fn nested_order_keeps_class_shares_in_every_prefix() {
        // 10% positives.
        let y: Vec<usize> = (0..1000).map(|i| usize::from(i % 10 == 0)).collect();
        let order = nested_order(&TargetValues::Classes(y.clone()), 7);
        let mut sorted = order.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..1000).collect::<Vec<_>>(), "a permutation");
        for n in [20, 50, 100, 333] {
            let pos = order[..n].iter().filter(|&&i| y[i] == 1).count();
            let want = n as f64 / 10.0;
            assert!((pos as f64 - want).abs() <= 1.0, "{pos} positives in {n}");
        }
        assert_eq!(order, nested_order(&TargetValues::Classes(y), 7));
    }
}
