//! `deploy`: a versioned model bundle on disk.

use aimass_engine::{ArtifactType, ParamSig, ParamValue, Signature, Ty};

pub fn signature() -> Signature {
    Signature::new("deploy", "Writes a versioned bundle (model, recipe, manifest with hashes and metrics) to a directory.")
        .input("model", ArtifactType::Model, "the model to ship")
        .param(ParamSig::required("to", Ty::Str, "output directory, relative to the pipeline file"))
        .param(ParamSig::optional("name", Ty::Str, "bundle name (default: the stage name)"))
        .param(ParamSig::with_default("version", Ty::OneOf(vec![Ty::words(&["auto"]), Ty::Str]), ParamValue::word("auto"), "auto: derived from the model's content hash"))
        .param(ParamSig::optional("metrics", Ty::list(Ty::Input(ArtifactType::Metrics)), "evaluations to record in the manifest"))
        .output("manifest", ArtifactType::Metrics, "what was written where")
}

/// The kind to register.
pub fn kind() -> std::sync::Arc<dyn aimass_engine::StageKind> {
    std::sync::Arc::new(super::declared::Declared::new(signature()))
}
