//! `split`: train / test (/ validation) partitions.

use std::sync::Arc;

use aimass_engine::{
    Artifact, ArtifactType, Frame, Outputs, ParamSig, ParamValue, Params, RunContext, Signature,
    StageError, StageKind, Ty,
};

use crate::data::columns::Named;
use crate::data::errors::SPLIT;
use crate::data::split::split;

pub fn signature() -> Signature {
    Signature::new(
        "split",
        "Splits rows into train, test and (optionally) validation parts, seeded. Each part keeps the \
         input's row order and recipe.",
    )
    .input("input", ArtifactType::Frame, "the frame to split")
    .param(ParamSig::with_default("test", Ty::Fraction, ParamValue::float(0.2), "share of rows for testing (rounded up)"))
    .param(ParamSig::optional("valid", Ty::Fraction, "share of rows for validation (rounded up)"))
    .param(ParamSig::optional("stratify", Ty::Str, "keep this column's class shares in every part"))
    .param(ParamSig::optional("seed", Ty::Int, "random seed (default: the pipeline's)"))
    .output("train", ArtifactType::Frame, "training rows")
    .output("test", ArtifactType::Frame, "test rows")
    .output("valid", ArtifactType::Frame, "validation rows (empty unless `valid` is set)")
    .no_default_output()
}

pub struct Split {
    sig: Signature,
}

/// The kind to register.
pub fn kind() -> Arc<dyn StageKind> {
    Arc::new(Split { sig: signature() })
}

fn fractions(params: &Params) -> Result<(f64, f64), StageError> {
    let test = params.float("test").unwrap_or(0.2);
    let valid = params.float("valid").unwrap_or(0.0);
    let at = |name: &str| params.get(name).map(|p| p.span).unwrap_or_default();
    if test <= 0.0 || test >= 1.0 {
        return Err(StageError::new(format!(
            "`test` must be between 0 and 1 (exclusive), not {test}"
        ))
        .code(SPLIT)
        .at(at("test"), "out of range"));
    }
    if test + valid >= 1.0 {
        return Err(StageError::new(format!(
            "`test` + `valid` is {}, which leaves no rows to train on",
            test + valid
        ))
        .code(SPLIT)
        .at(at("valid"), "too large")
        .at(at("test"), "with this"));
    }
    Ok((test, valid))
}

impl StageKind for Split {
    fn signature(&self) -> &Signature {
        &self.sig
    }

    fn validate(&self, params: &Params) -> Vec<StageError> {
        fractions(params).err().into_iter().collect()
    }

    fn run(&self, ctx: &RunContext<'_>) -> Result<Outputs, StageError> {
        let (test, valid) = fractions(ctx.params)?;
        let input = ctx.frame("input")?;
        let stratify = ctx
            .params
            .get("stratify")
            .and_then(|p| Some(Named::new(p.as_str()?, p.span)));
        let parts = split(&input.data, test, valid, stratify.as_ref(), ctx.seed).map_err(|e| {
            e.at(
                ctx.params.get("test").map(|p| p.span).unwrap_or_default(),
                "this share",
            )
        })?;
        let frame = |df| Artifact::Frame(Frame::with_recipe(df, input.recipe.clone()));
        Ok(Outputs::new()
            .with("train", frame(parts.train))
            .with("test", frame(parts.test))
            .with("valid", frame(parts.valid)))
    }
}
