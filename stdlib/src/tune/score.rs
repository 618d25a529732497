//! Scoring configurations: each is cross-validated on one prepared matrix (the same folds for
//! every configuration, so they are compared on equal terms), configurations in parallel and
//! each one's folds in parallel too.

use aimass_engine::{ParamValue, StageError};
use rayon::prelude::*;

use super::search::Outcome;
use super::space::{trial_params, Config, Space};
use crate::estimator::{cross_validate_prepared, Metric, PreparedFolds, Spec, Training};

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
        Spec::from_params(&trial_params(self.base, self.space, config)).map_err(|mut e| {
            let first = e.remove(0);
            StageError::new(format!(
                "configuration {}: {}",
                self.space.describe(config),
                first.message
            ))
            .code("aimass::tune::space")
        })
    }

    /// Outcomes in the batch's order; the first failing configuration (in that order) is the
    /// error, whatever finished first.
    pub fn score(&self, configs: &[Config]) -> Result<Vec<Outcome>, StageError> {
        let results: Vec<Result<Outcome, StageError>> =
            configs.par_iter().map(|c| self.score_one(c)).collect();
        results.into_iter().collect()
    }

    fn score_one(&self, config: &Config) -> Result<Outcome, StageError> {
        let spec = self.spec(config)?;
        let mut model = self.training.model.clone();
        model.spec.algorithm = spec.algorithm;
        model.seed = self.fit_seed;
        let report =
            cross_validate_prepared(&model, self.folds, std::slice::from_ref(self.metric), 0.5)
                .map_err(|e| {
                    let e = StageError::from(e);
                    StageError {
                        message: format!(
                            "configuration {}: {}",
                            self.space.describe(config),
                            e.message
                        ),
                        ..e
                    }
                })?;
        let name = self.metric.name();
        Ok(Outcome {
            mean: report.mean.get(&name).copied(),
            std: report.std.get(&name).copied(),
            folds: report
                .folds
                .iter()
                .map(|f| f.scores.get(&name).copied())
                .collect(),
        })
    }
}
