//! The CART machinery shared by the regression and classification trees: feature ranking
//! ([`columns`]), split criteria ([`criterion`]), the best-split search ([`search`]), growth
//! ([`grow`]) and the fitted node array ([`tree`]). The public tree types wrap it with their
//! own parameters and targets.

pub(crate) mod columns;
pub(crate) mod criterion;
pub(crate) mod grow;
pub(crate) mod importance;
pub(crate) mod search;
pub(crate) mod tree;

use linfa::dataset::Records;
use linfa::{DatasetBase, Error};

/// Rejects sample weights other than all-equal: the criterion counts rows, and silently
/// ignoring weights would fit a different model than the caller asked for.
pub(crate) fn check_unweighted<R: Records, T>(data: &DatasetBase<R, T>) -> Result<(), Error> {
    match data.weights() {
        Some(w) if w.iter().any(|&v| v != w[0]) => Err(Error::Parameters(
            "sample weights are not supported by this tree".into(),
        )),
        _ => Ok(()),
    }
}
