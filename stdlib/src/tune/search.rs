//! The search strategies: which configurations to try, in what order.
//!
//! - `grid`: every configuration of a finite space.
//! - `random(trials)`: `trials` distinct configurations drawn uniformly (the whole grid when
//!   the space has no more configurations than that).
//! - `bayes(trials)`: 10 random configurations (fewer for a tiny budget), then one at a time
//!   proposed by TPE ([`super::tpe`]) from the scores so far.
//! - `evolve(population, generations)`: [`super::evolve`].
//!
//! A configuration is never tried twice. Configurations that do not depend on each other's
//! scores are scored as one batch, in parallel (the evaluator decides how); the draws happen
//! before, on one seeded RNG, so the trials do not depend on the number of threads.

use std::collections::{HashMap, HashSet};

use aimass_engine::{PKind, ParamValue, StageError};
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

use super::evolve::next_generation;
use super::space::{key, Config, Space, CODE};
use super::tpe;

/// A grid larger than this is refused (use random, bayes or evolve).
pub const MAX_GRID: u128 = 100_000;
/// Random configurations a bayes search starts from.
pub const BAYES_STARTUP: usize = 10;

#[derive(Clone, Debug, PartialEq)]
pub enum Method {
    Grid,
    Random {
        trials: usize,
    },
    Bayes {
        trials: usize,
    },
    Evolve {
        population: usize,
        generations: usize,
    },
}

impl Method {
    /// From the checked `search` parameter (defaults already filled in by the checker).
    pub fn from_param(v: Option<&ParamValue>) -> Method {
        let int = |c: &aimass_engine::param::CallValue, name: &str, default: i64| {
            c.arg(name)
                .and_then(ParamValue::as_int)
                .unwrap_or(default)
                .max(1) as usize
        };
        match v.map(|v| &v.kind) {
            Some(PKind::Call(c)) => match c.name.as_str() {
                "random" => Method::Random {
                    trials: int(c, "trials", 50),
                },
                "bayes" => Method::Bayes {
                    trials: int(c, "trials", 50),
                },
                "evolve" => Method::Evolve {
                    population: int(c, "population", 20),
                    generations: int(c, "generations", 10),
                },
                _ => Method::Grid,
            },
            _ => Method::Grid,
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Method::Grid => "grid".into(),
            Method::Random { trials } => format!("random(trials = {trials})"),
            Method::Bayes { trials } => format!("bayes(trials = {trials})"),
            Method::Evolve {
                population,
                generations,
            } => format!("evolve(population = {population}, generations = {generations})"),
        }
    }

    /// Whether this method can search `space`; the error says why not.
    pub fn check(&self, space: &Space, at: &ParamValue) -> Result<(), StageError> {
        if *self != Method::Grid {
            return Ok(());
        }
        match space.grid_size() {
            None => {
                let dim = space
                    .dims
                    .iter()
                    .find(|d| matches!(d.axis, super::space::Axis::Floats(..)))
                    .map(|d| d.name.clone())
                    .unwrap_or_default();
                Err(StageError::new(format!(
                    "a grid cannot cover the float range of `{dim}`"
                ))
                .code(CODE)
                .at(at.span, "this search")
                .help(format!(
                    "give `{dim}` a list of values, or search with random(trials = 50) or bayes(trials = 50)"
                )))
            }
            Some(n) if n > MAX_GRID => Err(StageError::new(format!(
                "the grid has {n} configurations (at most {MAX_GRID})"
            ))
            .code(CODE)
            .at(at.span, "this search")
            .help("narrow the space, or search with random(trials = ...) or bayes(trials = ...)")),
            Some(_) => Ok(()),
        }
    }
}

/// How one configuration did: its mean cross-validated score and per-fold scores (`None`
/// where the metric is undefined).
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    pub mean: Option<f64>,
    pub std: Option<f64>,
    pub folds: Vec<Option<f64>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Trial {
    /// 1-based, in the order tried.
    pub number: usize,
    /// Evolve: the generation (1-based) that first tried it.
    pub generation: Option<usize>,
    pub config: Config,
    pub outcome: Outcome,
}

/// Scores a batch of configurations; outcomes in the batch's order.
pub type Evaluate<'a> = dyn Fn(&[Config]) -> Result<Vec<Outcome>, StageError> + Sync + 'a;

