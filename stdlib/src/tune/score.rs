//! Scoring configurations: each is cross-validated on one prepared matrix (the same folds for
//! every configuration, so they are compared on equal terms), configurations in parallel and
//! each one's folds in parallel too.
//!
//! Decision-tree configurations that differ only in `max_depth` and `min_samples_split` are
//! scored together: per fold one tree is grown with the group's loosest limits and the
//! others are read from it (a greedy CART tree chooses each split regardless of these two
//! limits, which only decide whether a node is split: a tree limited to depth d is the
//! depth-d prefix of the deeper tree), with outcomes identical to scoring each alone
//! (tested in stdlib/tests/ml_tune.rs).
//!
//! Gradient-boosting configurations are scored on binned rows kept in the folds: each
//! fold's training rows are binned once for every configuration with the same `max_bins`
//! and `early_stopping` (binning depends on nothing else). Configurations that differ only
//! in `n_trees` are scored together: per fold one model of the most rounds is boosted and
//! the shorter ones are its first rounds (re-judged for early stopping), again with outcomes
//! identical to scoring each alone.

use aimass_engine::{ParamValue, StageError};
use rayon::prelude::*;

use std::collections::BTreeMap;
use std::time::Instant;

use super::search::Outcome;
use super::space::{key, trial_params, Config, Space};
use crate::estimator::cv::{cross_validate_boosted, cross_validate_nested, CvReport};
use crate::estimator::{cross_validate_prepared, Algorithm, Metric, PreparedFolds, Spec, Training};

pub struct Scorer<'a> {
    pub training: &'a Training,
    /// The stage's learning parameters (target, features, algorithm, ...).
    pub base: &'a [(String, ParamValue)],
    pub space: &'a Space,
    pub metric: &'a Metric,
    /// The training rows cut into folds once, the same for every configuration.
    pub folds: &'a PreparedFolds,
    /// Seeds each fit (random forests).
    pub fit_seed: u64,
}

