//! Opening a bundle: find its version directory, read the manifest, check the model's hash.

use std::path::{Path, PathBuf};

use aimass_engine::{Model, StageError};

use super::codes::{NOT_A_BUNDLE, TAMPERED};
use super::files::{io_error, read_if_exists};
use super::manifest::{blake3_hex, Manifest};
use super::write::{LATEST_FILE, MANIFEST_FILE};
use crate::estimator::TrainedModel;

/// A bundle read back and verified.
#[derive(Debug)]
pub struct Bundle {
    /// The version directory.
    pub dir: PathBuf,
    pub manifest: Manifest,
    pub model: TrainedModel,
}

/// Opens the bundle at `path`: a version directory, its `manifest.json`, or the name
/// directory above the versions (then `latest` says which). The model file must have the
/// hash the manifest records.
pub fn open(path: &Path) -> Result<Bundle, StageError> {
    let dir = version_dir(path)?;
    let manifest_path = dir.join(MANIFEST_FILE);
    let shown = manifest_path.display().to_string();
    let bytes = std::fs::read(&manifest_path).map_err(|e| io_error("read", &manifest_path, e))?;
    let manifest = Manifest::from_bytes(&bytes, &shown)?;
    let model_path = dir.join(&manifest.model.file);
    let model_bytes = std::fs::read(&model_path).map_err(|e| io_error("read", &model_path, e))?;
    let actual = blake3_hex(&model_bytes);
    if actual != manifest.model.blake3 {
        return Err(StageError::new(format!(
            "{} does not match its manifest: its blake3 hash is {actual}, the manifest records {}",
            model_path.display(),
            manifest.model.blake3
        ))
        .code(TAMPERED)
        .help("the bundle was changed after it was deployed; deploy it again (`aimass run` on the pipeline) rather than editing it"));
    }
    let model = TrainedModel::from_artifact(&Model {
        format: manifest.model.format.clone(),
        bytes: model_bytes,
        summary: manifest.summary.clone(),
    })
    .map_err(StageError::from)?;
    Ok(Bundle {
        dir,
        manifest,
        model,
    })
}

fn version_dir(path: &Path) -> Result<PathBuf, StageError> {
    if path.is_file() {
        if path.file_name().is_some_and(|n| n == MANIFEST_FILE) {
            return Ok(path.parent().unwrap_or(Path::new(".")).to_path_buf());
        }
        return Err(not_a_bundle(path, "it is a file, not manifest.json"));
    }
    if !path.is_dir() {
        return Err(not_a_bundle(path, "no such file or directory"));
    }
    if path.join(MANIFEST_FILE).is_file() {
        return Ok(path.to_path_buf());
    }
    let latest_path = path.join(LATEST_FILE);
    let Some(latest) = read_if_exists(&latest_path)? else {
        return Err(not_a_bundle(
            path,
            "it has neither a manifest.json nor a `latest` file",
        ));
    };
    let version = String::from_utf8_lossy(&latest).trim().to_string();
    let dir = path.join(&version);
    // `latest` is one plain name: never a path that leads elsewhere.
    let plain = !version.is_empty() && !version.contains(['/', '\\']) && version != "..";
    if !plain || !dir.join(MANIFEST_FILE).is_file() {
        return Err(not_a_bundle(
            path,
            &format!("its `latest` names version {version:?}, which has no manifest.json"),
        ));
    }
    Ok(dir)
}

fn not_a_bundle(path: &Path, why: &str) -> StageError {
    StageError::new(format!("{} is not a model bundle: {why}", path.display()))
        .code(NOT_A_BUNDLE)
        .help("give a bundle's version directory (`<to>/<name>/<version>`), its manifest.json, or `<to>/<name>` to use the latest version; a `deploy` stage writes them")
}
