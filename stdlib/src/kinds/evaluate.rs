//! `evaluate`: metrics, cross-validation and quality gates.
//!
//! Scores a model on raw rows: the model's recipe prepares them, so the test rows are
//! transformed with statistics fitted on the training rows only. Outputs one Metrics JSON:
//!
//! ```json
//! { "task": "classification", "model": "<summary>", "rows": 1405, "target": "churn",
//!   "positive": "Yes", "threshold": 0.5,
//!   "scores": { "roc_auc": 0.83, "lift@10%": 2.9, ... },      // flat: name -> number
//!   "undefined": { "precision": "no row is predicted positive" },
//!   "confusion": { "labels": ["No", "Yes"], "matrix": [[tn, fp], [fn, tp]] },
//!   "gains": [ { "decile": 1, "rows": .., "population": .., "positives": .., "captured": ..,
//!                "lift": .. }, ... ],
//!   "curves": null | { "roc": [ { "x": fpr, "y": tpr }, .. ],        // <= 200 points each,
//!                      "gains": [ { "x": population, "y": captured }, .. ] },  // for plots
//!   "cv": null | { "k": 5, "seed": 42, "stratified": true, "folds": [..], "mean": {..},
//!                  "std": {..} },
//!   "gates": [ { "gate": "roc_auc >= 0.8", "value": 0.83, "passed": true } ] }
//! ```
//!
//! Gates (`require { roc_auc >= 0.80, lift(10%) >= 2 }`) are judged by [`StageKind::verdict`]
//! from this JSON alone, so a cached result is judged exactly as a fresh one. A metric that
//! is undefined on the rows (see `estimator::scoring`) fails any gate on it.

use std::sync::Arc;

use aimass_dsl::ir::CmpOp;
use aimass_engine::{
    Artifact, ArtifactType, Outputs, PKind, ParamSig, ParamValue, Params, RunContext, Signature,
    StageError, StageKind, Ty,
};
use serde_json::{json, Value as Json};

use super::common::metric_ty;
use crate::estimator::{
    cross_validate, regression_scores, ClassifiedRows, Metric, Predictions, TargetValues, Task,
    TrainedModel,
};
use crate::ml::metrics::{confusion_matrix, gains_curve, gains_table, roc_curve};

/// Points kept of each curve in the report: enough for a smooth plot, small in the cache.
const CURVE_POINTS: usize = 200;

pub fn signature() -> Signature {
    Signature::new(
        "evaluate",
        "Scores a model on raw rows (prepared by the model's recipe); quality gates fail the run.",
    )
    .input("model", ArtifactType::Model, "the model to score")
    .input(
        "data",
        ArtifactType::Frame,
        "raw rows to score, with the target column",
    )
    .param(ParamSig::optional(
        "metrics",
        Ty::list(metric_ty()),
        "default: every metric of the task",
    ))
    .param(ParamSig::with_default(
        "threshold",
        Ty::Fraction,
        ParamValue::float(0.5),
        "probability above which a row is positive",
    ))
    .param(
        ParamSig::optional(
            "cv",
            Ty::Int,
            "also cross-validate the model's specification on `data` with this many folds",
        )
        .bounds(2.0, 100.0),
    )
    .param(ParamSig::optional(
        "require",
        Ty::list(Ty::Gate(Box::new(metric_ty()))),
        "quality gates, e.g. { roc_auc >= 0.80 }",
    ))
    .param(ParamSig::optional(
        "seed",
        Ty::Int,
        "random seed for cv folds (default: the pipeline's)",
    ))
    .output("metrics", ArtifactType::Metrics, "the scores")
}

pub struct EvaluateKind {
    sig: Signature,
}

/// The kind to register.
pub fn kind() -> Arc<dyn StageKind> {
    Arc::new(EvaluateKind { sig: signature() })
}

const GATE_FAILED: &str = "aimass::gate::failed";
const PARAM: &str = "aimass::evaluate::param";

/// A gate as written: `metric OP threshold`, and where.
struct GateRef<'a> {
    metric: Metric,
    op: CmpOp,
    threshold: f64,
    at: &'a ParamValue,
}

impl GateRef<'_> {
    /// `roc_auc >= 0.8`.
    fn text(&self) -> String {
        format!(
            "{} {} {}",
            self.metric.name(),
            self.op.symbol(),
            self.threshold
        )
    }
}

fn gates(params: &Params) -> Vec<GateRef<'_>> {
    let Some(list) = params.get("require").and_then(ParamValue::as_list) else {
        return Vec::new();
    };
    list.iter()
        .filter_map(|v| match &v.kind {
            PKind::Gate(g) => Metric::from_param(&g.metric).map(|metric| GateRef {
                metric,
                op: g.op,
                threshold: g.threshold,
                at: v,
            }),
            _ => None,
        })
        .collect()
}

/// The `metrics` list as written, if any.
fn listed(params: &Params) -> Option<Vec<(Metric, &ParamValue)>> {
    let list = params.get("metrics")?.as_list()?;
    Some(
        list.iter()
            .filter_map(|v| Metric::from_param(v).map(|m| (m, v)))
            .collect(),
    )
}

