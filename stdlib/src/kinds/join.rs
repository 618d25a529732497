//! `join`: combine two frames on key columns.

use std::sync::Arc;

use aimass_engine::{
    Artifact, ArtifactType, Frame, Outputs, ParamSig, ParamValue, RunContext, Signature,
    StageError, StageKind, Ty,
};

use crate::data::columns::Named;
use crate::data::join::{join, How};
use crate::data::Recipe;

pub fn signature() -> Signature {
    Signature::new(
        "join",
        "Joins two frames on key columns. Left rows keep their order (matches in right-row order); \
         an outer join's unmatched right rows follow. Right columns whose names clash get `_right`.",
    )
    .input("left", ArtifactType::Frame, "left frame")
    .input("right", ArtifactType::Frame, "right frame")
    .param(ParamSig::required("on", Ty::columns(), "key column(s), present in both frames"))
    .param(ParamSig::with_default("how", Ty::words(&["inner", "left", "outer"]), ParamValue::word("inner"), "join type"))
    .output("out", ArtifactType::Frame, "the joined frame (its recipe: the left's steps, then the right's)")
}

pub struct Join {
    sig: Signature,
}

/// The kind to register.
pub fn kind() -> Arc<dyn StageKind> {
    Arc::new(Join { sig: signature() })
}

impl StageKind for Join {
    fn signature(&self) -> &Signature {
        &self.sig
    }

    fn run(&self, ctx: &RunContext<'_>) -> Result<Outputs, StageError> {
        let (left, right) = (ctx.frame("left")?, ctx.frame("right")?);
        let on = ctx.params.get("on");
        let keys = on.map(Named::list).unwrap_or_default();
        let how = How::from_word(ctx.params.str("how").unwrap_or("inner"));
        let df = join(
            &left.data,
            &right.data,
            &keys,
            how,
            on.map(|p| p.span).unwrap_or_default(),
        )?;
        // Recipes are column-wise, so both sides' steps still describe their columns.
        let mut recipe = Recipe::from_json(&left.recipe)?;
        let r = Recipe::from_json(&right.recipe)?;
        recipe.extend(&r.keep, r.steps);
        recipe.merge_profile(r.profile);
        let json = if recipe.steps.is_empty() && recipe.keep.is_empty() && recipe.profile.is_none()
        {
            serde_json::Value::Null
        } else {
            recipe.to_json()
        };
        Ok(Outputs::one(
            "out",
            Artifact::Frame(Frame::with_recipe(df, json)),
        ))
    }
}
