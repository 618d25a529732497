//! `model`: train one estimator.

use aimass_engine::{ArtifactType, Signature};

use super::common::{hyperparams, learning_params};

pub fn signature() -> Signature {
    let mut sig = Signature::new(
        "model",
        "Trains one estimator on a frame; the model carries the frame's recipe, feature schema and classes.",
    )
    .input("input", ArtifactType::Frame, "the training frame");
    for p in learning_params().into_iter().chain(hyperparams()) {
        sig = sig.param(p);
    }
    sig.output("model", ArtifactType::Model, "the fitted model")
        .output("segments", ArtifactType::Frame, "kmeans: the input with a `segment` column")
}

/// The kind to register.
pub fn kind() -> std::sync::Arc<dyn aimass_engine::StageKind> {
    std::sync::Arc::new(super::declared::Declared::new(signature()))
}
