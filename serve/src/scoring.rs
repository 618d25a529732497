//! Scoring a `/predict` body without HTTP: the server's own code, for embedding aimass's
//! scoring in another program and for the tests that hold the row path to the frame path.

use std::path::Path;

use aimass_engine::StageError;
use serde_json::Value as Json;

use crate::handlers::{predict_records, score_frame};
use crate::loaded::Loaded;
use crate::metrics::Metrics;
use crate::records;
use crate::response::predictions;

/// A bundle loaded as `aimass serve` loads it.
pub struct Model {
    loaded: Loaded,
    metrics: Metrics,
}

impl Model {
    /// Opens and verifies the bundle at `path` (following `latest`); `threshold` is the
    /// binary decision threshold, as `serve --threshold` sets it.
    pub fn open(path: &Path, threshold: f64) -> Result<Model, StageError> {
        Ok(Model {
            loaded: Loaded::open(path, threshold)?,
            metrics: Metrics::default(),
        })
    }

    /// The predictions `/predict` answers for `body`, or its JSON error.
    pub fn predict(&self, body: &[u8]) -> Result<Vec<Json>, Json> {
        let recs = records::parse(body, usize::MAX).map_err(error_json)?;
        predict_records(&self.metrics, &self.loaded, &recs).map_err(error_json)
    }

    /// As [`Model::predict`], always by a polars frame.
    pub fn predict_by_frame(&self, body: &[u8]) -> Result<Vec<Json>, Json> {
        let recs = records::parse(body, usize::MAX).map_err(error_json)?;
        let rows = records::to_frame(&self.loaded.fields, &recs).map_err(error_json)?;
        let scored = score_frame(&self.metrics, &self.loaded, &rows).map_err(error_json)?;
        Ok(predictions(&scored))
    }

    /// As [`Model::predict`], by rows only: `None` where the server would take the frame
    /// path (the recipe or the records need it, or they are refused).
    pub fn predict_by_rows(&self, body: &[u8]) -> Option<Vec<Json>> {
        let recs = records::parse(body, usize::MAX).ok()?;
        let scorer = self.loaded.rows.as_ref()?;
        crate::rows::score(&self.loaded, scorer, &recs).map(|s| s.predictions)
    }

    /// The live drift counts, one per profiled input, as /metrics reports them.
    pub fn drift_counts(&self) -> Vec<aimass_stdlib::drift::Counts> {
        self.loaded.drift.iter().map(|d| d.snapshot()).collect()
    }

    /// Whether the model's recipe can be replayed per row at all.
    pub fn scores_by_rows(&self) -> bool {
        self.loaded.rows.is_some()
    }
}

fn error_json(e: crate::api_error::ApiError) -> Json {
    serde_json::json!({ "error": e })
}
