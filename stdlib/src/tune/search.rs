//! The search strategies: which configurations to try, in what order.
//!
//! - `grid`: every configuration of a finite space.
//! - `random(trials)`: `trials` distinct configurations drawn uniformly (the whole grid when
//!   the space has no more configurations than that).
//! - `bayes(trials)`: 10 random configurations (fewer for a tiny budget), then one at a time
//!   proposed by TPE ([`super::tpe`]) from the scores so far.
//! - `evolve(population, generations)`: [`super::evolve`].
//! - `halving(trials, factor, min_rows)`: successive halving over rows ([`super::halving`]).
//!
//! Any of them under a `budget` ([`super::budget`]): a wall time or a number of trials.
//!
//! A configuration is never tried twice. Configurations that do not depend on each other's
//! scores are scored as one batch, in parallel (the evaluator decides how); the draws happen
//! before, on one seeded RNG, so the trials do not depend on the number of threads.

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use aimass_engine::{PKind, ParamValue, StageError};
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

use super::budget::{Budget, Cut};
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
    Halving {
        /// `None`: the whole grid (or [`super::halving::DEFAULT_TRIALS`] random draws when
        /// the space has a float range).
        trials: Option<usize>,
        factor: usize,
        /// `None`: [`super::halving::min_rows`].
        min_rows: Option<usize>,
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
                "halving" => Method::Halving {
                    trials: c
                        .arg("trials")
                        .and_then(ParamValue::as_int)
                        .map(|n| n.max(1) as usize),
                    factor: int(c, "factor", 3).max(2),
                    min_rows: c
                        .arg("min_rows")
                        .and_then(ParamValue::as_int)
                        .map(|n| n.max(2) as usize),
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
            Method::Halving {
                trials,
                factor,
                min_rows,
            } => {
                let mut args = Vec::new();
                if let Some(t) = trials {
                    args.push(format!("trials = {t}"));
                }
                args.push(format!("factor = {factor}"));
                if let Some(m) = min_rows {
                    args.push(format!("min_rows = {m}"));
                }
                format!("halving({})", args.join(", "))
            }
        }
    }

    /// Whether this method can search `space`; the error says why not.
    pub fn check(&self, space: &Space, at: &ParamValue) -> Result<(), StageError> {
        let whole_grid = match self {
            Method::Grid => true,
            Method::Halving { trials, .. } => trials.is_none() && space.grid_size().is_some(),
            _ => false,
        };
        if !whole_grid {
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
    /// Halving: the rung (1-based) it was scored in.
    pub rung: Option<usize>,
    /// Halving: the rows it was scored on, when fewer than all.
    pub rows: Option<usize>,
    pub config: Config,
    pub outcome: Outcome,
}

/// What the evaluator is asked to score.
pub struct Ask<'c> {
    pub configs: &'c [Config],
    /// Halving: score on the first `rows` rows of the search's nested row order
    /// ([`super::halving::nested_order`]); `None`: all rows.
    pub rows: Option<usize>,
    /// Start no configuration after this instant (a wall-time budget).
    pub deadline: Option<Instant>,
}

/// Scores a batch of configurations; outcomes in the batch's order, `None` for a
/// configuration not started because the deadline had passed.
pub type Evaluate<'a> = dyn Fn(&Ask<'_>) -> Result<Vec<Option<Outcome>>, StageError> + Sync + 'a;

/// How a search runs, besides its method and space.
#[derive(Clone, Copy, Debug)]
pub struct Setting {
    pub seed: u64,
    /// Which way the metric is better.
    pub maximise: bool,
    pub budget: Budget,
    /// The number of training rows (halving's largest rung).
    pub rows: usize,
}

/// The trials, in the order tried, and why the search stopped early, if it did.
#[derive(Clone, Debug, PartialEq)]
pub struct Searched {
    pub trials: Vec<Trial>,
    pub cut: Option<Cut>,
}

/// Runs the search.
pub fn search(
    method: &Method,
    space: &Space,
    setting: &Setting,
    evaluate: &Evaluate<'_>,
) -> Result<Searched, StageError> {
    let mut s = Search {
        space,
        maximise: setting.maximise,
        evaluate,
        trials: Vec::new(),
        seen: HashSet::new(),
        rng: Xoshiro256PlusPlus::seed_from_u64(setting.seed),
        deadline: setting.budget.deadline(Instant::now()),
        max_trials: setting.budget.trials,
        rows: setting.rows,
        cut: None,
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
        Method::Halving {
            trials,
            factor,
            min_rows,
        } => s.halving(trials, factor, min_rows)?,
    }
    Ok(Searched {
        trials: s.trials,
        cut: s.cut,
    })
}

