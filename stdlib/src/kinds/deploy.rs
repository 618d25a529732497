//! `deploy`: a versioned model bundle on disk (layout and guarantees in `bundle`).
//!
//! Writes `<to>/<name>/<version>/{model.json, profile.json, manifest.json}` and
//! `<to>/<name>/latest`,
//! relative to the pipeline file. `version = auto` is the first 12 hex digits of the model's
//! blake3 hash. `metrics` lists evaluations to record in the manifest; listing them also
//! orders the deploy after them, so a failed quality gate stops the deploy. Outputs one
//! Metrics JSON, which is also what tells a later cache hit where to look:
//!
//! ```json
//! { "bundle": "models/logit/3f2a9c1b7d4e", "name": "logit", "version": "3f2a9c1b7d4e",
//!   "latest": "models/logit/latest", "model_blake3": "..", "manifest_blake3": "..",
//!   "metrics": ["logit_eval"] }
//! ```
//!
//! With `keep = N`, versions of the bundle beyond the N newest are removed after the write
//! (never the one `latest` names; see `bundle::prune`) and listed under `"pruned"`.
//!
//! The bundle lives outside the cache, so a cache hit is trusted only while those files are
//! still there with these hashes and `latest` names this version
//! ([`StageKind::effects_present`]); otherwise the stage runs again and rewrites them.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use aimass_engine::{
    Artifact, ArtifactType, Outputs, PKind, ParamSig, ParamValue, Params, RunContext, Signature,
    StageError, StageKind, Ty,
};
use serde_json::{json, Value as Json};

use crate::bundle::{self, auto_version, blake3_hex, Manifest};
use crate::estimator::TrainedModel;

pub fn signature() -> Signature {
    Signature::new("deploy", "Writes a versioned bundle (model, recipe, manifest with hashes and metrics) to a directory.")
        .input("model", ArtifactType::Model, "the model to ship")
        .param(ParamSig::required("to", Ty::Str, "output directory, relative to the pipeline file"))
        .param(ParamSig::optional("name", Ty::Str, "bundle name (default: the stage name)"))
        .param(ParamSig::with_default("version", Ty::OneOf(vec![Ty::words(&["auto"]), Ty::Str]), ParamValue::word("auto"), "auto: the first 12 hex digits of the model's blake3 hash; or a name such as \"2024.1\""))
        .param(ParamSig::optional("metrics", Ty::list(Ty::Input(ArtifactType::Metrics)), "evaluations of this model to record in the manifest (the deploy waits for their gates)"))
        .param(ParamSig::optional("keep", Ty::Int, "after writing, remove older versions beyond this many newest (never the one `latest` names)").bounds(1.0, 10000.0))
        .output("manifest", ArtifactType::Metrics, "what was written where")
}

pub struct Deploy {
    sig: Signature,
}

/// The kind to register.
pub fn kind() -> Arc<dyn StageKind> {
    Arc::new(Deploy { sig: signature() })
}

const PARAM: &str = "aimass::deploy::param";
const METRICS: &str = "aimass::deploy::metrics";

/// A name or version becomes one directory name: nothing that could lead elsewhere, and
/// nothing that could be taken for the bundle's own files.
fn check_component(params: &Params, param: &str) -> Option<StageError> {
    let v = params.get(param)?;
    if matches!(&v.kind, PKind::Word(_)) {
        return None;
    }
    let s = v.as_str()?;
    let bad = s.is_empty()
        || s.starts_with('.')
        || s.contains(['/', '\\'])
        || s.chars().any(char::is_control)
        || s == bundle::write::LATEST_FILE;
    bad.then(|| {
        StageError::new(format!(
            "`{param}` must be a plain directory name, not {s:?}"
        ))
        .code(PARAM)
        .at(v.span, "used as a directory name")
        .help("use letters, digits, `-`, `_` and inner dots, e.g. \"churn\" or \"2024.1\"; it cannot start with a dot or be `latest`")
    })
}

impl StageKind for Deploy {
    fn signature(&self) -> &Signature {
        &self.sig
    }

    fn validate(&self, params: &Params) -> Vec<StageError> {
        ["name", "version"]
            .iter()
            .filter_map(|p| check_component(params, p))
            .chain(crate::paths::check_inside(params, "to"))
            .collect()
    }

