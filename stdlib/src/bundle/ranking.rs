//! Scored rows as a campaign list: `rank` (1 = the most likely responder) and `decile` (1 =
//! the best-scored tenth), and the cut to the top N rows.
//!
//! A binary classifier ranks by the positive class's probability, a regressor by its
//! prediction, highest first, ties in input order. Deciles have the boundaries of
//! `evaluate`'s gains table ([`decile_end`]), so the list's decile 1 is the rows that table's
//! first line describes. Multiclass and segmentation models have no single score to rank by:
//! their rows get no rank, and asking for a top cut is refused.

use aimass_engine::StageError;
use polars::prelude::{DataFrame, IdxCa, IntoColumn, NamedFrom, Series};

use crate::estimator::{Task, TrainedModel};
use crate::ml::metrics::{decile_of, ranked};

/// How many rows to keep: a count, or a share of the rows, rounded to the nearest row (half
/// up) as the decile boundaries are, so `top = 10%` is exactly decile 1; at least one row.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Top {
    Rows(usize),
    Fraction(f64),
}

impl Top {
    /// The number of rows kept out of `n`.
    pub fn of(self, n: usize) -> usize {
        match self {
            Top::Rows(k) => k.min(n),
            Top::Fraction(f) => {
                // The epsilon keeps a half that the float product lands just below (0.3 * 15
                // is 4.4999...) rounding up, as the integer decile boundaries do.
                let k = (f * n as f64 + 0.5 + 1e-9).floor() as usize;
                k.max(1).min(n)
            }
        }
    }
}

/// The column a model's rows are ranked by, or `None` when no single score exists.
pub fn ranking_column(model: &TrainedModel) -> Option<String> {
    match model.task {
        Task::Regression => Some("prediction".to_string()),
        Task::Classification if model.classes.len() == 2 => {
            let positive = model.classes.get(model.positive?)?;
            Some(format!("proba_{positive}"))
        }
        _ => None,
    }
}

/// Adds `decile` and `rank` to `scored` (the output of [`super::score_model`], possibly
/// with kept columns), ranking by `by`. With `top`, keeps only the best rows, in rank order;
/// with `sort`, puts every row in rank order; otherwise rows stay in input order.
pub fn rank_rows(
    mut scored: DataFrame,
    by: &str,
    top: Option<Top>,
    sort: bool,
) -> Result<DataFrame, StageError> {
    let fail = |e: &dyn std::fmt::Display| StageError::new(format!("cannot rank the rows: {e}"));
    let scores: Vec<f64> = scored
        .column(by)
        .and_then(|c| c.cast(&polars::prelude::DataType::Float64))
        .map_err(|e| fail(&e))?
        .f64()
        .map_err(|e| fail(&e))?
        .iter()
        .map(|v| v.unwrap_or(f64::NAN))
        .collect();
    let n = scores.len();
    let order = ranked(&scores);
    let mut rank = vec![0u32; n];
    for (r, &row) in order.iter().enumerate() {
        rank[row] = u32::try_from(r + 1).unwrap_or(u32::MAX);
    }
    let decile: Vec<u32> = rank.iter().map(|&r| decile_of(r as usize - 1, n)).collect();
    for (name, values) in [("decile", decile), ("rank", rank)] {
        scored
            .with_column(Series::new(name.into(), values).into_column())
            .map_err(|e| fail(&e))?;
    }
    let keep = match top {
        Some(t) => &order[..t.of(n)],
        None if sort => &order[..],
        None => return Ok(scored),
    };
    let idx: Vec<polars::prelude::IdxSize> = keep
        .iter()
        .map(|&i| i as polars::prelude::IdxSize)
        .collect();
    scored
        .take(&IdxCa::new("idx".into(), idx))
        .map_err(|e| fail(&e))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use polars::prelude::*;

    use super::*;

    fn column_u32(df: &DataFrame, name: &str) -> Vec<u32> {
        df.column(name)
            .unwrap()
            .u32()
            .unwrap()
            .into_no_null_iter()
            .collect()
    }

    #[test]
    fn ranks_highest_first_with_ties_in_input_order() {
        let df = df!("id" => ["a", "b", "c", "d"], "p" => [0.2, 0.9, 0.2, 0.5]).unwrap();
        let out = rank_rows(df, "p", None, false).unwrap();
        assert_eq!(column_u32(&out, "rank"), [3, 1, 4, 2]);
        let ids: Vec<&str> = out
            .column("id")
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .map(Option::unwrap)
            .collect();
        assert_eq!(
            ids,
            ["a", "b", "c", "d"],
            "input order kept without sort or top"
        );
    }

    #[test]
    fn deciles_follow_the_gains_table_boundaries() {
        // 25 rows: decile d ends at (25d + 5) / 10 = 3, 5, 8, 10, 13, 15, 18, 20, 23, 25.
        let p: Vec<f64> = (0..25).map(|i| 1.0 - i as f64 / 100.0).collect();
        let df = df!("p" => p).unwrap();
        let out = rank_rows(df, "p", None, true).unwrap();
        let deciles = column_u32(&out, "decile");
        let expected: Vec<u32> = [3, 2, 3, 2, 3, 2, 3, 2, 3, 2]
            .iter()
            .enumerate()
            .flat_map(|(d, &k)| std::iter::repeat_n(d as u32 + 1, k))
            .collect();
        assert_eq!(deciles, expected);
    }

    #[test]
    fn a_top_share_is_exactly_the_first_deciles() {
        for n in [5usize, 10, 15, 17, 25, 35, 517, 5174, 5179] {
            for d in 1..=10 {
                let share = Top::Fraction(d as f64 / 10.0);
                assert_eq!(
                    share.of(n),
                    crate::ml::metrics::decile_end(d, n),
                    "{d}0% of {n}"
                );
            }
        }
    }

    #[test]
    fn top_keeps_the_best_rows_in_rank_order() {
        let df =
            df!("id" => [1, 2, 3, 4, 5, 6, 7], "p" => [0.1, 0.7, 0.3, 0.9, 0.5, 0.2, 0.8]).unwrap();
        let out = rank_rows(df.clone(), "p", Some(Top::Rows(3)), false).unwrap();
        let ids: Vec<i32> = out
            .column("id")
            .unwrap()
            .i32()
            .unwrap()
            .into_no_null_iter()
            .collect();
        assert_eq!(ids, [4, 7, 2]);
        assert_eq!(column_u32(&out, "rank"), [1, 2, 3]);
        // 30% of 7 rows is 2.1 rows: 2; 50% is 3.5: 4 (half up); 1% still keeps one row.
        for (share, rows) in [(0.3, 2), (0.5, 4), (0.01, 1)] {
            let out = rank_rows(df.clone(), "p", Some(Top::Fraction(share)), false).unwrap();
            assert_eq!(out.height(), rows, "{share}");
        }
        let all = rank_rows(df, "p", Some(Top::Rows(100)), false).unwrap();
        assert_eq!(all.height(), 7, "a top beyond the rows keeps them all");
    }
}
