//! What identifies a loaded plugin: enough to key the cache, to record in a bundle's manifest,
//! and to refuse a library that is not the one a model was fitted with.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    /// The plugin's own name (its table's `name`).
    pub name: String,
    /// Its declared version.
    pub version: String,
    /// blake3 of the library file.
    pub hash: String,
    /// Where it was loaded from.
    pub path: PathBuf,
    pub abi_version: u32,
}

impl Identity {
    /// What enters a stage's cache key: rebuilding the library, or a new declared version,
    /// re-runs the stages it provides.
    pub fn key(&self) -> String {
        format!("{}@{}", self.version, self.hash)
    }

    /// `rfm 0.1.0 (librfm.so, blake3 1a2b3c4d)`.
    pub fn describe(&self) -> String {
        let file = self
            .path
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_else(|| self.path.display().to_string());
        format!(
            "{} {} ({file}, blake3 {})",
            self.name,
            self.version,
            short(&self.hash)
        )
    }
}

pub fn short(hash: &str) -> &str {
    &hash[..hash.len().min(12)]
}
