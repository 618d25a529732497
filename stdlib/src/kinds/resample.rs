//! `resample`: rebalance classes.

use std::sync::Arc;

use aimass_engine::{
    Artifact, ArtifactType, Frame, Outputs, ParamSig, ParamValue, RunContext, Signature,
    StageError, StageKind, Ty,
};

use crate::data::columns::Named;
use crate::data::resample::{resample, Method};

pub fn signature() -> Signature {
    Signature::new(
        "resample",
        "Rebalances classes by undersampling the larger classes or oversampling the smaller, seeded. \
         Rows keep their order; an added copy follows its original. Use it on training rows only.",
    )
    .input("input", ArtifactType::Frame, "the frame to rebalance")
    .param(ParamSig::required("target", Ty::Str, "the class column"))
    .param(ParamSig::with_default(
        "method",
        Ty::words(&["undersample", "oversample"]),
        ParamValue::word("undersample"),
        "drop rows of larger classes, or repeat rows of smaller ones",
    ))
    .param(
        ParamSig::with_default("ratio", Ty::Float, ParamValue::float(1.0), "smallest / largest class size after resampling")
            .bounds(0.01, 1.0),
    )
    .param(ParamSig::optional("seed", Ty::Int, "random seed (default: the pipeline's)"))
    .output("out", ArtifactType::Frame, "the rebalanced frame")
}

pub struct Resample {
    sig: Signature,
}

/// The kind to register.
pub fn kind() -> Arc<dyn StageKind> {
    Arc::new(Resample { sig: signature() })
}

impl StageKind for Resample {
    fn signature(&self) -> &Signature {
        &self.sig
    }

    fn run(&self, ctx: &RunContext<'_>) -> Result<Outputs, StageError> {
        let input = ctx.frame("input")?;
        let target = ctx
            .params
            .get("target")
            .and_then(|p| Some(Named::new(p.as_str()?, p.span)))
            .ok_or_else(|| StageError::new("`target` is required"))?;
        let method = if ctx.params.str("method") == Some("oversample") {
            Method::Oversample
        } else {
            Method::Undersample
        };
        let ratio = ctx.params.float("ratio").unwrap_or(1.0);
        let df = resample(&input.data, &target, method, ratio, ctx.seed)?;
        Ok(Outputs::one(
            "out",
            Artifact::Frame(Frame::with_recipe(df, input.recipe.clone())),
        ))
    }
}
