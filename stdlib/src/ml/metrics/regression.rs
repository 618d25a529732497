//! Regression metrics with scikit-learn's conventions: MSE, RMSE, MAE and R^2.

use super::error::{check_finite, check_pair, MetricError};

fn checked(metric: &'static str, y_true: &[f64], y_pred: &[f64]) -> Result<(), MetricError> {
    check_pair(metric, y_true.len(), y_pred.len())?;
    check_finite(metric, y_true)?;
    check_finite(metric, y_pred)
}

fn mean_of(y_true: &[f64], y_pred: &[f64], loss: impl Fn(f64) -> f64) -> f64 {
    let sum: f64 = y_true.iter().zip(y_pred).map(|(t, p)| loss(t - p)).sum();
    sum / y_true.len() as f64
}

/// Mean squared error.
pub fn mse(y_true: &[f64], y_pred: &[f64]) -> Result<f64, MetricError> {
    checked("mse", y_true, y_pred)?;
    Ok(mean_of(y_true, y_pred, |e| e * e))
}

/// Root mean squared error, in the target's unit.
pub fn rmse(y_true: &[f64], y_pred: &[f64]) -> Result<f64, MetricError> {
    checked("rmse", y_true, y_pred)?;
    Ok(mean_of(y_true, y_pred, |e| e * e).sqrt())
}

/// Mean absolute error.
pub fn mae(y_true: &[f64], y_pred: &[f64]) -> Result<f64, MetricError> {
    checked("mae", y_true, y_pred)?;
    Ok(mean_of(y_true, y_pred, f64::abs))
}

/// Coefficient of determination, `1 - SS_res / SS_tot`; negative when the predictions are
/// worse than the mean.
///
/// A constant truth has `SS_tot = 0` and no R^2: that is an error here. (scikit-learn
/// reports 1.0 for a perfect fit and 0.0 otherwise, which would let a gate `r2 >= 0` pass on
/// a data set that cannot measure anything.)
pub fn r2(y_true: &[f64], y_pred: &[f64]) -> Result<f64, MetricError> {
    const METRIC: &str = "r2";
    checked(METRIC, y_true, y_pred)?;
    let mean = y_true.iter().sum::<f64>() / y_true.len() as f64;
    let ss_tot: f64 = y_true.iter().map(|t| (t - mean).powi(2)).sum();
    if ss_tot == 0.0 {
        return Err(MetricError::Undefined {
            metric: METRIC,
            reason: "the true values are all equal".to_string(),
        });
    }
    let ss_res: f64 = y_true
        .iter()
        .zip(y_pred)
        .map(|(t, p)| (t - p).powi(2))
        .sum();
    Ok(1.0 - ss_res / ss_tot)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::ml::test_data::Lcg;

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() < 1e-12, "{a} vs {b}");
    }

    #[test]
    fn by_hand() {
        let t = [3.0, -0.5, 2.0, 7.0];
        let p = [2.5, 0.0, 2.0, 8.0];
        close(mse(&t, &p).unwrap(), 0.375);
        close(rmse(&t, &p).unwrap(), 0.375f64.sqrt());
        close(mae(&t, &p).unwrap(), 0.5);
        // scikit-learn's documented example for r2_score.
        close(r2(&t, &p).unwrap(), 0.9486081370449679);
    }

    /// scikit-learn 1.9.1 `mean_squared_error`, `mean_absolute_error`, `r2_score` with
    /// `y = [u() * 10 for 500 rows]`, `p = [y_i + u() - 0.5]` from `Lcg(11)`, drawn in
    /// that order (all of y first).
    #[test]
    fn match_sklearn_on_random_rows() {
        let mut r = Lcg::new(11);
        let y: Vec<f64> = (0..500).map(|_| r.uniform() * 10.0).collect();
        let p: Vec<f64> = y.iter().map(|t| t + r.uniform() - 0.5).collect();
        close(mse(&y, &p).unwrap(), REF_MSE);
        close(mae(&y, &p).unwrap(), REF_MAE);
        close(r2(&y, &p).unwrap(), REF_R2);
    }
    const REF_MSE: f64 = 0.07557133628679734;
    const REF_MAE: f64 = 0.23222878733854332;
    const REF_R2: f64 = 0.9905429883861289;

    #[test]
    fn degenerate_inputs_are_typed_errors() {
        assert!(matches!(
            r2(&[2.0, 2.0], &[2.0, 2.0]),
            Err(MetricError::Undefined { .. })
        ));
        assert!(matches!(mse(&[], &[]), Err(MetricError::Empty { .. })));
        assert!(matches!(
            mae(&[1.0, f64::INFINITY], &[1.0, 1.0]),
            Err(MetricError::NonFinite { row: 1, .. })
        ));
    }
}
