//! The plugin host: loads the stage libraries a pipeline declares and makes their stages
//! ordinary engine stage kinds.
//!
//! ```text
//! plugin rfm = "plugins/librfm.so"        resolve (path or AIMASS_PLUGIN_PATH)
//!   -> Library::open                       file checks, dlopen, entry symbol, ABI version,
//!                                          table size, descriptor (each failure a diagnostic)
//!   -> Plugin                              identity (name, version, blake3), calls in this
//!                                          process or an isolated child, --stage-timeout
//!   -> PluginTransform: StageKind          `rfm.segment`, registered into the engine
//!   -> PluginEstimator                     `algorithm = rfm.knn` in model, tune, fuse, ...
//! ```
//!
//! The ABI is in `aimass-plugin-api`; plugin authors use `aimass-plugin-sdk`.

mod bundle;
mod call;
mod deadline;
pub mod descriptor;
mod estimator;
mod failure;
mod frames;
mod identity;
pub mod isolate;
mod library;
mod outcome;
mod plugin;
mod resolve;
mod transform;
mod validate;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use aimass_dsl::{ir, SourceFile};
use aimass_engine::Registry;

pub use bundle::{load_for_bundle, MissingPlugin};
pub use descriptor::{Descriptor, Role, StageDesc};
pub use estimator::PluginEstimator;
pub use failure::{LoadError, LoadErrors, LoadFailure};
pub use identity::Identity;
pub use library::Library;
pub use outcome::{CallFailure, FailureKind};
pub use plugin::{HostOptions, Plugin};
pub use resolve::{resolve, SEARCH_PATH_VAR};
pub use transform::PluginTransform;

/// Opens the library at `path` (already resolved) under `alias`, or under the plugin's own
/// name when `alias` is `None`.
pub fn open(
    alias: Option<&str>,
    path: &Path,
    opts: &HostOptions,
) -> Result<Arc<Plugin>, LoadFailure> {
    let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    if opts.isolate {
        let exe = std::env::current_exe().map_err(|e| {
            LoadFailure::Isolated(format!("cannot find the aimass executable: {e}"))
        })?;
        let child = isolate::Child::describe(Arc::new(exe), &path)?;
        let alias = alias.unwrap_or(&child.identity.name).to_string();
        return Ok(Plugin::isolated(&alias, child, opts.timeout));
    }
    let lib: &'static Library = Box::leak(Box::new(Library::open(&path)?));
    Ok(Plugin::in_process(
        alias.unwrap_or(&lib.identity.name),
        lib,
        opts.timeout,
    ))
}

/// The plugins a pipeline declared, loaded.
#[derive(Default, Clone)]
pub struct Plugins {
    pub loaded: Vec<Arc<Plugin>>,
}

impl Plugins {
    /// Loads every plugin `pipeline` declares; every failure is reported, each pointing at
    /// its declaration.
    pub fn load(
        src: &SourceFile,
        pipeline: &ir::Pipeline,
        project_dir: &Path,
        opts: &HostOptions,
    ) -> Result<Plugins, LoadErrors> {
        let search = std::env::var_os(SEARCH_PATH_VAR);
        let mut errors = Vec::new();
        let mut loaded: Vec<(Arc<Plugin>, &ir::PluginDecl)> = Vec::new();
        for decl in &pipeline.plugins {
            let error = |failure: LoadFailure| LoadError {
                plugin: decl.name.name.clone(),
                failure,
                src: Some(src.named_source()),
                span: decl.path.span,
                also: None,
            };
            let opened = resolve(&decl.path.value, project_dir, search.as_deref())
                .and_then(|path| open(Some(&decl.name.name), &path, opts));
            match opened {
                Ok(p) => {
                    if let Some((_, first)) = loaded
                        .iter()
                        .find(|(q, _)| q.identity.hash == p.identity.hash)
                    {
                        let mut e = error(LoadFailure::Duplicate {
                            library: p.library_name(),
                            first: first.name.name.clone(),
                        });
                        e.also = Some((
                            first.path.span,
                            format!("first declared as `{}`", first.name.name),
                        ));
                        errors.push(e);
                        continue;
                    }
                    loaded.push((p, decl));
                }
                Err(f) => errors.push(error(f)),
            }
        }
        if errors.is_empty() {
            Ok(Plugins {
                loaded: loaded.into_iter().map(|(p, _)| p).collect(),
            })
        } else {
            Err(LoadErrors { errors })
        }
    }

    /// Every estimator as `alias.kind`, for the stdlib's catalog.
    pub fn estimators(&self) -> Vec<Arc<PluginEstimator>> {
        self.loaded
            .iter()
            .flat_map(|p| {
                p.descriptor
                    .stages
                    .iter()
                    .filter_map(|s| PluginEstimator::new(p, s).map(Arc::new))
            })
            .collect()
    }

    /// Registers every transform as `alias.kind`.
    pub fn register(&self, registry: &mut Registry) {
        for p in &self.loaded {
            for s in &p.descriptor.stages {
                if let Some(t) = PluginTransform::new(p, s) {
                    registry.register(Arc::new(t));
                }
            }
        }
    }
}

/// The paths `aimass` may need to find a library that is not declared (a bundle's manifest).
pub fn search_path() -> Vec<PathBuf> {
    std::env::var_os(SEARCH_PATH_VAR)
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default()
}
