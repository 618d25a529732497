//! `tune`: hyperparameter search with k-fold cross-validation.
//!
//! Reads the learning parameters as a model stage would (target, features, algorithm, ...),
//! the `space` of hyperparameters to search and the `search` strategy ([`crate::tune`]).
//! Every configuration is cross-validated with the same `cv` folds of the input frame on
//! `metric`; the best (the earliest on ties) is refitted on all rows and output as `model`,
//! with the input's recipe, exactly as a model stage with those hyperparameters would give.
//! `trials` lists every configuration tried with its fold scores.

use std::sync::{Arc, OnceLock};

use aimass_engine::{
    Artifact, ArtifactType, CallSig, Outputs, ParamSig, ParamValue, Params, RunContext, Signature,
    StageError, StageKind, Ty,
};
use serde_json::{json, Value as Json};

use super::common::{learning_params, metric_ty};
use super::model::seed_of;
use crate::estimator::Training;
use crate::estimator::{Metric, PreparedFolds, Spec};
use crate::tune::halving::nested_order;
use crate::tune::{best, search, Budget, Cut, Method, Scorer, Searched, Setting, Space, Trial};

/// The parameters a model stage reads from a tune stage.
const LEARNING: &[&str] = &["target", "features", "task", "algorithm", "positive"];
const CODE: &str = "aimass::tune::param";

pub fn signature() -> Signature {
    let trials = || {
        ParamSig::with_default(
            "trials",
            Ty::Int,
            ParamValue::int(50),
            "number of configurations tried",
        )
        .bounds(1.0, 1e6)
    };
    let search = Ty::Call(vec![
        CallSig::new("grid"),
        CallSig::new("random").param(trials()),
        CallSig::new("bayes").param(trials()),
        CallSig::new("evolve")
            .param(
                ParamSig::with_default(
                    "population",
                    Ty::Int,
                    ParamValue::int(20),
                    "configurations per generation",
                )
                .bounds(2.0, 1e5),
            )
            .param(
                ParamSig::with_default("generations", Ty::Int, ParamValue::int(10), "generations")
                    .bounds(1.0, 1e5),
            ),
        CallSig::new("halving")
            .param(
                ParamSig::optional(
                    "trials",
                    Ty::Int,
                    "candidates (default: the whole grid, or 81 random ones)",
                )
                .bounds(1.0, 1e6),
            )
            .param(
                ParamSig::with_default(
                    "factor",
                    Ty::Int,
                    ParamValue::int(3),
                    "each rung keeps 1/factor of the candidates on factor times the rows",
                )
                .bounds(2.0, 100.0),
            )
            .param(
                ParamSig::optional(
                    "min_rows",
                    Ty::Int,
                    "rows of the first rung at least (default: 20 per class and fold)",
                )
                .bounds(2.0, 1e12),
            ),
    ]);
    let number = Ty::OneOf(vec![Ty::Int, Ty::Float]);
    let axis = Ty::OneOf(vec![Ty::Range(Box::new(number)), Ty::list(Ty::Any)]);
    let mut sig = Signature::new(
        "tune",
        "Searches hyperparameters by k-fold cross-validation and refits the best on all rows.",
    )
    .input("input", ArtifactType::Frame, "the training frame");
    for p in learning_params() {
        sig = sig.param(p);
    }
    sig.param(ParamSig::with_default(
        "search",
        search,
        ParamValue::word("grid"),
        "grid | random(trials) | bayes(trials) | evolve(population, generations) | halving(trials, factor, min_rows)",
    ))
    .param(ParamSig::optional(
        "budget",
        Ty::OneOf(vec![Ty::Duration, Ty::Int]),
        "stop the search after this wall time (30s, 15m) or this many trials, keeping the best so far",
    )
    .bounds(1.0, 1e9))
    .param(
        ParamSig::with_default("cv", Ty::Int, ParamValue::int(5), "number of folds")
            .bounds(2.0, 100.0),
    )
    .param(ParamSig::with_default(
        "metric",
        metric_ty(),
        ParamValue::word("roc_auc"),
        "what the search maximises (minimises for losses)",
    ))
    .param(ParamSig::required(
        "space",
        Ty::MapOf(Box::new(axis)),
        "{ max_depth = 2..12, min_samples_leaf = [1, 2, 5] }",
    ))
    .param(ParamSig::optional(
        "seed",
        Ty::Int,
        "random seed (default: the pipeline's)",
    ))
    .output(
        "model",
        ArtifactType::Model,
        "the best configuration, refitted",
    )
    .output(
        "trials",
        ArtifactType::Metrics,
        "every configuration tried with its fold scores",
    )
}

pub struct Tune {
    sig: Signature,
}

