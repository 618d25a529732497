//! Writing a bundle: atomic, idempotent, and never overwriting a version with other bytes.

use std::path::{Path, PathBuf};

use aimass_engine::StageError;

use super::codes::CONFLICT;
use super::files::{io_error, read_if_exists, temp_name, write_atomic};
use super::manifest::Manifest;

pub const MANIFEST_FILE: &str = "manifest.json";
pub const LATEST_FILE: &str = "latest";

/// What [`write`] did.
#[derive(Clone, Debug, PartialEq)]
pub struct Written {
    /// `<to>/<name>/<version>`.
    pub dir: PathBuf,
    /// blake3 of manifest.json, hex.
    pub manifest_blake3: String,
    /// False when the version was already there with the same bytes.
    pub created: bool,
}

/// Writes `<root>/<version>/{model.json, manifest.json}` and `<root>/latest`, where `root`
/// is `<to>/<name>`.
///
/// - The version directory is built under a temporary name and renamed into place, so it
///   appears whole or not at all, even if the process is killed.
/// - A version already there with the same bytes is left alone (a re-run is a no-op); one
///   with other bytes is an error: a version, once shipped, means one model.
/// - A version directory with a file missing (deleted by hand) is replaced.
pub fn write(root: &Path, manifest: &Manifest, model_bytes: &[u8]) -> Result<Written, StageError> {
    write_with(root, manifest, model_bytes, &[])
}

/// As [`write`], with more files in the version directory (the profile), each named in
/// the manifest with its hash.
pub fn write_with(
    root: &Path,
    manifest: &Manifest,
    model_bytes: &[u8],
    extra: &[(&str, &[u8])],
) -> Result<Written, StageError> {
    let manifest_bytes = manifest.to_bytes()?;
    let mut files: Vec<(&str, &[u8])> = vec![(manifest.model.file.as_str(), model_bytes)];
    files.extend_from_slice(extra);
    files.push((MANIFEST_FILE, &manifest_bytes));
    let dir = root.join(&manifest.version);
    std::fs::create_dir_all(root).map_err(|e| io_error("create", root, e))?;
    let created = match compare(&dir, &files)? {
        Existing::Same => false,
        Existing::Differs(file) => return Err(conflict(&dir, file)),
        Existing::Absent | Existing::Incomplete => {
            place(root, &dir, &files)?;
            true
        }
    };
    write_atomic(
        &root.join(LATEST_FILE),
        format!("{}\n", manifest.version).as_bytes(),
    )?;
    Ok(Written {
        dir,
        manifest_blake3: super::blake3_hex(&manifest_bytes),
        created,
    })
}

enum Existing<'a> {
    Absent,
    Same,
    /// A file is missing: the directory is not a whole bundle.
    Incomplete,
    /// This file holds other bytes.
    Differs(&'a str),
}

fn compare<'a>(dir: &Path, files: &[(&'a str, &[u8])]) -> Result<Existing<'a>, StageError> {
    if !dir.exists() {
        return Ok(Existing::Absent);
    }
    let mut incomplete = false;
    for (name, bytes) in files {
        match read_if_exists(&dir.join(name))? {
            Some(old) if old == *bytes => {}
            Some(_) => return Ok(Existing::Differs(name)),
            None => incomplete = true,
        }
    }
    Ok(if incomplete {
        Existing::Incomplete
    } else {
        Existing::Same
    })
}

fn conflict(dir: &Path, file: &str) -> StageError {
    StageError::new(format!(
        "{} already holds another bundle: its {file} differs from what this deploy writes",
        dir.display()
    ))
    .code(CONFLICT)
    .help(
        "a deployed version is never overwritten: set `version` to a new value (or leave it `auto`, which follows the model's hash), or delete that directory if replacing it is really meant",
    )
}

