//! A CART regression tree (linfa-trees only does classification).
//!
//! Splits minimise the children's summed squared error (variance reduction, scikit-learn's
//! `criterion="squared_error"`); a leaf predicts the mean target of its training rows.
//! Parameters and their defaults follow scikit-learn's `DecisionTreeRegressor`. Ties between
//! equally good splits go to the lowest feature index, then the lowest threshold.
//!
//! ```ignore
//! use linfa::prelude::*;
//! let tree = RegressionTree::params().max_depth(Some(4)).fit(&Dataset::new(x, y))?;
//! let y_hat: Array1<f64> = tree.predict(&x_new);
//! ```

use linfa::dataset::AsSingleTargets;
use linfa::traits::{Fit, PredictInplace};
use linfa::{DatasetBase, Error};
use ndarray::{Array1, ArrayBase, Data, Ix2};
use serde::{Deserialize, Serialize};

use super::cart::check_unweighted;
use super::cart::columns::Columns;
use super::cart::criterion::Mse;
use super::cart::grow::{grow, Limits};
use super::cart::tree::Tree;

/// Hyperparameters of a [`RegressionTree`]; checked when fitting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RegressionTreeParams {
    limits: Limits,
}

impl RegressionTreeParams {
    /// Longest root-to-leaf path; `None` grows until leaves are pure or too small.
    pub fn max_depth(mut self, max_depth: Option<usize>) -> Self {
        self.limits.max_depth = max_depth;
        self
    }

    /// A node with fewer rows is not split (at least 2; default 2).
    pub fn min_samples_split(mut self, n: usize) -> Self {
        self.limits.min_samples_split = n;
        self
    }

    /// No split may leave fewer rows than this in a child (at least 1; default 1).
    pub fn min_samples_leaf(mut self, n: usize) -> Self {
        self.limits.min_samples_leaf = n;
        self
    }

    pub fn get_max_depth(&self) -> Option<usize> {
        self.limits.max_depth
    }

    pub fn get_min_samples_split(&self) -> usize {
        self.limits.min_samples_split
    }

    pub fn get_min_samples_leaf(&self) -> usize {
        self.limits.min_samples_leaf
    }
}

/// A fitted regression tree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegressionTree {
    tree: Tree<f64>,
    n_features: usize,
}

impl RegressionTree {
    /// scikit-learn's defaults: no depth limit, `min_samples_split = 2`,
    /// `min_samples_leaf = 1`.
    pub fn params() -> RegressionTreeParams {
        RegressionTreeParams::default()
    }

    /// Longest root-to-leaf path (0 for a single leaf).
    pub fn depth(&self) -> usize {
        self.tree.depth()
    }

    pub fn n_leaves(&self) -> usize {
        self.tree.n_leaves()
    }

    /// Per feature, the decrease in squared error weighted by training rows, summing to 1
    /// (scikit-learn's `feature_importances_`). `None` for a tree stored before trees kept
    /// their node sizes.
    pub fn feature_importance(&self) -> Option<Vec<f64>> {
        super::cart::importance::regression_importance(&self.tree, self.n_features)
    }

    pub fn n_features(&self) -> usize {
        self.n_features
    }

    /// The leaf (a node index) each row falls in.
    pub fn leaf_indices<D: Data<Elem = f64>>(&self, x: &ArrayBase<D, Ix2>) -> Vec<usize> {
        x.rows()
            .into_iter()
            .map(|row| self.tree.leaf_index(&row))
            .collect()
    }

    /// Replaces the value of leaf `node` (boosting's Newton step); other nodes are untouched.
    pub fn set_leaf_value(&mut self, node: usize, value: f64) {
        if let Some(super::cart::tree::Node::Leaf(v)) = self.tree.nodes.get_mut(node) {
            *v = value;
        }
    }

