//! Applying a model's recipe to raw rows: the bridge to the data stages' [`Recipe`].

use aimass_engine::StageError;
use polars::prelude::DataFrame;
use serde_json::Value as Json;

use super::error::{EstimatorError, Result};
use crate::data::Recipe;

fn recipe_error(e: StageError) -> EstimatorError {
    let mut out = EstimatorError::new(
        "aimass::model::recipe",
        format!("preparing the rows: {}", e.message),
    );
    out.help = e.help;
    out
}

/// `recipe` (the JSON a frame carries; `Null` for none) replayed on `raw`.
pub fn apply_recipe(recipe: &Json, raw: &DataFrame) -> Result<DataFrame> {
    if recipe.is_null() {
        return Ok(raw.clone());
    }
    Recipe::from_json(recipe)
        .and_then(|r| r.apply(raw))
        .map_err(recipe_error)
}