/// The kind to register.
pub fn kind() -> Arc<dyn StageKind> {
    Arc::new(Tune { sig: signature() })
}

/// Everything a tune stage says, checked.
struct Plan {
    base: Vec<(String, ParamValue)>,
    spec: Spec,
    space: Space,
    method: Method,
    budget: Budget,
    metric: Metric,
    folds: usize,
}

fn plan(params: &Params) -> Result<Plan, Vec<StageError>> {
    let base: Vec<(String, ParamValue)> = params
        .iter()
        .filter(|(k, _)| LEARNING.contains(k))
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    let mut errors = Vec::new();
    let spec = Spec::from_params(&Params::new(base.clone()))
        .map_err(|e| errors.extend(e))
        .ok();
    let algorithm = params.str("algorithm").unwrap_or_default();
    let space = match params.get("space") {
        Some(v) => Space::read(v, algorithm).map_err(|e| errors.extend(e)).ok(),
        None => None,
    };
    let method = Method::from_param(params.get("search"));
    if let Some(v) = params.get("budget") {
        if v.as_duration().is_some_and(|d| d.is_zero()) {
            errors.push(
                StageError::new("a budget of no time leaves nothing to search")
                    .code(CODE)
                    .at(v.span, "this budget")
                    .help("give the search some time, e.g. budget = 30s"),
            );
        }
    }
    if let (Some(space), Some(at)) = (&space, params.get("search")) {
        if let Err(e) = method.check(space, at) {
            errors.push(e);
        }
    }
    let metric_value = params.get("metric");
    let metric = metric_value.and_then(Metric::from_param);
    if let (Some(m), Some(spec), Some(v)) = (&metric, &spec, metric_value) {
        if m.task() != spec.task() {
            errors.push(
                StageError::new(format!(
                    "`{}` scores {} models, but `{algorithm}` is a {} algorithm",
                    m.name(),
                    m.task().name(),
                    spec.task().name()
                ))
                .code(CODE)
                .at(v.span, "this metric")
                .help(format!(
                    "for {}, use one of: {}",
                    spec.task().name(),
                    Metric::all_of(spec.task())
                        .iter()
                        .map(Metric::name)
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            );
        }
    }
    if let Some(spec) = &spec {
        if spec.task() == crate::estimator::Task::Segmentation {
            errors.push(
                StageError::new("kmeans has no target to cross-validate against")
                    .code(CODE)
                    .at(
                        params.get("algorithm").map(|v| v.span).unwrap_or_default(),
                        "this algorithm",
                    )
                    .help("tune a classifier or a regressor"),
            );
        }
    }
    match (spec, space, metric) {
        (Some(spec), Some(space), Some(metric)) if errors.is_empty() => Ok(Plan {
            base,
            spec,
            space,
            method,
            budget: Budget::from_param(params.get("budget")),
            metric,
            folds: params.int("cv").unwrap_or(5).max(2) as usize,
        }),
        _ => {
            if errors.is_empty() {
                errors.push(StageError::new("incomplete tune parameters").code(CODE));
            }
            Err(errors)
        }
    }
}

impl StageKind for Tune {
    fn signature(&self) -> &Signature {
        &self.sig
    }

    /// 2: the trials output carries a one-line summary of the winner. 3: trees keep the rows
    /// reaching each node (for feature importance). 4: a model trained on raw rows carries
    /// their profile in its recipe.
    fn version(&self) -> String {
        "4".to_string()
    }

    fn validate(&self, params: &Params) -> Vec<StageError> {
        plan(params).err().unwrap_or_default()
    }

    fn plugins(&self, params: &Params) -> std::collections::BTreeMap<String, String> {
        super::common::algorithm_plugins(params)
    }

    fn run(&self, ctx: &RunContext<'_>) -> Result<Outputs, StageError> {
        let plan = plan(ctx.params).map_err(StageError::first)?;
        let frame = ctx.frame("input")?;
        let seed = seed_of(ctx.params, ctx.seed);
        let training = plan
            .spec
            .training(&frame.data)
            .map_err(|e| e.at(ctx.params, "input"))?;
        let folds = PreparedFolds::new(&training.x, &training.target, plan.folds, seed)
            .map_err(|e| e.at(ctx.params, "cv"))?;
        let scorer = Scorer {
            training: &training,
            base: &plan.base,
            space: &plan.space,
            metric: &plan.metric,
            folds: &folds,
            fit_seed: seed,
        };
        let maximise = plan.metric.higher_is_better();
        let setting = Setting {
            seed,
            maximise,
            budget: plan.budget,
            rows: training.x.nrows(),
        };
        let order = OnceLock::new();
        let searched = search(&plan.method, &plan.space, &setting, &|ask| match ask.rows {
            None => scorer.score(ask.configs, ask.deadline),
            Some(rows) => {
                // A halving rung: the same search on the first `rows` of one nested order.
                let order = order.get_or_init(|| nested_order(&training.target, seed));
                let folds = subset_folds(&training, order, rows, plan.folds, seed)
                    .map_err(|e| e.at(ctx.params, "search"))?;
                Scorer {
                    folds: &folds,
                    ..scorer
                }
                .score(ask.configs, ask.deadline)
            }
        })?;
        let trials = &searched.trials;
        if trials.is_empty() && searched.cut == Some(Cut::Time) {
            return Err(StageError::new(format!(
                "the budget ({}) ran out before any configuration was scored",
                plan.budget.describe().unwrap_or_default()
            ))
            .code(CODE)
            .at(
                ctx.params.get("budget").map(|v| v.span).unwrap_or_default(),
                "this budget",
            )
            .help("give the search more time, or fewer rows or folds"));
        }
        let Some(winner) = best(trials, maximise) else {
            return Err(StageError::new(format!(
                "`{}` is undefined in every fold of every configuration",
                plan.metric.name()
            ))
            .code(CODE)
            .at(
                ctx.params.get("metric").map(|v| v.span).unwrap_or_default(),
                "this metric",
            )
            .help("choose a metric defined on these rows, e.g. roc_auc or accuracy"));
        };
        let spec = scorer.spec(&winner.config)?;
        let model = training
            .fit(&spec.algorithm, seed)
            .map_err(|e| e.at(ctx.params, "input"))?
            .with_recipe(crate::drift::recipe_with_profile(frame));
        let report = report(&plan, seed, &searched, winner);
        Ok(Outputs::one("model", Artifact::Model(model.to_artifact()?))
            .with("trials", Artifact::Metrics(report)))
    }
}

/// A halving rung's folds: the first `rows` of `order` (kept in their original order), cut
/// into `k` folds the same way as all rows are.
fn subset_folds(
    training: &Training,
    order: &[usize],
    rows: usize,
    k: usize,
    seed: u64,
) -> Result<PreparedFolds, crate::estimator::EstimatorError> {
    let mut pick: Vec<usize> = order[..rows.min(order.len())].to_vec();
    pick.sort_unstable();
    let x = training.x.select(ndarray::Axis(0), &pick);
    let target = training.target.select(&pick);
    PreparedFolds::new(&x, &target, k, seed)
}

/// The `trials` output: every configuration with its scores, and the winner.
fn report(plan: &Plan, seed: u64, searched: &Searched, winner: &Trial) -> Json {
    let trials = &searched.trials;
    let entry = |t: &Trial| {
        let mut e = json!({
            "trial": t.number,
            "generation": t.generation,
            "params": plan.space.to_json(&t.config),
            "mean": t.outcome.mean,
            "std": t.outcome.std,
            "folds": t.outcome.folds,
        });
        // Halving only, so that other searches' reports are unchanged.
        if let Some(rung) = t.rung {
            e["rung"] = json!(rung);
            e["rows"] = json!(t.rows);
        }
        e
    };
    let cut = match searched.cut {
        Some(cut) => format!(
            "; stopped by the {} budget ({})",
            cut.name(),
            plan.budget.describe().unwrap_or_default()
        ),
        None => String::new(),
    };
    let summary = format!(
        "best of {} trials{cut}: {} ({} {} in {}-fold CV)",
        trials.len(),
        plan.space.describe(&winner.config),
        plan.metric.name(),
        match (winner.outcome.mean, winner.outcome.std) {
            (Some(m), Some(s)) => format!("{m:.4} ± {s:.4}"),
            (Some(m), None) => format!("{m:.4}"),
            _ => "undefined".to_string(),
        },
        plan.folds
    );
    let mut out = json!({
        "summary": summary,
        "search": plan.method.describe(),
        "metric": plan.metric.name(),
        "goal": if plan.metric.higher_is_better() { "maximise" } else { "minimise" },
        "cv": plan.folds,
        "seed": seed,
        "space_size": plan.space.grid_size().map(|n| n.to_string()),
        // The winner's cross-validated score, shown by `aimass run` and `aimass metrics`
        // next to the evaluate stages' held-out scores.
        "scores": { format!("{} (cv)", plan.metric.name()): winner.outcome.mean },
        "best": entry(winner),
        "trials": trials.iter().map(entry).collect::<Vec<_>>(),
    });
    // Only under a budget, so that other searches' reports are unchanged.
    if let Some(budget) = plan.budget.describe() {
        out["budget"] = json!(budget);
        out["stopped_by"] = json!(searched.cut.map(|c| c.name()));
    }
    out
}
