//! `fuse`: ensembles of models.
//!
//! The members' specifications (algorithm and hyperparameters) are refitted on `input`, which
//! also gives the fused model its recipe; the target, feature list and positive class are the
//! first member's, and every member must predict the same target. The methods are described
//! in [`crate::estimator::ensemble`]. The fused model is an ordinary model: evaluate, tune's
//! cross-validation, deploy and predict treat it like any other.

use std::sync::Arc;

use aimass_engine::{
    Artifact, ArtifactType, CallSig, Outputs, PKind, ParamSig, ParamValue, Params, RunContext,
    Signature, StageError, StageKind, Ty,
};

use super::model::seed_of;
use crate::estimator::ensemble::{EnsembleSpec, FuseMethod};
use crate::estimator::{Algorithm, Spec, Task, TrainedModel};

const CODE: &str = "aimass::fuse::param";

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

pub struct Fuse {
    sig: Signature,
}

/// The kind to register.
pub fn kind() -> Arc<dyn StageKind> {
    Arc::new(Fuse { sig: signature() })
}

/// The stacking meta model's algorithm with its defaults.
fn meta_algorithm(word: &str) -> Result<Algorithm, StageError> {
    let params = Params::new(vec![
        ("algorithm".into(), ParamValue::word(word)),
        ("target".into(), ParamValue::str("y")),
    ]);
    Spec::from_params(&params)
        .map(|s| s.algorithm)
        .map_err(StageError::first)
}

fn method(params: &Params) -> Result<FuseMethod, StageError> {
    let Some(v) = params.get("method") else {
        return Err(StageError::new("missing `method`").code(CODE));
    };
    let call = match &v.kind {
        PKind::Call(c) => c.clone(),
        PKind::Word(w) => aimass_engine::param::CallValue {
            name: w.clone(),
            positional: None,
            named: Vec::new(),
        },
        _ => {
            return Err(StageError::new("`method` is not a method")
                .code(CODE)
                .at(v.span, "here"))
        }
    };
    let int = |name: &str, default: i64| {
        call.arg(name)
            .and_then(ParamValue::as_int)
            .unwrap_or(default)
            .max(1) as usize
    };
    Ok(match call.name.as_str() {
        "voting" => FuseMethod::Voting,
        "bagging" => FuseMethod::Bagging { n: int("n", 50) },
        "boosting" => FuseMethod::Boosting {
            n: int("n", 100),
            depth: int("depth", 3),
            learning_rate: call
                .arg("learning_rate")
                .and_then(ParamValue::as_float)
                .unwrap_or(0.1),
        },
        "stacking" => FuseMethod::Stacking {
            meta: Box::new(meta_algorithm(
                call.arg("meta")
                    .and_then(ParamValue::as_str)
                    .unwrap_or("logistic"),
            )?),
            cv: params.int("cv").unwrap_or(5).max(2) as usize,
        },
        other => {
            return Err(StageError::new(format!("unknown method `{other}`"))
                .code(CODE)
                .at(v.span, "here"))
        }
    })
}

impl StageKind for Fuse {
    fn signature(&self) -> &Signature {
        &self.sig
    }

    /// 2: boosting takes Newton steps in its leaves for the log loss. 3: trees keep the rows
    /// reaching each node (for feature importance). 4: a model trained on raw rows carries
    /// their profile in its recipe.
    fn version(&self) -> String {
        "4".to_string()
    }

    fn validate(&self, params: &Params) -> Vec<StageError> {
        method(params).err().into_iter().collect()
    }

    fn run(&self, ctx: &RunContext<'_>) -> Result<Outputs, StageError> {
        let method = method(ctx.params)?;
        let frame = ctx.frame("input")?;
        let at = |e: StageError| match ctx.params.get("models") {
            Some(v) => e.at(v.span, "these models"),
            None => e,
        };
        let members: Vec<TrainedModel> = ctx
            .inputs_of("models")
            .iter()
            .map(|a| match a {
                Artifact::Model(m) => TrainedModel::from_artifact(m).map_err(StageError::from),
                _ => Err(StageError::new("a member is not a model")),
            })
            .collect::<Result<_, _>>()?;
        let Some(first) = members.first() else {
            return Err(at(StageError::new(
                "`models` is empty: there is nothing to fuse",
            )
            .code(CODE)));
        };
        if first.task == Task::Segmentation {
            return Err(at(
                StageError::new("kmeans models cannot be fused").code(CODE)
            ));
        }
        for m in &members[1..] {
            if m.task != first.task || m.target != first.target {
                return Err(at(StageError::new(format!(
                    "the members predict different things: `{}` ({}) and `{}` ({})",
                    first.target.as_deref().unwrap_or("-"),
                    first.task.name(),
                    m.target.as_deref().unwrap_or("-"),
                    m.task.name()
                ))
                .code(CODE)
                .help("fuse models of one target")));
            }
        }
        if let FuseMethod::Stacking { meta, .. } = &method {
            if meta.task() != first.task {
                return Err(StageError::new(format!(
                    "the meta model `{}` is a {} algorithm, but the members are {} models",
                    meta.name(),
                    meta.task().name(),
                    first.task.name()
                ))
                .code(CODE)
                .at(
                    ctx.params.get("method").map(|v| v.span).unwrap_or_default(),
                    "this method",
                )
                .help("for regression members use `stacking(meta = linear)`"));
            }
        }
        let spec = Spec {
            algorithm: Algorithm::Ensemble(Box::new(EnsembleSpec {
                method,
                members: members.iter().map(|m| m.spec.algorithm.clone()).collect(),
                task: first.task,
            })),
            target: first.target.clone(),
            features: first.spec.features.clone(),
            task_written: first.spec.task_written,
            positive: first.spec.positive.clone(),
        };
        let seed = seed_of(ctx.params, ctx.seed);
        let model = spec
            .fit(&frame.data, seed)
            .map_err(|e| e.at(ctx.params, "input"))?
            .with_recipe(crate::drift::recipe_with_profile(frame));
        Ok(Outputs::one("model", Artifact::Model(model.to_artifact()?)))
    }
}
