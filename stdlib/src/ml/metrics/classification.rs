//! Metrics of hard class predictions: accuracy, precision, recall, F1 and confusion matrices.
//!
//! Binary metrics take `&[bool]` (true = the positive class); multiclass metrics take class
//! indices `&[usize]`. Conventions follow scikit-learn, except that a ratio with a zero
//! denominator is an error ([`MetricError::Undefined`]) rather than scikit-learn's warning
//! plus `0.0`: a quality gate should not pass or fail on a number that does not exist.

use std::collections::BTreeSet;

use super::error::{check_finite, check_pair, MetricError};

/// The four counts of a binary prediction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BinaryConfusion {
    pub true_pos: u64,
    pub false_pos: u64,
    pub true_neg: u64,
    pub false_neg: u64,
}

impl BinaryConfusion {
    /// Counts outcomes of `y_pred` against `y_true`.
    pub fn new(y_true: &[bool], y_pred: &[bool]) -> Result<Self, MetricError> {
        check_pair("confusion matrix", y_true.len(), y_pred.len())?;
        let mut c = Self::default();
        for (&t, &p) in y_true.iter().zip(y_pred) {
            match (t, p) {
                (true, true) => c.true_pos += 1,
                (false, true) => c.false_pos += 1,
                (false, false) => c.true_neg += 1,
                (true, false) => c.false_neg += 1,
            }
        }
        Ok(c)
    }

    /// As scikit-learn's `confusion_matrix(labels=[0, 1])`: `[[tn, fp], [fn, tp]]`,
    /// rows = true class, class 0 = negative.
    pub fn to_matrix(&self) -> Vec<Vec<u64>> {
        vec![
            vec![self.true_neg, self.false_pos],
            vec![self.false_neg, self.true_pos],
        ]
    }

    /// TP / (TP + FP); undefined when nothing is predicted positive.
    pub fn precision(&self) -> Result<f64, MetricError> {
        ratio(
            "precision",
            self.true_pos,
            self.true_pos + self.false_pos,
            "no row is predicted positive",
        )
    }

    /// TP / (TP + FN); undefined when no row is truly positive.
    pub fn recall(&self) -> Result<f64, MetricError> {
        ratio(
            "recall",
            self.true_pos,
            self.true_pos + self.false_neg,
            "no row is truly positive",
        )
    }

    /// 2 TP / (2 TP + FP + FN), the harmonic mean of precision and recall written so that it
    /// stays defined (as 0) when precision alone is undefined; undefined only when there are
    /// neither true nor predicted positives.
    pub fn f1(&self) -> Result<f64, MetricError> {
        ratio(
            "f1",
            2 * self.true_pos,
            2 * self.true_pos + self.false_pos + self.false_neg,
            "there are neither true nor predicted positives",
        )
    }
}

fn ratio(metric: &'static str, num: u64, den: u64, why: &str) -> Result<f64, MetricError> {
    if den == 0 {
        return Err(MetricError::Undefined {
            metric,
            reason: why.to_string(),
        });
    }
    Ok(num as f64 / den as f64)
}

/// Hard labels from positive-class scores: positive iff `score > threshold`.
///
/// Strictly greater, so that at 0.5 a tie goes to the negative class exactly as
/// scikit-learn's `predict` (the argmax of `[1 - p, p]`, first index on ties) does.
pub fn labels_at(scores: &[f64], threshold: f64) -> Vec<bool> {
    scores.iter().map(|&s| s > threshold).collect()
}

/// The most probable class of each row of a probability matrix (first class on ties, as
/// numpy's `argmax`).
pub fn argmax_classes(proba: ndarray::ArrayView2<'_, f64>) -> Vec<usize> {
    proba
        .rows()
        .into_iter()
        .map(|row| {
            let mut best = 0;
            for (k, &p) in row.iter().enumerate() {
                if p > row[best] {
                    best = k;
                }
            }
            best
        })
        .collect()
}

/// Fraction of rows whose prediction equals the truth; works for `bool` and class indices.
pub fn accuracy<T: PartialEq>(y_true: &[T], y_pred: &[T]) -> Result<f64, MetricError> {
    check_pair("accuracy", y_true.len(), y_pred.len())?;
    let hits = y_true.iter().zip(y_pred).filter(|(t, p)| t == p).count();
    Ok(hits as f64 / y_true.len() as f64)
}

/// Binary precision of the positive class.
pub fn precision(y_true: &[bool], y_pred: &[bool]) -> Result<f64, MetricError> {
    BinaryConfusion::new(y_true, y_pred)?.precision()
}

