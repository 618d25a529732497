//! `budget` on a tune stage: a wall time (`budget = 30s`) or a number of trials
//! (`budget = 200`) after which the search stops and keeps the best so far.
//!
//! A trial budget is reproducible: the search is the same as without it, cut after that many
//! trials in the order tried. A wall-time budget depends on the machine: which trials finish
//! in time varies between runs (the report says the search was cut, and after how many). A
//! configuration whose cross-validation has started is finished, so the search ends at most
//! one configuration's fitting after the deadline.

use std::time::{Duration, Instant};

use aimass_engine::{PKind, ParamValue};

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Budget {
    pub time: Option<Duration>,
    pub trials: Option<usize>,
}

impl Budget {
    /// From the checked `budget` parameter.
    pub fn from_param(v: Option<&ParamValue>) -> Budget {
        match v.map(|v| &v.kind) {
            Some(PKind::Duration(d)) => Budget {
                time: Some(d.to_std()),
                trials: None,
            },
            Some(PKind::Int(n)) => Budget {
                time: None,
                trials: Some((*n).max(1) as usize),
            },
            _ => Budget::default(),
        }
    }

    /// The deadline for a search starting now.
    pub fn deadline(&self, start: Instant) -> Option<Instant> {
        self.time.map(|t| start + t)
    }

    pub fn describe(&self) -> Option<String> {
        match (self.time, self.trials) {
            (Some(t), _) => {
                Some(aimass_dsl::duration::Duration::from_millis(t.as_millis() as u64).to_string())
            }
            (None, Some(n)) => Some(format!("{n} trials")),
            (None, None) => None,
        }
    }
}

/// Why a search ended before its method was done.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cut {
    /// The wall-time budget ran out.
    Time,
    /// The trial budget was used up.
    Trials,
}

impl Cut {
    pub fn name(self) -> &'static str {
        match self {
            Cut::Time => "time",
            Cut::Trials => "trials",
        }
    }
}
