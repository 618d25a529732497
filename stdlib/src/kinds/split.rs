//! `split`: train / test (/ validation) partitions.

use aimass_engine::{ArtifactType, ParamSig, ParamValue, Signature, Ty};

pub fn signature() -> Signature {
    Signature::new("split", "Splits rows into train, test and (optionally) validation parts, seeded.")
        .input("input", ArtifactType::Frame, "the frame to split")
        .param(ParamSig::with_default("test", Ty::Fraction, ParamValue::float(0.2), "share of rows for testing"))
        .param(ParamSig::optional("valid", Ty::Fraction, "share of rows for validation"))
        .param(ParamSig::optional("stratify", Ty::Str, "keep this column's class shares in every part"))
        .param(ParamSig::optional("seed", Ty::Int, "random seed (default: the pipeline's)"))
        .output("train", ArtifactType::Frame, "training rows")
        .output("test", ArtifactType::Frame, "test rows")
        .output("valid", ArtifactType::Frame, "validation rows (empty unless `valid` is set)")
        .no_default_output()
}

/// The kind to register.
pub fn kind() -> std::sync::Arc<dyn aimass_engine::StageKind> {
    std::sync::Arc::new(super::declared::Declared::new(signature()))
}
