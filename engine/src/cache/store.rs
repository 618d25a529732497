//! The on-disk store: objects, entries, temporary files (layout in the module above).

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::codec::{decode, Encoded};
use super::key::KeyRecord;
use crate::artifact::Artifact;
use crate::signature::ArtifactType;

#[derive(Clone, Debug)]
pub struct Cache {
    root: PathBuf,
}

/// One output of a cached stage.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OutputRecord {
    #[serde(rename = "type")]
    pub ty: ArtifactTypeName,
    /// The artifact's content hash (what dependents' keys use).
    pub hash: String,
    /// (part name, object hash, size in bytes).
    pub parts: Vec<(String, String, u64)>,
}

/// A stage's cached result.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Entry {
    pub key: String,
    pub record: KeyRecord,
    pub outputs: BTreeMap<String, OutputRecord>,
    /// Seconds since the Unix epoch.
    pub created: u64,
}

/// `ArtifactType` as it appears in JSON files.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ArtifactTypeName {
    Frame,
    Model,
    Metrics,
}

impl From<ArtifactType> for ArtifactTypeName {
    fn from(t: ArtifactType) -> Self {
        match t {
            ArtifactType::Frame => Self::Frame,
            ArtifactType::Model => Self::Model,
            ArtifactType::Metrics => Self::Metrics,
        }
    }
}

impl From<ArtifactTypeName> for ArtifactType {
    fn from(t: ArtifactTypeName) -> Self {
        match t {
            ArtifactTypeName::Frame => Self::Frame,
            ArtifactTypeName::Model => Self::Model,
            ArtifactTypeName::Metrics => Self::Metrics,
        }
    }
}

impl Cache {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn object_path(&self, hash: &str) -> PathBuf {
        let prefix = hash.get(..2).unwrap_or("00");
        self.root.join("objects").join(prefix).join(hash)
    }

    fn entry_path(&self, key: &str) -> PathBuf {
        self.root.join("entries").join(format!("{key}.json"))
    }

    pub(crate) fn files_dir(&self) -> PathBuf {
        self.root.join("files")
    }

    /// The entry for a key, if it exists and every object it names is present and whole.
    pub fn lookup(&self, key: &str) -> Option<Entry> {
        let bytes = fs::read(self.entry_path(key)).ok()?;
        let entry: Entry = serde_json::from_slice(&bytes).ok()?;
        let whole = entry
            .outputs
            .values()
            .flat_map(|o| &o.parts)
            .all(|(_, hash, size)| {
                fs::metadata(self.object_path(hash))
                    .map(|m| m.len() == *size)
                    .unwrap_or(false)
            });
        (whole && entry.key == key).then_some(entry)
    }

    /// Writes the outputs' objects, then the entry that names them.
    pub fn store(&self, record: KeyRecord, outputs: &[(String, Encoded)]) -> io::Result<Entry> {
        let mut recs = BTreeMap::new();
        for (port, enc) in outputs {
            let mut parts = Vec::new();
            for (name, bytes) in &enc.parts {
                let hash = blake3::hash(bytes).to_hex().to_string();
                let path = self.object_path(&hash);
                let present = fs::metadata(&path)
                    .map(|m| m.len() == bytes.len() as u64)
                    .unwrap_or(false);
                if !present {
                    self.write_atomic(&path, bytes)?;
                }
                parts.push((name.clone(), hash, bytes.len() as u64));
            }
            recs.insert(
                port.clone(),
                OutputRecord {
                    ty: enc.ty.into(),
                    hash: enc.hash.clone(),
                    parts,
                },
            );
        }
        let entry = Entry {
            key: record.key(),
            record,
            outputs: recs,
            created: now_secs(),
        };
        let json = serde_json::to_vec_pretty(&entry).map_err(io::Error::other)?;
        self.write_atomic(&self.entry_path(&entry.key), &json)?;
        Ok(entry)
    }