    /// Predicts, or reports a column count that differs from the training data's (the
    /// `predict` of linfa's trait cannot return an error and panics instead).
    pub fn try_predict<D: Data<Elem = f64>>(
        &self,
        x: &ArrayBase<D, Ix2>,
    ) -> Result<Array1<f64>, Error> {
        if x.ncols() != self.n_features {
            return Err(Error::MismatchedShapes(x.ncols(), self.n_features));
        }
        Ok(x.rows()
            .into_iter()
            .map(|row| *self.tree.leaf(&row))
            .collect())
    }
}

impl RegressionTreeParams {
    /// Fits on presorted rows: the same tree as fitting their matrix.
    pub fn fit_presorted(&self, x: &super::Presorted, y: &[f64]) -> Result<RegressionTree, Error> {
        self.limits.check()?;
        if y.len() != x.n_rows() {
            return Err(Error::MismatchedShapes(x.n_rows(), y.len()));
        }
        if let Some(row) = y.iter().position(|v| !v.is_finite()) {
            return Err(Error::Parameters(format!(
                "target holds {} at row {row}",
                y[row]
            )));
        }
        Ok(RegressionTree {
            tree: grow(&Mse { y }, x.cols.clone(), &self.limits),
            n_features: x.n_features,
        })
    }
}

impl<D, T> Fit<ArrayBase<D, Ix2>, T, Error> for RegressionTreeParams
where
    D: Data<Elem = f64>,
    T: AsSingleTargets<Elem = f64>,
{
    type Object = RegressionTree;

    fn fit(&self, data: &DatasetBase<ArrayBase<D, Ix2>, T>) -> Result<RegressionTree, Error> {
        self.limits.check()?;
        check_unweighted(data)?;
        let x = data.records();
        let y = data.as_single_targets();
        if y.len() != x.nrows() {
            return Err(Error::MismatchedShapes(x.nrows(), y.len()));
        }
        let cols = Columns::new(x)?;
        if let Some(row) = y.iter().position(|v| !v.is_finite()) {
            return Err(Error::Parameters(format!(
                "target holds {} at row {row}",
                y[row]
            )));
        }
        let y = y.to_vec();
        Ok(RegressionTree {
            tree: grow(&Mse { y: &y }, cols, &self.limits),
            n_features: x.ncols(),
        })
    }
}

impl<D: Data<Elem = f64>> PredictInplace<ArrayBase<D, Ix2>, Array1<f64>> for RegressionTree {
    /// Panics if `x` has a different number of columns than the training data or `y` a
    /// different length than `x` (linfa's convention); [`RegressionTree::try_predict`] reports
    /// it instead.
    fn predict_inplace(&self, x: &ArrayBase<D, Ix2>, y: &mut Array1<f64>) {
        assert_eq!(
            x.ncols(),
            self.n_features,
            "feature count differs from training"
        );
        assert_eq!(x.nrows(), y.len(), "one prediction per row");
        for (row, out) in x.rows().into_iter().zip(y.iter_mut()) {
            *out = *self.tree.leaf(&row);
        }
    }