pub(super) struct Search<'a, 'e> {
    pub(super) space: &'a Space,
    pub(super) maximise: bool,
    evaluate: &'a Evaluate<'e>,
    pub(super) trials: Vec<Trial>,
    pub(super) seen: HashSet<String>,
    rng: Xoshiro256PlusPlus,
    deadline: Option<Instant>,
    max_trials: Option<usize>,
    pub(super) rows: usize,
    pub(super) cut: Option<Cut>,
}

impl Search<'_, '_> {
    /// The score to maximise, `None` when undefined.
    pub(super) fn goal(&self, o: &Outcome) -> Option<f64> {
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
        self.score(fresh, generation, None, None)
    }

    /// Scores `configs` as trials (tagged with a generation or a halving rung and its
    /// rows), within the budget: a trial budget cuts the batch, a deadline stops it.
    pub(super) fn score(
        &mut self,
        mut configs: Vec<Config>,
        generation: Option<usize>,
        rung: Option<usize>,
        rows: Option<usize>,
    ) -> Result<(), StageError> {
        if configs.is_empty() || self.cut.is_some() {
            return Ok(());
        }
        let mut cut_after = None;
        if let Some(max) = self.max_trials {
            let left = max.saturating_sub(self.trials.len());
            if left < configs.len() {
                configs.truncate(left);
                cut_after = Some(Cut::Trials);
            }
        }
        if configs.is_empty() {
            self.cut = cut_after;
            return Ok(());
        }
        if self.deadline.is_some_and(|d| Instant::now() >= d) {
            self.cut = Some(Cut::Time);
            return Ok(());
        }
        let outcomes = (self.evaluate)(&Ask {
            configs: &configs,
            rows,
            deadline: self.deadline,
        })?;
        for (config, outcome) in configs.into_iter().zip(outcomes) {
            match outcome {
                Some(outcome) => self.trials.push(Trial {
                    number: self.trials.len() + 1,
                    generation,
                    rung,
                    rows,
                    config,
                    outcome,
                }),
                None => cut_after = Some(Cut::Time),
            }
        }
        if cut_after.is_some() {
            self.cut = cut_after;
        }
        Ok(())
    }