fn task_word(task: Task) -> &'static str {
    match task {
        Task::Classification => "a classification",
        Task::Regression => "a regression",
        Task::Segmentation => "a segmentation",
    }
}

impl StageKind for EvaluateKind {
    fn signature(&self) -> &Signature {
        &self.sig
    }

    /// 2: the report gained `curves` (ROC and gains points for `aimass report`).
    fn version(&self) -> String {
        "2".to_string()
    }

    fn validate(&self, params: &Params) -> Vec<StageError> {
        let mut errors = Vec::new();
        let listed = listed(params);
        if let Some(list) = &listed {
            if let Some((first, _)) = list.first() {
                for (m, v) in list {
                    if m.task() != first.task() {
                        errors.push(
                            StageError::new(format!(
                                "`{}` is {} metric but `{}` is {} metric: a model is scored as one or the other",
                                m.name(),
                                task_word(m.task()),
                                first.name(),
                                task_word(first.task())
                            ))
                            .code(PARAM)
                            .at(v.span, "this metric"),
                        );
                    }
                }
            }
        }
        let gates = gates(params);
        for g in &gates {
            match &listed {
                Some(list) if !list.iter().any(|(m, _)| m.name() == g.metric.name()) => {
                    errors.push(
                        StageError::new(format!(
                            "the gate `{}` needs `{}`, which `metrics` does not compute",
                            g.text(),
                            g.metric.name()
                        ))
                        .code(PARAM)
                        .at(g.at.span, "this gate")
                        .help(format!(
                            "add `{}` to `metrics`, or leave `metrics` out to compute every metric",
                            metric_source(&g.metric)
                        )),
                    );
                }
                None if gates
                    .first()
                    .is_some_and(|f| f.metric.task() != g.metric.task()) =>
                {
                    errors.push(
                        StageError::new(format!(
                            "the gate `{}` is on {} metric, but another gate is on {} metric",
                            g.text(),
                            task_word(g.metric.task()),
                            task_word(gates[0].metric.task())
                        ))
                        .code(PARAM)
                        .at(g.at.span, "this gate"),
                    );
                }
                _ => {}
            }
        }
        errors
    }

    fn run(&self, ctx: &RunContext<'_>) -> Result<Outputs, StageError> {
        let params = ctx.params;
        let model =
            TrainedModel::from_artifact(ctx.model("model")?).map_err(|e| e.at(params, "model"))?;
        if model.task == Task::Segmentation {
            return Err(at(
                StageError::new(
                    "evaluate scores classifiers and regressors; a kmeans model predicts no target",
                )
                .code(PARAM),
                params,
                "model",
                "this model",
            ));
        }
        let raw = &ctx.frame("data")?.data;
        let prepared = model.prepare(raw).map_err(|e| e.at(params, "data"))?;
        let x = model.matrix(&prepared).map_err(|e| e.at(params, "data"))?;
        let truth = model
            .target_of(&prepared, raw)
            .map_err(|e| e.at(params, "data"))?;
        let metrics = metric_set(params, model.task)?;
        let threshold = params.float("threshold").unwrap_or(0.5);
        let predictions = model
            .predict_matrix(x.view())
            .map_err(|e| e.at(params, "model"))?;

        let mut report = json!({
            "task": model.task.name(),
            "model": model.summary(),
            "rows": x.nrows(),
            "target": model.target,
            "threshold": threshold,
            "confusion": Json::Null,
            "gains": Json::Null,
            "curves": Json::Null,
            "cv": Json::Null,
        });
        let scores = match (&predictions, &truth) {
            (Predictions::Classes { proba, .. }, TargetValues::Classes(y)) => {
                let rows = ClassifiedRows {
                    truth: y,
                    proba: proba.view(),
                    positive: model.positive,
                    threshold,
                };
                report["positive"] = json!(model.positive.and_then(|p| model.classes.get(p)));
                report["confusion"] = confusion(&model, &rows);
                report["gains"] = gains(&rows);
                report["curves"] = curves(&rows);
                rows.score(&metrics)
            }
            (Predictions::Values(pred), TargetValues::Values(y)) => {
                regression_scores(y, &pred.to_vec(), &metrics)
            }
            _ => {
                return Err(StageError::new(
                    "internal error: predictions do not match the target",
                ))
            }
        };
        report["scores"] = json!(scores.values);
        report["undefined"] = json!(scores.undefined);
        // Feature importance and a summary line, for the models that store them.
        if let Some(extra) = crate::estimator::gbdt::report(&model) {
            report["importance"] = extra["importance"].clone();
            report["summary"] = extra["summary"].clone();
        }

        if let Some(k) = params.int("cv") {
            let seed = params.int("seed").map_or(ctx.seed, |s| s as u64);
            let k = usize::try_from(k).unwrap_or(2);
            let cv = cross_validate(&model, &x, &truth, k, seed, &metrics, threshold)
                .map_err(|e| e.at(params, "cv"))?;
            report["cv"] = json!(cv);
        }
        let judged: Vec<Json> = gates(params)
            .iter()
            .map(|g| {
                let value = report["scores"].get(g.metric.name()).and_then(Json::as_f64);
                json!({
                    "gate": g.text(),
                    "value": value,
                    "passed": value.is_some_and(|v| g.op.holds(v, g.threshold)),
                })
            })
            .collect();
        report["gates"] = Json::Array(judged);
        Ok(Outputs::one("metrics", Artifact::Metrics(report)))
    }

