//! Cumulative gains and lift: how much better than random targeting the top-scored rows are.
//!
//! Rows are ranked by score, highest first, with a STABLE sort: rows with equal scores keep
//! their input order. So when a tie straddles a cut, the rows that came first in the input
//! fall inside it. The alternative, averaging over ties, would give fractional row counts; a
//! campaign list is cut at whole customers, and the stable order makes the cut reproducible.

use serde::Serialize;

use super::classification::check_scores;
use super::error::MetricError;

/// One line of the decile table; every count is cumulative over deciles `1..=decile`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GainsRow {
    /// 1 = the top-scored tenth.
    pub decile: usize,
    /// Rows in the top `decile` tenths: `round(decile * n / 10)`, halves rounded up.
    pub rows: usize,
    /// `rows / n`.
    pub population: f64,
    /// Positives among those rows.
    pub positives: u64,
    /// `positives / all positives`: the cumulative gain.
    pub captured: f64,
    /// `captured / population`: 1.0 is what random targeting achieves.
    pub lift: f64,
}

/// Row indices ranked by score descending, ties in input order: the order of the gains
/// table, and of a scored campaign list.
pub fn ranked(scores: &[f64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    order
}

fn total_positives(metric: &'static str, y_true: &[bool]) -> Result<u64, MetricError> {
    match y_true.iter().filter(|&&t| t).count() as u64 {
        0 => Err(MetricError::SingleClass {
            metric,
            class: "negative",
        }),
        pos => Ok(pos),
    }
}

/// The ten-line cumulative gains and lift table.
///
/// Needs at least 10 rows so that every decile holds at least one row, and at least one
/// positive so that "captured" has a denominator.
pub fn gains_table(y_true: &[bool], scores: &[f64]) -> Result<Vec<GainsRow>, MetricError> {
    const METRIC: &str = "gains table";
    check_scores(METRIC, y_true, scores)?;
    let n = y_true.len();
    if n < 10 {
        return Err(MetricError::TooFewRows {
            metric: METRIC,
            needed: 10,
            found: n,
        });
    }
    let total_pos = total_positives(METRIC, y_true)?;
    let order = ranked(scores);
    let mut table = Vec::with_capacity(10);
    let (mut taken, mut positives) = (0usize, 0u64);
    for decile in 1..=10 {
        let rows = decile_end(decile, n);
        positives += order[taken..rows].iter().filter(|&&r| y_true[r]).count() as u64;
        taken = rows;
        let population = rows as f64 / n as f64;
        let captured = positives as f64 / total_pos as f64;
        table.push(GainsRow {
            decile,
            rows,
            population,
            positives,
            captured,
            lift: captured / population,
        });
    }
    Ok(table)
}

/// How many of `n` ranked rows the first `decile` deciles (1..=10) hold: the tenths rounded
/// to the nearest row, so that every decile holds a row once `n >= 10`.
pub fn decile_end(decile: usize, n: usize) -> usize {
    (decile * n + 5) / 10
}

/// The decile (1 = the best-scored tenth) of the row at 0-based `rank` among `n`.
pub fn decile_of(rank: usize, n: usize) -> u32 {
    let mut d = 1;
    while d < 10 && rank >= decile_end(d, n) {
        d += 1;
    }
    d as u32
}

/// Lift of the top `fraction` of rows: the positive rate among the `ceil(fraction * n)`
/// best-scored rows divided by the overall positive rate. `lift_at(0.1)` is the "lift(10%)"
/// of a campaign report. `fraction` must lie in (0, 1].
pub fn lift_at(y_true: &[bool], scores: &[f64], fraction: f64) -> Result<f64, MetricError> {
    const METRIC: &str = "lift";
    check_scores(METRIC, y_true, scores)?;
    if !(fraction > 0.0 && fraction <= 1.0) {
        return Err(MetricError::InvalidArgument {
            metric: METRIC,
            reason: format!("the fraction of rows must lie in (0, 1], got {fraction}"),
        });
    }
    let n = y_true.len();
    let total_pos = total_positives(METRIC, y_true)?;
    // The relative tolerance keeps 0.7 * 10 = 7.000000000000001 from becoming 8 rows.
    let top = ((fraction * n as f64 * (1.0 - 1e-12)).ceil() as usize).clamp(1, n);
    let top_pos = ranked(scores)[..top].iter().filter(|&&r| y_true[r]).count();
    let top_rate = top_pos as f64 / top as f64;
    let base_rate = total_pos as f64 / n as f64;
    Ok(top_rate / base_rate)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::ml::test_data::scored_rows;

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() < 1e-12, "{a} vs {b}");
    }

    #[test]
    fn twelve_rows_by_hand() {
        // Scores descending except for a tie (0.5) whose first row in input order is a
        // positive; 4 positives out of 12.
        let y = [
            true, false, true, false, false, true, false, false, false, true, false, false,
        ];
        let s = [
            0.9, 0.8, 0.5, 0.5, 0.4, 0.35, 0.3, 0.2, 0.15, 0.1, 0.05, 0.01,
        ];
        let t = gains_table(&y, &s).unwrap();
        // round(k * 12 / 10): 1, 2, 4, 5, 6, 7, 8, 10, 11, 12 (1.2 -> 1, 2.4 -> 2, 3.6 -> 4...)
        let rows: Vec<usize> = t.iter().map(|r| r.rows).collect();
        assert_eq!(rows, [1, 2, 4, 5, 6, 7, 8, 10, 11, 12]);
        let pos: Vec<u64> = t.iter().map(|r| r.positives).collect();
        assert_eq!(pos, [1, 1, 2, 2, 3, 3, 3, 4, 4, 4]);
        close(t[0].captured, 0.25);
        close(t[0].lift, 0.25 / (1.0 / 12.0));
        close(t[9].lift, 1.0);
        // Top 2 rows = ceil(0.1 * 12): one positive, rate 0.5 against 1/3 overall.
        close(lift_at(&y, &s, 0.1).unwrap(), 1.5);
        close(lift_at(&y, &s, 1.0).unwrap(), 1.0);
    }

    #[test]
    fn ties_keep_input_order() {
        // All scores tied: the top 30% is simply the first 3 rows.
        let y = [
            false, false, false, true, true, false, false, false, false, false,
        ];
        let s = [0.5; 10];
        close(lift_at(&y, &s, 0.3).unwrap(), 0.0);
        let y_first: Vec<bool> = y.iter().rev().copied().collect();
        close(lift_at(&y_first, &s, 0.3).unwrap(), 0.0);
        let y_front = [
            true, true, false, false, false, false, false, false, false, false,
        ];
        close(lift_at(&y_front, &s, 0.2).unwrap(), 5.0);
    }

    #[test]
    fn rounding_does_not_add_a_row() {
        // 0.7 * 10 is 7.000000000000001 in floating point; the cut must stay at 7 rows.
        let y: Vec<bool> = (0..10).map(|i| i == 7).collect();
        let s: Vec<f64> = (0..10).map(|i| 1.0 - i as f64 / 10.0).collect();
        close(lift_at(&y, &s, 0.7).unwrap(), 0.0);
    }

    /// Reference computed in Python with numpy (`np.argsort(-s, kind="stable")`, the same
    /// definition) on `scored_rows(1000, 7)`; scikit-learn has no gains table.
    #[test]
    fn thousand_tied_rows_match_numpy() {
        let (y, s) = scored_rows(1000, 7);
        let t = gains_table(&y, &s).unwrap();
        let captured: Vec<u64> = t.iter().map(|r| r.positives).collect();
        assert_eq!(captured, REF_POSITIVES);
        close(lift_at(&y, &s, 0.1).unwrap(), REF_LIFT_10);
        close(lift_at(&y, &s, 0.25).unwrap(), REF_LIFT_25);
    }
    const REF_POSITIVES: [u64; 10] = [73, 147, 201, 250, 300, 346, 374, 403, 429, 458];
    const REF_LIFT_10: f64 = 1.593886462882096;
    const REF_LIFT_25: f64 = 1.5283842794759823;

    #[test]
    fn degenerate_inputs_are_typed_errors() {
        let s = [0.5; 12];
        assert!(matches!(
            gains_table(&[false; 12], &s),
            Err(MetricError::SingleClass { .. })
        ));
        assert!(matches!(
            gains_table(&[true; 9], &s[..9]),
            Err(MetricError::TooFewRows { found: 9, .. })
        ));
        for bad in [0.0, -0.1, 1.5, f64::NAN] {
            assert!(matches!(
                lift_at(&[true; 12], &s, bad),
                Err(MetricError::InvalidArgument { .. })
            ));
        }
        assert!(matches!(
            lift_at(&[], &[], 0.1),
            Err(MetricError::Empty { .. })
        ));
    }
}