/// Builds the version directory under a temporary name, then renames it into place (moving
/// an incomplete one aside first).
fn place(root: &Path, dir: &Path, files: &[(&str, &[u8])]) -> Result<(), StageError> {
    let tmp = root.join(temp_name("version"));
    let cleanup = |e: StageError| {
        let _ = std::fs::remove_dir_all(&tmp);
        e
    };
    std::fs::create_dir(&tmp).map_err(|e| io_error("create", &tmp, e))?;
    for (name, bytes) in files {
        let path = tmp.join(name);
        std::fs::write(&path, bytes).map_err(|e| cleanup(io_error("write", &path, e)))?;
    }
    if dir.exists() {
        let old = root.join(temp_name("incomplete"));
        std::fs::rename(dir, &old).map_err(|e| cleanup(io_error("move aside", dir, e)))?;
        let _ = std::fs::remove_dir_all(&old);
    }
    match std::fs::rename(&tmp, dir) {
        Ok(()) => Ok(()),
        Err(e) => {
            // Another deploy of the same version may have won the race: fine if it wrote
            // the same bytes.
            let _ = std::fs::remove_dir_all(&tmp);
            match compare(dir, files)? {
                Existing::Same => Ok(()),
                Existing::Differs(file) => Err(conflict(dir, file)),
                Existing::Absent | Existing::Incomplete => Err(io_error("write", dir, e)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::collections::BTreeMap;

    use serde_json::json;

    use super::*;
    use crate::bundle::{open, BUNDLE_FORMAT};
    use crate::estimator::{Spec, TrainedModel};

    /// A small real model: logistic on two numeric columns.
    fn model() -> (TrainedModel, Vec<u8>) {
        use aimass_engine::{ParamValue, Params};
        use polars::prelude::*;
        let df = df!(
            "a" => [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0],
            "b" => [0.5, 0.1, 0.9, 0.3, 0.7, 0.2, 0.8, 0.4],
            "y" => ["no", "no", "no", "yes", "no", "yes", "yes", "yes"]
        )
        .unwrap();
        let params = Params::new(vec![
            ("target".into(), ParamValue::str("y")),
            ("algorithm".into(), ParamValue::word("logistic")),
        ]);
        let m = Spec::from_params(&params).unwrap().fit(&df, 1).unwrap();
        let bytes = m.to_artifact().unwrap().bytes;
        (m, bytes)
    }

    fn manifest(m: &TrainedModel, bytes: &[u8], auc: f64) -> Manifest {
        let metrics =
            BTreeMap::from([("eval".to_string(), json!({ "scores": { "roc_auc": auc } }))]);
        Manifest::new(
            "churn",
            &crate::bundle::auto_version(bytes),
            m,
            bytes,
            metrics,
        )
    }

    #[test]
    fn manifest_bytes_are_deterministic_and_describe_the_model() {
        let (m, bytes) = model();
        let a = manifest(&m, &bytes, 0.8).to_bytes().unwrap();
        let b = manifest(&m, &bytes, 0.8).to_bytes().unwrap();
        assert_eq!(a, b);
        let text = String::from_utf8(a.clone()).unwrap();
        assert!(
            !text.contains("created") && !text.contains("time"),
            "{text}"
        );
        let read = Manifest::from_bytes(&a, "manifest.json").unwrap();
        assert_eq!(read.format, BUNDLE_FORMAT);
        assert_eq!(read.version.len(), 12);
        assert_eq!(read.model.blake3[..12], read.version);
        assert_eq!(read.algorithm, "logistic");
        assert_eq!(read.target.as_deref(), Some("y"));
        assert_eq!(read.positive.unwrap().to_string(), "yes");
        assert_eq!(read.inputs, ["a", "b"]);
        assert_eq!(read.metrics["eval"]["scores"]["roc_auc"], 0.8);
    }

    #[test]
    fn writing_twice_is_a_no_op_and_other_bytes_are_a_conflict() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("models").join("churn");
        let (m, bytes) = model();
        let man = manifest(&m, &bytes, 0.8);
        let first = write(&root, &man, &bytes).unwrap();
        assert!(first.created);
        let dir = root.join(&man.version);
        assert_eq!(std::fs::read(dir.join("model.json")).unwrap(), bytes);
        assert_eq!(
            std::fs::read_to_string(root.join("latest")).unwrap(),
            format!("{}\n", man.version)
        );
        let before = std::fs::read(dir.join("manifest.json")).unwrap();

        let again = write(&root, &man, &bytes).unwrap();
        assert!(!again.created);
        assert_eq!(again.manifest_blake3, first.manifest_blake3);
        assert_eq!(std::fs::read(dir.join("manifest.json")).unwrap(), before);

        // Same version, other metrics: refused, and the bundle is untouched.
        let other = manifest(&m, &bytes, 0.7);
        let err = write(&root, &other, &bytes).unwrap_err();
        assert_eq!(err.code, CONFLICT);
        assert!(
            err.message.contains("manifest.json differs"),
            "{}",
            err.message
        );
        assert_eq!(std::fs::read(dir.join("manifest.json")).unwrap(), before);

        // No temporary directory is left behind.
        let names: Vec<String> = std::fs::read_dir(&root)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
        // And what was written opens, through the name directory too.
        assert_eq!(open(&root).unwrap().manifest, man);
    }

    #[test]
    fn an_incomplete_version_is_replaced() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("churn");
        let (m, bytes) = model();
        let man = manifest(&m, &bytes, 0.8);
        write(&root, &man, &bytes).unwrap();
        let dir = root.join(&man.version);
        std::fs::remove_file(dir.join("model.json")).unwrap();
        assert!(write(&root, &man, &bytes).unwrap().created);
        assert_eq!(std::fs::read(dir.join("model.json")).unwrap(), bytes);
    }
}
