//! Running a workflow: the parallel scheduler, cache decisions, plans and run records.
//!
//! # How a run proceeds
//!
//! The coordinator (the calling thread) owns all bookkeeping; each started stage runs on a
//! thread of its own with a rayon pool of its own (`--jobs` threads, see `job`), and reports
//! back over a channel. At most `--jobs` stages run at once; ready stages start longest
//! critical path first (`priority`), then in file order, and are reported *queued* while
//! they wait for a slot. Nothing is shared mutably between jobs.
//!
//! 1. The workflow's stages, restricted to `--only`'s ancestors when given, start *waiting*.
//!    A stage becomes *ready* when every stage it reads has *succeeded* (run or cached).
//! 2. For a ready stage the coordinator computes its cache key ([`crate::cache`]): its
//!    inputs' content hashes are known by then, its source files are hashed (memoised).
//!    On a hit the stage is *cached* at once, without loading any frame or model, and the
//!    stages it makes ready are considered in turn; this is why a no-op run reads no data
//!    (only the small Metrics outputs, for verdicts). A hit of a stage with effects outside the cache (a
//!    deployed bundle) counts only when the kind finds them in place
//!    (`StageKind::effects_present`); otherwise the stage runs again.
//! 3. On a miss the stage is started. The job loads its inputs (from this run's memory, or
//!    from the cache), runs the stage, encodes and stores its outputs, and sends back the
//!    output hashes. Its own parallel work runs on its own pool, so a heavy stage cannot
//!    starve a quick independent one. The run record keeps each stage's start and end
//!    offsets (the run's timeline).
//! 4. A failure marks the stage *failed* and its dependents *skipped*. Without
//!    `--keep-going` nothing new is scheduled after a failure (running jobs finish); with
//!    it, independent branches run to the end.
//! 5. A stage's `verdict` (quality gates) runs after it succeeds or is found cached; a
//!    failing verdict keeps the outputs cached but fails the stage like an error.
//!
//! Results never depend on `--jobs`: every stage is a pure function of its key's inputs,
//! and randomised stages draw from the pipeline's seed, never from a thread's RNG.

mod dirty;
mod effects;
mod error;
mod events;
mod job;
mod keys;
mod lockfile;
mod options;
mod panics;
mod priority;
mod record;
mod resources;
mod scheduler;

pub use dirty::{plan, DirtyReason, PlanLine, PlanStatus};
pub use error::RunError;
pub use events::{Event, EventSink, NoEvents, StageStatus};
pub use lockfile::{LockFile, LockReadError, LockStage};
pub use options::RunOptions;
pub use panics::message as panic_message;
pub use record::{RunRecord, StageRecord, StageState, StoredRun};
pub use scheduler::{run, RunOutcome};
