//! `--isolate-plugins`: every call into a plugin runs in a child process.
//!
//! The child is aimass itself (`aimass __plugin-host REQUEST RESPONSE`): it opens the library,
//! checks that its hash is the one the parent loaded, makes the one call and writes the
//! answer. A plugin that segfaults or aborts kills only that child: the parent sees the
//! signal and fails the stage that made the call, and the run goes on (`--keep-going`). The
//! parent never opens the library itself, so even a crash while describing it is contained.
//!
//! A child per call, not one per plugin: concurrent stages never share a process, so a crash
//! fails exactly one stage. The cost is a process start and a library open per call (measured
//! in the issue note).
//!
//! Isolation protects the run, not the machine: the child has the user's rights.

mod child;
pub mod serve;
pub mod wire;

pub use child::Child;
