//! The Rust SDK for aimass stage plugins.

pub mod arrow;
mod error;

pub use aimass_plugin_api as api;
pub use arrow::{Column, DataType, Frame, TimeUnit};
pub use error::{Error, Result};
