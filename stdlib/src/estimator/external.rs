//! Estimators that live outside the stdlib: a plugin's, known by the name a pipeline gives
//! them (`knn.knn`: plugin `knn`, kind `knn`).
//!
//! The plugin host registers each loaded plugin estimator here before the stage registry is
//! built, so that `model`, `tune` and `evaluate` accept `algorithm = knn.knn` and its
//! hyperparameters in `aimass check`, and so that every place that fits or applies a model
//! (cross-validation, tuning, ensembles, bundles) finds it by the name stored in the model.
//!
//! The catalog is process-wide because the model bytes name the estimator and nothing else:
//! a model read back from the cache or a bundle must find the same implementation without
//! every caller threading a context through. One process runs one pipeline (or scores one
//! bundle), whose plugins are registered once, up front.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use aimass_engine::ParamSig;
use ndarray::ArrayView2;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use super::error::Result;
use super::fitted::{Output, Target};
use super::spec::Task;

/// Which plugin library an algorithm comes from: enough to refuse a model fitted by another
/// build, and for a bundle to say which library it needs.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PluginRef {
    /// The name the pipeline declared it under (kinds are `alias.kind`).
    pub alias: String,
    /// The plugin's own name.
    pub name: String,
    pub version: String,
    /// blake3 of the library file.
    pub hash: String,
    /// The library's file name (`libknn.so`); where it was loaded from is in the bundle
    /// manifest, not the model, so moving a project does not change its models.
    pub library: String,
}

impl PluginRef {
    /// What enters cache keys: changes when the plugin's code does.
    pub fn key(&self) -> String {
        format!("{}@{}", self.version, self.hash)
    }
}

pub struct FitRequest<'a> {
    pub x: ArrayView2<'a, f64>,
    /// Feature names, one per column of `x`.
    pub features: &'a [String],
    pub target: Target<'a>,
    pub task: Task,
    /// The hyperparameters, defaults applied, as plain JSON.
    pub params: &'a BTreeMap<String, Json>,
    pub seed: u64,
}

pub struct PredictRequest<'a> {
    pub x: ArrayView2<'a, f64>,
    pub features: &'a [String],
    pub state: &'a [u8],
    pub task: Task,
    pub n_classes: usize,
    pub params: &'a BTreeMap<String, Json>,
}

pub trait ExternalEstimator: Send + Sync {
    /// `alias.kind`.
    fn name(&self) -> &str;
    fn doc(&self) -> &str;
    /// The tasks it learns; the first is the default when a stage does not say `task`.
    fn tasks(&self) -> &[Task];
    /// Its hyperparameters, with types, bounds, defaults and docs.
    fn hyperparams(&self) -> &[ParamSig];
    fn plugin(&self) -> PluginRef;
    /// Where the library was loaded from (recorded in bundle manifests).
    fn library_path(&self) -> std::path::PathBuf;
    /// The fitted state, opaque bytes.
    fn fit(&self, req: &FitRequest<'_>) -> Result<Vec<u8>>;
    /// Class probabilities ([`Output::Proba`]) or values ([`Output::Values`]).
    fn predict(&self, req: &PredictRequest<'_>) -> Result<Output>;
}

type Catalog = BTreeMap<String, Arc<dyn ExternalEstimator>>;

fn catalog() -> &'static RwLock<Catalog> {
    static CATALOG: RwLock<Catalog> = RwLock::new(BTreeMap::new());
    &CATALOG
}

/// Makes `e` known under its name (replacing an estimator of that name).
pub fn register(e: Arc<dyn ExternalEstimator>) {
    let mut c = catalog().write().unwrap_or_else(|p| p.into_inner());
    c.insert(e.name().to_string(), e);
}

pub fn get(name: &str) -> Option<Arc<dyn ExternalEstimator>> {
    let c = catalog().read().unwrap_or_else(|p| p.into_inner());
    c.get(name).cloned()
}

/// Every registered estimator, by name.
pub fn all() -> Vec<Arc<dyn ExternalEstimator>> {
    let c = catalog().read().unwrap_or_else(|p| p.into_inner());
    c.values().cloned().collect()
}
