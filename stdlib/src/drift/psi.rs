//! The population stability index.
//!
//! `PSI = sum_i (a_i - e_i) * ln(a_i / e_i)` over the bins, where `e_i` is the training
//! share of bin `i` and `a_i` the observed share. A bin empty on either side would make the
//! logarithm infinite, so both shares are floored at [`EPSILON`] first (the usual practice;
//! the floor is applied without renormalising, so an exact match still gives 0). Read it
//! as: below 0.1 no real change, 0.1 to 0.25 a shift worth a look, above 0.25 a shift that
//! matters.

/// The floor of a bin's share before the logarithm: one in ten thousand.
pub const EPSILON: f64 = 1e-4;

/// PSI of `actual` shares against `expected` shares, bin by bin; `None` when either side
/// has no values (all shares zero), since then there is no distribution to compare.
pub fn psi(expected: &[f64], actual: &[f64]) -> Option<f64> {
    if expected.len() != actual.len()
        || expected.iter().sum::<f64>() <= 0.0
        || actual.iter().sum::<f64>() <= 0.0
    {
        return None;
    }
    let total = expected
        .iter()
        .zip(actual)
        .map(|(e, a)| {
            let e = e.max(EPSILON);
            let a = a.max(EPSILON);
            (a - e) * (a / e).ln()
        })
        .sum();
    Some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn equal_distributions_have_no_drift() {
        assert_eq!(psi(&[0.25, 0.75], &[0.25, 0.75]), Some(0.0));
    }

    #[test]
    fn matches_a_hand_computed_value() {
        // (0.3-0.5)ln(0.3/0.5) + (0.7-0.5)ln(0.7/0.5)
        // = 0.2*0.5108256237659907 + 0.2*0.3364722366212129 = 0.16945957207744072
        let got = psi(&[0.5, 0.5], &[0.3, 0.7]).unwrap_or(f64::NAN);
        assert!(close(got, 0.169_459_572_077_440_7), "{got}");
    }

    #[test]
    fn an_empty_bin_is_floored_at_epsilon() {
        // Training never saw bin 2; now a tenth of the rows land there:
        // (0.9-0.5)ln(0.9/0.5) + (0.0001-0.5)ln(0.0001/0.5) + (0.1-0.0001)ln(0.1/0.0001)
        let expected = 0.4 * (1.8f64).ln() + (-0.4999) * (0.0002f64).ln() + 0.0999 * (1000f64).ln();
        let got = psi(&[0.5, 0.5, 0.0], &[0.9, 0.0, 0.1]).unwrap_or(f64::NAN);
        assert!(close(got, expected), "{got} vs {expected}");
        // And by hand: 0.235115 + 4.257745 + 0.690085 = 5.182944 (to 6 places).
        assert!((got - 5.182944).abs() < 1e-6, "{got}");
    }

    #[test]
    fn no_values_on_a_side_is_no_answer() {
        assert_eq!(psi(&[0.5, 0.5], &[0.0, 0.0]), None);
        assert_eq!(psi(&[], &[]), None);
        assert_eq!(psi(&[1.0], &[0.5, 0.5]), None);
    }
}
