//! `join`: combine two frames on key columns.

use aimass_engine::{ArtifactType, ParamSig, ParamValue, Signature, Ty};

pub fn signature() -> Signature {
    Signature::new("join", "Joins two frames on key columns.")
        .input("left", ArtifactType::Frame, "left frame")
        .input("right", ArtifactType::Frame, "right frame")
        .param(ParamSig::required("on", Ty::columns(), "key column(s), present in both frames"))
        .param(ParamSig::with_default("how", Ty::words(&["inner", "left", "outer"]), ParamValue::word("inner"), "join type"))
        .output("out", ArtifactType::Frame, "the joined frame")
}

/// The kind to register.
pub fn kind() -> std::sync::Arc<dyn aimass_engine::StageKind> {
    std::sync::Arc::new(super::declared::Declared::new(signature()))
}
