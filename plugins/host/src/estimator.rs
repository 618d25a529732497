//! A plugin's estimator as the stdlib sees it ([`ExternalEstimator`]): `algorithm =
//! knn.knn` in `model`, `tune`, `fuse`, `evaluate`'s `cv` and deployed bundles.
//!
//! The stdlib works on dense `f64` matrices; they cross as frames of Float64 columns named
//! after the features, the target as one column (`Int64` class indices, or `Float64`). What
//! comes back is checked before the stdlib uses it: one Float64 column per class whose rows
//! are probabilities summing to 1, or one Float64 column of values, one row per input row.

use std::sync::Arc;

use aimass_engine::ParamSig;
use aimass_stdlib::estimator::external::{
    ExternalEstimator, FitRequest, PluginRef, PredictRequest,
};
use aimass_stdlib::estimator::{EstimatorError, Output, Target, Task};
use ndarray::{Array1, Array2, ArrayView2};
use polars::prelude::{Column, DataFrame, DataType, NamedFrom, Series};
use serde_json::json;

use crate::descriptor::{Role, StageDesc};
use crate::outcome::CallFailure;
use crate::plugin::Plugin;

pub struct PluginEstimator {
    name: String,
    kind: String,
    doc: String,
    tasks: Vec<Task>,
    params: Vec<ParamSig>,
    plugin: Arc<Plugin>,
}

impl PluginEstimator {
    pub fn new(plugin: &Arc<Plugin>, desc: &StageDesc) -> Option<PluginEstimator> {
        let Role::Estimator { tasks } = &desc.role else {
            return None;
        };
        Some(PluginEstimator {
            name: format!("{}.{}", plugin.alias, desc.kind),
            kind: desc.kind.clone(),
            doc: desc.doc.clone(),
            tasks: tasks.iter().filter_map(|t| Task::from_name(t)).collect(),
            params: desc.params.iter().map(|p| p.to_sig()).collect(),
            plugin: Arc::clone(plugin),
        })
    }

    fn error(&self, f: CallFailure) -> EstimatorError {
        let e = EstimatorError::fit(format!(
            "plugin `{}` ({}) {} in `{}`: {}",
            self.plugin.alias,
            self.plugin.library_name(),
            match f.kind {
                crate::FailureKind::Error => "failed",
                crate::FailureKind::Panic => "panicked",
                crate::FailureKind::BadOutput => "returned invalid output",
                crate::FailureKind::Timeout => "timed out",
                crate::FailureKind::Crash => "crashed",
            },
            self.kind,
            f.detail()
        ));
        match f.param {
            Some(p) => e.param(p),
            None => e,
        }
    }

    fn bad(&self, why: String) -> EstimatorError {
        self.error(CallFailure::bad_output(why)).help(
            "this is a bug in the plugin, not in your pipeline: report it to the plugin's authors",
        )
    }
}

fn features_frame(x: ArrayView2<'_, f64>, names: &[String]) -> Result<DataFrame, EstimatorError> {
    let columns: Vec<Column> = names
        .iter()
        .enumerate()
        .map(|(j, name)| Column::from(Series::new(name.as_str().into(), x.column(j).to_vec())))
        .collect();
    DataFrame::new(x.nrows(), columns)
        .map_err(|e| EstimatorError::fit(format!("cannot build the feature frame: {e}")))
}

fn task_name(t: Task) -> &'static str {
    t.name()
}

impl ExternalEstimator for PluginEstimator {
    fn name(&self) -> &str {
        &self.name
    }

    fn doc(&self) -> &str {
        &self.doc
    }

    fn tasks(&self) -> &[Task] {
        &self.tasks
    }

    fn hyperparams(&self) -> &[ParamSig] {
        &self.params
    }

    fn plugin(&self) -> PluginRef {
        let id = &self.plugin.identity;
        PluginRef {
            alias: self.plugin.alias.clone(),
            name: id.name.clone(),
            version: id.version.clone(),
            hash: id.hash.clone(),
            library: self.plugin.library_name(),
        }
    }