/// Binary recall of the positive class.
pub fn recall(y_true: &[bool], y_pred: &[bool]) -> Result<f64, MetricError> {
    BinaryConfusion::new(y_true, y_pred)?.recall()
}

/// Binary F1 of the positive class.
pub fn f1(y_true: &[bool], y_pred: &[bool]) -> Result<f64, MetricError> {
    BinaryConfusion::new(y_true, y_pred)?.f1()
}

/// Multiclass confusion matrix, `n_classes x n_classes`, rows = true class, columns =
/// predicted class.
pub fn confusion_matrix(
    y_true: &[usize],
    y_pred: &[usize],
    n_classes: usize,
) -> Result<Vec<Vec<u64>>, MetricError> {
    const METRIC: &str = "confusion matrix";
    check_pair(METRIC, y_true.len(), y_pred.len())?;
    check_classes(METRIC, y_true, n_classes)?;
    check_classes(METRIC, y_pred, n_classes)?;
    let mut m = vec![vec![0u64; n_classes]; n_classes];
    for (&t, &p) in y_true.iter().zip(y_pred) {
        m[t][p] += 1;
    }
    Ok(m)
}

pub(crate) fn check_classes(
    metric: &'static str,
    labels: &[usize],
    n_classes: usize,
) -> Result<(), MetricError> {
    match labels.iter().position(|&c| c >= n_classes) {
        Some(row) => Err(MetricError::ClassOutOfRange {
            metric,
            row,
            class: labels[row],
            n_classes,
        }),
        None => Ok(()),
    }
}

/// Per-class counts for macro averages over the classes present in either the truth or the
/// predictions (scikit-learn's `unique_labels`), so a class index nobody uses is not averaged.
struct ClassCounts {
    classes: Vec<usize>,
    true_pos: Vec<u64>,
    actual: Vec<u64>,
    predicted: Vec<u64>,
}

impl ClassCounts {
    fn new(metric: &'static str, y_true: &[usize], y_pred: &[usize]) -> Result<Self, MetricError> {
        check_pair(metric, y_true.len(), y_pred.len())?;
        let classes: Vec<usize> = y_true
            .iter()
            .chain(y_pred)
            .copied()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        // `classes` is sorted, so a binary search maps a label to its dense position.
        let pos = |c: &usize| classes.binary_search(c).unwrap_or_default();
        let k = classes.len();
        let (mut true_pos, mut actual, mut predicted) = (vec![0; k], vec![0; k], vec![0; k]);
        for (t, p) in y_true.iter().zip(y_pred) {
            let (ti, pi) = (pos(t), pos(p));
            actual[ti] += 1;
            predicted[pi] += 1;
            if ti == pi {
                true_pos[ti] += 1;
            }
        }
        Ok(Self {
            classes,
            true_pos,
            actual,
            predicted,
        })
    }

    /// Mean over classes of `num / den`, naming the first class whose denominator is zero.
    fn macro_mean(
        &self,
        metric: &'static str,
        per_class: impl Fn(usize) -> (u64, u64),
        why: &str,
    ) -> Result<f64, MetricError> {
        let mut sum = 0.0;
        for (i, class) in self.classes.iter().enumerate() {
            let (num, den) = per_class(i);
            if den == 0 {
                return Err(MetricError::Undefined {
                    metric,
                    reason: format!("class {class} {why}"),
                });
            }
            sum += num as f64 / den as f64;
        }
        Ok(sum / self.classes.len() as f64)
    }
}

/// Unweighted mean over classes of per-class precision.
pub fn macro_precision(y_true: &[usize], y_pred: &[usize]) -> Result<f64, MetricError> {
    let c = ClassCounts::new("macro precision", y_true, y_pred)?;
    c.macro_mean(
        "macro precision",
        |i| (c.true_pos[i], c.predicted[i]),
        "is never predicted",
    )
}

/// Unweighted mean over classes of per-class recall.
pub fn macro_recall(y_true: &[usize], y_pred: &[usize]) -> Result<f64, MetricError> {
    let c = ClassCounts::new("macro recall", y_true, y_pred)?;
    c.macro_mean(
        "macro recall",
        |i| (c.true_pos[i], c.actual[i]),
        "never occurs in the truth",
    )
}

/// Unweighted mean over classes of per-class F1 (2 TP / (actual + predicted)).
pub fn macro_f1(y_true: &[usize], y_pred: &[usize]) -> Result<f64, MetricError> {
    let c = ClassCounts::new("macro f1", y_true, y_pred)?;
    // Every listed class occurs in the truth or the predictions, so no denominator is zero.
    c.macro_mean(
        "macro f1",
        |i| (2 * c.true_pos[i], c.actual[i] + c.predicted[i]),
        "never occurs",
    )
}