/// Runs the search. `maximise` says which way the metric is better.
pub fn search(
    method: &Method,
    space: &Space,
    seed: u64,
    maximise: bool,
    evaluate: &Evaluate<'_>,
) -> Result<Vec<Trial>, StageError> {
    let mut s = Search {
        space,
        maximise,
        evaluate,
        trials: Vec::new(),
        seen: HashSet::new(),
        rng: Xoshiro256PlusPlus::seed_from_u64(seed),
    };
    match *method {
        Method::Grid => s.run_batch(space.grid(), None)?,
        Method::Random { trials } => {
            let batch = s.distinct_draws(trials);
            s.run_batch(batch, None)?;
        }
        Method::Bayes { trials } => s.bayes(trials)?,
        Method::Evolve {
            population,
            generations,
        } => s.evolve(population, generations)?,
    }
    Ok(s.trials)
}

struct Search<'a, 'e> {
    space: &'a Space,
    maximise: bool,
    evaluate: &'a Evaluate<'e>,
    trials: Vec<Trial>,
    seen: HashSet<String>,
    rng: Xoshiro256PlusPlus,
}

impl Search<'_, '_> {
    /// The score to maximise, `None` when undefined.
    fn goal(&self, o: &Outcome) -> Option<f64> {
        o.mean.map(|m| if self.maximise { m } else { -m })
    }

    /// Tries the configurations not tried before (and not repeated within the batch).
    fn run_batch(
        &mut self,
        configs: Vec<Config>,
        generation: Option<usize>,
    ) -> Result<(), StageError> {
        let fresh: Vec<Config> = configs
            .into_iter()
            .filter(|c| self.seen.insert(key(c)))
            .collect();
        if fresh.is_empty() {
            return Ok(());
        }
        let outcomes = (self.evaluate)(&fresh)?;
        for (config, outcome) in fresh.into_iter().zip(outcomes) {
            self.trials.push(Trial {
                number: self.trials.len() + 1,
                generation,
                config,
                outcome,
            });
        }
        Ok(())
    }

    /// Up to `n` configurations not tried yet, drawn uniformly; the whole remaining grid
    /// when it is that small.
    fn distinct_draws(&mut self, n: usize) -> Vec<Config> {
        if let Some(size) = self.space.grid_size() {
            if size <= n as u128 + self.seen.len() as u128 {
                return self
                    .space
                    .grid()
                    .into_iter()
                    .filter(|c| !self.seen.contains(&key(c)))
                    .take(n)
                    .collect();
            }
        }
        let mut out = Vec::with_capacity(n);
        let mut batch_seen = HashSet::new();
        let mut attempts = 0;
        while out.len() < n && attempts < n * 50 + 100 {
            attempts += 1;
            let c = self.space.sample(&mut self.rng);
            let k = key(&c);
            if !self.seen.contains(&k) && batch_seen.insert(k) {
                out.push(c);
            }
        }
        out
    }

    fn bayes(&mut self, trials: usize) -> Result<(), StageError> {
        let startup = self.distinct_draws(BAYES_STARTUP.min(trials));
        self.run_batch(startup, None)?;
        while self.trials.len() < trials {
            let history: Vec<(Config, f64)> = self
                .trials
                .iter()
                .filter_map(|t| self.goal(&t.outcome).map(|g| (t.config.clone(), g)))
                .collect();
            let proposal = if history.is_empty() {
                None
            } else {
                tpe::propose(self.space, &history, &mut self.rng)
                    .into_iter()
                    .find(|c| !self.seen.contains(&key(c)))
            };
            let next = match proposal {
                Some(c) => c,
                None => match self.distinct_draws(1).pop() {
                    Some(c) => c,
                    None => break, // every configuration has been tried
                },
            };
            self.run_batch(vec![next], None)?;
        }
        Ok(())
    }

    fn evolve(&mut self, population: usize, generations: usize) -> Result<(), StageError> {
        let mut current = self.distinct_draws(population);
        self.run_batch(current.clone(), Some(1))?;
        for generation in 2..=generations {
            let goals: HashMap<String, Option<f64>> = self
                .trials
                .iter()
                .map(|t| (key(&t.config), self.goal(&t.outcome)))
                .collect();
            let score = |c: &Config| goals.get(&key(c)).copied().flatten();
            // Best first; undefined scores last; ties keep the population's order.
            current.sort_by(|a, b| match (score(a), score(b)) {
                (Some(x), Some(y)) => y.total_cmp(&x),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            });
            current = next_generation(self.space, &current, population, &mut self.rng);
            self.run_batch(current.clone(), Some(generation))?;
        }
        Ok(())
    }
}

