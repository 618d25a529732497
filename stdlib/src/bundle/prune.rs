//! `deploy keep = N`: after a version is written, the bundle's older versions beyond the N
//! newest are removed, and never the one `latest` names.
//!
//! "Newest" is by the version directory's modification time (set when [`super::write`]
//! renamed it into place; a version's files are never rewritten), then by name. A version
//! is first renamed to a hidden temporary name and then deleted, so a reader never finds a
//! half-deleted version under its real name. Directories that are not whole versions (no
//! manifest, or hidden temporaries of an interrupted write) are left alone.

use std::path::Path;
use std::time::SystemTime;

use aimass_engine::StageError;

use super::files::{io_error, temp_name};
use super::write::{LATEST_FILE, MANIFEST_FILE};

/// Keeps the `keep` newest versions under `root` (`<to>/<name>`), counting the one `latest`
/// names, which is always kept; returns the versions removed, oldest first.
pub fn prune(root: &Path, keep: usize) -> Result<Vec<String>, StageError> {
    let latest = std::fs::read_to_string(root.join(LATEST_FILE))
        .map(|s| s.trim().to_string())
        .map_err(|e| io_error("read", &root.join(LATEST_FILE), e))?;
    let entries = std::fs::read_dir(root).map_err(|e| io_error("list", root, e))?;
    let mut versions: Vec<(SystemTime, String)> = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if name.starts_with('.') || !path.is_dir() || !path.join(MANIFEST_FILE).is_file() {
            continue;
        }
        let modified = entry
            .metadata()
            .and_then(|m| m.modified())
            .unwrap_or(SystemTime::UNIX_EPOCH);
        versions.push((modified, name));
    }
    // Newest first.
    versions.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)));
    let mut kept = usize::from(versions.iter().any(|(_, v)| *v == latest));
    let mut removed = Vec::new();
    for (_, version) in versions {
        if version == latest {
            continue;
        }
        if kept < keep {
            kept += 1;
            continue;
        }
        let dir = root.join(&version);
        let doomed = root.join(temp_name("pruned"));
        std::fs::rename(&dir, &doomed).map_err(|e| io_error("move aside", &dir, e))?;
        std::fs::remove_dir_all(&doomed).map_err(|e| io_error("remove", &doomed, e))?;
        removed.push(version);
    }
    removed.reverse();
    Ok(removed)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn version(root: &Path, name: &str) {
        std::fs::create_dir_all(root.join(name)).unwrap();
        std::fs::write(root.join(name).join(MANIFEST_FILE), "{}").unwrap();
        // Distinct modification times, in creation order.
        std::thread::sleep(std::time::Duration::from_millis(20));
    }

    fn left(root: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(root)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n != LATEST_FILE)
            .collect();
        v.sort();
        v
    }

    #[test]
    fn keeps_the_newest_and_latest() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for v in ["a", "b", "c", "d"] {
            version(root, v);
        }
        // `latest` names the oldest: it stays, with the newest one.
        std::fs::write(root.join(LATEST_FILE), "a\n").unwrap();
        std::fs::create_dir(root.join("not-a-version")).unwrap();
        assert_eq!(prune(root, 2).unwrap(), ["b", "c"]);
        assert_eq!(left(root), ["a", "d", "not-a-version"]);
        assert!(prune(root, 2).unwrap().is_empty());
        assert_eq!(prune(root, 1).unwrap(), ["d"]);
        assert_eq!(left(root), ["a", "not-a-version"]);
    }
}
