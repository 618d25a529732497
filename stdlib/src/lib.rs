//! The aimass standard library: the built-in stage kinds and the ML they need.

pub mod bundle;
pub mod data;
pub mod drift;
pub mod estimator;
pub mod kinds;
pub mod ml;
pub mod paths;
pub mod tune;

pub use kinds::registry;