/// The best trial: highest goal, the earliest on ties; `None` when every score is undefined.
pub fn best(trials: &[Trial], maximise: bool) -> Option<&Trial> {
    let goal = |t: &Trial| t.outcome.mean.map(|m| if maximise { m } else { -m });
    let mut best: Option<(&Trial, f64)> = None;
    for t in trials {
        if let Some(g) = goal(t) {
            if best.is_none_or(|(_, b)| g > b) {
                best = Some((t, g));
            }
        }
    }
    best.map(|(t, _)| t)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::tune::space::{Axis, Dim};

    fn space() -> Space {
        Space {
            dims: vec![
                Dim {
                    name: "max_depth".into(),
                    axis: Axis::Ints(1, 8),
                },
                Dim {
                    name: "criterion".into(),
                    axis: Axis::Values(vec![ParamValue::word("gini"), ParamValue::word("entropy")]),
                },
            ],
        }
    }

    fn depth(c: &Config) -> f64 {
        c[0].as_int().unwrap() as f64
    }

    /// A known score surface: best at depth 5 with entropy.
    fn surface(configs: &[Config]) -> Result<Vec<Outcome>, StageError> {
        Ok(configs
            .iter()
            .map(|c| {
                let e = if c[1] == ParamValue::word("entropy") {
                    0.5
                } else {
                    0.0
                };
                let m = -(depth(c) - 5.0).abs() + e;
                Outcome {
                    mean: Some(m),
                    std: Some(0.0),
                    folds: vec![Some(m)],
                }
            })
            .collect())
    }

    #[test]
    fn grid_tries_every_configuration_once_and_finds_the_best() {
        let t = search(&Method::Grid, &space(), 1, true, &surface).unwrap();
        assert_eq!(t.len(), 16);
        let keys: HashSet<String> = t.iter().map(|t| key(&t.config)).collect();
        assert_eq!(keys.len(), 16);
        let b = best(&t, true).unwrap();
        assert_eq!(depth(&b.config), 5.0);
        assert_eq!(b.config[1], ParamValue::word("entropy"));
    }

    #[test]
    fn random_draws_distinct_configurations_and_the_whole_grid_when_small() {
        let t = search(&Method::Random { trials: 10 }, &space(), 3, true, &surface).unwrap();
        assert_eq!(t.len(), 10);
        let keys: HashSet<String> = t.iter().map(|t| key(&t.config)).collect();
        assert_eq!(keys.len(), 10);
        let all = search(&Method::Random { trials: 40 }, &space(), 3, true, &surface).unwrap();
        assert_eq!(all.len(), 16, "only 16 configurations exist");
    }

    #[test]
    fn searches_are_reproducible_and_find_the_peak() {
        for method in [
            Method::Random { trials: 12 },
            Method::Bayes { trials: 14 },
            Method::Evolve {
                population: 6,
                generations: 5,
            },
        ] {
            let a = search(&method, &space(), 9, true, &surface).unwrap();
            let b = search(&method, &space(), 9, true, &surface).unwrap();
            assert_eq!(a, b, "{method:?}");
            let top = best(&a, true).unwrap();
            assert!(
                (depth(&top.config) - 5.0).abs() <= 1.0,
                "{method:?} best {:?}",
                top.config
            );
        }
    }

    #[test]
    fn minimising_picks_the_lowest_and_undefined_scores_never_win() {
        let t = vec![
            Trial {
                number: 1,
                generation: None,
                config: vec![ParamValue::int(1)],
                outcome: Outcome {
                    mean: None,
                    std: None,
                    folds: vec![],
                },
            },
            Trial {
                number: 2,
                generation: None,
                config: vec![ParamValue::int(2)],
                outcome: Outcome {
                    mean: Some(0.3),
                    std: None,
                    folds: vec![],
                },
            },
            Trial {
                number: 3,
                generation: None,
                config: vec![ParamValue::int(3)],
                outcome: Outcome {
                    mean: Some(0.2),
                    std: None,
                    folds: vec![],
                },
            },
        ];
        assert_eq!(best(&t, false).unwrap().number, 3);
        assert_eq!(best(&t, true).unwrap().number, 2);
        assert!(best(&t[..1], true).is_none());
    }
}