impl Scorer<'_> {
    /// The specification of one configuration.
    pub fn spec(&self, config: &Config) -> Result<Spec, StageError> {
        Spec::from_params(&trial_params(self.base, self.space, config)).map_err(|e| {
            let first = StageError::first(e);
            StageError::new(format!(
                "configuration {}: {}",
                self.space.describe(config),
                first.message
            ))
            .code("aimass::tune::space")
        })
    }

    /// Outcomes in the batch's order; the first failing configuration (in that order) is the
    /// error, whatever finished first. A group of configurations not started by `deadline`
    /// is `None` (a wall-time budget ran out).
    pub fn score(
        &self,
        configs: &[Config],
        deadline: Option<Instant>,
    ) -> Result<Vec<Option<Outcome>>, StageError> {
        // Specifications are made per group, inside the parallel loop, so that a budget's
        // clock starts scoring at once even for a batch of thousands.
        let Some(first) = configs.first() else {
            return Ok(Vec::new());
        };
        let nested: &[&str] = match self.spec(first)?.algorithm {
            Algorithm::DecisionTree(_) => &["max_depth", "min_samples_split"],
            Algorithm::GradientBoosting(_) => &["n_trees"],
            _ => &[],
        };
        let groups = self.nested_groups(configs, nested);
        let scored: Vec<Result<Vec<(usize, Outcome)>, StageError>> = groups
            .par_iter()
            .map(|group| {
                if deadline.is_some_and(|d| Instant::now() >= d) {
                    return Ok(Vec::new());
                }
                self.score_group(configs, group)
            })
            .collect();
        let mut out: Vec<Option<Outcome>> = vec![None; configs.len()];
        let mut first_error: Option<(usize, StageError)> = None;
        for (group, result) in groups.iter().zip(scored) {
            match result {
                Ok(outcomes) => outcomes.into_iter().for_each(|(i, o)| out[i] = Some(o)),
                Err(e) => {
                    let at = group.first().copied().unwrap_or(usize::MAX);
                    if first_error.as_ref().is_none_or(|(i, _)| at < *i) {
                        first_error = Some((at, e));
                    }
                }
            }
        }
        if let Some((_, e)) = first_error {
            return Err(e);
        }
        Ok(out)
    }

    /// Each configuration alone: what [`Scorer::score`] must equal.
    pub fn score_each(&self, configs: &[Config]) -> Result<Vec<Outcome>, StageError> {
        let results: Vec<Result<Outcome, StageError>> = configs
            .par_iter()
            .map(|c| {
                let spec = self.spec(c)?;
                self.cross_validate(&spec, c)
            })
            .collect();
        results.into_iter().collect()
    }

    /// Configurations scored together: those equal but for the `nested` hyperparameters
    /// (decision trees: `max_depth` and `min_samples_split`; gradient boosting: `n_trees`)
    /// share a group; every other configuration is a group of its own. Groups in the order
    /// of their first configuration.
    fn nested_groups(&self, configs: &[Config], nested: &[&str]) -> Vec<Vec<usize>> {
        let nested: Vec<usize> = (0..self.space.dims.len())
            .filter(|&i| nested.contains(&self.space.dims[i].name.as_str()))
            .collect();
        let mut groups: Vec<Vec<usize>> = Vec::new();
        let mut by_rest: BTreeMap<String, usize> = BTreeMap::new();
        for (i, config) in configs.iter().enumerate() {
            match (!nested.is_empty()).then_some(&nested) {
                Some(nested) => {
                    let rest: Config = config
                        .iter()
                        .enumerate()
                        .filter(|(d, _)| !nested.contains(d))
                        .map(|(_, v)| v.clone())
                        .collect();
                    let g = *by_rest.entry(key(&rest)).or_insert_with(|| {
                        groups.push(Vec::new());
                        groups.len() - 1
                    });
                    groups[g].push(i);
                }
                None => groups.push(vec![i]),
            }
        }
        groups
    }

    fn score_group(
        &self,
        configs: &[Config],
        group: &[usize],
    ) -> Result<Vec<(usize, Outcome)>, StageError> {
        let first = group[0];
        let specs = group
            .iter()
            .map(|&i| self.spec(&configs[i]))
            .collect::<Result<Vec<Spec>, StageError>>()?;
        if let Algorithm::GradientBoosting(_) = &specs[0].algorithm {
            return self.score_boosted(configs, group, &specs);
        }
        if group.len() == 1 {
            return Ok(vec![(
                first,
                self.cross_validate(&specs[0], &configs[first])?,
            )]);
        }
        let cuts: Vec<crate::ml::Cut> = specs
            .iter()
            .map(|spec| match &spec.algorithm {
                Algorithm::DecisionTree(t) => crate::ml::Cut {
                    max_depth: t.limits.max_depth,
                    min_samples_split: t.limits.min_samples_split,
                },
                _ => crate::ml::Cut {
                    max_depth: None,
                    min_samples_split: 2,
                },
            })
            .collect();
        let model = self.model(&specs[0]);
        let reports = cross_validate_nested(
            &model,
            &cuts,
            self.folds,
            std::slice::from_ref(self.metric),
            0.5,
        )
        .unwrap_or_else(|| {
            Err(crate::estimator::EstimatorError::fit(
                "internal error: not a tree",
            ))
        })
        .map_err(|e| self.config_error(&configs[first], e))?;
        Ok(group
            .iter()
            .zip(reports)
            .map(|(&i, r)| (i, self.outcome(&r)))
            .collect())
    }

    /// Gradient-boosting configurations equal but for `n_trees`: one boosting run per fold,
    /// on the fold's shared binned rows.
    fn score_boosted(
        &self,
        configs: &[Config],
        group: &[usize],
        specs: &[Spec],
    ) -> Result<Vec<(usize, Outcome)>, StageError> {
        let n_trees: Vec<usize> = specs
            .iter()
            .map(|spec| match &spec.algorithm {
                Algorithm::GradientBoosting(g) => g.params.n_trees,
                _ => 0,
            })
            .collect();
        let first = group[0];
        let reports = cross_validate_boosted(
            &self.model(&specs[0]),
            &n_trees,
            self.folds,
            std::slice::from_ref(self.metric),
            0.5,
        )
        .unwrap_or_else(|| {
            Err(crate::estimator::EstimatorError::fit(
                "internal error: not gradient boosting",
            ))
        })
        .map_err(|e| self.config_error(&configs[first], e))?;
        Ok(group
            .iter()
            .zip(reports)
            .map(|(&i, r)| (i, self.outcome(&r)))
            .collect())
    }

    fn model(&self, spec: &Spec) -> crate::estimator::TrainedModel {
        let mut model = self.training.model.clone();
        model.spec.algorithm = spec.algorithm.clone();
        model.seed = self.fit_seed;
        model
    }

    fn config_error(&self, config: &Config, e: crate::estimator::EstimatorError) -> StageError {
        let e = StageError::from(e);
        StageError {
            message: format!(
                "configuration {}: {}",
                self.space.describe(config),
                e.message
            ),
            ..e
        }
    }

    fn cross_validate(&self, spec: &Spec, config: &Config) -> Result<Outcome, StageError> {
        let report = cross_validate_prepared(
            &self.model(spec),
            self.folds,
            std::slice::from_ref(self.metric),
            0.5,
        )
        .map_err(|e| self.config_error(config, e))?;
        Ok(self.outcome(&report))
    }

    fn outcome(&self, report: &CvReport) -> Outcome {
        let name = self.metric.name();
        Outcome {
            mean: report.mean.get(&name).copied(),
            std: report.std.get(&name).copied(),
            folds: report
                .folds
                .iter()
                .map(|f| f.scores.get(&name).copied())
                .collect(),
        }
    }
}
