//! Model bundles: what `deploy` writes and `aimass predict` reads.
//!
//! ```text
//! <to>/<name>/<version>/model.json      the model artifact's bytes (`aimass.model/1`)
//! <to>/<name>/<version>/profile.json    the training rows' distribution (drift's baseline)
//! <to>/<name>/<version>/manifest.json   what it is: see [`Manifest`]
//! <to>/<name>/latest                    the version the last deploy wrote, one line
//! ```
//!
//! A version directory is immutable once written: it appears whole (written under a
//! temporary name, then renamed) and a later deploy of the same version must bring the same
//! bytes (see [`write`]). The manifest records the model's blake3 hash, which [`open`]
//! checks, so a bundle that was altered by hand is refused rather than silently scored. Its
//! bytes depend on the model, the metrics and the aimass version only (no timestamps, maps
//! in a fixed order), so deploying the same model twice gives the same files.
//!
//! The model carries its recipe, so a bundle scores raw rows ([`score`]): the same rows the
//! pipeline's `collect` reads, without the target.

mod files;
pub mod list;
mod manifest;
mod open;
mod output;
mod profile;
mod prune;
mod ranking;
mod rows;
mod score;
mod score_rows;
pub mod write;

pub use list::{campaign_list, ListOptions};
pub use manifest::{
    auto_version, blake3_hex, BundlePlugin, Manifest, ModelFile, BUNDLE_FORMAT, PROFILE_FILE,
};
pub use open::{open, Bundle};
pub use output::{write_predictions, PredictionFormat};
pub use profile::open_profile;
pub use prune::prune;
pub use ranking::{rank_rows, ranking_column, Top};
pub use rows::read_rows;
pub use score::{model_inputs, score, score_model};
pub use score_rows::RowScorer;
pub use write::{write, write_with, Written};

/// The diagnostic codes of this module.
pub mod codes {
    /// The path is not a bundle (no manifest), or its `latest` names no version.
    pub const NOT_A_BUNDLE: &str = "aimass::bundle::not_found";
    /// A file of the bundle does not match the manifest's hash.
    pub const TAMPERED: &str = "aimass::bundle::hash_mismatch";
    /// A manifest that cannot be read, or of another format.
    pub const FORMAT: &str = "aimass::bundle::format";
    /// The version exists already with other contents.
    pub const CONFLICT: &str = "aimass::bundle::version_conflict";
    /// Reading or writing a file failed.
    pub const IO: &str = "aimass::bundle::io";
    /// The rows to score lack a column the model needs.
    pub const MISSING_COLUMN: &str = "aimass::bundle::missing_column";
}
