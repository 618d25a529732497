//! The plugins a deployed bundle's model needs, found and checked before anything scores.
//!
//! Each library is looked for, in order: where it was when the bundle was deployed (the
//! manifest's `path`), next to the bundle's files, then by file name in the directories of
//! `AIMASS_PLUGIN_PATH`. A candidate is accepted only when its content hash is the one the
//! manifest records, and it is hashed *before* it is opened: a rebuilt or foreign library is
//! never loaded in place of the one the model was fitted with.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use aimass_stdlib::bundle::BundlePlugin;

use crate::identity::short;
use crate::library::file_hash;
use crate::plugin::{HostOptions, Plugin};

/// Why a bundle's plugin could not be provided.
#[derive(Debug, Clone, PartialEq)]
pub struct MissingPlugin {
    pub wanted: BundlePlugin,
    /// Candidates that exist, with their (wrong) hashes.
    pub others: Vec<(PathBuf, String)>,
    pub searched: Vec<PathBuf>,
    /// Opening the right library failed.
    pub failure: Option<String>,
}

impl std::fmt::Display for MissingPlugin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let w = &self.wanted;
        write!(
            f,
            "the model needs plugin `{}` {} ({}, blake3 {})",
            w.plugin.name,
            w.plugin.version,
            w.plugin.library,
            short(&w.plugin.hash)
        )?;
        if let Some(why) = &self.failure {
            return write!(f, ", which could not be loaded: {why}");
        }
        if self.others.is_empty() {
            write!(f, ", which is not at {}", w.path)
        } else {
            let found: Vec<String> = self
                .others
                .iter()
                .map(|(p, h)| format!("{} is another build (blake3 {})", p.display(), short(h)))
                .collect();
            write!(f, "; {}", found.join("; "))
        }
    }
}

impl MissingPlugin {
    pub fn help(&self) -> String {
        let searched: Vec<String> = self
            .searched
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        format!(
            "put the library the model was fitted with at one of: {} (or in a directory of AIMASS_PLUGIN_PATH); a rebuilt plugin needs the pipeline run and deployed again",
            searched.join(", ")
        )
    }
}

fn candidates(p: &BundlePlugin, bundle_dir: &Path, search: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = vec![PathBuf::from(&p.path), bundle_dir.join(&p.plugin.library)];
    out.extend(search.iter().map(|d| d.join(&p.plugin.library)));
    out.dedup();
    out
}

/// Loads every plugin `plugins` lists (under the name the pipeline gave it), checked by hash.
pub fn load_for_bundle(
    plugins: &[BundlePlugin],
    bundle_dir: &Path,
    opts: &HostOptions,
) -> Result<Vec<Arc<Plugin>>, Vec<MissingPlugin>> {
    let search = crate::search_path();
    let mut loaded = Vec::new();
    let mut missing = Vec::new();
    for p in plugins {
        let searched = candidates(p, bundle_dir, &search);
        let mut others = Vec::new();
        let mut found = None;
        for c in &searched {
            let Ok(bytes) = std::fs::read(c) else {
                continue;
            };
            let hash = file_hash(&bytes);
            if hash == p.plugin.hash {
                found = Some(c.clone());
                break;
            }
            others.push((c.clone(), hash));
        }
        let Some(path) = found else {
            missing.push(MissingPlugin {
                wanted: p.clone(),
                others,
                searched,
                failure: None,
            });
            continue;
        };
        match crate::open(Some(&p.plugin.alias), &path, opts) {
            Ok(plugin) => loaded.push(plugin),
            Err(f) => missing.push(MissingPlugin {
                wanted: p.clone(),
                others,
                searched,
                failure: Some(f.message()),
            }),
        }
    }
    if missing.is_empty() {
        Ok(loaded)
    } else {
        Err(missing)
    }
}
