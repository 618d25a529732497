//! `fuse`: ensembles of models.

use aimass_engine::{ArtifactType, CallSig, ParamSig, ParamValue, Signature, Ty};

pub fn signature() -> Signature {
    let n = |d| {
        ParamSig::with_default("n", Ty::Int, ParamValue::int(d), "number of members")
            .bounds(1.0, 1e5)
    };
    let method = Ty::Call(vec![
        CallSig::new("bagging").param(n(50)),
        CallSig::new("boosting")
            .param(n(100))
            .param(
                ParamSig::with_default("depth", Ty::Int, ParamValue::int(3), "depth of each tree")
                    .bounds(1.0, 64.0),
            )
            .param(
                ParamSig::with_default(
                    "learning_rate",
                    Ty::Float,
                    ParamValue::float(0.1),
                    "shrinkage",
                )
                .bounds(1e-6, 1.0),
            ),
        CallSig::new("stacking").param(ParamSig::with_default(
            "meta",
            Ty::words(&["logistic", "linear", "decision_tree"]),
            ParamValue::word("logistic"),
            "the model that combines the members' predictions",
        )),
        CallSig::new("voting"),
    ]);
    Signature::new(
        "fuse",
        "Combines models: bagging, boosting, stacking or voting.",
    )
    .inputs(
        "models",
        ArtifactType::Model,
        "the member models (their specifications are refitted)",
    )
    .input("input", ArtifactType::Frame, "the training frame")
    .param(ParamSig::required("method", method, "how to combine"))
    .param(
        ParamSig::with_default(
            "cv",
            Ty::Int,
            ParamValue::int(5),
            "stacking: folds for out-of-fold predictions",
        )
        .bounds(2.0, 100.0),
    )
    .param(ParamSig::optional(
        "seed",
        Ty::Int,
        "random seed (default: the pipeline's)",
    ))
    .output("model", ArtifactType::Model, "the fused model")
}

/// The kind to register.
pub fn kind() -> std::sync::Arc<dyn aimass_engine::StageKind> {
    std::sync::Arc::new(super::declared::Declared::new(signature()))
}
