//! What a fitted model says about its features: importance for tree models (decision and
//! regression trees, random forests, gradient boosting), coefficients for linear models
//! (logistic regression, linear regression, elastic net). Read from the model alone, so
//! `aimass show` and `aimass report` print the same numbers.
//!
//! - A tree: mean decrease in impurity, normalised to sum 1 (scikit-learn's
//!   `feature_importances_`).
//! - A forest: the mean of its trees' importances (each mapped from the tree's feature
//!   subset to all features), as scikit-learn's forests do.
//! - Gradient boosting: the summed split gain, as a share of the total, with split counts
//!   (LightGBM's `importance_type = "gain"` and `"split"`).
//! - Linear models: one coefficient per feature (per class for a multinomial logistic
//!   regression) and the intercept. Features are as the model saw them, so a coefficient is
//!   per unit of a standardised column when the pipeline standardised it.
//!
//! Other models (naive Bayes, k-means, mlp, ensembles, plugins) have no such numbers:
//! [`explain`] says so instead of inventing some.

use serde::Serialize;

use super::fitted::Fitted;
use super::logistic::Logistic;
use super::spec::Algorithm;
use super::trained::TrainedModel;
use crate::ml::SplitCriterion;

/// Whether the numbers are importances (non-negative shares) or signed coefficients.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WeightKind {
    Importance,
    Coefficient,
}

/// One feature's number.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FeatureWeight {
    pub feature: String,
    pub value: f64,
    /// Gradient boosting: how many splits used the feature.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub splits: Option<u64>,
}

/// The weights of one model, or of one class of a multinomial model.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WeightSet {
    /// The class a multinomial logistic regression's set is for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub intercept: Option<f64>,
    /// Largest magnitude first; ties in feature order.
    pub weights: Vec<FeatureWeight>,
}

/// A model's feature importance or coefficients.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Explanation {
    pub kind: WeightKind,
    /// What the numbers are, in words: "impurity decrease (gini), share of the total".
    pub measure: String,
    pub sets: Vec<WeightSet>,
}

/// The model's importance or coefficients, or why it has none.
pub fn explain(model: &TrainedModel) -> Result<Explanation, String> {
    let names: Vec<String> = model.features.iter().map(|f| f.name.clone()).collect();
    let stale = || {
        format!(
            "this {} was stored without its node sizes (trained by an older aimass): run its stage again with `aimass run --force`",
            model.spec.algorithm.name()
        )
    };
    let importance = |values: Vec<f64>, measure: String| Explanation {
        kind: WeightKind::Importance,
        measure,
        sets: vec![set(&names, &values, None, None, None)],
    };
    match (&model.fitted, &model.spec.algorithm) {
        (Fitted::ClassTree(t), alg) => {
            let criterion = criterion_of(alg);
            let values = t.feature_importance(criterion).ok_or_else(stale)?;
            Ok(importance(values, impurity_measure(criterion)))
        }
        (Fitted::RegressionTree(t), _) => {
            let values = t.feature_importance().ok_or_else(stale)?;
            Ok(importance(
                values,
                "decrease in squared error, share of the total".to_string(),
            ))
        }
        (Fitted::RandomForest(f), alg) => {
            let criterion = criterion_of(alg);
            let mut mean = vec![0.0; names.len()];
            for tree in &f.trees {
                let local = tree.tree.feature_importance(criterion).ok_or_else(stale)?;
                for (value, &feature) in local.iter().zip(&tree.features) {
                    if let Some(m) = mean.get_mut(feature) {
                        *m += value / f.trees.len() as f64;
                    }
                }
            }
            Ok(importance(
                mean,
                format!(
                    "{}, mean over {} trees",
                    impurity_measure(criterion),
                    f.trees.len()
                ),
            ))
        }
        (Fitted::GradientBoosting(g), _) => {
            let gain = &g.importance.gain;
            let total: f64 = gain.iter().sum();
            let shares: Vec<f64> = gain
                .iter()
                .map(|v| if total > 0.0 { v / total } else { 0.0 })
                .collect();
            let splits: Vec<u64> = g.importance.splits.iter().map(|&s| u64::from(s)).collect();
            Ok(Explanation {
                kind: WeightKind::Importance,
                measure: format!(
                    "split gain, share of the total over {} trees",
                    g.trees.len()
                ),
                sets: vec![set(&names, &shares, Some(&splits), None, None)],
            })
        }
        (Fitted::Linear(l), _) => Ok(Explanation {
            kind: WeightKind::Coefficient,
            measure: "coefficient".to_string(),
            sets: vec![set(&names, &l.coef.to_vec(), None, Some(l.intercept), None)],
        }),
        (Fitted::Logistic(l), _) => logistic(model, l, &names),
        (_, alg) => Err(format!(
            "a {} model has no feature importance or coefficients",
            alg.name()
        )),
    }
}

fn logistic(model: &TrainedModel, l: &Logistic, names: &[String]) -> Result<Explanation, String> {
    let label = |i: usize| model.classes.get(i).map(|c| c.to_string());
    match l {
        Logistic::Binary { w, b, positive, .. } => Ok(Explanation {
            kind: WeightKind::Coefficient,
            measure: format!(
                "coefficient of the log-odds of {}",
                label(*positive).unwrap_or_else(|| "the positive class".to_string())
            ),
            sets: vec![set(names, &w.to_vec(), None, Some(*b), None)],
        }),
        Logistic::Multinomial { w, b, classes, .. } => Ok(Explanation {
            kind: WeightKind::Coefficient,
            measure: "coefficient of each class's softmax score".to_string(),
            sets: classes
                .iter()
                .enumerate()
                .map(|(j, &class)| {
                    set(
                        names,
                        &w.column(j).to_vec(),
                        None,
                        b.get(j).copied(),
                        label(class),
                    )
                })
                .collect(),
        }),
        Logistic::Constant { .. } => Err(
            "the logistic regression saw one class only and predicts it for every row: it has no coefficients"
                .to_string(),
        ),
    }
}

fn criterion_of(alg: &Algorithm) -> SplitCriterion {
    match alg {
        Algorithm::DecisionTree(t) => t.criterion,
        Algorithm::RandomForest(f) => f.tree.criterion,
        _ => SplitCriterion::Gini,
    }
}

fn impurity_measure(criterion: SplitCriterion) -> String {
    let name = match criterion {
        SplitCriterion::Gini => "gini",
        SplitCriterion::Entropy => "entropy",
    };
    format!("impurity decrease ({name}), share of the total")
}

/// Pairs values with feature names, largest magnitude first.
fn set(
    names: &[String],
    values: &[f64],
    splits: Option<&[u64]>,
    intercept: Option<f64>,
    class: Option<String>,
) -> WeightSet {
    let mut weights: Vec<(usize, FeatureWeight)> = values
        .iter()
        .enumerate()
        .map(|(i, &value)| {
            let feature = names
                .get(i)
                .cloned()
                .unwrap_or_else(|| format!("feature {i}"));
            let splits = splits.and_then(|s| s.get(i).copied());
            (
                i,
                FeatureWeight {
                    feature,
                    value,
                    splits,
                },
            )
        })
        .collect();
    weights.sort_by(|(i, a), (j, b)| b.value.abs().total_cmp(&a.value.abs()).then(i.cmp(j)));
    WeightSet {
        class,
        intercept,
        weights: weights.into_iter().map(|(_, w)| w).collect(),
    }
}