    /// Reads an output back into memory.
    pub fn load(&self, output: &OutputRecord) -> Result<Artifact, String> {
        let mut parts = Vec::new();
        for (name, hash, _) in &output.parts {
            let bytes = fs::read(self.object_path(hash))
                .map_err(|e| format!("cache object {hash}: {e}"))?;
            parts.push((name.clone(), bytes));
        }
        decode(output.ty.into(), &parts)
    }

    /// Writes to a unique temporary file, then renames it into place.
    pub fn write_atomic(&self, path: &Path, bytes: &[u8]) -> io::Result<()> {
        let tmp = self.root.join("tmp").join(unique_name());
        // Directories are created on first need only: a run writes thousands of files and
        // a `create_dir_all` per file would cost more than the writes.
        let mut f = match fs::File::create(&tmp) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                fs::create_dir_all(self.root.join("tmp"))?;
                fs::File::create(&tmp)?
            }
            other => other?,
        };
        let result = f
            .write_all(bytes)
            .and_then(|()| match fs::rename(&tmp, path) {
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    if let Some(parent) = path.parent() {
                        fs::create_dir_all(parent)?;
                    }
                    fs::rename(&tmp, path)
                }
                other => other,
            });
        if result.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        result
    }

    /// Every entry in the cache (unreadable ones are skipped).
    pub fn entries(&self) -> Vec<Entry> {
        let Ok(dir) = fs::read_dir(self.root.join("entries")) else {
            return Vec::new();
        };
        dir.filter_map(|e| e.ok())
            .filter_map(|e| fs::read(e.path()).ok())
            .filter_map(|b| serde_json::from_slice(&b).ok())
            .collect()
    }

    /// (number of entries, number of objects, total bytes on disk).
    pub fn status(&self) -> (usize, usize, u64) {
        let entries = count_files(&self.root.join("entries")).0;
        let (objects, _) = count_files(&self.root.join("objects"));
        let (_, bytes) = count_files(&self.root);
        (entries, objects, bytes)
    }

    /// Removes entries not in `keep` (and older than `min_age_secs` if given), then every
    /// object no remaining entry names, and leftover temporary files. Returns
    /// (entries removed, objects removed, bytes freed).
    pub fn gc(
        &self,
        keep: &std::collections::BTreeSet<String>,
        older_than_secs: Option<u64>,
    ) -> io::Result<(usize, usize, u64)> {
        let now = now_secs();
        let mut removed_entries = 0;
        let mut live_objects = std::collections::BTreeSet::new();
        for entry in self.entries() {
            let old_enough =
                older_than_secs.is_none_or(|age| now.saturating_sub(entry.created) >= age);
            let unreachable = !keep.contains(&entry.key);
            if unreachable && old_enough {
                fs::remove_file(self.entry_path(&entry.key))?;
                removed_entries += 1;
            } else {
                live_objects.extend(
                    entry
                        .outputs
                        .values()
                        .flat_map(|o| o.parts.iter().map(|p| p.1.clone())),
                );
            }
        }
        let mut removed_objects = 0;
        let mut freed = 0;
        for path in walk(&self.root.join("objects")) {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_string();
            if !live_objects.contains(&name) {
                freed += fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
                fs::remove_file(&path)?;
                removed_objects += 1;
            }
        }
        for path in walk(&self.root.join("tmp")) {
            // A temporary file an hour old belongs to no running process.
            let stale = fs::metadata(&path)
                .and_then(|m| m.modified())
                .map(|t| t.elapsed().map(|d| d.as_secs() > 3600).unwrap_or(false))
                .unwrap_or(false);
            if stale {
                let _ = fs::remove_file(&path);
            }
        }
        Ok((removed_entries, removed_objects, freed))
    }
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// A name no other writer, in this process or another, will use at the same time.
fn unique_name() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("{}-{}-{}.tmp", std::process::id(), n, nanos)
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(rd) = fs::read_dir(dir) else {
        return out;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

fn count_files(dir: &Path) -> (usize, u64) {
    let files = walk(dir);
    let bytes = files
        .iter()
        .filter_map(|p| fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    (files.len(), bytes)
}