    fn verdict(&self, params: &Params, outputs: &Outputs) -> Vec<StageError> {
        let Some(report) = outputs.get("metrics").and_then(Artifact::as_metrics) else {
            return Vec::new();
        };
        gates(params)
            .iter()
            .filter_map(|g| judge(g, report))
            .collect()
    }
}

fn at(e: StageError, params: &Params, param: &str, label: &str) -> StageError {
    match params.get(param) {
        Some(v) => e.at(v.span, label),
        None => e,
    }
}

/// How a metric is written in a pipeline: `roc_auc`, `lift(10%)`.
fn metric_source(m: &Metric) -> String {
    match m {
        Metric::Lift(_) => m.name().replace("lift@", "lift(") + ")",
        _ => m.name(),
    }
}

/// The metrics to compute: those listed (each must suit the model), or every metric of the
/// task plus any lift a gate names.
fn metric_set(params: &Params, task: Task) -> Result<Vec<Metric>, StageError> {
    let wrong = |m: &Metric, v: &ParamValue, what: &str| {
        StageError::new(format!(
            "`{}` is {} metric, but the model is {} model",
            m.name(),
            task_word(m.task()),
            task_word(task)
        ))
        .code(PARAM)
        .at(v.span, what)
    };
    for g in gates(params) {
        if g.metric.task() != task {
            return Err(wrong(&g.metric, g.at, "this gate"));
        }
    }
    match listed(params) {
        Some(list) => {
            if let Some((m, v)) = list.iter().find(|(m, _)| m.task() != task) {
                return Err(wrong(m, v, "this metric"));
            }
            Ok(list.into_iter().map(|(m, _)| m).collect())
        }
        None => {
            let mut all = Metric::all_of(task);
            for g in gates(params) {
                if !all.iter().any(|m| m.name() == g.metric.name()) {
                    all.push(g.metric);
                }
            }
            Ok(all)
        }
    }
}

/// `{ "labels": [...], "matrix": [[...]] }`: rows are true classes, columns predicted ones.
fn confusion(model: &TrainedModel, rows: &ClassifiedRows<'_>) -> Json {
    match confusion_matrix(rows.truth, &rows.predicted(), model.classes.len()) {
        Ok(matrix) => json!({ "labels": model.classes, "matrix": matrix }),
        Err(_) => Json::Null,
    }
}

/// The cumulative gains and lift by decile of the positive class (`[]` when undefined).
fn gains(rows: &ClassifiedRows<'_>) -> Json {
    let Some(pos) = rows.positive else {
        return json!([]);
    };
    let truth: Vec<bool> = rows.truth.iter().map(|&t| t == pos).collect();
    let scores = rows.proba.column(pos).to_vec();
    gains_table(&truth, &scores).map_or_else(|_| json!([]), |t| json!(t))
}

/// The ROC and cumulative gains curves of the positive class, thinned to [`CURVE_POINTS`]
/// (`null` when there is no positive class or the rows hold one class only).
fn curves(rows: &ClassifiedRows<'_>) -> Json {
    let Some(pos) = rows.positive else {
        return Json::Null;
    };
    let truth: Vec<bool> = rows.truth.iter().map(|&t| t == pos).collect();
    let scores = rows.proba.column(pos).to_vec();
    match (
        roc_curve(&truth, &scores, CURVE_POINTS),
        gains_curve(&truth, &scores, CURVE_POINTS),
    ) {
        (Ok(roc), Ok(gains)) => json!({ "roc": roc, "gains": gains }),
        _ => Json::Null,
    }
}

/// The failure of one gate on a metrics report, if it fails.
fn judge(g: &GateRef<'_>, report: &Json) -> Option<StageError> {
    let name = g.metric.name();
    let value = report
        .get("scores")
        .and_then(|s| s.get(&name))
        .and_then(Json::as_f64);
    let Some(value) = value else {
        let why = report
            .get("undefined")
            .and_then(|u| u.get(&name))
            .and_then(Json::as_str)
            .map_or_else(
                || "it was not computed".to_string(),
                |w| format!("it is undefined: {w}"),
            );
        return Some(
            StageError::new(format!(
                "quality gate `{}` cannot be judged: {why}",
                g.text()
            ))
            .code(GATE_FAILED)
            .at(g.at.span, "this gate")
            .help("a gate passes only on a measured value; check the rows being scored"),
        );
    };
    if g.op.holds(value, g.threshold) {
        return None;
    }
    Some(
        StageError::new(format!(
            "quality gate not met: {name} = {value:.4}, required {} {}",
            g.op.symbol(),
            g.threshold
        ))
        .code(GATE_FAILED)
        .at(g.at.span, "this gate")
        .help(
            "improve the model (tune it, add features, try another algorithm); lower the threshold only if the bar itself is wrong",
        ),
    )
}
