//! A campaign list: raw rows scored, with the columns to carry, ranked, optionally cut to the
//! best rows. One function for `aimass predict`, the `score` stage and `aimass serve`, so the
//! three give the same numbers for the same rows.

use aimass_engine::{did_you_mean, StageError};
use polars::prelude::{DataFrame, IntoColumn};

use super::ranking::{rank_rows, ranking_column, Top};
use super::score::score_model;
use crate::estimator::{Task, TrainedModel};

/// The diagnostic codes of a list.
pub mod codes {
    /// A column to keep that the rows lack.
    pub const KEEP: &str = "aimass::score::keep";
    /// A kept column with the name of a column scoring adds.
    pub const CLASH: &str = "aimass::score::column_clash";
    /// A top cut asked of a model that has no single score to rank by.
    pub const NO_RANKING: &str = "aimass::score::no_ranking";
}

/// What the list holds beside the predictions.
#[derive(Clone, Debug, Default)]
pub struct ListOptions {
    /// Input columns to carry, in this order: `None` carries none.
    pub keep: Option<Vec<String>>,
    /// Keep only the best rows (in rank order).
    pub top: Option<Top>,
    /// Put every row in rank order (a top cut always does).
    pub sort: bool,
    /// A binary classifier's decision threshold for `prediction`.
    pub threshold: f64,
}

/// `raw` scored by `model` (whose raw `inputs` are [`super::model_inputs`]): the kept
/// columns, then the predictions, then `decile` and `rank` when the model ranks rows
/// ([`ranking_column`]).
pub fn campaign_list(
    model: &TrainedModel,
    inputs: &[String],
    raw: &DataFrame,
    opts: &ListOptions,
) -> Result<DataFrame, StageError> {
    let kept = match &opts.keep {
        None => DataFrame::empty_with_height(raw.height()),
        Some(keep) => {
            check_kept(raw, keep)?;
            raw.select(keep.iter().cloned())
                .map_err(|e| StageError::new(format!("cannot keep the columns: {e}")))?
        }
    };
    let predicted = score_model(model, inputs, raw, opts.threshold)?;
    let by = ranking_column(model);
    let mut out = kept;
    let mut added: Vec<String> = crate::data::columns::column_names(&predicted);
    if by.is_some() {
        added.extend(["decile".to_string(), "rank".to_string()]);
    }
    for name in added {
        if out.get_column_index(&name).is_some() {
            return Err(StageError::new(format!(
                "the rows already have a column `{name}`, which scoring adds"
            ))
            .code(codes::CLASH)
            .help(format!("rename `{name}` before scoring, or do not keep it")));
        }
    }
    for col in predicted.columns() {
        out.with_column(col.clone().into_column())
            .map_err(|e| StageError::new(format!("cannot add the predictions: {e}")))?;
    }
    match (by, opts.top) {
        (Some(by), top) => rank_rows(out, &by, top, opts.sort),
        (None, Some(_)) => Err(StageError::new(format!(
            "a top cut needs one score to rank rows by, and a {} model has none",
            describe(model)
        ))
        .code(codes::NO_RANKING)
        .help(
            "rank with a binary classifier (by its positive class's probability) or a regressor",
        )),
        (None, None) => Ok(out),
    }
}

fn check_kept(raw: &DataFrame, keep: &[String]) -> Result<(), StageError> {
    let have: Vec<&str> = raw.get_column_names().iter().map(|s| s.as_str()).collect();
    for col in keep {
        if have.contains(&col.as_str()) {
            continue;
        }
        let e =
            StageError::new(format!("the rows have no column `{col}` to keep")).code(codes::KEEP);
        return Err(match did_you_mean(col, have.iter().copied()) {
            Some(s) => e.help(format!("did you mean `{s}`?")),
            None => e.help(format!("the rows have: {}", have.join(", "))),
        });
    }
    Ok(())
}

fn describe(model: &TrainedModel) -> String {
    match model.task {
        Task::Classification => format!("{}-class classification", model.classes.len()),
        t => t.name().to_string(),
    }
}
