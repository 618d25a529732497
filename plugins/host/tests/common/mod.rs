//! What the host's tests share: the repository, and its C plugins compiled.
#![allow(dead_code, clippy::unwrap_used)]

use std::path::{Path, PathBuf};

#[path = "../../../../tests/support/compile_c.rs"]
mod support;

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Compiles `source` (relative to the repository) into `dir/lib<name>.so` with `defines`.
pub fn compile_c(source: &str, dir: &Path, name: &str, defines: &[&str]) -> PathBuf {
    support::compile_c(&repo(), source, dir, name, defines)
}