    /// Up to `n` configurations not tried yet, drawn uniformly; the whole remaining grid
    /// when it is that small.
    pub(super) fn distinct_draws(&mut self, n: usize) -> Vec<Config> {
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
        while self.trials.len() < trials && self.cut.is_none() {
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
            if self.cut.is_some() {
                break;
            }
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
/// Only trials scored on the most rows compete (halving's last rung reached).
pub fn best(trials: &[Trial], maximise: bool) -> Option<&Trial> {
    let goal = |t: &Trial| t.outcome.mean.map(|m| if maximise { m } else { -m });
    let rows = |t: &Trial| t.rows.unwrap_or(usize::MAX);
    let most = trials
        .iter()
        .filter(|t| goal(t).is_some())
        .map(rows)
        .max()?;
    let mut best: Option<(&Trial, f64)> = None;
    for t in trials.iter().filter(|t| rows(t) == most) {
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
    use std::time::Instant;

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

    fn search(
        method: &Method,
        space: &Space,
        seed: u64,
        maximise: bool,
        evaluate: &Evaluate<'_>,
    ) -> Result<Vec<Trial>, StageError> {
        let setting = Setting {
            seed,
            maximise,
            budget: Budget::default(),
            rows: 1000,
        };
        super::search(method, space, &setting, evaluate).map(|s| s.trials)
    }

    /// A known score surface: best at depth 5 with entropy.
    fn surface(ask: &Ask<'_>) -> Result<Vec<Option<Outcome>>, StageError> {
        Ok(ask
            .configs
            .iter()
            .map(|c| {
                let e = if c[1] == ParamValue::word("entropy") {
                    0.5
                } else {
                    0.0
                };
                let m = -(depth(c) - 5.0).abs() + e;
                Some(Outcome {
                    mean: Some(m),
                    std: Some(0.0),
                    folds: vec![Some(m)],
                })
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

    fn with_budget(method: &Method, budget: Budget, evaluate: &Evaluate<'_>) -> Searched {
        let setting = Setting {
            seed: 9,
            maximise: true,
            budget,
            rows: 1000,
        };
        super::search(method, &space(), &setting, evaluate).unwrap()
    }

    #[test]
    fn a_trial_budget_is_the_same_search_cut_short() {
        for method in [
            Method::Grid,
            Method::Random { trials: 12 },
            Method::Bayes { trials: 14 },
            Method::Evolve {
                population: 6,
                generations: 5,
            },
        ] {
            let whole = with_budget(&method, Budget::default(), &surface);
            assert_eq!(whole.cut, None, "{method:?}");
            let cut = with_budget(
                &method,
                Budget {
                    time: None,
                    trials: Some(7),
                },
                &surface,
            );
            assert_eq!(cut.cut, Some(Cut::Trials), "{method:?}");
            assert_eq!(cut.trials[..], whole.trials[..7], "{method:?}");
        }
        // A budget the search never reaches cuts nothing.
        let roomy = Budget {
            time: None,
            trials: Some(16),
        };
        assert_eq!(with_budget(&Method::Grid, roomy, &surface).cut, None);
    }

    #[test]
    fn a_time_budget_stops_at_the_deadline_and_keeps_what_was_scored() {
        // Each batch takes 30 ms; the evaluator skips what would start after the deadline.
        let slow = |ask: &Ask<'_>| {
            let mut out = Vec::new();
            for c in ask.configs {
                if ask.deadline.is_some_and(|d| Instant::now() >= d) {
                    out.push(None);
                    continue;
                }
                std::thread::sleep(std::time::Duration::from_millis(30));
                out.extend(surface(&Ask {
                    configs: std::slice::from_ref(c),
                    rows: None,
                    deadline: None,
                })?);
            }
            Ok(out)
        };
        let budget = Budget {
            time: Some(std::time::Duration::from_millis(100)),
            trials: None,
        };
        let s = with_budget(&Method::Grid, budget, &slow);
        assert_eq!(s.cut, Some(Cut::Time));
        // Sleeps only lengthen: at most 4 of the 30 ms trials fit before the deadline,
        // however busy the machine (no lower bound: a stalled thread may start none).
        assert!(
            s.trials.len() <= 4,
            "{} trials in 100 ms at 30 ms each",
            s.trials.len()
        );
        assert_eq!(best(&s.trials, true).is_some(), !s.trials.is_empty());
        // Bayes proposes one at a time: it stops between proposals too.
        let b = with_budget(&Method::Bayes { trials: 50 }, budget, &slow);
        assert_eq!(b.cut, Some(Cut::Time));
        assert!(b.trials.len() < 16);
    }

    /// Halving on a surface where few rows blur the scores: the best configuration survives
    /// every rung, each rung keeps a third, and only the last rung has all rows.
    #[test]
    fn halving_narrows_the_candidates_rung_by_rung() {
        let blurred = |ask: &Ask<'_>| {
            let mut out = surface(ask)?;
            let noise = ask.rows.map_or(0.0, |r| 100.0 / r as f64);
            for (o, c) in out.iter_mut().zip(ask.configs) {
                let o = o.as_mut().unwrap();
                let wobble = if (depth(c) as usize).is_multiple_of(2) {
                    noise
                } else {
                    -noise
                };
                o.mean = o.mean.map(|m| m + wobble * 0.1);
            }
            Ok(out)
        };
        let method = Method::Halving {
            trials: None,
            factor: 3,
            min_rows: None,
        };
        let s = with_budget(&method, Budget::default(), &blurred);
        let per_rung = |r: usize| s.trials.iter().filter(|t| t.rung == Some(r)).count();
        // 16 candidates: 16 -> 6 -> 2 (at most the factor left on all rows).
        assert_eq!((per_rung(1), per_rung(2), per_rung(3)), (16, 6, 2));
        assert_eq!(s.trials.iter().filter(|t| t.rows.is_none()).count(), 2);
        let top = best(&s.trials, true).unwrap();
        assert_eq!((depth(&top.config), top.rung), (5.0, Some(3)));
        assert_eq!(top.config[1], ParamValue::word("entropy"));
        assert_eq!(
            s,
            with_budget(&method, Budget::default(), &blurred),
            "seeded"
        );
    }

    #[test]
    fn minimising_picks_the_lowest_and_undefined_scores_never_win() {
        let t = vec![
            Trial {
                number: 1,
                generation: None,
                rung: None,
                rows: None,
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
                rung: None,
                rows: None,
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
                rung: None,
                rows: None,
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
