//! A trained model: the fitted estimator with everything needed to apply it to raw rows
//! (the recipe, the feature schema, the class labels) and to refit it (the spec and seed).
//!
//! Serialised as JSON (`aimass.model/1`): compact enough (the default tree on the 262k-row
//! flights split, 32k leaves, is 2.8 MB and reads back in about 10 ms), inspectable with any
//! JSON tool, and deterministic, since every map in it is ordered and
//! floats print by shortest round trip (serde_json's `float_roundtrip` feature makes reading
//! them back exact, so a model loaded from the cache predicts bit for bit as the fresh one).

use aimass_engine::Model;
use ndarray::{Array1, Array2, ArrayView2};
use polars::prelude::{DataFrame, Series};
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use super::error::{EstimatorError, Result};
use super::fitted::{Fitted, Output, Target};
use super::labels::{self, Label};
use super::matrix::{schema, select_features, to_matrix, FeatureField};
use super::prepare::apply_recipe;
use super::spec::{Spec, Task};
use super::target::TargetValues;
use super::target::{scoring_target, target_column, training_classes, training_values};
use crate::ml::metrics::argmax_classes;
use crate::ml::Presorted;

/// The `format` of the models this version writes and reads.
pub const MODEL_FORMAT: &str = "aimass.model/1";

/// What a model says about rows.
#[derive(Clone, Debug, PartialEq)]
pub enum Predictions {
    /// Class probabilities (one column per class of [`TrainedModel::classes`], rows sum to
    /// 1) and the most probable class of each row (lowest index on ties).
    Classes {
        proba: Array2<f64>,
        class: Vec<usize>,
    },
    Values(Array1<f64>),
    Segments(Vec<usize>),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrainedModel {
    pub format: String,
    pub spec: Spec,
    /// The seed the estimator was fitted with.
    pub seed: u64,
    pub task: Task,
    pub target: Option<String>,
    /// Feature columns in the order of the estimator's matrix.
    pub features: Vec<FeatureField>,
    /// Class labels, sorted; class index `i` is `classes[i]`. Empty unless classification.
    pub classes: Vec<Label>,
    /// Index of the positive class: as written, or the second of two labels.
    pub positive: Option<usize>,
    /// The recipe of the frame the model was trained on (`Null` for none).
    pub recipe: Json,
    pub training_rows: usize,
    pub fitted: Fitted,
}

/// A training frame turned into what estimators read, with the model it will become (not
/// fitted yet): what [`Spec::fit`] does before fitting, kept apart so a search can fit many
/// configurations on one matrix.
pub struct Training {
    pub model: TrainedModel,
    pub x: Array2<f64>,
    pub target: TargetValues,
}

impl Training {
    /// Fits `spec`'s algorithm (the features, target and classes stay those prepared).
    pub fn fit(&self, algorithm: &super::spec::Algorithm, seed: u64) -> Result<TrainedModel> {
        let mut model = self.model.clone();
        model.spec.algorithm = algorithm.clone();
        model.refit(&self.x, &self.target, seed)
    }
}

impl Spec {
    /// Trains on a prepared frame (features already numeric). The model has no recipe: add
    /// the training frame's with [`TrainedModel::with_recipe`].
    pub fn fit(&self, frame: &DataFrame, seed: u64) -> Result<TrainedModel> {
        let t = self.training(frame)?;
        t.fit(&self.algorithm, seed)
    }

    /// The feature matrix, the target in the model's terms and the unfitted model.
    pub fn training(&self, frame: &DataFrame) -> Result<Training> {
        let task = self.task();
        let target_col = match (&self.target, task) {
            (Some(t), Task::Segmentation) => {
                target_column(frame, t, "training frame")?;
                None
            }
            (Some(t), _) => Some(target_column(frame, t, "training frame")?),
            (None, Task::Segmentation) => None,
            (None, _) => {
                return Err(EstimatorError::data("a target column is needed").param("target"))
            }
        };
        let names = select_features(frame, self.features.as_deref(), self.target.as_deref())?;
        let features = schema(frame, &names)?;
        let x = to_matrix(frame, &names)?;
        let mut model = TrainedModel {
            format: MODEL_FORMAT.to_string(),
            spec: self.clone(),
            seed: 0,
            task,
            target: self.target.clone(),
            features,
            classes: Vec::new(),
            positive: None,
            recipe: Json::Null,
            training_rows: frame.height(),
            fitted: Fitted::Kmeans(Array2::zeros((0, 0))),
        };
        let target = match (task, target_col) {
            (Task::Classification, Some(col)) => {
                let (classes, y, positive) = training_classes(self, col)?;
                model.classes = classes;
                model.positive = positive;
                TargetValues::Classes(y)
            }
            (Task::Regression, Some(col)) => TargetValues::Values(training_values(self, col)?),
            _ => TargetValues::Values(Vec::new()),
        };
        Ok(Training { model, x, target })
    }
}

impl TrainedModel {
    pub fn with_recipe(mut self, recipe: Json) -> Self {
        self.recipe = recipe;
        self
    }

