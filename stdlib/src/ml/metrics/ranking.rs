//! Threshold-free metrics of positive-class scores: ROC AUC and average precision.
//!
//! Both walk the distinct score thresholds from high to low. Rows with tied scores cross a
//! threshold together, so a tie is neither rewarded nor punished by the order the rows happen
//! to arrive in.

use super::classification::check_scores;
use super::error::MetricError;

/// Cumulative (true positives, false positives) after each distinct threshold, highest first.
pub(super) fn threshold_counts(y_true: &[bool], scores: &[f64]) -> Vec<(u64, u64)> {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_unstable_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    let mut points = Vec::new();
    let (mut tp, mut fp) = (0u64, 0u64);
    for (i, &row) in order.iter().enumerate() {
        if y_true[row] {
            tp += 1;
        } else {
            fp += 1;
        }
        let last_of_tie = order
            .get(i + 1)
            .is_none_or(|&next| scores[next] != scores[row]);
        if last_of_tie {
            points.push((tp, fp));
        }
    }
    points
}

fn class_totals(y_true: &[bool]) -> (u64, u64) {
    let pos = y_true.iter().filter(|&&t| t).count() as u64;
    (pos, y_true.len() as u64 - pos)
}

/// Area under the ROC curve, exact.
///
/// The trapezoid rule over the distinct thresholds (scikit-learn's `roc_auc_score`), which
/// equals the Mann-Whitney probability that a random positive outscores a random negative,
/// a tie counting 1/2. The area is summed in integers and divided once, so it is exact up to
/// that final division.
pub fn roc_auc(y_true: &[bool], scores: &[f64]) -> Result<f64, MetricError> {
    const METRIC: &str = "roc_auc";
    check_scores(METRIC, y_true, scores)?;
    let (pos, neg) = class_totals(y_true);
    if pos == 0 {
        return Err(MetricError::SingleClass {
            metric: METRIC,
            class: "negative",
        });
    }
    if neg == 0 {
        return Err(MetricError::SingleClass {
            metric: METRIC,
            class: "positive",
        });
    }
    // Twice the area in units of one (positive, negative) pair.
    let mut twice_area: u128 = 0;
    let (mut prev_tp, mut prev_fp) = (0u64, 0u64);
    for (tp, fp) in threshold_counts(y_true, scores) {
        twice_area += u128::from(fp - prev_fp) * u128::from(tp + prev_tp);
        (prev_tp, prev_fp) = (tp, fp);
    }
    Ok(twice_area as f64 / (2.0 * pos as f64 * neg as f64))
}

/// PR AUC as average precision, scikit-learn's `average_precision_score`:
/// `AP = sum_k (R_k - R_{k-1}) * P_k` over the distinct thresholds k from high to low, where
/// `P_k` and `R_k` are precision and recall of "score >= threshold k" and `R_0 = 0`.
///
/// A step function, not the trapezoid: interpolating precision linearly between points is
/// optimistic. Defined whenever there is at least one positive (all-positive truth gives 1).
pub fn average_precision(y_true: &[bool], scores: &[f64]) -> Result<f64, MetricError> {
    const METRIC: &str = "average_precision";
    check_scores(METRIC, y_true, scores)?;
    let (pos, _) = class_totals(y_true);
    if pos == 0 {
        return Err(MetricError::SingleClass {
            metric: METRIC,
            class: "negative",
        });
    }
    let mut ap = 0.0;
    let mut prev_tp = 0u64;
    for (tp, fp) in threshold_counts(y_true, scores) {
        if tp > prev_tp {
            let recall_gain = (tp - prev_tp) as f64 / pos as f64;
            ap += recall_gain * tp as f64 / (tp + fp) as f64;
        }
        prev_tp = tp;
    }
    Ok(ap)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::ml::test_data::scored_rows;

    fn b(v: &[u8]) -> Vec<bool> {
        v.iter().map(|&x| x == 1).collect()
    }

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() < 1e-12, "{a} vs {b}");
    }

    #[test]
    fn hand_computed_cases() {
        // (y, scores, roc_auc, average precision), worked by hand and confirmed with
        // scikit-learn 1.9.1.
        let cases: &[(&[u8], &[f64], f64, f64)] = &[
            (
                &[0, 0, 1, 1],
                &[0.1, 0.4, 0.35, 0.8],
                0.75,
                0.8333333333333333,
            ),
            // Ties across classes count 1/2: pairs (0.8,0.8) and (0.3,0.3) are ties.
            (
                &[1, 0, 1, 0, 1],
                &[0.8, 0.8, 0.3, 0.3, 0.1],
                2.0 / 6.0,
                0.5333333333333333,
            ),
            // Every score tied: no ranking information at all.
            (&[1, 0, 1, 0], &[0.5; 4], 0.5, 0.5),
            (&[0, 1], &[0.2, 0.9], 1.0, 1.0),
            (&[1, 0], &[0.2, 0.9], 0.0, 0.5),
        ];
        for (y, s, auc, ap) in cases {
            close(roc_auc(&b(y), s).unwrap(), *auc);
            close(average_precision(&b(y), s).unwrap(), *ap);
        }
    }

    #[test]
    fn row_order_within_ties_does_not_matter() {
        let y = b(&[1, 0, 1, 0, 0, 1]);
        let s = [0.3, 0.3, 0.3, 0.7, 0.1, 0.7];
        let (ry, rs): (Vec<bool>, Vec<f64>) = y.iter().rev().zip(s.iter().rev()).unzip();
        assert_eq!(roc_auc(&y, &s).unwrap(), roc_auc(&ry, &rs).unwrap());
        assert_eq!(
            average_precision(&y, &s).unwrap(),
            average_precision(&ry, &rs).unwrap()
        );
    }

    /// `roc_auc_score` and `average_precision_score` of scikit-learn 1.9.1 on
    /// `scored_rows(1000, 7)` (see test_data.rs for the Python twin); 40 score levels, so
    /// nearly every threshold is a tie.
    #[test]
    fn matches_sklearn_on_a_thousand_tied_rows() {
        let (y, s) = scored_rows(1000, 7);
        close(roc_auc(&y, &s).unwrap(), 0.6889149841280074);
        close(average_precision(&y, &s).unwrap(), 0.6401626432887091);
    }

    #[test]
    fn degenerate_inputs_are_typed_errors() {
        assert!(matches!(
            roc_auc(&b(&[1, 1]), &[0.1, 0.2]),
            Err(MetricError::SingleClass {
                class: "positive",
                ..
            })
        ));
        assert!(matches!(
            roc_auc(&b(&[0, 0]), &[0.1, 0.2]),
            Err(MetricError::SingleClass {
                class: "negative",
                ..
            })
        ));
        assert!(matches!(
            average_precision(&b(&[0, 0]), &[0.1, 0.2]),
            Err(MetricError::SingleClass { .. })
        ));
        close(average_precision(&b(&[1, 1]), &[0.1, 0.2]).unwrap(), 1.0);
        assert!(matches!(roc_auc(&[], &[]), Err(MetricError::Empty { .. })));
        assert!(matches!(
            roc_auc(&b(&[0, 1]), &[0.1, f64::NAN]),
            Err(MetricError::NonFinite { row: 1, .. })
        ));
    }
}
