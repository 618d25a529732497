//! The `Estimator` trait: learn a state from features and a target, then predict with it.
//!
//! The host owns the learning protocol (splits, folds, tuning, metrics); an estimator only
//! turns `(x, y)` into opaque state bytes and `(state, x)` into predictions. The state is
//! the estimator's own format: the host stores and caches it without reading it.

use serde_json::Value;

use crate::arrow::{Column, DataType, Frame};
use crate::error::{Error, Result};
use crate::params::Params;
use crate::spec::{EstimatorSpec, Task};

/// A stage kind with the estimator role.
pub trait Estimator: Send + Sync + 'static {
    /// The declaration (called once, when the host loads the plugin).
    fn spec(&self) -> EstimatorSpec;

    /// Learns from features `x` (Float64 columns, no nulls) and target `y` (Int64 class
    /// indices for classification, Float64 for regression); returns the fitted state.
    fn fit(&self, call: &EstimatorCall, x: Frame, y: Column) -> Result<Vec<u8>>;

    /// Applies a fitted state to `x`: one Float64 column of probabilities per class
    /// (classification) or one Float64 column (regression), as many rows as `x`. See
    /// [`EstimatorCall::class_probabilities`] and [`EstimatorCall::regression_values`].
    fn predict(&self, call: &EstimatorCall, state: &[u8], x: Frame) -> Result<Frame>;
}

/// What `fit` and `predict` receive besides the data.
#[derive(Clone, Debug, PartialEq)]
pub struct EstimatorCall {
    stage: Option<String>,
    seed: u64,
    params: Params,
    task: Task,
    n_classes: Option<usize>,
    features: Vec<String>,
}

impl EstimatorCall {
    /// A call for `task` with `params` (a JSON object): what a unit test starts from.
    pub fn new(task: Task, params: Value) -> Result<EstimatorCall> {
        Ok(EstimatorCall {
            stage: None,
            seed: 0,
            params: Params::from_json(params)?,
            task,
            n_classes: None,
            features: Vec::new(),
        })
    }

    pub fn with_n_classes(mut self, n_classes: usize) -> EstimatorCall {
        self.n_classes = Some(n_classes);
        self
    }

    pub fn with_features(mut self, features: Vec<String>) -> EstimatorCall {
        self.features = features;
        self
    }

    pub fn with_seed(mut self, seed: u64) -> EstimatorCall {
        self.seed = seed;
        self
    }

    pub fn with_stage(mut self, stage: impl Into<String>) -> EstimatorCall {
        self.stage = Some(stage.into());
        self
    }