    fn fit_fitted(
        &self,
        x: &Array2<f64>,
        target: &TargetValues,
        seed: u64,
        presorted: Option<&Presorted>,
    ) -> Result<Fitted> {
        let t = match (self.task, target) {
            (Task::Classification, TargetValues::Classes(y)) => Target::Classes {
                y,
                n_classes: self.classes.len(),
            },
            (Task::Regression, TargetValues::Values(y)) => Target::Values(y),
            _ => Target::None,
        };
        // A plugin estimator is told the feature names it is fitted on.
        let mut algorithm = self.spec.algorithm.clone();
        if let super::spec::Algorithm::Plugin(p) = &mut algorithm {
            p.features = self.features.iter().map(|f| f.name.clone()).collect();
        }
        Fitted::fit_with(&algorithm, x, t, seed, presorted)
    }

    /// The same specification refitted on other rows (already a matrix in this model's
    /// feature order, with a target in its terms): what cross-validation does per fold.
    /// Schema, classes, positive class and recipe are kept.
    pub fn refit(&self, x: &Array2<f64>, target: &TargetValues, seed: u64) -> Result<Self> {
        self.refit_with(x, target, seed, None)
    }

    /// As [`TrainedModel::refit`], reusing `x` ranked once for a decision tree.
    pub fn refit_with(
        &self,
        x: &Array2<f64>,
        target: &TargetValues,
        seed: u64,
        presorted: Option<&Presorted>,
    ) -> Result<Self> {
        let mut model = self.clone();
        model.fitted = self.fit_fitted(x, target, seed, presorted)?;
        model.training_rows = x.nrows();
        model.seed = seed;
        Ok(model)
    }

    /// Serialises into the engine's Model artifact.
    pub fn to_artifact(&self) -> Result<Model> {
        let bytes = serde_json::to_vec(self)
            .map_err(|e| EstimatorError::format(format!("cannot serialise the model: {e}")))?;
        Ok(Model {
            format: MODEL_FORMAT.to_string(),
            bytes,
            summary: self.summary(),
        })
    }

    pub fn from_artifact(model: &Model) -> Result<Self> {
        if model.format != MODEL_FORMAT {
            return Err(EstimatorError::format(format!(
                "the model is in format `{}`, but this aimass reads `{MODEL_FORMAT}`",
                model.format
            ))
            .help("retrain it with this version (`aimass run` re-runs the model stage)"));
        }
        serde_json::from_slice(&model.bytes)
            .map_err(|e| EstimatorError::format(format!("the model's bytes are damaged: {e}")))
    }

    /// `decision_tree(...) -> churn (positive "Yes"); 45 features, 5616 rows`.
    pub fn summary(&self) -> String {
        let positive = match self.positive.and_then(|p| self.classes.get(p)) {
            Some(l) => format!(" (positive \"{l}\")"),
            None => String::new(),
        };
        format!(
            "{}{positive}; {} features, {} rows",
            self.spec.describe(),
            self.features.len(),
            self.training_rows
        )
    }

    pub fn feature_names(&self) -> Vec<String> {
        self.features.iter().map(|f| f.name.clone()).collect()
    }

    /// Raw rows prepared by the model's recipe.
    pub fn prepare(&self, raw: &DataFrame) -> Result<DataFrame> {
        apply_recipe(&self.recipe, raw)
    }

    /// The feature matrix of prepared rows, in the model's feature order.
    pub fn matrix(&self, prepared: &DataFrame) -> Result<Array2<f64>> {
        to_matrix(prepared, &self.feature_names())
    }

    /// The target of prepared rows (falling back to `raw`, for a recipe that drops it) in
    /// the model's terms: class indices, or numbers.
    pub fn target_of(&self, prepared: &DataFrame, raw: &DataFrame) -> Result<TargetValues> {
        let Some(name) = &self.target else {
            return Err(EstimatorError::data("a segmentation model has no target"));
        };
        let col = match prepared.column(name) {
            Ok(c) => c,
            Err(_) => target_column(raw, name, "data")?,
        };
        scoring_target(col, self.task, &self.classes)
    }

    /// Applies the recipe to raw rows, then predicts.
    pub fn predict(&self, raw: &DataFrame) -> Result<Predictions> {
        let prepared = self.prepare(raw)?;
        self.predict_matrix(self.matrix(&prepared)?.view())
    }

    /// Class probabilities of raw rows (classifiers only).
    pub fn predict_proba(&self, raw: &DataFrame) -> Result<Array2<f64>> {
        match self.predict(raw)? {
            Predictions::Classes { proba, .. } => Ok(proba),
            _ => Err(EstimatorError::data(format!(
                "a {} model has no class probabilities",
                self.task.name()
            ))),
        }
    }

    /// Predicts from a matrix in the model's feature order.
    pub fn predict_matrix(&self, x: ArrayView2<'_, f64>) -> Result<Predictions> {
        Ok(match self.fitted.predict(x)? {
            Output::Proba(proba) => {
                let class = argmax_classes(proba.view());
                Predictions::Classes { proba, class }
            }
            Output::Values(v) => Predictions::Values(v),
            Output::Segments(s) => Predictions::Segments(s),
        })
    }

    /// Class indices as a column of the target's own labels (e.g. "No"/"Yes").
    pub fn label_series(&self, name: &str, class: &[usize]) -> Result<Series> {
        let labels: Vec<&Label> = class
            .iter()
            .map(|&c| {
                self.classes
                    .get(c)
                    .ok_or_else(|| EstimatorError::fit(format!("class index {c} is out of range")))
            })
            .collect::<Result<_>>()?;
        Ok(labels::to_series(name, &labels))
    }
}
