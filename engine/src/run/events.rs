//! What the scheduler tells the outside world as a run proceeds (progress displays, logs).

use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StageStatus {
    /// Ready, waiting for one of the `--jobs` slots.
    Queued,
    /// Started: running on a thread of its own.
    Running,
    /// Outputs found in the cache; not run.
    Cached,
    /// Ran and succeeded.
    Done,
    /// Ran (or was found cached) and failed, or a quality gate was not met.
    Failed,
    /// Not run because a stage it needs failed, or the run stopped after a failure.
    Skipped,
    /// Not run because the run was interrupted before it could start.
    Interrupted,
}

impl StageStatus {
    pub fn word(self) -> &'static str {
        match self {
            StageStatus::Queued => "queued",
            StageStatus::Running => "running",
            StageStatus::Cached => "cached",
            StageStatus::Done => "done",
            StageStatus::Failed => "failed",
            StageStatus::Skipped => "skipped",
            StageStatus::Interrupted => "interrupted",
        }
    }
}

pub struct Event<'a> {
    pub stage: &'a str,
    pub kind: &'a str,
    pub status: StageStatus,
    /// Wall time of the stage (zero until it finishes).
    pub elapsed: Duration,
    /// Stages in the run, for "3/8" displays.
    pub total: usize,
}

pub trait EventSink {
    fn event(&mut self, event: Event<'_>);

    /// The run was asked to stop while `running` stages were still running; they are
    /// let finish (so their results are cached) before the run returns.
    fn interrupted(&mut self, _running: usize) {}
}

/// Discards events (tests, `--quiet`).
pub struct NoEvents;

impl EventSink for NoEvents {
    fn event(&mut self, _event: Event<'_>) {}
}
