//! `manifest.json`: what a bundle holds, for people, for serving code and for `predict`.

use std::collections::BTreeMap;

use aimass_engine::StageError;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use super::codes::FORMAT;
use crate::estimator::external::{self, PluginRef};
use crate::estimator::{FeatureField, Label, TrainedModel};

/// The `format` of the manifests this version writes and reads.
pub const BUNDLE_FORMAT: &str = "aimass.bundle/1";

/// The profile's file name in a version directory.
pub const PROFILE_FILE: &str = "profile.json";

/// The model file of a bundle and its identity.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelFile {
    /// Relative to the version directory.
    pub file: String,
    /// The model's serialisation, e.g. `aimass.model/1`.
    pub format: String,
    /// blake3 of the file's bytes, hex.
    pub blake3: String,
    pub bytes: u64,
}

/// Field order is the file's order; maps are sorted. No timestamps: equal inputs give equal
/// bytes, which idempotent deploys and the lock file rely on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub name: String,
    pub version: String,
    /// The aimass version that wrote the bundle.
    pub aimass: String,
    pub model: ModelFile,
    pub algorithm: String,
    /// The model's one-line description (algorithm, hyperparameters, target, sizes).
    pub summary: String,
    pub task: String,
    pub target: Option<String>,
    /// Class labels, in the order of the model's probability columns.
    pub classes: Vec<Label>,
    pub positive: Option<Label>,
    /// The columns the estimator reads, after the recipe, in its order.
    pub features: Vec<FeatureField>,
    /// The raw columns rows to score must have (what the recipe and the estimator read).
    pub inputs: Vec<String>,
    pub training_rows: usize,
    /// The evaluations recorded by the deploy, by stage name.
    pub metrics: BTreeMap<String, Json>,
    /// The training rows' distribution per raw input (`profile.json`, `aimass.profile/1`),
    /// which drift is measured against. Absent in bundles deployed before profiles existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<ModelFile>,
    /// The plugin libraries the model needs to score rows, with their hashes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub plugins: Vec<BundlePlugin>,
}

/// A plugin library a bundle's model needs: which build, and where it was when deployed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BundlePlugin {
    #[serde(flatten)]
    pub plugin: PluginRef,
    /// The library's path when the bundle was deployed.
    pub path: String,
}

/// blake3 of `bytes`, hex.
pub fn blake3_hex(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex().to_string()
}

/// `version = auto`: the first 12 hex digits of the model's hash, so a version names one
/// model and the same model always gets the same version.
pub fn auto_version(model_bytes: &[u8]) -> String {
    blake3_hex(model_bytes)[..12].to_string()
}

impl Manifest {
    pub fn new(
        name: &str,
        version: &str,
        model: &TrainedModel,
        model_bytes: &[u8],
        metrics: BTreeMap<String, Json>,
    ) -> Self {
        let inputs = super::score::model_inputs(model);
        Self {
            format: BUNDLE_FORMAT.to_string(),
            name: name.to_string(),
            version: version.to_string(),
            aimass: env!("CARGO_PKG_VERSION").to_string(),
            model: ModelFile {
                file: "model.json".to_string(),
                format: model.format.clone(),
                blake3: blake3_hex(model_bytes),
                bytes: model_bytes.len() as u64,
            },
            algorithm: model.spec.algorithm.name().to_string(),
            summary: model.summary(),
            task: model.task.name().to_string(),
            target: model.target.clone(),
            classes: model.classes.clone(),
            positive: model.positive.and_then(|p| model.classes.get(p)).cloned(),
            features: model.features.clone(),
            inputs,
            training_rows: model.training_rows,
            metrics,
            profile: None,
            plugins: model
                .spec
                .algorithm
                .plugins()
                .into_iter()
                .map(|p| BundlePlugin {
                    path: external::all()
                        .into_iter()
                        .find(|e| e.plugin().hash == p.hash)
                        .map(|e| e.library_path().display().to_string())
                        .unwrap_or_else(|| p.library.clone()),
                    plugin: p,
                })
                .collect(),
        }
    }

    /// Ships `profile` (restricted to the bundle's inputs) beside the model: the manifest
    /// records its hash, and the bytes to write are returned.
    pub fn attach_profile(&mut self, profile: &crate::drift::Profile) -> Vec<u8> {
        let bytes = profile.restricted_to(&self.inputs).to_bytes();
        self.profile = Some(ModelFile {
            file: PROFILE_FILE.to_string(),
            format: crate::drift::PROFILE_FORMAT.to_string(),
            blake3: blake3_hex(&bytes),
            bytes: bytes.len() as u64,
        });
        bytes
    }

    /// The file's bytes: pretty JSON (people read it) and a final newline.
    pub fn to_bytes(&self) -> Result<Vec<u8>, StageError> {
        let mut bytes = serde_json::to_vec_pretty(self).map_err(|e| {
            StageError::new(format!("cannot serialise the manifest: {e}")).code(FORMAT)
        })?;
        bytes.push(b'\n');
        Ok(bytes)
    }

    /// Reads a manifest; `shown` names the file in errors.
    pub fn from_bytes(bytes: &[u8], shown: &str) -> Result<Self, StageError> {
        let json: Json = serde_json::from_slice(bytes).map_err(|e| {
            StageError::new(format!("{shown} is not a bundle manifest: {e}")).code(FORMAT)
        })?;
        let format = json.get("format").and_then(Json::as_str).unwrap_or("");
        if format != BUNDLE_FORMAT {
            return Err(StageError::new(format!(
                "{shown} is a manifest of format `{format}`, but this aimass reads `{BUNDLE_FORMAT}`"
            ))
            .code(FORMAT)
            .help("deploy the model again with this version of aimass"));
        }
        serde_json::from_value(json)
            .map_err(|e| StageError::new(format!("{shown} cannot be read: {e}")).code(FORMAT))
    }
}
