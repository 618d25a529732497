//! Drift: how far rows seen after deploy are from the rows a model was trained on.
//!
//! At training time the raw rows are summarised in a [`Profile`] (per raw input column:
//! quantile bins for numbers, level shares for text, and the missing rate), which the
//! recipe carries and `deploy` writes into the bundle as `profile.json`. Rows seen later are
//! binned on the same edges ([`Counts`]) and compared with the population stability index
//! ([`psi`]). Both `aimass drift` (a file of rows) and `aimass serve` (records as they
//! arrive, counted without a lock) go through this one module, so they report the same
//! number for the same rows.

mod counts;
mod profile;
mod psi;
mod report;

pub use counts::{bin_column, numeric_bin, Counts};
pub use profile::{Bins, ColumnProfile, Profile, MAX_LEVELS, NUMERIC_BINS, PROFILE_FORMAT};
pub use psi::{psi, EPSILON};
pub use report::{compare, FeatureDrift, Thresholds, Verdict};

/// The recipe a model trained on `frame` carries: the frame's own, with a profile of the
/// rows when they are raw (no `clean` came before, so no recipe profiled them).
pub fn recipe_with_profile(frame: &aimass_engine::Frame) -> serde_json::Value {
    if !frame.recipe.is_null() {
        return frame.recipe.clone();
    }
    let mut recipe = crate::data::Recipe::new();
    recipe.profile_raw(&frame.data);
    recipe.to_json()
}

/// The diagnostic codes of this module.
pub mod codes {
    /// A profile file that cannot be read, or of another format.
    pub const FORMAT: &str = "aimass::drift::format";
    /// The rows lack a column the profile describes.
    pub const MISSING_COLUMN: &str = "aimass::drift::missing_column";
    /// The bundle was deployed before profiles existed.
    pub const NO_PROFILE: &str = "aimass::drift::no_profile";
}
