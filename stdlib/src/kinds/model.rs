//! `model`: train one estimator.
//!
//! Reads the parameters into a [`Spec`] (checked by `aimass check`: a hyperparameter the
//! algorithm does not take, a `task` that contradicts it, a missing `target`), fits it on the
//! input frame, and outputs the [`TrainedModel`] with the frame's recipe. A kmeans model also
//! outputs `segments`: the input frame with a `segment` column (0-based).
//!
//! The positive class of a binary target is `positive` when written, else the second of the
//! two sorted labels ("Yes" of "No"/"Yes", `1` of 0/1, `true` of false/true).

use std::sync::Arc;

use aimass_engine::{
    Artifact, ArtifactType, Frame, Outputs, Params, RunContext, Signature, StageError, StageKind,
};
use polars::prelude::{NamedFrom, Series};

use super::common::{hyperparams, learning_params};
use crate::estimator::{Predictions, Spec, Task, TrainedModel};

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
        .output(
            "segments",
            ArtifactType::Frame,
            "kmeans: the input with a `segment` column",
        )
}

pub struct ModelKind {
    sig: Signature,
}

/// The kind to register.
pub fn kind() -> Arc<dyn StageKind> {
    Arc::new(ModelKind { sig: signature() })
}

/// The seed a model stage fits with: its `seed` parameter, else the pipeline's.
pub fn seed_of(params: &Params, pipeline_seed: u64) -> u64 {
    // A negative seed is as good a seed as any: keep its bits.
    params.int("seed").map_or(pipeline_seed, |s| s as u64)
}

impl StageKind for ModelKind {
    fn signature(&self) -> &Signature {
        &self.sig
    }

    /// 2: trees keep the rows reaching each node (for feature importance).
    /// 3: a model trained on raw rows carries their profile in its recipe.
    fn version(&self) -> String {
        "3".to_string()
    }

    fn validate(&self, params: &Params) -> Vec<StageError> {
        Spec::from_params(params).err().unwrap_or_default()
    }

    fn plugins(&self, params: &Params) -> std::collections::BTreeMap<String, String> {
        super::common::algorithm_plugins(params)
    }

    fn run(&self, ctx: &RunContext<'_>) -> Result<Outputs, StageError> {
        let spec = Spec::from_params(ctx.params).map_err(StageError::first)?;
        let frame = ctx.frame("input")?;
        let seed = seed_of(ctx.params, ctx.seed);
        let trained = spec
            .fit(&frame.data, seed)
            .map_err(|e| e.at(ctx.params, "input"))?
            .with_recipe(crate::drift::recipe_with_profile(frame));
        let artifact = trained.to_artifact().map_err(StageError::from)?;
        let mut out = Outputs::one("model", Artifact::Model(artifact));
        if trained.task == Task::Segmentation {
            out = out.with("segments", Artifact::Frame(segments(&trained, frame)?));
        }
        Ok(out)
    }
}

/// The training frame with each row's segment.
fn segments(model: &TrainedModel, frame: &Frame) -> Result<Frame, StageError> {
    let x = model.matrix(&frame.data)?;
    let Predictions::Segments(seg) = model.predict_matrix(x.view())? else {
        return Err(StageError::new("internal error: kmeans gave no segments"));
    };
    let seg: Vec<u32> = seg
        .into_iter()
        .map(|s| u32::try_from(s).unwrap_or(u32::MAX))
        .collect();
    let mut data = frame.data.clone();
    data.with_column(Series::new("segment".into(), seg).into())
        .map_err(|e| StageError::new(format!("cannot add the `segment` column: {e}")))?;
    Ok(Frame::with_recipe(data, frame.recipe.clone()))
}