    fn default_target(&self, x: &ArrayBase<D, Ix2>) -> Array1<f64> {
        Array1::zeros(x.nrows())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::ml::metrics::r2;
    use crate::ml::test_data::Lcg;
    use linfa::prelude::*;
    use ndarray::{array, s, Array2};

    fn fit(params: RegressionTreeParams, x: &Array2<f64>, y: &Array1<f64>) -> RegressionTree {
        params.fit(&Dataset::new(x.clone(), y.clone())).unwrap()
    }

    #[test]
    fn importance_follows_the_feature_that_explains_the_target() {
        // y depends on feature 1 only; feature 0 is a row number that could split too.
        let x = Array2::from_shape_fn((40, 2), |(i, j)| {
            if j == 0 {
                i as f64
            } else {
                f64::from(u8::from(i % 2 == 0))
            }
        });
        let y = x.column(1).mapv(|v| 3.0 * v);
        let stump = fit(RegressionTree::params().max_depth(Some(1)), &x, &y);
        assert_eq!(stump.feature_importance().unwrap(), vec![0.0, 1.0]);
    }

    #[test]
    fn fits_a_step_function_exactly() {
        let x = Array2::from_shape_fn((40, 1), |(i, _)| i as f64);
        let y = x.column(0).mapv(|v| {
            if v < 13.0 {
                1.0
            } else if v < 29.0 {
                5.0
            } else {
                -2.0
            }
        });
        let tree = fit(RegressionTree::params(), &x, &y);
        assert_eq!(tree.predict(&x), y);
        assert_eq!(tree.n_leaves(), 3);
        // Thresholds sit halfway between training values.
        let between = array![[12.4], [12.6], [28.6]];
        assert_eq!(tree.predict(&between), array![1.0, 5.0, -2.0]);
    }

    /// Boosting's path: presorted rows give the same tree, and leaves can be re-valued.
    #[test]
    fn presorted_fit_is_the_same_tree_and_leaves_can_be_revalued() {
        let (x, y) = noisy_sin(200, 0.1);
        let params = RegressionTree::params().max_depth(Some(4));
        let direct = fit(params, &x, &y);
        let pre = crate::ml::Presorted::new(&x).unwrap();
        let mut presorted = params.fit_presorted(&pre, y.as_slice().unwrap()).unwrap();
        assert_eq!(direct, presorted);
        let leaves = presorted.leaf_indices(&x);
        let first = leaves[0];
        presorted.set_leaf_value(first, 42.0);
        let pred = presorted.predict(&x);
        for (i, &leaf) in leaves.iter().enumerate() {
            if leaf == first {
                assert_eq!(pred[i], 42.0);
            } else {
                assert_eq!(pred[i], direct.predict(&x)[i]);
            }
        }
    }

    #[test]
    fn respects_max_depth_and_min_samples_leaf() {
        let (x, y) = noisy_sin(300, 0.0);
        let shallow = fit(RegressionTree::params().max_depth(Some(3)), &x, &y);
        assert_eq!(shallow.depth(), 3);
        assert!(shallow.n_leaves() <= 8);
        let bushy = fit(RegressionTree::params().min_samples_leaf(20), &x, &y);
        // Count training rows per leaf, telling leaves apart by address.
        let mut rows_per_leaf = std::collections::BTreeMap::new();
        for row in x.rows() {
            let leaf: *const f64 = bushy.tree.leaf(&row);
            *rows_per_leaf.entry(leaf as usize).or_insert(0) += 1;
        }
        assert_eq!(rows_per_leaf.len(), bushy.n_leaves());
        assert!(
            rows_per_leaf.values().all(|&n| n >= 20),
            "{rows_per_leaf:?}"
        );
    }

    #[test]
    fn min_samples_split_stops_small_nodes() {
        let x = Array2::from_shape_fn((10, 1), |(i, _)| i as f64);
        let y = x.column(0).to_owned();
        // Each split halves the rows; nodes of fewer than 6 rows stay leaves.
        let tree = fit(RegressionTree::params().min_samples_split(6), &x, &y);
        assert_eq!(tree.n_leaves(), 2);
    }

    #[test]
    fn deterministic_tie_break_prefers_the_lower_feature() {
        // Two identical columns: the split must use column 0.
        let x = Array2::from_shape_fn((8, 2), |(i, _)| i as f64);
        let y = x.column(0).mapv(|v| if v < 4.0 { 0.0 } else { 1.0 });
        let tree = fit(RegressionTree::params(), &x, &y);
        assert!(matches!(
            tree.tree.nodes[0],
            super::super::cart::tree::Node::Split { feature: 0, threshold, .. } if threshold == 3.5
        ));
    }

    /// `n` rows of `x` on a grid of 1/64 (exact in float32, which scikit-learn's trees use),
    /// `y = sin(x) + noise * (u - 0.5)`. Python twin, with `Lcg` from test_data.rs:
    ///
    /// ```python
    /// r = Lcg(3); xs = []; ys = []
    /// for _ in range(n):
    ///     x = math.floor(r.uniform() * 384) / 64; xs.append(x)
    ///     ys.append(math.sin(x) + noise * (r.uniform() - 0.5))
    /// ```
    fn noisy_sin(n: usize, noise: f64) -> (Array2<f64>, Array1<f64>) {
        let mut r = Lcg::new(3);
        let mut xs = Vec::with_capacity(n);
        let mut ys = Vec::with_capacity(n);
        for _ in 0..n {
            let x = (r.uniform() * 384.0).floor() / 64.0;
            xs.push(x);
            ys.push(x.sin() + noise * (r.uniform() - 0.5));
        }
        (
            Array2::from_shape_vec((n, 1), xs).unwrap(),
            Array1::from(ys),
        )
    }

    /// scikit-learn 1.9.1 `DecisionTreeRegressor(max_depth=d, min_samples_leaf=l,
    /// random_state=0)` fitted on the first 400 rows of `noisy_sin(600, 0.8)` and scored
    /// (`r2_score`) on the last 200.
    #[test]
    fn matches_sklearn_decision_tree_regressor() {
        let (x, y) = noisy_sin(600, 0.8);
        let (x_train, x_test) = (x.slice(s![..400, ..]), x.slice(s![400.., ..]));
        let (y_train, y_test) = (y.slice(s![..400]), y.slice(s![400..]));
        for &(depth, leaf, sk_r2, sk_leaves) in SKLEARN {
            let params = RegressionTree::params()
                .max_depth(depth)
                .min_samples_leaf(leaf);
            let tree = params.fit(&DatasetBase::new(x_train, y_train)).unwrap();
            let pred = tree.predict(&x_test);
            let score = r2(y_test.as_slice().unwrap(), pred.as_slice().unwrap()).unwrap();
            assert!(
                (score - sk_r2).abs() < 1e-9,
                "depth {depth:?} leaf {leaf}: {score} vs sklearn {sk_r2}"
            );
            assert_eq!(tree.n_leaves(), sk_leaves);
        }
    }
    const SKLEARN: &[(Option<usize>, usize, f64, usize)] = &[
        (None, 1, 0.8230251644489959, 258),
        (Some(3), 1, 0.8878907458914138, 8),
        (Some(5), 5, 0.8938962129675156, 29),
        (Some(8), 10, 0.8930991765161564, 27),
        (None, 20, 0.9009484911239093, 15),
    ];

    /// Two features: the sine's `x` and an 8-level `level` that shifts `y`, so big nodes take
    /// the histogram sweep on `level` and the sorted sweep on `x`. Python twin:
    ///
    /// ```python
    /// r = Lcg(3); X = []; ys = []
    /// for _ in range(n):
    ///     x = math.floor(r.uniform() * 384) / 64
    ///     level = math.floor(r.uniform() * 8)
    ///     X.append([x, level]); ys.append(math.sin(x) + 0.3 * level + noise * (r.uniform() - 0.5))
    /// ```
    fn sin_and_level(n: usize, noise: f64) -> (Array2<f64>, Array1<f64>) {
        let mut r = Lcg::new(3);
        let mut x = Array2::zeros((n, 2));
        let mut y = Array1::zeros(n);
        for i in 0..n {
            let v = (r.uniform() * 384.0).floor() / 64.0;
            let level = (r.uniform() * 8.0).floor();
            x.row_mut(i).assign(&array![v, level]);
            y[i] = v.sin() + 0.3 * level + noise * (r.uniform() - 0.5);
        }
        (x, y)
    }

    /// scikit-learn 1.9.1 `DecisionTreeRegressor(max_depth, min_samples_leaf, random_state=0)`
    /// fitted on the first 700 rows of `sin_and_level(1000, 0.8)`, `r2_score` on the last 300.
    /// Only configurations where scikit-learn grows one tree for every `random_state` in
    /// 0..30 (its random feature order breaks exact ties between features; ours takes the
    /// lower index).
    #[test]
    fn matches_sklearn_with_two_kinds_of_feature() {
        let (x, y) = sin_and_level(1000, 0.8);
        let train = DatasetBase::new(x.slice(s![..700, ..]), y.slice(s![..700]));
        let (x_test, y_test) = (x.slice(s![700.., ..]), y.slice(s![700..]).to_vec());
        for &(depth, leaf, sk_r2, sk_leaves) in SKLEARN_TWO_FEATURES {
            let tree = RegressionTree::params()
                .max_depth(depth)
                .min_samples_leaf(leaf)
                .fit(&train)
                .unwrap();
            let score = r2(&y_test, tree.predict(&x_test).as_slice().unwrap()).unwrap();
            assert!(
                (score - sk_r2).abs() < 1e-9,
                "depth {depth:?} leaf {leaf}: {score} vs sklearn {sk_r2}"
            );
            assert_eq!(tree.n_leaves(), sk_leaves);
        }
    }
    const SKLEARN_TWO_FEATURES: &[(Option<usize>, usize, f64, usize)] = &[
        (Some(3), 1, 0.8364502784938734, 8),
        (Some(5), 5, 0.9050440838334965, 32),
        (Some(8), 10, 0.914652835712486, 53),
        (None, 20, 0.8998089090791382, 29),
        (Some(10), 5, 0.9274141310653203, 111),
    ];

    #[test]
    fn serde_round_trip_predicts_the_same() {
        let (x, y) = noisy_sin(200, 0.5);
        let tree = fit(RegressionTree::params().max_depth(Some(5)), &x, &y);
        let json = serde_json::to_string(&tree).unwrap();
        let back: RegressionTree = serde_json::from_str(&json).unwrap();
        // serde_json without its `float_roundtrip` feature may parse a float one ulp off.
        assert_eq!(
            (back.n_leaves(), back.depth()),
            (tree.n_leaves(), tree.depth())
        );
        let (p, q) = (back.predict(&x), tree.predict(&x));
        assert!(p.iter().zip(&q).all(|(a, b)| (a - b).abs() < 1e-15));
        let params = RegressionTree::params().min_samples_leaf(4);
        let json = serde_json::to_string(&params).unwrap();
        assert_eq!(
            serde_json::from_str::<RegressionTreeParams>(&json).unwrap(),
            params
        );
    }

    #[test]
    fn invalid_inputs_are_clear_errors() {
        let x = array![[1.0], [2.0], [3.0]];
        let y = array![1.0, 2.0, 3.0];
        let err = |p: RegressionTreeParams| p.fit(&Dataset::new(x.clone(), y.clone())).unwrap_err();
        assert!(err(RegressionTree::params().min_samples_leaf(0))
            .to_string()
            .contains("min_samples_leaf must be at least 1"));
        assert!(err(RegressionTree::params().min_samples_split(1))
            .to_string()
            .contains("min_samples_split"));
        assert!(err(RegressionTree::params().max_depth(Some(0)))
            .to_string()
            .contains("max_depth"));
        let nan = array![[1.0], [f64::NAN], [3.0]];
        let e = RegressionTree::params()
            .fit(&Dataset::new(nan, y.clone()))
            .unwrap_err();
        assert!(e.to_string().contains("row 1, column 0"), "{e}");
        let weighted = Dataset::new(x.clone(), y.clone()).with_weights(array![1.0, 2.0, 1.0]);
        let e = RegressionTree::params().fit(&weighted).unwrap_err();
        assert!(e.to_string().contains("sample weights"), "{e}");
        let tree = fit(RegressionTree::params(), &x, &y);
        assert!(matches!(
            tree.try_predict(&array![[1.0, 2.0]]),
            Err(Error::MismatchedShapes(2, 1))
        ));
    }
}
