//! Log loss (cross-entropy) of predicted probabilities.
//!
//! Probabilities are clipped to `[1e-15, 1 - 1e-15]` so one confident mistake costs about 34.5
//! nats instead of infinity. (scikit-learn 1.9 clips at the float64 machine epsilon instead;
//! the two agree unless a probability is below 1e-15 from 0 or 1.) Rows of a probability
//! matrix are used as given, not renormalised: only the true class's probability counts.

use ndarray::ArrayView2;

use super::classification::check_scores;
use super::error::{check_pair, MetricError};

const EPS: f64 = 1e-15;

fn clipped_neg_ln(p: f64) -> f64 {
    -p.clamp(EPS, 1.0 - EPS).ln()
}

fn check_probability(metric: &'static str, row: usize, p: f64) -> Result<(), MetricError> {
    if !p.is_finite() {
        return Err(MetricError::NonFinite {
            metric,
            row,
            value: p,
        });
    }
    if !(0.0..=1.0).contains(&p) {
        return Err(MetricError::NotAProbability {
            metric,
            row,
            value: p,
        });
    }
    Ok(())
}

/// Binary log loss; `scores` are probabilities of the positive class.
///
/// Unlike scikit-learn, which needs both classes present to infer the label set, a truth of
/// one class is fine here: the classes are known to be {negative, positive}.
pub fn log_loss(y_true: &[bool], scores: &[f64]) -> Result<f64, MetricError> {
    const METRIC: &str = "log_loss";
    check_scores(METRIC, y_true, scores)?;
    let mut total = 0.0;
    for (row, (&t, &p)) in y_true.iter().zip(scores).enumerate() {
        check_probability(METRIC, row, p)?;
        total += clipped_neg_ln(if t { p } else { 1.0 - p });
    }
    Ok(total / y_true.len() as f64)
}

/// Multiclass log loss; `proba` has one row per sample and one column per class index.
pub fn log_loss_multiclass(
    y_true: &[usize],
    proba: ArrayView2<'_, f64>,
) -> Result<f64, MetricError> {
    const METRIC: &str = "log_loss";
    check_pair(METRIC, y_true.len(), proba.nrows())?;
    super::classification::check_classes(METRIC, y_true, proba.ncols())?;
    let mut total = 0.0;
    for (row, (&t, p)) in y_true.iter().zip(proba.rows()).enumerate() {
        for &q in p {
            check_probability(METRIC, row, q)?;
        }
        total += clipped_neg_ln(p[t]);
    }
    Ok(total / y_true.len() as f64)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::ml::test_data::scored_rows;
    use ndarray::array;

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() < 1e-12, "{a} vs {b}");
    }

    #[test]
    fn by_hand_and_clipped() {
        close(
            log_loss(&[true, false], &[0.8, 0.4]).unwrap(),
            -(0.8f64.ln() + 0.6f64.ln()) / 2.0,
        );
        // A certain mistake costs -ln(1e-15), not infinity.
        close(log_loss(&[true], &[0.0]).unwrap(), -(1e-15f64).ln());
        assert!(matches!(
            log_loss(&[true], &[1.5]),
            Err(MetricError::NotAProbability { row: 0, .. })
        ));
        assert!(matches!(log_loss(&[], &[]), Err(MetricError::Empty { .. })));
    }

    /// scikit-learn 1.9.1: `log_loss(y, np.clip(s, 1e-15, 1 - 1e-15))` on `scored_rows(1000, 7)`.
    #[test]
    fn binary_matches_sklearn() {
        let (y, s) = scored_rows(1000, 7);
        close(log_loss(&y, &s).unwrap(), 0.7062013874772033);
    }

    /// scikit-learn 1.9.1: `log_loss([0, 2, 1, 2], np.clip(P, 1e-15, 1 - 1e-15), labels=[0, 1, 2])`;
    /// the last row puts 0 on its true class, so the clip bound decides the value.
    #[test]
    fn multiclass_matches_sklearn() {
        let p = array![
            [0.7, 0.2, 0.1],
            [0.1, 0.3, 0.6],
            [0.25, 0.5, 0.25],
            [0.9, 0.1, 0.0]
        ];
        close(
            log_loss_multiclass(&[0, 2, 1, 2], p.view()).unwrap(),
            9.024856035793839,
        );
        assert!(matches!(
            log_loss_multiclass(&[0, 3, 1, 2], p.view()),
            Err(MetricError::ClassOutOfRange {
                row: 1,
                class: 3,
                ..
            })
        ));
    }
}