    fn library_path(&self) -> std::path::PathBuf {
        self.plugin.identity.path.clone()
    }

    fn fit(&self, req: &FitRequest<'_>) -> Result<Vec<u8>, EstimatorError> {
        let x = features_frame(req.x, req.features)?;
        let (y, n_classes) = match req.target {
            Target::Classes { y, n_classes } => (
                Series::new(
                    "target".into(),
                    y.iter().map(|&c| c as i64).collect::<Vec<_>>(),
                ),
                n_classes,
            ),
            Target::Values(v) => (Series::new("target".into(), v.to_vec()), 0),
            Target::None => {
                return Err(EstimatorError::fit(format!(
                    "`{}` needs a target",
                    self.name
                )))
            }
        };
        let y = DataFrame::new(y.len(), vec![Column::from(y)])
            .map_err(|e| EstimatorError::fit(format!("cannot build the target frame: {e}")))?;
        let call = json!({
            "seed": req.seed,
            "params": req.params,
            "task": task_name(req.task),
            "n_classes": n_classes,
            "features": req.features,
        })
        .to_string();
        self.plugin
            .fit(&self.kind, call, x, y)
            .map_err(|f| self.error(f))
    }

    fn predict(&self, req: &PredictRequest<'_>) -> Result<Output, EstimatorError> {
        let rows = req.x.nrows();
        let x = features_frame(req.x, req.features)?;
        let call = json!({
            "params": req.params,
            "task": task_name(req.task),
            "n_classes": req.n_classes,
            "features": req.features,
        })
        .to_string();
        let out = self
            .plugin
            .predict(&self.kind, call, Arc::from(req.state), x)
            .map_err(|f| self.error(f))?;
        if out.height() != rows {
            return Err(self.bad(format!(
                "it returned {} predictions for {rows} rows",
                out.height()
            )));
        }
        let want = if req.task == Task::Classification {
            req.n_classes
        } else {
            1
        };
        if out.width() != want {
            return Err(self.bad(format!(
                "it returned {} prediction columns; a {} needs {want}",
                out.width(),
                if req.task == Task::Classification {
                    "classifier of this target"
                } else {
                    "regressor"
                }
            )));
        }
        let mut columns = Vec::with_capacity(want);
        for c in out.columns() {
            if c.dtype() != &DataType::Float64 {
                return Err(self.bad(format!(
                    "prediction column `{}` is {}, not Float64",
                    c.name(),
                    c.dtype()
                )));
            }
            let values = c.f64().map_err(|e| self.bad(e.to_string()))?;
            if values.null_count() > 0 {
                return Err(self.bad(format!(
                    "prediction column `{}` has missing values",
                    c.name()
                )));
            }
            columns.push(values.into_no_null_iter().collect::<Vec<f64>>());
        }
        if req.task != Task::Classification {
            return Ok(Output::Values(Array1::from(columns.swap_remove(0))));
        }
        let mut proba = Array2::zeros((rows, want));
        for (j, col) in columns.iter().enumerate() {
            for (i, &p) in col.iter().enumerate() {
                proba[[i, j]] = p;
            }
        }
        // Float sums drift by an ulp or so; anything beyond that is the plugin's mistake.
        const SLACK: f64 = 1e-9;
        for (i, mut row) in proba.rows_mut().into_iter().enumerate() {
            let sum: f64 = row.sum();
            if row.iter().any(|p| !(-SLACK..=1.0 + SLACK).contains(p)) || (sum - 1.0).abs() > 1e-6 {
                return Err(self.bad(format!(
                    "the class probabilities of row {i} are not probabilities summing to 1 (they sum to {sum})"
                )));
            }
            row.mapv_inplace(|p| p.clamp(0.0, 1.0));
        }
        Ok(Output::Proba(proba))
    }
}