    /// The stage's name; `None` in `predict`, whose state may serve several stages.
    pub fn stage(&self) -> Option<&str> {
        self.stage.as_deref()
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    pub fn params(&self) -> &Params {
        &self.params
    }

    pub fn task(&self) -> Task {
        self.task
    }

    /// The number of classes (classification).
    pub fn n_classes(&self) -> Option<usize> {
        self.n_classes
    }

    /// The feature names, in the order of `x`'s columns.
    pub fn features(&self) -> &[String] {
        &self.features
    }

    /// A classification prediction: `per_class[k][i]` is row i's probability of class k.
    pub fn class_probabilities(&self, per_class: Vec<Vec<f64>>) -> Result<Frame> {
        let mut frame = Frame::new();
        for (k, column) in per_class.into_iter().enumerate() {
            frame.push(format!("class_{k}"), Column::from_f64(column))?;
        }
        Ok(frame)
    }

    /// A regression prediction.
    pub fn regression_values(&self, values: Vec<f64>) -> Result<Frame> {
        Frame::new().with("prediction", Column::from_f64(values))
    }

    /// Parses the call JSON of `fit` (`with_stage`) or `predict`.
    pub(crate) fn from_json(call: Value, with_stage: bool) -> Result<EstimatorCall> {
        let mut call = match call {
            Value::Object(call) => call,
            other => return Err(Error::new(format!("call must be an object, not {other}"))),
        };
        let text = |v: &Value| v.as_str().map(str::to_owned);
        let task = call
            .get("task")
            .and_then(Value::as_str)
            .and_then(Task::parse)
            .ok_or_else(|| Error::new("call has no valid `task`"))?;
        let n_classes = match call.get("n_classes") {
            None | Some(Value::Null) => None,
            Some(n) => Some(
                n.as_u64()
                    .and_then(|n| usize::try_from(n).ok())
                    .ok_or_else(|| Error::new(format!("call `n_classes` is {n}")))?,
            ),
        };
        let features = match call.get("features") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| text(v).ok_or_else(|| Error::new("call `features` holds a non-string")))
                .collect::<Result<_>>()?,
            Some(other) => return Err(Error::new(format!("call `features` is {other}"))),
        };
        Ok(EstimatorCall {
            stage: if with_stage {
                call.get("stage").and_then(text)
            } else {
                None
            },
            seed: crate::plugin::seed(&call)?,
            params: Params::from_json(call.remove("params").unwrap_or(Value::Null))?,
            task,
            n_classes,
            features,
        })
    }

    /// An error when `out` is not what the ABI says `predict` returns for `rows` rows.
    pub(crate) fn check_prediction(&self, kind: &str, out: &Frame, rows: usize) -> Result<()> {
        let context =
            |message: String| Error::new(format!("estimator `{kind}` predict: {message}"));
        if out.len() != rows {
            return Err(context(format!("returned {} rows for {rows}", out.len())));
        }
        let expected = match self.task {
            Task::Regression => Some(1),
            Task::Classification => self.n_classes,
        };
        if let Some(expected) = expected.filter(|n| *n != out.width()) {
            let task = self.task.as_str();
            return Err(context(format!(
                "returned {} columns, {task} needs {expected}",
                out.width()
            )));
        }
        if let Some((name, column)) = out.iter().find(|(_, c)| c.dtype() != &DataType::Float64) {
            return Err(context(format!(
                "column `{name}` is {}, not Float64",
                column.dtype()
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_fit_and_predict_calls() {
        let call = json!({"stage": "m", "seed": 7, "params": {"k": 3},
                          "task": "classification", "n_classes": 2, "features": ["a", "b"]});
        let fit = EstimatorCall::from_json(call.clone(), true).expect("fit call");
        assert_eq!(fit.stage(), Some("m"));
        assert_eq!(fit.seed(), 7);
        assert_eq!(fit.params().int("k"), Ok(3));
        assert_eq!(fit.task(), Task::Classification);
        assert_eq!(fit.n_classes(), Some(2));
        assert_eq!(fit.features(), ["a", "b"]);
        let predict = EstimatorCall::from_json(call, false).expect("predict call");
        assert_eq!(predict.stage(), None);
        assert!(EstimatorCall::from_json(json!({"task": "ranking"}), false).is_err());
    }

    #[test]
    fn predictions_are_checked() {
        let call = EstimatorCall::new(Task::Classification, json!({}))
            .expect("call")
            .with_n_classes(2);
        let good = call
            .class_probabilities(vec![vec![0.3, 0.6], vec![0.7, 0.4]])
            .expect("frame");
        assert_eq!(call.check_prediction("k", &good, 2), Ok(()));
        let error = call.check_prediction("k", &good, 3).expect_err("rows");
        assert_eq!(
            error.message(),
            "estimator `k` predict: returned 2 rows for 3"
        );
        let one = call.regression_values(vec![1.0, 2.0]).expect("frame");
        assert!(call.check_prediction("k", &one, 2).is_err());
        let ints = Frame::new()
            .with("a", Column::from_i64(vec![0]))
            .and_then(|f| f.with("b", Column::from_i64(vec![1])))
            .expect("frame");
        assert!(call.check_prediction("k", &ints, 1).is_err());
    }
}
