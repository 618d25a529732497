//! Curves of positive-class scores, thinned to a few hundred points so that a report can
//! draw them: the ROC curve and the cumulative gains curve.
//!
//! Both are computed from every row; thinning only drops vertices. A thinned curve keeps
//! exact points of the full curve (its first and last included), evenly spaced by index, so
//! what a reader sees passes through the true curve at every kept point.

use serde::Serialize;

use super::classification::check_scores;
use super::error::MetricError;
use super::ranking::threshold_counts;

/// One point of a curve: `x` is the false-positive rate (ROC) or the fraction of rows
/// targeted (gains); `y` the true-positive rate, which is also the fraction of positives
/// captured.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CurvePoint {
    pub x: f64,
    pub y: f64,
}

/// Keeps at most `max_points` of `points`, evenly spaced by index, first and last always.
fn thin<T: Copy>(points: &[T], max_points: usize) -> Vec<T> {
    let n = points.len();
    if n <= max_points || max_points < 2 {
        return points.to_vec();
    }
    let last = n - 1;
    let steps = max_points - 1;
    (0..=steps).map(|i| points[i * last / steps]).collect()
}

fn totals(metric: &'static str, y_true: &[bool]) -> Result<(u64, u64), MetricError> {
    let pos = y_true.iter().filter(|&&t| t).count() as u64;
    let neg = y_true.len() as u64 - pos;
    if pos == 0 {
        return Err(MetricError::SingleClass {
            metric,
            class: "negative",
        });
    }
    if neg == 0 {
        return Err(MetricError::SingleClass {
            metric,
            class: "positive",
        });
    }
    Ok((pos, neg))
}

/// The ROC curve from (0, 0) to (1, 1), one vertex per distinct score threshold (tied rows
/// cross a threshold together, as in [`super::roc_auc`]), thinned to `max_points`.
pub fn roc_curve(
    y_true: &[bool],
    scores: &[f64],
    max_points: usize,
) -> Result<Vec<CurvePoint>, MetricError> {
    const METRIC: &str = "roc curve";
    check_scores(METRIC, y_true, scores)?;
    let (pos, neg) = totals(METRIC, y_true)?;
    let mut all = vec![CurvePoint { x: 0.0, y: 0.0 }];
    all.extend(
        threshold_counts(y_true, scores)
            .into_iter()
            .map(|(tp, fp)| CurvePoint {
                x: fp as f64 / neg as f64,
                y: tp as f64 / pos as f64,
            }),
    );
    Ok(thin(&all, max_points))
}

/// The cumulative gains curve: after the top `k` rows by score (stable order, ties in input
/// order, as in [`super::gains_table`]), the fraction of rows `k / n` and the fraction of all
/// positives among them; `max_points` values of `k` evenly spaced from 0 to `n`.
pub fn gains_curve(
    y_true: &[bool],
    scores: &[f64],
    max_points: usize,
) -> Result<Vec<CurvePoint>, MetricError> {
    const METRIC: &str = "gains curve";
    check_scores(METRIC, y_true, scores)?;
    let (pos, _) = totals(METRIC, y_true)?;
    let n = y_true.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    // Positives among the top k rows, for every k.
    let mut captured = Vec::with_capacity(n + 1);
    captured.push(0u64);
    let mut running = 0u64;
    for &row in &order {
        running += u64::from(y_true[row]);
        captured.push(running);
    }
    let ks: Vec<usize> = (0..=n).collect();
    Ok(thin(&ks, max_points.max(2))
        .into_iter()
        .map(|k| CurvePoint {
            x: k as f64 / n as f64,
            y: captured[k] as f64 / pos as f64,
        })
        .collect())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::ml::test_data::scored_rows;

    fn pts(v: &[CurvePoint]) -> Vec<(f64, f64)> {
        v.iter().map(|p| (p.x, p.y)).collect()
    }

    #[test]
    fn roc_by_hand_with_a_tie() {
        // Thresholds 0.8 (one positive), 0.4 (a positive and a negative, tied), 0.1.
        let y = [true, true, false, false];
        let s = [0.8, 0.4, 0.4, 0.1];
        let c = roc_curve(&y, &s, 200).unwrap();
        assert_eq!(pts(&c), [(0.0, 0.0), (0.0, 0.5), (0.5, 1.0), (1.0, 1.0)]);
    }

    #[test]
    fn gains_by_hand() {
        let y = [false, true, true, false];
        let s = [0.1, 0.9, 0.8, 0.2];
        let c = gains_curve(&y, &s, 200).unwrap();
        assert_eq!(
            pts(&c),
            [(0.0, 0.0), (0.25, 0.5), (0.5, 1.0), (0.75, 1.0), (1.0, 1.0)]
        );
    }

    /// Thinning keeps the ends and exact vertices; the trapezoid area of the thinned ROC curve
    /// stays close to the exact AUC.
    #[test]
    fn thinned_curves_keep_their_ends_and_shape() {
        let (y, s) = scored_rows(1000, 7);
        let roc = roc_curve(&y, &s, 20).unwrap();
        assert!(roc.len() <= 20);
        assert_eq!(pts(&roc[..1]), [(0.0, 0.0)]);
        assert_eq!(pts(&roc[roc.len() - 1..]), [(1.0, 1.0)]);
        let area: f64 = roc
            .windows(2)
            .map(|w| (w[1].x - w[0].x) * (w[1].y + w[0].y) / 2.0)
            .sum();
        let auc = super::super::roc_auc(&y, &s).unwrap();
        assert!((auc - area).abs() < 0.01, "{area} vs {auc}");
        let gains = gains_curve(&y, &s, 200).unwrap();
        assert_eq!(gains.len(), 200);
        assert!(gains
            .windows(2)
            .all(|w| w[0].x < w[1].x && w[0].y <= w[1].y));
        assert_eq!(pts(&gains[gains.len() - 1..]), [(1.0, 1.0)]);
    }

    #[test]
    fn one_class_is_an_error() {
        assert!(matches!(
            roc_curve(&[true, true], &[0.1, 0.2], 200),
            Err(MetricError::SingleClass { .. })
        ));
        assert!(matches!(
            gains_curve(&[false, false], &[0.1, 0.2], 200),
            Err(MetricError::SingleClass { .. })
        ));
    }
}
