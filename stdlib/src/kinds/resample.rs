//! `resample`: rebalance classes.

use aimass_engine::{ArtifactType, ParamSig, ParamValue, Signature, Ty};

pub fn signature() -> Signature {
    Signature::new("resample", "Rebalances classes by undersampling the majority or oversampling the minority, seeded.")
        .input("input", ArtifactType::Frame, "the frame to rebalance")
        .param(ParamSig::required("target", Ty::Str, "the class column"))
        .param(ParamSig::with_default(
            "method",
            Ty::words(&["undersample", "oversample"]),
            ParamValue::word("undersample"),
            "drop majority rows, or repeat minority rows",
        ))
        .param(ParamSig::with_default("ratio", Ty::Float, ParamValue::float(1.0), "minority / majority size after resampling").bounds(0.01, 1.0))
        .param(ParamSig::optional("seed", Ty::Int, "random seed (default: the pipeline's)"))
        .output("out", ArtifactType::Frame, "the rebalanced frame")
}

/// The kind to register.
pub fn kind() -> std::sync::Arc<dyn aimass_engine::StageKind> {
    std::sync::Arc::new(super::declared::Declared::new(signature()))
}
