//! `score`: a model's predictions on raw rows, inside the pipeline: the campaign list.
//!
//! The rows go through the model's recipe and the model by the same code as `aimass predict`
//! and `aimass serve` ([`bundle::score_model`]), so the numbers are the same. Output: the
//! kept input columns (all by default), then `prediction` and `proba_<class>` per class (a
//! classifier), then `decile` and `rank` (see [`bundle::rank_rows`]), in rank order: rank 1
//! (the most likely responder) first. `top = 5000` or `top = 10%` keeps the best rows only.

use std::sync::Arc;

use aimass_engine::{
    Artifact, ArtifactType, Frame, Outputs, PKind, ParamSig, ParamValue, Params, RunContext,
    Signature, StageError, StageKind, Ty,
};

use crate::bundle::list::{campaign_list, codes, ListOptions};
use crate::bundle::{self, Top};
use crate::data::columns::{require, Named};
use crate::estimator::TrainedModel;

const PARAM: &str = "aimass::score::param";

pub fn signature() -> Signature {
    Signature::new(
        "score",
        "Scores raw rows with a model (through its recipe): predictions, class probabilities, \
         decile and rank, best first; `top` keeps the campaign list's best rows.",
    )
    .input("model", ArtifactType::Model, "the model to apply")
    .input(
        "data",
        ArtifactType::Frame,
        "raw rows to score, as `collect` reads them",
    )
    .param(ParamSig::optional(
        "keep",
        Ty::list(Ty::Str),
        "input columns to carry into the list, e.g. [customer_id] (default: all)",
    ))
    .param(ParamSig::optional(
        "top",
        Ty::OneOf(vec![Ty::Int, Ty::Fraction]),
        "keep the best rows only: a count (5000) or a share (10%: exactly decile 1)",
    ))
    .param(ParamSig::with_default(
        "threshold",
        Ty::Fraction,
        ParamValue::float(0.5),
        "probability above which a binary classifier predicts the positive class",
    ))
    .output("out", ArtifactType::Frame, "the scored rows, rank 1 first")
}

pub struct Score {
    sig: Signature,
}

/// The kind to register.
pub fn kind() -> Arc<dyn StageKind> {
    Arc::new(Score { sig: signature() })
}

fn top(params: &Params) -> Option<Top> {
    match &params.get("top")?.kind {
        PKind::Int(k) => Some(Top::Rows(usize::try_from(*k).unwrap_or(0))),
        PKind::Float(f) => Some(Top::Fraction(*f)),
        _ => None,
    }
}

impl StageKind for Score {
    fn signature(&self) -> &Signature {
        &self.sig
    }

    fn validate(&self, params: &Params) -> Vec<StageError> {
        let Some(v) = params.get("top") else {
            return Vec::new();
        };
        let empty = match &v.kind {
            PKind::Int(k) => *k < 1,
            PKind::Float(f) => *f <= 0.0,
            _ => false,
        };
        if !empty {
            return Vec::new();
        }
        vec![StageError::new("`top` keeps no row")
            .code(PARAM)
            .at(v.span, "must be at least 1 row or above 0%")
            .help("write a row count such as `top = 5000` or a share such as `top = 10%`")]
    }

    fn run(&self, ctx: &RunContext<'_>) -> Result<Outputs, StageError> {
        if let Some(e) = self.validate(ctx.params).into_iter().next() {
            return Err(e);
        }
        let params = ctx.params;
        let model =
            TrainedModel::from_artifact(ctx.model("model")?).map_err(|e| e.at(params, "model"))?;
        let raw = &ctx.frame("data")?.data;
        // Each kept column is checked here, where its own span is known.
        let keep = match params.get("keep").map(Named::list) {
            Some(keep) => {
                for col in &keep {
                    require(raw, col, "to keep")?;
                }
                Named::names(&keep)
            }
            None => crate::data::columns::column_names(raw),
        };
        let opts = ListOptions {
            keep: Some(keep),
            top: top(params),
            sort: true,
            threshold: params.float("threshold").unwrap_or(0.5),
        };
        let inputs = bundle::model_inputs(&model);
        let list = campaign_list(&model, &inputs, raw, &opts).map_err(|e| {
            let (param, label) = match e.code.as_str() {
                codes::NO_RANKING => ("top", "asks for a top cut"),
                codes::CLASH if params.get("keep").is_some() => ("keep", "keeps it"),
                _ => ("data", "these rows"),
            };
            e.at_param(params, param, label)
        })?;
        Ok(Outputs::one("out", Artifact::Frame(Frame::new(list))))
    }
}
