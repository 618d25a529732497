//! The search space of a `tune` stage: one dimension per hyperparameter, read from `space`
//! and checked against the algorithm's hyperparameters, so `aimass check` catches a
//! misspelt name, a value of the wrong type or out of bounds, and an empty list.
//!
//! A dimension is a list of values, an integer range `2..12` or a float range `0.01..10.0`
//! (both inclusive). A list-valued hyperparameter's values are lists:
//! `hidden = [[32], [64, 32]]`. A configuration is one value per dimension, in the order written.

use aimass_engine::{PKind, ParamSig, ParamValue, Params, StageError, Ty};
use rand::RngCore;
use rand_xoshiro::Xoshiro256PlusPlus;
use serde_json::{Map, Value as Json};

use crate::estimator::spec::hyperparam_sigs;
use crate::ml::folds::below;

pub const CODE: &str = "aimass::tune::space";

#[derive(Clone, Debug, PartialEq)]
pub enum Axis {
    Values(Vec<ParamValue>),
    Ints(i64, i64),
    Floats(f64, f64),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Dim {
    pub name: String,
    pub axis: Axis,
}

/// One value per dimension, in the space's order.
pub type Config = Vec<ParamValue>;

#[derive(Clone, Debug, PartialEq)]
pub struct Space {
    pub dims: Vec<Dim>,
}

impl Space {
    /// Reads `space` for `algorithm`, reporting every problem at once.
    pub fn read(space: &ParamValue, algorithm: &str) -> Result<Space, Vec<StageError>> {
        let Some(entries) = space.as_map() else {
            return Err(vec![StageError::new(
                "`space` must be a block of hyperparameters",
            )
            .code(CODE)
            .at(space.span, "here")]);
        };
        let sigs = hyperparam_sigs(algorithm);
        let allowed: Vec<&str> = sigs.iter().map(|s| s.name.as_str()).collect();
        let mut dims = Vec::new();
        let mut errors = Vec::new();
        if entries.is_empty() {
            errors.push(
                StageError::new("`space` is empty: there is nothing to search")
                    .code(CODE)
                    .at(space.span, "here")
                    .help(format!("`{algorithm}` takes: {}", allowed.join(", "))),
            );
        }
        for (name, value) in entries {
            if name == "seed" {
                errors.push(
                    StageError::new("`seed` is not searched: it changes results, not the model")
                        .code(CODE)
                        .at(value.span, "this axis")
                        .help("set the stage's `seed` instead"),
                );
                continue;
            }
            let Some(sig) = sigs.iter().find(|s| &s.name == name) else {
                errors.push(not_a_hyperparameter(name, value, algorithm, &allowed));
                continue;
            };
            match read_axis(sig, value) {
                Ok(axis) => dims.push(Dim {
                    name: name.clone(),
                    axis,
                }),
                Err(e) => errors.push(e),
            }
        }
        if errors.is_empty() {
            Ok(Space { dims })
        } else {
            Err(errors)
        }
    }

    /// The number of configurations of a grid; `None` when a dimension is a float range.
    pub fn grid_size(&self) -> Option<u128> {
        self.dims.iter().try_fold(1u128, |acc, d| {
            let n = match &d.axis {
                Axis::Values(v) => v.len() as u128,
                Axis::Ints(lo, hi) => (i128::from(*hi) - i128::from(*lo) + 1) as u128,
                Axis::Floats(..) => return None,
            };
            Some(acc.saturating_mul(n))
        })
    }

    /// Every configuration, the first dimension varying slowest. Only for finite spaces.
    pub fn grid(&self) -> Vec<Config> {
        let mut out: Vec<Config> = vec![Vec::new()];
        for d in &self.dims {
            let values = d.values();
            out = out
                .into_iter()
                .flat_map(|c| {
                    values.iter().map(move |v| {
                        let mut c = c.clone();
                        c.push(v.clone());
                        c
                    })
                })
                .collect();
        }
        out
    }

    /// A configuration drawn uniformly, dimension by dimension.
    pub fn sample(&self, rng: &mut Xoshiro256PlusPlus) -> Config {
        self.dims.iter().map(|d| d.sample(rng)).collect()
    }

    /// The configuration as the parameters a model stage would be given.
    pub fn params(&self, config: &Config) -> Vec<(String, ParamValue)> {
        self.dims
            .iter()
            .zip(config)
            .map(|(d, v)| (d.name.clone(), v.clone()))
            .collect()
    }

    /// `{ "max_depth": 4, "criterion": "gini" }`, in the order written.
    pub fn to_json(&self, config: &Config) -> Json {
        let mut m = Map::new();
        for (d, v) in self.dims.iter().zip(config) {
            let plain = match &v.kind {
                PKind::Int(i) => Json::from(*i),
                PKind::Float(f) => Json::from(*f),
                PKind::Word(w) | PKind::Str(w) => Json::from(w.as_str()),
                _ => v.canonical(),
            };
            m.insert(d.name.clone(), plain);
        }
        Json::Object(m)
    }

