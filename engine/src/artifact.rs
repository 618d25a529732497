//! Typed values on the DAG's edges.
//!
//! The engine moves, persists and hashes artifacts but does not look inside models or
//! recipes: those are the stdlib's business, carried here as opaque bytes and JSON.

use polars::prelude::DataFrame;
use serde_json::Value as Json;

use crate::signature::ArtifactType;

/// A table of rows and the recipe that prepared them (JSON; `Null` when there is none).
#[derive(Clone, Debug)]
pub struct Frame {
    pub data: DataFrame,
    pub recipe: Json,
}

impl Frame {
    pub fn new(data: DataFrame) -> Self {
        Self {
            data,
            recipe: Json::Null,
        }
    }

    pub fn with_recipe(data: DataFrame, recipe: Json) -> Self {
        Self { data, recipe }
    }
}

/// A fitted model, serialised by the stage that made it. `format` names the serialisation
/// so a reader can refuse bytes it does not understand.
#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    pub format: String,
    pub bytes: Vec<u8>,
    /// A short human description (algorithm and hyperparameters) for reports.
    pub summary: String,
}

#[derive(Clone, Debug)]
pub enum Artifact {
    Frame(Frame),
    Model(Model),
    Metrics(Json),
}

impl Artifact {
    pub fn ty(&self) -> ArtifactType {
        match self {
            Artifact::Frame(_) => ArtifactType::Frame,
            Artifact::Model(_) => ArtifactType::Model,
            Artifact::Metrics(_) => ArtifactType::Metrics,
        }
    }

    pub fn as_frame(&self) -> Option<&Frame> {
        match self {
            Artifact::Frame(f) => Some(f),
            _ => None,
        }
    }

    pub fn as_model(&self) -> Option<&Model> {
        match self {
            Artifact::Model(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_metrics(&self) -> Option<&Json> {
        match self {
            Artifact::Metrics(m) => Some(m),
            _ => None,
        }
    }
}
