//! `collect`: read data files into a Frame.

use aimass_engine::{ArtifactType, ParamSig, ParamValue, Signature, Ty};

pub fn signature() -> Signature {
    Signature::new("collect", "Reads CSV, Parquet or JSON/NDJSON files (a path or a glob) into one frame.")
        .param(ParamSig::required("source", Ty::Str, "file path or glob, relative to the pipeline file"))
        .param(ParamSig::with_default(
            "format",
            Ty::words(&["auto", "csv", "parquet", "json", "ndjson"]),
            ParamValue::word("auto"),
            "file format (auto: from the extension)",
        ))
        .param(ParamSig::with_default("delimiter", Ty::Str, ParamValue::str(","), "CSV: field separator"))
        .param(ParamSig::with_default("header", Ty::Bool, ParamValue::bool(true), "CSV: first line holds column names"))
        .param(ParamSig::with_default(
            "null_values",
            Ty::list(Ty::Str),
            ParamValue::list(vec![ParamValue::str(""), ParamValue::str("NA")]),
            "CSV: cell texts that mean missing",
        ))
        .param(ParamSig::optional(
            "dtypes",
            Ty::MapOf(Box::new(Ty::words(&["int", "float", "str", "bool"]))),
            "per-column type overrides, e.g. { zip = str }",
        ))
        .param(ParamSig::optional("columns", Ty::list(Ty::Str), "read only these columns"))
        .param(ParamSig::optional("limit", Ty::Int, "read at most this many rows").bounds(1.0, 1e15))
        .output("out", ArtifactType::Frame, "the rows read")
}

/// The kind to register.
pub fn kind() -> std::sync::Arc<dyn aimass_engine::StageKind> {
    std::sync::Arc::new(super::declared::Declared::new(signature()))
}
