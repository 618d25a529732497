//! `clean`: row filters and fitted column transforms, recorded as a recipe.

use aimass_engine::{ArtifactType, CallSig, ParamSig, ParamValue, Signature, Ty};

/// What `standardize`, `min_max` and `one_hot` accept: everything of a type, or columns.
fn selection(all: &str) -> Ty {
    Ty::OneOf(vec![Ty::Bool, Ty::words(&[all]), Ty::list(Ty::Str)])
}

pub fn signature() -> Signature {
    let impute_rule = Ty::OneOf(vec![Ty::words(&["mean", "median", "mode"]), Ty::Float, Ty::Str]);
    let clip = Ty::Call(vec![
        CallSig::new("iqr")
            .param(ParamSig::with_default("k", Ty::Float, ParamValue::float(1.5), "fence width in IQRs"))
            .param(ParamSig::optional("columns", Ty::list(Ty::Str), "default: every numeric column")),
        CallSig::new("quantiles")
            .param(ParamSig::with_default("lo", Ty::Fraction, ParamValue::float(0.01), "lower quantile"))
            .param(ParamSig::with_default("hi", Ty::Fraction, ParamValue::float(0.99), "upper quantile"))
            .param(ParamSig::optional("columns", Ty::list(Ty::Str), "default: every numeric column")),
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
    .param(ParamSig::optional("derive", Ty::MapOf(Box::new(Ty::Str)), "{ new_column = \"expression\" }"))
    .param(ParamSig::optional("filter", Ty::Str, "keep rows where the expression holds"))
    .param(ParamSig::optional("dedupe", Ty::OneOf(vec![Ty::Bool, Ty::list(Ty::Str)]), "drop duplicate rows (all columns, or a subset)"))
    .param(ParamSig::optional(
        "drop_missing",
        Ty::OneOf(vec![Ty::Bool, Ty::list(Ty::Str)]),
        "drop rows with a null (in any column, or in these)",
    ))
    .param(ParamSig::optional(
        "impute",
        Ty::MapOf(Box::new(impute_rule)),
        "{ numeric = median, categorical = mode, column = 0 }",
    ))
    .param(ParamSig::optional("clip", clip, "clip outliers: iqr(k = 1.5) or quantiles(lo = 0.01, hi = 0.99)"))
    .param(ParamSig::optional("standardize", selection("all_numeric"), "z-score numeric columns"))
    .param(ParamSig::optional("min_max", selection("all_numeric"), "scale numeric columns to [0, 1]"))
    .param(ParamSig::optional(
        "ordinal",
        Ty::OneOf(vec![Ty::list(Ty::Str), Ty::MapOf(Box::new(Ty::list(Ty::Str)))]),
        "encode categories as 0, 1, 2 ... (sorted, or in the order given)",
    ))
    .param(ParamSig::optional("one_hot", selection("all_categorical"), "one 0/1 column per category"))
    .param(ParamSig::with_default("max_levels", Ty::Int, ParamValue::int(50), "one_hot: most frequent levels kept; the rest become `other`").bounds(1.0, 1e6))
    .param(ParamSig::with_default(
        "unseen",
        Ty::words(&["ignore", "error"]),
        ParamValue::word("ignore"),
        "one_hot/ordinal: what a level not seen when fitting becomes",
    ))
    .param(ParamSig::optional("keep", Ty::list(Ty::Str), "columns never transformed (e.g. the target)"))
    .output("out", ArtifactType::Frame, "the cleaned frame, with its recipe")
}

/// The kind to register.
pub fn kind() -> std::sync::Arc<dyn aimass_engine::StageKind> {
    std::sync::Arc::new(super::declared::Declared::new(signature()))
}
