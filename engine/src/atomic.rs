//! Writing a file so that a reader sees the old contents or the new, never a part: a
//! temporary file in the same directory (so the rename stays on one file system), synced,
//! then renamed over the target. On any failure (a full disk, say) the temporary file is
//! removed and the target is untouched.
//!
//! The lock file, run records, bundle files and `aimass show --output` all write through
//! this. The cache's objects have their own variant in `cache::store` (temporary files in
//! the cache's `tmp/`, directories created lazily), tuned for thousands of small writes.

use std::io::{self, Write};
use std::path::Path;

pub fn write_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".aimass-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map(|_| ()).map_err(|e| e.error)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn replaces_whole_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.json");
        write_file(&path, b"old").unwrap();
        write_file(&path, b"new").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        // A directory that does not exist: an error, nothing written.
        assert!(write_file(&dir.path().join("no/such/x"), b"x").is_err());
    }
}
