//! What every handler shares: the model behind an `ArcSwap` (a request loads the current
//! `Arc` without a lock and keeps it until it answers, so a reload never disturbs it), the
//! metrics, the limits.

use std::sync::Arc;

use arc_swap::ArcSwap;

use crate::limits::Limits;
use crate::loaded::Loaded;
use crate::metrics::Metrics;

pub struct State {
    pub model: ArcSwap<Loaded>,
    pub metrics: Metrics,
    pub limits: Limits,
}

pub type Shared = Arc<State>;
