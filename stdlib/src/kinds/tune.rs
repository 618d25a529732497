//! `tune`: hyperparameter search with k-fold cross-validation.

use aimass_engine::{ArtifactType, CallSig, ParamSig, ParamValue, Signature, Ty};

use super::common::{learning_params, metric_ty};

pub fn signature() -> Signature {
    let trials = || {
        ParamSig::with_default(
            "trials",
            Ty::Int,
            ParamValue::int(50),
            "number of configurations tried",
        )
        .bounds(1.0, 1e6)
    };
    let search = Ty::Call(vec![
        CallSig::new("grid"),
        CallSig::new("random").param(trials()),
        CallSig::new("bayes").param(trials()),
        CallSig::new("evolve")
            .param(
                ParamSig::with_default(
                    "population",
                    Ty::Int,
                    ParamValue::int(20),
                    "configurations per generation",
                )
                .bounds(2.0, 1e5),
            )
            .param(
                ParamSig::with_default("generations", Ty::Int, ParamValue::int(10), "generations")
                    .bounds(1.0, 1e5),
            ),
    ]);
    let number = Ty::OneOf(vec![Ty::Int, Ty::Float]);
    let axis = Ty::OneOf(vec![Ty::Range(Box::new(number)), Ty::list(Ty::Any)]);
    let mut sig = Signature::new(
        "tune",
        "Searches hyperparameters by k-fold cross-validation and refits the best on all rows.",
    )
    .input("input", ArtifactType::Frame, "the training frame");
    for p in learning_params() {
        sig = sig.param(p);
    }
    sig.param(ParamSig::with_default(
        "search",
        search,
        ParamValue::word("grid"),
        "grid | random(trials) | bayes(trials) | evolve(population, generations)",
    ))
    .param(
        ParamSig::with_default("cv", Ty::Int, ParamValue::int(5), "number of folds")
            .bounds(2.0, 100.0),
    )
    .param(ParamSig::with_default(
        "metric",
        metric_ty(),
        ParamValue::word("roc_auc"),
        "what the search maximises (minimises for losses)",
    ))
    .param(ParamSig::required(
        "space",
        Ty::MapOf(Box::new(axis)),
        "{ max_depth = 2..12, min_samples_leaf = [1, 2, 5] }",
    ))
    .param(ParamSig::optional(
        "seed",
        Ty::Int,
        "random seed (default: the pipeline's)",
    ))
    .output(
        "model",
        ArtifactType::Model,
        "the best configuration, refitted",
    )
    .output(
        "trials",
        ArtifactType::Metrics,
        "every configuration tried with its fold scores",
    )
}

/// The kind to register.
pub fn kind() -> std::sync::Arc<dyn aimass_engine::StageKind> {
    std::sync::Arc::new(super::declared::Declared::new(signature()))
}