/// Checks that scores are finite and pairs them with the truth; shared by the score metrics.
pub(crate) fn check_scores(
    metric: &'static str,
    y_true: &[bool],
    scores: &[f64],
) -> Result<(), MetricError> {
    check_pair(metric, y_true.len(), scores.len())?;
    check_finite(metric, scores)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn b(v: &[u8]) -> Vec<bool> {
        v.iter().map(|&x| x == 1).collect()
    }

    #[test]
    fn binary_counts_by_hand() {
        let t = b(&[1, 1, 1, 0, 0, 0, 0, 1]);
        let p = b(&[1, 0, 1, 1, 0, 0, 0, 1]);
        let c = BinaryConfusion::new(&t, &p).unwrap();
        assert_eq!(c.to_matrix(), vec![vec![3, 1], vec![1, 3]]);
        assert_eq!(accuracy(&t, &p).unwrap(), 0.75);
        assert_eq!(precision(&t, &p).unwrap(), 0.75);
        assert_eq!(recall(&t, &p).unwrap(), 0.75);
        assert_eq!(f1(&t, &p).unwrap(), 0.75);
    }

    #[test]
    fn precision_without_predicted_positives_is_an_error_but_f1_is_zero() {
        let t = b(&[1, 0, 0]);
        let p = b(&[0, 0, 0]);
        assert!(matches!(
            precision(&t, &p),
            Err(MetricError::Undefined { .. })
        ));
        assert_eq!(recall(&t, &p).unwrap(), 0.0);
        assert_eq!(f1(&t, &p).unwrap(), 0.0);
        assert!(f1(&b(&[0, 0]), &b(&[0, 0])).is_err());
    }

    #[test]
    fn empty_and_mismatched_inputs_are_errors() {
        assert_eq!(
            accuracy::<bool>(&[], &[]),
            Err(MetricError::Empty { metric: "accuracy" })
        );
        assert!(matches!(
            f1(&b(&[1]), &b(&[1, 0])),
            Err(MetricError::LengthMismatch { .. })
        ));
        assert!(matches!(
            confusion_matrix(&[0, 3], &[0, 1], 3),
            Err(MetricError::ClassOutOfRange {
                row: 1,
                class: 3,
                ..
            })
        ));
    }

    #[test]
    fn labels_at_sends_ties_to_the_negative_class() {
        assert_eq!(labels_at(&[0.2, 0.5, 0.7], 0.5), b(&[0, 0, 1]));
        let proba = ndarray::array![[0.5, 0.5], [0.2, 0.8], [0.3, 0.3]];
        assert_eq!(argmax_classes(proba.view()), vec![0, 1, 0]);
    }

    /// Reference values from scikit-learn 1.9.1:
    /// `confusion_matrix`, `accuracy_score`, `precision_score/recall_score/f1_score(average="macro")`
    /// with y_true = [0,1,2,2,1,0,2,1,1,0], y_pred = [0,2,2,2,1,0,1,1,0,0].
    #[test]
    fn multiclass_against_sklearn() {
        let t = [0, 1, 2, 2, 1, 0, 2, 1, 1, 0];
        let p = [0, 2, 2, 2, 1, 0, 1, 1, 0, 0];
        assert_eq!(
            confusion_matrix(&t, &p, 3).unwrap(),
            vec![vec![3, 0, 0], vec![1, 2, 1], vec![0, 1, 2]]
        );
        assert_eq!(accuracy(&t, &p).unwrap(), 0.7);
        let close = |a: f64, b: f64| assert!((a - b).abs() < 1e-12, "{a} vs {b}");
        close(macro_precision(&t, &p).unwrap(), 0.6944444444444443);
        close(macro_recall(&t, &p).unwrap(), 0.7222222222222222);
        close(macro_f1(&t, &p).unwrap(), 0.6984126984126983);
    }

    #[test]
    fn macro_precision_names_a_class_never_predicted() {
        let err = macro_precision(&[0, 1, 2], &[0, 1, 1]).unwrap_err();
        assert_eq!(
            err,
            MetricError::Undefined {
                metric: "macro precision",
                reason: "class 2 is never predicted".into()
            }
        );
        // Class indices need not be dense: 7 and 9 are the only classes here.
        assert_eq!(macro_recall(&[7, 9, 9], &[7, 9, 7]).unwrap(), 0.75);
    }
}
