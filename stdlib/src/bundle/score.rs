//! Scoring raw rows with a bundle: one output row per input row, in input order.
//!
//! | model          | columns                                                          |
//! |----------------|------------------------------------------------------------------|
//! | classification | `prediction` (a label), then `proba_<label>` per class, in class order |
//! | regression     | `prediction`                                                     |
//! | segmentation   | `segment` (0-based)                                              |
//!
//! The rows carry no identifier through: the output lines up with the input by position, so
//! an id column the model never saw is neither needed nor required.

use aimass_engine::{did_you_mean, StageError};
use polars::prelude::{Column, DataFrame, IntoColumn, NamedFrom, Series};

use super::codes::MISSING_COLUMN;
use super::open::Bundle;
use crate::estimator::{ClassifiedRows, Predictions, TrainedModel};

/// Predictions for `raw` rows by a deployed bundle (see [`score_model`]).
pub fn score(bundle: &Bundle, raw: &DataFrame, threshold: f64) -> Result<DataFrame, StageError> {
    score_model(&bundle.model, &bundle.manifest.inputs, raw, threshold)
}

/// The raw columns a model reads: what its recipe needs to make its features. A bundle's
/// manifest records this list; the `score` stage computes it from the model the same way.
pub fn model_inputs(model: &TrainedModel) -> Vec<String> {
    // A recipe that does not read back cannot prepare rows either, and scoring reports it
    // then; here the features themselves are the best account of the inputs.
    crate::data::Recipe::from_json(&model.recipe)
        .unwrap_or_default()
        .inputs_for(&model.feature_names())
}

/// Predictions for `raw` rows: the one code path of `aimass predict`, the `score` stage and
/// `aimass serve`. `inputs` are the raw columns the model needs ([`model_inputs`]). A binary
/// classifier's `prediction` is the positive class iff its probability is above
/// `threshold`, as `evaluate` decides; other classifiers predict their most probable class.
pub fn score_model(
    model: &TrainedModel,
    inputs: &[String],
    raw: &DataFrame,
    threshold: f64,
) -> Result<DataFrame, StageError> {
    check_inputs(inputs, raw)?;
    let predictions = model.predict(raw).map_err(StageError::from)?;
    let n = raw.height();
    let columns: Vec<Column> = match predictions {
        Predictions::Classes { proba, .. } => {
            // Only the decision rule is used: it reads no truth.
            let rows = ClassifiedRows {
                truth: &[],
                proba: proba.view(),
                positive: model.positive,
                threshold,
            };
            let mut cols = vec![model
                .label_series("prediction", &rows.predicted())
                .map_err(StageError::from)?
                .into_column()];
            for (j, class) in model.classes.iter().enumerate() {
                let name = format!("proba_{class}");
                cols.push(Series::new(name.into(), proba.column(j).to_vec()).into_column());
            }
            cols
        }
        Predictions::Values(v) => vec![Series::new("prediction".into(), v.to_vec()).into_column()],
        Predictions::Segments(s) => {
            let s: Vec<u32> = s
                .into_iter()
                .map(|x| u32::try_from(x).unwrap_or(u32::MAX))
                .collect();
            vec![Series::new("segment".into(), s).into_column()]
        }
    };
    DataFrame::new(n, columns)
        .map_err(|e| StageError::new(format!("cannot assemble the predictions: {e}")))
}

/// Every column the model needs that the rows lack, reported at once, each with the nearest
/// column the rows do have.
fn check_inputs(inputs: &[String], raw: &DataFrame) -> Result<(), StageError> {
    let have: Vec<&str> = raw.get_column_names().iter().map(|s| s.as_str()).collect();
    let missing: Vec<&String> = inputs
        .iter()
        .filter(|c| !have.contains(&c.as_str()))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let names: Vec<String> = missing.iter().map(|c| format!("`{c}`")).collect();
    let message = match names.as_slice() {
        [one] => format!("the rows have no column {one}, which the model needs"),
        many => format!(
            "the rows lack {} columns the model needs: {}",
            many.len(),
            many.join(", ")
        ),
    };
    let hints: Vec<String> = missing
        .iter()
        .filter_map(|c| did_you_mean(c, have.iter().copied()).map(|s| format!("`{s}` for `{c}`")))
        .collect();
    let help = if hints.is_empty() {
        format!("the model reads these raw columns: {}", inputs.join(", "))
    } else {
        format!("did you mean {}?", hints.join(", "))
    };
    Err(StageError::new(message).code(MISSING_COLUMN).help(help))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::collections::BTreeMap;

    use aimass_engine::{ParamValue, Params};
    use polars::prelude::*;

    use super::*;
    use crate::bundle::Manifest;
    use crate::estimator::Spec;

    fn bundle_of(algorithm: &str, target: Option<&str>) -> Bundle {
        let df = df!(
            "alpha" => [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0],
            "beta" => [0.5, 0.1, 0.9, 0.3, 0.7, 0.2, 0.8, 0.4],
            "y" => [1.5, 2.0, 3.5, 4.0, 5.5, 6.0, 7.5, 8.0]
        )
        .unwrap();
        let mut params = vec![("algorithm".to_string(), ParamValue::word(algorithm))];
        if let Some(t) = target {
            params.push(("target".to_string(), ParamValue::str(t)));
        } else {
            params.push((
                "features".to_string(),
                ParamValue::list(vec![ParamValue::str("alpha"), ParamValue::str("beta")]),
            ));
            params.push(("k".to_string(), ParamValue::int(2)));
        }
        let model = Spec::from_params(&Params::new(params))
            .unwrap()
            .fit(&df, 1)
            .unwrap();
        let bytes = model.to_artifact().unwrap().bytes;
        let manifest = Manifest::new("m", "v1", &model, &bytes, BTreeMap::new());
        Bundle {
            dir: ".".into(),
            manifest,
            model,
        }
    }

    fn rows() -> DataFrame {
        df!("beta" => [0.5, 0.9], "alpha" => [1.0, 3.0], "id" => ["x", "y"]).unwrap()
    }

    #[test]
    fn a_regressor_predicts_values_in_row_order() {
        let bundle = bundle_of("linear", Some("y"));
        let out = score(&bundle, &rows(), 0.5).unwrap();
        assert_eq!(out.get_column_names(), ["prediction"]);
        let expected = bundle.model.predict(&rows()).unwrap();
        let Predictions::Values(v) = expected else {
            panic!("a regressor predicts values")
        };
        let got: Vec<f64> = out
            .column("prediction")
            .unwrap()
            .f64()
            .unwrap()
            .into_no_null_iter()
            .collect();
        assert_eq!(got, v.to_vec());
    }

    #[test]
    fn kmeans_gives_segments() {
        let bundle = bundle_of("kmeans", None);
        let out = score(&bundle, &rows(), 0.5).unwrap();
        assert_eq!(out.get_column_names(), ["segment"]);
        assert_eq!(out.height(), 2);
    }

    #[test]
    fn every_missing_column_is_named_with_a_near_miss() {
        let bundle = bundle_of("linear", Some("y"));
        let rows = df!("Alpha" => [1.0], "zzz" => [2.0]).unwrap();
        let err = score(&bundle, &rows, 0.5).unwrap_err();
        assert_eq!(err.code, MISSING_COLUMN);
        assert_eq!(
            err.message,
            "the rows lack 2 columns the model needs: `alpha`, `beta`"
        );
        assert_eq!(
            err.help.as_deref(),
            Some("did you mean `Alpha` for `alpha`?")
        );
    }
}
