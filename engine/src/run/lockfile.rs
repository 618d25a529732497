//! `FILE.lock`: per stage, the key and output hashes of its last successful run.
//!
//! Meant to be committed, like dvc.lock: pretty JSON with sorted keys, so a diff shows which
//! stage's params, inputs or outputs changed. `aimass plan` compares against it to explain
//! why a stage will run.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::cache::KeyRecord;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LockFile {
    pub pipeline: String,
    pub stages: BTreeMap<String, LockStage>,
}

/// A lock file that exists but cannot be used.
#[derive(Clone, Debug, PartialEq)]
pub struct LockReadError {
    pub path: PathBuf,
    /// "is not a valid lock file (expected `,` at line 3 column 5)".
    pub problem: String,
}

impl std::fmt::Display for LockReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.path.display(), self.problem)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LockStage {
    pub key: String,
    pub record: KeyRecord,
    pub outputs: BTreeMap<String, String>,
}

impl LockStage {
    /// What the lock file records of a stage's cache entry.
    pub fn from_entry(entry: &crate::cache::Entry) -> Self {
        Self {
            key: entry.key.clone(),
            record: entry.record.clone(),
            outputs: entry
                .outputs
                .iter()
                .map(|(p, o)| (p.clone(), o.hash.clone()))
                .collect(),
        }
    }
}

impl LockFile {
    /// `campaign.aim` -> `campaign.aim.lock`.
    pub fn path_for(pipeline_file: &Path) -> PathBuf {
        let mut name = pipeline_file
            .file_name()
            .map(|n| n.to_os_string())
            .unwrap_or_default();
        name.push(".lock");
        pipeline_file.with_file_name(name)
    }

    /// The lock file, or an empty one if it is missing or unreadable. Callers that must
    /// tell a corrupt lock file from a missing one (and say so) use [`LockFile::load`].
    pub fn read(path: &Path) -> LockFile {
        Self::load(path).unwrap_or_default()
    }

    /// The lock file; an empty one when there is none yet; an error when it exists but
    /// cannot be read or is not a lock file (hand-edited, truncated, a merge conflict).
    pub fn load(path: &Path) -> Result<LockFile, LockReadError> {
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(LockFile::default()),
            Err(e) => {
                return Err(LockReadError {
                    path: path.to_path_buf(),
                    problem: format!("cannot be read: {e}"),
                })
            }
        };
        serde_json::from_slice(&bytes).map_err(|e| LockReadError {
            path: path.to_path_buf(),
            problem: format!("is not a valid lock file ({e})"),
        })
    }

    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        let mut json = serde_json::to_string_pretty(self).map_err(std::io::Error::other)?;
        json.push('\n');
        if std::fs::read_to_string(path).ok().as_deref() == Some(json.as_str()) {
            return Ok(());
        }
        crate::atomic::write_file(path, json.as_bytes())
    }
}