    /// `max_depth = 4, criterion = gini`.
    pub fn describe(&self, config: &Config) -> String {
        self.dims
            .iter()
            .zip(config)
            .map(|(d, v)| format!("{} = {}", d.name, v.display()))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A configuration's identity, to skip configurations already tried.
pub fn key(config: &Config) -> String {
    let values: Vec<Json> = config.iter().map(ParamValue::canonical).collect();
    Json::Array(values).to_string()
}

impl Dim {
    /// The finite values of a list or an integer range (empty for a float range).
    pub fn values(&self) -> Vec<ParamValue> {
        match &self.axis {
            Axis::Values(v) => v.clone(),
            Axis::Ints(lo, hi) => (*lo..=*hi).map(ParamValue::int).collect(),
            Axis::Floats(..) => Vec::new(),
        }
    }

    pub fn sample(&self, rng: &mut Xoshiro256PlusPlus) -> ParamValue {
        match &self.axis {
            Axis::Values(v) => v[below(rng, v.len() as u64) as usize].clone(),
            Axis::Ints(lo, hi) => {
                let n = (i128::from(*hi) - i128::from(*lo) + 1) as u64;
                ParamValue::int(lo + below(rng, n) as i64)
            }
            Axis::Floats(lo, hi) => ParamValue::float(lo + (hi - lo) * unit(rng)),
        }
    }
}

/// A uniform draw in [0, 1) with 53 random bits.
pub fn unit(rng: &mut Xoshiro256PlusPlus) -> f64 {
    (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

fn not_a_hyperparameter(
    name: &str,
    value: &ParamValue,
    algorithm: &str,
    allowed: &[&str],
) -> StageError {
    let takes: Vec<&str> = allowed.iter().copied().filter(|n| *n != "seed").collect();
    let mut help = format!("`{algorithm}` takes: {}", takes.join(", "));
    if let Some(s) = aimass_engine::did_you_mean(name, takes.iter().copied()) {
        help = format!("did you mean `{s}`? {help}");
    }
    StageError::new(format!("`{name}` is not a hyperparameter of `{algorithm}`"))
        .code(CODE)
        .at(value.span, "this axis")
        .help(help)
}

fn read_axis(sig: &ParamSig, value: &ParamValue) -> Result<Axis, StageError> {
    let bad = |v: &ParamValue, why: String| {
        StageError::new(format!("`{}`: {why}", sig.name))
            .code(CODE)
            .at(v.span, "this value")
            .help(format!("`{}`: {}", sig.name, sig.doc))
    };
    match &value.kind {
        PKind::List(items) => {
            if items.is_empty() {
                return Err(bad(value, "the list of values is empty".into()));
            }
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                out.push(one_value(sig, item).map_err(|why| bad(item, why))?);
            }
            Ok(Axis::Values(out))
        }
        PKind::Range(lo, hi) => {
            let (l, h) = (
                one_value(sig, lo).map_err(|why| bad(lo, why))?,
                one_value(sig, hi).map_err(|why| bad(hi, why))?,
            );
            let axis = match (&l.kind, &h.kind) {
                (PKind::Int(a), PKind::Int(b)) => Axis::Ints(*a, *b),
                (PKind::Float(a), PKind::Float(b)) => Axis::Floats(*a, *b),
                _ => return Err(bad(value, "a range needs numbers at both ends".into())),
            };
            let empty = match axis {
                Axis::Ints(a, b) => a > b,
                Axis::Floats(a, b) => a > b,
                Axis::Values(_) => false,
            };
            if empty {
                return Err(bad(
                    value,
                    "the range is empty (its start is above its end)".into(),
                ));
            }
            Ok(axis)
        }
        _ => Ok(Axis::Values(vec![
            one_value(sig, value).map_err(|why| bad(value, why))?
        ])),
    }
}

/// One value of a hyperparameter, normalised to its type (integers widen to floats).
fn one_value(sig: &ParamSig, v: &ParamValue) -> Result<ParamValue, String> {
    let in_bounds = |x: f64| match sig.bounds {
        Some((lo, hi)) if x < lo || x > hi => Err(format!("{x} is outside {lo}..{hi}")),
        _ => Ok(()),
    };
    let number = || match v.kind {
        PKind::Int(i) => Some(i as f64),
        PKind::Float(f) => Some(f),
        _ => None,
    };
    match &sig.ty {
        Ty::Int => match v.kind {
            PKind::Int(i) => in_bounds(i as f64).map(|_| ParamValue::new(PKind::Int(i), v.span)),
            _ => Err(format!("expected a whole number, found {}", v.display())),
        },
        Ty::Float => match number() {
            Some(f) => in_bounds(f).map(|_| ParamValue::new(PKind::Float(f), v.span)),
            None => Err(format!("expected a number, found {}", v.display())),
        },
        Ty::Fraction => match number() {
            Some(f) if (0.0..=1.0).contains(&f) => Ok(ParamValue::new(PKind::Float(f), v.span)),
            _ => Err(format!(
                "expected a fraction between 0 and 1, found {}",
                v.display()
            )),
        },
        Ty::Word(words) => match v.as_str() {
            Some(w) if words.iter().any(|x| x == w) => {
                Ok(ParamValue::new(PKind::Word(w.to_string()), v.span))
            }
            _ => Err(format!(
                "expected one of {}, found {}",
                words.join(", "),
                v.display()
            )),
        },
        // A list-valued hyperparameter (`hidden`): each value to try is itself a list.
        Ty::List(inner) => match &v.kind {
            PKind::List(items) => {
                let item_sig = ParamSig {
                    ty: (**inner).clone(),
                    ..sig.clone()
                };
                let items = items
                    .iter()
                    .map(|i| one_value(&item_sig, i))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(ParamValue::new(PKind::List(items), v.span))
            }
            _ => Err(format!(
                "expected a list, found {}: the space lists the values to try, e.g. `{} = [[32], [64, 32]]`",
                v.display(),
                sig.name
            )),
        },
        other => Err(format!("cannot search a parameter of type {other}")),
    }
}

/// The parameters of one trial: the stage's learning parameters plus the configuration.
pub fn trial_params(base: &[(String, ParamValue)], space: &Space, config: &Config) -> Params {
    let mut entries = base.to_vec();
    entries.extend(space.params(config));
    Params::new(entries)
}
