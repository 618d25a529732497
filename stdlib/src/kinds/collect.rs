//! `collect`: read data files, or a database query's result, into a Frame.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use aimass_engine::{
    Artifact, ArtifactType, Frame, Freshness, Outputs, ParamSig, ParamValue, Params, RunContext,
    Signature, StageError, StageKind, Ty,
};

use crate::data::columns::Named;
use crate::data::csv::CsvOptions;
use crate::data::dtype::ColType;
use crate::data::errors::CONFLICT;
use crate::data::read::{self, Format, Source};

pub fn signature() -> Signature {
    Signature::new(
        "collect",
        "Reads CSV, Parquet or JSON/NDJSON files (a path or a glob) into one frame. A glob's files are \
         read in sorted order and must share their columns. Or runs a query (`sql`) against \
         PostgreSQL or SQLite (`connection`).",
    )
    .param(ParamSig::optional("source", Ty::Str, "file path or glob, relative to the pipeline file"))
    .param(ParamSig::optional("sql", Ty::Str, "a query whose result is the frame (with `connection`)"))
    .param(ParamSig::optional(
        "connection",
        crate::data::sql::check::connection_type(),
        "the database for `sql`: env(\"NAME\") reads the URL from the environment \
         (postgres://user:password@host:5432/db, or sqlite://path relative to the pipeline file)",
    ))
    .param(ParamSig::optional(
        "refresh",
        Ty::OneOf(vec![Ty::words(&["always", "never"]), Ty::Duration]),
        "when `sql` is asked again: always (every run, the default), never (until the stage \
         changes), or once its cached result is older than a duration such as 24h",
    ))
    .param(ParamSig::with_default(
        "format",
        Ty::words(&["auto", "csv", "parquet", "json", "ndjson"]),
        ParamValue::word("auto"),
        "file format (auto: from the extension: .csv/.tsv/.txt, .parquet/.pq, .json, .ndjson/.jsonl)",
    ))
    .param(ParamSig::with_default("delimiter", Ty::Str, ParamValue::str(","), "CSV: field separator (one character)"))
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

pub struct Collect {
    sig: Signature,
}

/// The kind to register.
pub fn kind() -> Arc<dyn StageKind> {
    Arc::new(Collect { sig: signature() })
}

fn delimiter(params: &Params) -> Result<u8, StageError> {
    let p = params.get("delimiter");
    let text = p.and_then(ParamValue::as_str).unwrap_or(",");
    let text = if text == "\\t" { "\t" } else { text };
    match text.as_bytes() {
        [b] if b.is_ascii() && *b != b'"' && *b != b'\n' => Ok(*b),
        _ => Err(
            StageError::new(format!("the delimiter must be one character, not {text:?}"))
                .code(CONFLICT)
                .at(
                    p.map(|p| p.span).unwrap_or_default(),
                    "one ASCII character, e.g. \",\", \";\" or \"\\t\"",
                ),
        ),
    }
}

fn source(params: &Params) -> Result<Source, StageError> {
    let src = params
        .get("source")
        .ok_or_else(|| StageError::new("`source` is required"))?;
    let dtypes = params
        .get("dtypes")
        .and_then(ParamValue::as_map)
        .unwrap_or_default()
        .iter()
        .filter_map(|(c, v)| Some((Named::new(c, v.span), ColType::from_word(v.as_str()?)?)))
        .collect();
    Ok(Source {
        path: src.as_str().unwrap_or_default().to_string(),
        span: src.span,
        format: params.str("format").and_then(Format::from_word),
        csv: CsvOptions {
            delimiter: delimiter(params)?,
            header: params.bool("header").unwrap_or(true),
            null_values: params
                .get("null_values")
                .and_then(ParamValue::as_strings)
                .unwrap_or_default(),
            dtypes,
        },
        columns: params.get("columns").map(Named::list),
        limit: params.int("limit").map(|l| l.max(0) as usize),
    })
}

impl StageKind for Collect {
    fn signature(&self) -> &Signature {
        &self.sig
    }

    fn validate(&self, params: &Params) -> Vec<StageError> {
        let mut errors: Vec<StageError> = delimiter(params).err().into_iter().collect();
        errors.extend(crate::data::sql::check::validate(params));
        errors
    }

    fn source_files(
        &self,
        params: &Params,
        project_dir: &Path,
    ) -> Result<Vec<PathBuf>, StageError> {
        // A query is not a file: its freshness is `refresh`'s business.
        if params.get("sql").is_some() {
            return Ok(Vec::new());
        }
        let src = source(params)?;
        crate::data::files::expand(project_dir, &src.path, src.span)
    }

    fn freshness(&self, params: &Params) -> Freshness {
        crate::data::sql::check::freshness(params)
    }

    fn run(&self, ctx: &RunContext<'_>) -> Result<Outputs, StageError> {
        let df = match ctx.params.get("sql") {
            Some(sql) => crate::data::sql::check::run(ctx.project_dir, sql, ctx.params)?,
            None => read::read(ctx.project_dir, &source(ctx.params)?)?,
        };
        Ok(Outputs::one(
            "out",
            Artifact::Frame(Frame::new(crate::data::finish(df))),
        ))
    }
}
