//! The Rust SDK for aimass stage plugins.
//!
//! A plugin is a `cdylib` the host loads at run time through the C ABI of
//! [`aimass-plugin-api`](api). This crate is everything between that ABI and a plugin
//! author's code: a stage kind is a [`Transform`] or an [`Estimator`] impl, and
//! [`export_plugin!`] exports the crate. No pointer, JSON document or release callback
//! reaches the author.
//!
//! ```no_run
//! use aimass_plugin_sdk::{Column, Outputs, Param, Result};
//! use aimass_plugin_sdk::{Transform, TransformCall, TransformSpec};
//!
//! #[derive(Default)]
//! struct Scale;
//!
//! impl Transform for Scale {
//!     fn spec(&self) -> TransformSpec {
//!         TransformSpec::new("scale")
//!             .doc("Multiplies a column by a factor.")
//!             .input("input", "The frame to scale.")
//!             .output("output", "The input with the column scaled.")
//!             .param(Param::column("column").required().doc("The column to scale."))
//!             .param(Param::float("factor").default(2.0).doc("The factor."))
//!     }
//!
//!     fn run(&self, mut call: TransformCall) -> Result<Outputs> {
//!         let column = call.params().str("column")?.to_owned();
//!         let factor = call.params().float("factor")?;
//!         let mut frame = call.input("input")?;
//!         let values = frame.remove(&column)?.to_f64_vec()?;
//!         let scaled = values.into_iter().map(|v| v.map(|v| v * factor)).collect();
//!         frame.push(column, Column::from_opt_f64(scaled))?;
//!         Ok(Outputs::new().frame("output", frame))
//!     }
//! }
//!
//! aimass_plugin_sdk::export_plugin! {
//!     name: "scaling",
//!     version: env!("CARGO_PKG_VERSION"),
//!     transforms: [Scale],
//! }
//! ```
//!
//! Frames are read and written through a small Arrow layer ([`arrow`]) that never copies:
//! a column the host sent and the plugin passes on goes back to the host as the same memory.

pub mod arrow;
#[deny(unsafe_code)]
mod error;
#[deny(unsafe_code)]
mod estimator;
mod ffi;
#[deny(unsafe_code)]
mod macros;
#[deny(unsafe_code)]
mod panics;
#[deny(unsafe_code)]
mod param;
#[deny(unsafe_code)]
mod params;
#[deny(unsafe_code)]
mod plugin;
#[cfg(feature = "polars")]
mod polars;
#[deny(unsafe_code)]
mod spec;
#[deny(unsafe_code)]
mod transform;

pub use aimass_plugin_api as api;
pub use arrow::{Column, DataType, Frame, TimeUnit};
pub use error::{Error, Result};
pub use estimator::{Estimator, EstimatorCall};
pub use param::{Param, ParamType};
pub use params::Params;
pub use plugin::Plugin;
pub use spec::{EstimatorSpec, InputPort, OutputPort, PortType, Task, TransformSpec};
pub use transform::{OutputValue, Outputs, Transform, TransformCall};

/// What `export_plugin!` expands to; not an API.
#[doc(hidden)]
pub mod __private {
    pub use crate::ffi::{entry, Exported, PluginCell};
}
