//! `export`: writes a frame to a file that a campaign tool, a spreadsheet, polars, pandas or
//! duckdb reads: CSV, Parquet, JSON (an array of row objects) or NDJSON.
//!
//! The format comes from `format` or else the extension of `to`. The write is atomic (a
//! temporary file beside the target, renamed over it), so a reader never sees half a list
//! and a failed export leaves the previous file. `to` is relative to the pipeline file and
//! stays inside the project unless `--allow-outside-project` (see `paths`). Outputs one
//! Metrics JSON, which tells a later cache hit what to look for:
//!
//! ```json
//! { "path": "out/campaign.csv", "format": "csv", "rows": 141, "columns": ["customerID", ..],
//!   "bytes": 10342, "blake3": ".." }
//! ```
//!
//! Like `deploy`, the file lives outside the cache: a cache hit counts only while the file is
//! there with this hash ([`StageKind::effects_present`]); a deleted or edited file makes the
//! stage run again and rewrite it.

use std::path::Path;
use std::sync::Arc;

use aimass_engine::{
    Artifact, ArtifactType, CallSig, Outputs, ParamSig, ParamValue, Params, RunContext, Signature,
    StageError, StageKind, Ty,
};
use serde_json::{json, Value as Json};

use crate::bundle::blake3_hex;
use crate::data::write::{write_frame, FileFormat, EXTENSIONS};

const FORMAT: &str = "aimass::export::format";
const WRITE: &str = "aimass::export::write";

pub fn signature() -> Signature {
    Signature::new(
        "export",
        "Writes a frame to a CSV, Parquet, JSON or NDJSON file, atomically, or to a database \
         table in one transaction; re-runs when the file or table is missing or changed.",
    )
    .input(
        "input",
        ArtifactType::Frame,
        "the frame to write, e.g. a `score` stage's list",
    )
    .param(ParamSig::required(
        "to",
        Ty::OneOf(vec![
            Ty::Call(vec![CallSig::new("table").positional(Ty::Str)]),
            Ty::Str,
        ]),
        "the file to write, relative to the pipeline file, e.g. \"out/campaign.csv\"; or \
         table(\"campaign_2026_12\") with `connection`",
    ))
    .param(ParamSig::optional(
        "connection",
        crate::data::sql::check::connection_type(),
        "for a table: env(\"NAME\") or sqlite://path, as in collect",
    ))
    .param(ParamSig::optional(
        "mode",
        Ty::words(&["replace", "append", "fail"]),
        "for a table: replace it (the default), append the rows, or fail when it exists",
    ))
    .param(ParamSig::optional(
        "format",
        Ty::words(&["csv", "parquet", "json", "ndjson"]),
        "default: from the extension of `to`",
    ))
    .output(
        "written",
        ArtifactType::Metrics,
        "what was written where, with its hash",
    )
}

pub struct Export {
    sig: Signature,
}

/// The kind to register.
pub fn kind() -> Arc<dyn StageKind> {
    Arc::new(Export { sig: signature() })
}

fn format_of(params: &Params) -> Option<FileFormat> {
    match params.str("format") {
        Some("csv") => Some(FileFormat::Csv),
        Some("parquet") => Some(FileFormat::Parquet),
        Some("json") => Some(FileFormat::Json),
        Some("ndjson") => Some(FileFormat::Ndjson),
        _ => FileFormat::from_path(Path::new(params.str("to")?)),
    }
}

/// `to = table("name")`: the table's name.
fn table_of(params: &Params) -> Option<&str> {
    let call = params.get("to")?.as_call()?;
    (call.name == "table")
        .then(|| call.positional.as_deref().and_then(ParamValue::as_str))
        .flatten()
}

fn format_name(format: FileFormat) -> &'static str {
    match format {
        FileFormat::Csv => "csv",
        FileFormat::Parquet => "parquet",
        FileFormat::Json => "json",
        FileFormat::Ndjson => "ndjson",
    }
}

impl StageKind for Export {
    fn signature(&self) -> &Signature {
        &self.sig
    }

    fn validate(&self, params: &Params) -> Vec<StageError> {
        if table_of(params).is_some()
            || params.get("connection").is_some()
            || params.get("mode").is_some()
        {
            return crate::data::sql::check::validate_table(params);
        }
        let mut errors: Vec<StageError> = crate::paths::check_inside(params, "to")
            .into_iter()
            .collect();
        if let (None, Some(to)) = (format_of(params), params.get("to")) {
            errors.push(
                StageError::new(format!(
                    "cannot tell the format of {:?} from its extension",
                    to.as_str().unwrap_or_default()
                ))
                .code(FORMAT)
                .at(to.span, "no known extension")
                .help(format!(
                    "end the file name with {EXTENSIONS}, or say `format = csv` (or parquet, json, ndjson)"
                )),
            );
        }
        errors
    }

    fn run(&self, ctx: &RunContext<'_>) -> Result<Outputs, StageError> {
        let params = ctx.params;
        if let Some(e) = self.validate(params).into_iter().next() {
            return Err(e);
        }
        if let Some(table) = table_of(params) {
            let df = &ctx.frame("input")?.data;
            let report = crate::data::sql::check::export(ctx.project_dir, table, df, params)?;
            return Ok(Outputs::one("written", Artifact::Metrics(report)));
        }
        let (Some(to), Some(format)) = (params.str("to"), format_of(params)) else {
            return Err(StageError::new("`to` is required").code(FORMAT));
        };
        let here = |e: StageError| e.at_param(params, "to", "written here");
        let path = crate::paths::resolve_inside(ctx.project_dir, Path::new(to))
            .map_err(|e| here(StageError::new(e).code("aimass::path::outside")))?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| {
                here(StageError::new(format!("cannot create {}: {e}", dir.display())).code(WRITE))
            })?;
        }
        let mut df = ctx.frame("input")?.data.clone();
        write_frame(&mut df, &path, format).map_err(|e| here(StageError::new(e).code(WRITE)))?;
        let bytes = std::fs::read(&path).map_err(|e| {
            here(StageError::new(format!("cannot read back {}: {e}", path.display())).code(WRITE))
        })?;
        let columns: Vec<String> = df
            .get_column_names()
            .iter()
            .map(|c| c.to_string())
            .collect();
        let report = json!({
            "path": to.replace('\\', "/"),
            "format": format_name(format),
            "rows": df.height(),
            "columns": columns,
            "bytes": bytes.len(),
            "blake3": blake3_hex(&bytes),
        });
        Ok(Outputs::one("written", Artifact::Metrics(report)))
    }

    fn effects_present(&self, params: &Params, outputs: &Outputs, project_dir: &Path) -> bool {
        let Some(report) = outputs.get("written").and_then(Artifact::as_metrics) else {
            return false;
        };
        if let Some(table) = table_of(params) {
            return crate::data::sql::check::table_present(project_dir, table, report, params);
        }
        let text = |k: &str| report.get(k).and_then(Json::as_str).unwrap_or_default();
        std::fs::read(project_dir.join(text("path")))
            .ok()
            .map(|b| blake3_hex(&b))
            .as_deref()
            == Some(text("blake3"))
    }
}
