//! Scoring single records without a polars frame: the recipe replayed per row
//! ([`RowRecipe`]), the features gathered into one matrix, one `predict_matrix` call.
//!
//! It gives the predictions [`super::score_model`] gives for the same rows, bit for bit,
//! or `None` when it cannot be sure to (then score the frame, which also words the errors).

use ndarray::Array2;

use crate::data::row::{Row, RowRecipe};
use crate::data::Recipe;
use crate::estimator::trained::{Predictions, TrainedModel};

/// A model's recipe and feature order, made ready for rows once per loaded model.
pub struct RowScorer {
    recipe: RowRecipe,
    features: Vec<String>,
}

impl RowScorer {
    /// `None` when the recipe does not read back or has a step rows cannot replay.
    pub fn compile(model: &TrainedModel) -> Option<RowScorer> {
        let recipe = Recipe::from_json(&model.recipe).ok()?;
        Some(RowScorer {
            recipe: RowRecipe::compile(&recipe)?,
            features: model.feature_names(),
        })
    }

    /// The model's predictions for `rows` (raw inputs), or `None` to take the frame path.
    pub fn predict(&self, model: &TrainedModel, rows: Vec<Row>) -> Option<Predictions> {
        let n = rows.len();
        let p = self.features.len();
        let mut x = Vec::with_capacity(n * p);
        for row in rows {
            let prepared = self.recipe.apply(row)?;
            x.extend(RowRecipe::features(&prepared, &self.features)?);
        }
        let x = Array2::from_shape_vec((n, p), x).ok()?;
        model.predict_matrix(x.view()).ok()
    }
}
