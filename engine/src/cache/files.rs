//! Content hashes of source files, memoised by (path, size, mtime).
//!
//! A no-op run must not re-read a 15 MB data file to learn it did not change. The memo is
//! one small file per source path, written atomically, so concurrent runs never conflict.
//! If size and mtime match the memo, the recorded hash is trusted (as make and cargo trust
//! mtimes); otherwise the file is hashed and the memo rewritten.

use std::fs;
use std::io;
use std::path::Path;
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};

use super::store::Cache;

#[derive(Serialize, Deserialize, PartialEq)]
struct Memo {
    path: String,
    size: u64,
    mtime_ns: u128,
    hash: String,
}

pub struct FileHasher<'a> {
    cache: &'a Cache,
}

impl<'a> FileHasher<'a> {
    pub fn new(cache: &'a Cache) -> Self {
        Self { cache }
    }

    pub fn hash(&self, path: &Path) -> io::Result<String> {
        let abs = fs::canonicalize(path)?;
        let meta = fs::metadata(&abs)?;
        let mtime_ns = meta
            .modified()?
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let abs_text = abs.to_string_lossy().to_string();
        let memo_path = self.cache.files_dir().join(format!(
            "{}.json",
            blake3::hash(abs_text.as_bytes()).to_hex()
        ));
        if let Ok(bytes) = fs::read(&memo_path) {
            if let Ok(m) = serde_json::from_slice::<Memo>(&bytes) {
                if m.path == abs_text && m.size == meta.len() && m.mtime_ns == mtime_ns {
                    return Ok(m.hash);
                }
            }
        }
        let mut hasher = blake3::Hasher::new();
        hasher.update_reader(fs::File::open(&abs)?)?;
        let hash = hasher.finalize().to_hex().to_string();
        let memo = Memo {
            path: abs_text,
            size: meta.len(),
            mtime_ns,
            hash: hash.clone(),
        };
        if let Ok(json) = serde_json::to_vec(&memo) {
            // A memo that cannot be written only costs a re-hash next time.
            let _ = self.cache.write_atomic(&memo_path, &json);
        }
        Ok(hash)
    }
}
