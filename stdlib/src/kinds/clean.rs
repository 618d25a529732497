//! `clean`: row filters and fitted column transforms, recorded as a recipe.
//!
//! The work is in `crate::data::clean`; this file declares the parameters and reads them.

use std::sync::Arc;

use aimass_engine::{
    Artifact, ArtifactType, CallSig, Frame, Outputs, ParamSig, ParamValue, Params, RunContext,
    Signature, StageError, StageKind, Ty,
};

use crate::data::{clean, spec, Recipe};

/// The expression syntax, for `aimass stages clean`.
const EXPRESSIONS: &str = "columns (bare or `backquoted`), numbers, 'text', true/false, + - * /, \
     = != < <= > >=, and/or/not, `x is [not] null`, abs sqrt log exp round min max";

/// What `standardize`, `min_max` and `one_hot` accept: everything of a type, or columns.
fn selection(all: &str) -> Ty {
    Ty::OneOf(vec![Ty::Bool, Ty::words(&[all]), Ty::list(Ty::Str)])
}

pub fn signature() -> Signature {
    let impute_rule = Ty::OneOf(vec![
        Ty::words(&["mean", "median", "mode"]),
        Ty::Float,
        Ty::Str,
    ]);
    let clip = Ty::Call(vec![
        CallSig::new("iqr")
            .param(ParamSig::with_default(
                "k",
                Ty::Float,
                ParamValue::float(1.5),
                "fence width in IQRs",
            ))
            .param(ParamSig::optional(
                "columns",
                Ty::list(Ty::Str),
                "default: every numeric column",
            )),
        CallSig::new("quantiles")
            .param(ParamSig::with_default(
                "lo",
                Ty::Fraction,
                ParamValue::float(0.01),
                "lower quantile",
            ))
            .param(ParamSig::with_default(
                "hi",
                Ty::Fraction,
                ParamValue::float(0.99),
                "upper quantile",
            ))
            .param(ParamSig::optional(
                "columns",
                Ty::list(Ty::Str),
                "default: every numeric column",
            )),
    ]);
    Signature::new(
        "clean",
        "Cleans a frame. Order: select, drop, rename, cast, derive, filter, dedupe, drop_missing, \
         impute, clip, standardize, min_max, ordinal, one_hot. Fitted transforms are kept as the \
         frame's recipe.",
    )
    .input("input", ArtifactType::Frame, "the frame to clean")
    .param(ParamSig::optional("select", Ty::list(Ty::Str), "keep only these columns"))
    .param(ParamSig::optional("drop", Ty::list(Ty::Str), "remove these columns"))
    .param(ParamSig::optional("rename", Ty::MapOf(Box::new(Ty::Str)), "{ old = \"new\" }"))
    .param(ParamSig::optional(
        "cast",
        Ty::MapOf(Box::new(Ty::words(&["int", "float", "str", "bool"]))),
        "{ column = float }",
    ))
    .param(ParamSig::optional(
        "derive",
        Ty::MapOf(Box::new(Ty::Str)),
        &format!("{{ new_column = \"expression\" }}; expressions: {EXPRESSIONS}"),
    ))
    .param(ParamSig::optional("filter", Ty::Str, "keep rows where the expression is true (null counts as false)"))
    .param(ParamSig::optional("dedupe", Ty::OneOf(vec![Ty::Bool, Ty::list(Ty::Str)]), "drop duplicate rows (all columns, or a subset)"))
    .param(ParamSig::optional(
        "drop_missing",
        Ty::OneOf(vec![Ty::Bool, Ty::list(Ty::Str)]),
        "drop rows with a null (in any column, or in these)",
    ))
    .param(ParamSig::optional(
        "impute",
        Ty::MapOf(Box::new(impute_rule)),
        "{ numeric = median, categorical = mode, column = 0 }: type keys and column keys (a column key wins)",
    ))
    .param(ParamSig::optional("clip", clip, "clip outliers: iqr(k = 1.5) or quantiles(lo = 0.01, hi = 0.99)"))
    .param(ParamSig::optional("standardize", selection("all_numeric"), "z-score numeric columns"))
    .param(ParamSig::optional("min_max", selection("all_numeric"), "scale numeric columns to [0, 1]"))
    .param(ParamSig::optional(
        "ordinal",
        Ty::OneOf(vec![Ty::list(Ty::Str), Ty::MapOf(Box::new(Ty::list(Ty::Str)))]),
        "encode categories as 0, 1, 2 ... (sorted, or in the order given)",
    ))
    .param(ParamSig::optional("one_hot", selection("all_categorical"), "one Boolean column per level, named `col=level`, levels sorted"))
    .param(ParamSig::with_default("max_levels", Ty::Int, ParamValue::int(50), "one_hot: most frequent levels kept (ties by name); the rest share the column `col=other`").bounds(1.0, 1e6))
    .param(ParamSig::with_default(
        "unseen",
        Ty::words(&["ignore", "error"]),
        ParamValue::word("ignore"),
        "one_hot/ordinal: a level not seen when fitting gives all zeros / code -1 (ignore), or fails (error)",
    ))
    .param(ParamSig::optional("keep", Ty::list(Ty::Str), "columns never transformed (e.g. the target)"))
    .output("out", ArtifactType::Frame, "the cleaned frame, with its recipe")
}

pub struct Clean {
    sig: Signature,
}

/// The kind to register.
pub fn kind() -> Arc<dyn StageKind> {
    Arc::new(Clean { sig: signature() })
}

fn first(errors: Vec<StageError>) -> StageError {
    StageError::first(errors)
}

impl StageKind for Clean {
    fn signature(&self) -> &Signature {
        &self.sig
    }

    /// 2: one-hot columns are UInt8 (were Float64). 3: one-hot columns are Boolean.
    /// 4: the recipe carries the raw rows' profile.
    fn version(&self) -> String {
        "4".to_string()
    }

    fn validate(&self, params: &Params) -> Vec<StageError> {
        spec::read(params).err().unwrap_or_default()
    }

    fn run(&self, ctx: &RunContext<'_>) -> Result<Outputs, StageError> {
        let spec = spec::read(ctx.params).map_err(first)?;
        let input = ctx.frame("input")?;
        let mut recipe = Recipe::from_json(&input.recipe)?;
        recipe.profile_raw(&input.data);
        let (df, recipe) = clean::clean(&input.data, recipe, &spec)?;
        Ok(Outputs::one(
            "out",
            Artifact::Frame(Frame::with_recipe(df, recipe.to_json())),
        ))
    }
}
