//! The aimass engine: from the IR to a checked, typed DAG of stages, and (run module) its
//! cached, parallel execution.
//!
//! The engine knows no stage kind by name: the stdlib and plugins register theirs in a
//! [`Registry`].

pub mod artifact;
pub mod atomic;
pub mod cache;
pub mod check;
pub mod graph;
pub mod param;
pub mod registry;
pub mod run;
pub mod schema;
pub mod signature;
pub mod stage;
mod suggest;

pub use artifact::{Artifact, Frame, Model};
pub use check::{check, CheckError, CheckErrors};
pub use graph::Workflow;
pub use param::{PKind, ParamValue, Params, PortRef};
pub use registry::Registry;
pub use signature::{ArtifactType, CallSig, ParamSig, PortSig, Signature, Ty};
pub use stage::{Freshness, Outputs, RunContext, StageError, StageKind};
pub use suggest::did_you_mean;
