//! The content-addressed cache: a stage never runs twice on the same inputs.
//!
//! # Keys
//!
//! A stage's key is the blake3 hash of the canonical JSON of a [`KeyRecord`]: every field
//! that can change the stage's outputs, and nothing else (not its name, not where it is
//! written in the file, not the names of upstream stages).
//!
//! | field          | what it holds                                         | why                                        |
//! |----------------|-------------------------------------------------------|--------------------------------------------|
//! | `cache_format` | [`CACHE_FORMAT`]                                       | a new layout or key shape never reads old entries |
//! | `engine`       | the engine's crate version                            | engine changes can change artifacts (e.g. the frame encoding) |
//! | `kind`         | the stage kind (`model`)                              | different code                             |
//! | `kind_version` | `StageKind::version()`                                | the stdlib or a plugin changed its output  |
//! | `params`       | canonical params, input ports left out, defaults in   | the user changed a setting                 |
//! | `seed`         | the pipeline's seed                                   | randomised stages depend on it             |
//! | `inputs`       | per input parameter, the content hashes of its artifacts, in order | upstream data changed        |
//! | `sources`      | per file the stage declares it reads, its content hash | the user edited a data file               |
//!
//! Because inputs enter by *content* hash, a re-run upstream stage whose outputs are
//! byte-identical leaves its dependents' keys, and so their entries, valid: early cutoff.
//!
//! # Layout
//!
//! ```text
//! <root>/objects/<h[0..2]>/<h>   artifact bytes by content hash (Arrow IPC, model bytes, JSON)
//! <root>/entries/<key>.json      a stage's outputs for a key, with the record that made it
//! <root>/files/<hash(path)>.json the content hash of a source file, memoised by size+mtime
//! <root>/tmp/                     files being written
//! ```
//!
//! # Crash safety and concurrency
//!
//! Every file is written under `tmp/` and renamed into place; a rename is atomic, so a
//! reader sees a whole file or none. Files are not fsynced: that would protect against an
//! OS crash or power loss, not a killed process, and costs more than the rest of a small
//! stage's bookkeeping; instead every object's content is checked against its hash when it
//! is loaded, so a file damaged by an OS crash is reported, never used. Objects are written before the entry that names them,
//! and an entry is trusted only when each object it names exists with the recorded size: a
//! `kill -9` at any moment leaves at worst unreferenced objects or temporary files (which
//! `cache gc` removes), never an entry a later run would trust. Two processes may write the
//! same object or entry at once: both write identical bytes (or, for an entry, equally valid
//! ones) and the last rename wins, so no lock is needed and neither run fails.

mod codec;
mod files;
mod key;
mod store;

pub use codec::{decode, encode, Encoded};
pub use files::FileHasher;
pub use key::{KeyRecord, CACHE_FORMAT};
pub use store::{Cache, Entry, OutputRecord};
