//! File operations of bundles: unique temporary names, atomic small files, I/O errors that
//! name the path.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use aimass_engine::StageError;

use super::codes::IO;

/// A name no other writer (thread or process) uses at the same time: dot-prefixed, so a
/// half-written directory is never taken for a version.
pub fn temp_name(what: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        ".tmp-{what}-{}-{nanos}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

pub fn io_error(action: &str, path: &Path, e: std::io::Error) -> StageError {
    StageError::new(format!("cannot {action} {}: {e}", path.display())).code(IO)
}

/// Reads a file, or `None` when it does not exist.
pub fn read_if_exists(path: &Path) -> Result<Option<Vec<u8>>, StageError> {
    match std::fs::read(path) {
        Ok(b) => Ok(Some(b)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io_error("read", path, e)),
    }
}

/// Writes `bytes` to `path` through a temporary file in the same directory and a rename,
/// so a reader sees the old file or the new one, never a part.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), StageError> {
    aimass_engine::atomic::write_file(path, bytes).map_err(|e| io_error("write", path, e))
}