    fn run(&self, ctx: &RunContext<'_>) -> Result<Outputs, StageError> {
        let params = ctx.params;
        if let Some(e) = self.validate(params).into_iter().next() {
            return Err(e);
        }
        let artifact = ctx.model("model")?;
        let model = TrainedModel::from_artifact(artifact).map_err(|e| e.at(params, "model"))?;
        let name = params.str("name").unwrap_or(ctx.stage);
        let version = match params.get("version").map(|v| &v.kind) {
            Some(PKind::Str(s)) if s != "auto" => s.clone(),
            _ => auto_version(&artifact.bytes),
        };
        let metrics = recorded_metrics(ctx, &model)?;
        let to = params.str("to").unwrap_or(".");
        let mut manifest = Manifest::new(name, &version, &model, &artifact.bytes, metrics.clone());
        // The training rows' profile travels in the recipe; a model from before profiles
        // existed ships without one (drift is then unavailable for it).
        let profile = crate::data::Recipe::from_json(&model.recipe)
            .ok()
            .and_then(|r| r.profile)
            .map(|p| manifest.attach_profile(&p));
        let extra: Vec<(&str, &[u8])> = profile
            .as_deref()
            .map(|b| (bundle::PROFILE_FILE, b))
            .into_iter()
            .collect();
        let root = Path::new(to).join(name);
        let dir = crate::paths::resolve_inside(ctx.project_dir, &root).map_err(|e| {
            let e = StageError::new(e).code("aimass::path::outside");
            match params.get("to") {
                Some(v) => e.at(v.span, "the bundle goes here"),
                None => e,
            }
        })?;
        let written = bundle::write_with(&dir, &manifest, &artifact.bytes, &extra)
            .map_err(|e| point_at(e, params, "to", "the bundle goes here"))?;
        let shown = |p: &Path| p.to_string_lossy().replace('\\', "/");
        let pruned = match params.int("keep") {
            Some(keep) => Some(
                bundle::prune(&dir, usize::try_from(keep).unwrap_or(1))
                    .map_err(|e| point_at(e, params, "keep", "pruning these versions"))?,
            ),
            None => None,
        };
        let mut report = json!({
            "bundle": shown(&root.join(&version)),
            "name": name,
            "version": version,
            "latest": shown(&root.join(bundle::write::LATEST_FILE)),
            "model_blake3": manifest.model.blake3,
            "manifest_blake3": written.manifest_blake3,
            "metrics": metrics.keys().collect::<Vec<_>>(),
        });
        // Only with `keep`, so that other deploys' outputs are unchanged.
        if let Some(pruned) = pruned {
            report["pruned"] = json!(pruned);
        }
        Ok(Outputs::one("manifest", Artifact::Metrics(report)))
    }

    fn effects_present(&self, _params: &Params, outputs: &Outputs, project_dir: &Path) -> bool {
        let Some(report) = outputs.get("manifest").and_then(Artifact::as_metrics) else {
            return false;
        };
        let text = |k: &str| report.get(k).and_then(Json::as_str).unwrap_or_default();
        let dir = project_dir.join(text("bundle"));
        let hash_of = |file: &str| std::fs::read(dir.join(file)).ok().map(|b| blake3_hex(&b));
        let latest = std::fs::read_to_string(project_dir.join(text("latest"))).ok();
        // The profile's hash is in the manifest, whose own hash is checked here.
        let profile_present = || {
            let Ok(bytes) = std::fs::read(dir.join(bundle::write::MANIFEST_FILE)) else {
                return false;
            };
            match Manifest::from_bytes(&bytes, "manifest.json").map(|m| m.profile) {
                Ok(Some(p)) => hash_of(&p.file).as_deref() == Some(p.blake3.as_str()),
                Ok(None) => true,
                Err(_) => false,
            }
        };
        hash_of("model.json").as_deref() == Some(text("model_blake3"))
            && hash_of(bundle::write::MANIFEST_FILE).as_deref() == Some(text("manifest_blake3"))
            && latest.as_deref().map(str::trim) == Some(text("version"))
            && profile_present()
    }
}

/// The `metrics` inputs by stage name. An evaluation of another model is refused: shipping
/// one model with another's scores is the mistake this record exists to prevent.
fn recorded_metrics(
    ctx: &RunContext<'_>,
    model: &TrainedModel,
) -> Result<BTreeMap<String, Json>, StageError> {
    let written: Vec<&ParamValue> = ctx
        .params
        .get("metrics")
        .and_then(ParamValue::as_list)
        .map(|l| l.iter().collect())
        .unwrap_or_default();
    let summary = model.summary();
    let mut out = BTreeMap::new();
    for (value, artifact) in written.iter().zip(ctx.inputs_of("metrics")) {
        let Some(report) = artifact.as_metrics() else {
            continue;
        };
        let stage = match &value.kind {
            PKind::Input(r) => r.stage.clone(),
            _ => continue,
        };
        if let Some(other) = report.get("model").and_then(Json::as_str) {
            if other != summary {
                return Err(StageError::new(format!(
                    "`{stage}` scored another model than the one deployed: {other}, not {summary}"
                ))
                .code(METRICS)
                .at(value.span, "an evaluation of another model")
                .help("list the evaluations whose `model` is the deployed model's stage"));
            }
        }
        out.insert(stage, report.clone());
    }
    Ok(out)
}

fn point_at(e: StageError, params: &Params, param: &str, label: &str) -> StageError {
    match params.get(param) {
        Some(v) => e.at(v.span, label),
        None => e,
    }
}
