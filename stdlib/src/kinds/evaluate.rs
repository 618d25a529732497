//! `evaluate`: metrics, cross-validation and quality gates.

use aimass_engine::{ArtifactType, ParamSig, ParamValue, Signature, Ty};

use super::common::metric_ty;

pub fn signature() -> Signature {
    Signature::new("evaluate", "Scores a model on raw rows (prepared by the model's recipe); quality gates fail the run.")
        .input("model", ArtifactType::Model, "the model to score")
        .input("data", ArtifactType::Frame, "raw rows to score")
        .param(ParamSig::optional("metrics", Ty::list(metric_ty()), "default: every metric of the task"))
        .param(ParamSig::with_default("threshold", Ty::Fraction, ParamValue::float(0.5), "probability above which a row is positive"))
        .param(ParamSig::optional("cv", Ty::Int, "also cross-validate the model's specification on `data` with this many folds").bounds(2.0, 100.0))
        .param(ParamSig::optional("require", Ty::list(Ty::Gate(Box::new(metric_ty()))), "quality gates, e.g. { roc_auc >= 0.80 }"))
        .param(ParamSig::optional("seed", Ty::Int, "random seed for cv folds (default: the pipeline's)"))
        .output("metrics", ArtifactType::Metrics, "the scores")
}

/// The kind to register.
pub fn kind() -> std::sync::Arc<dyn aimass_engine::StageKind> {
    std::sync::Arc::new(super::declared::Declared::new(signature()))
}
