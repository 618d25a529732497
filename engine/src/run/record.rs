//! The JSON record of one run, written under `.aimass/runs/`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// What became of a stage in a run, as its record says (written in lower case).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StageState {
    /// Its outputs were found in the cache.
    Cached,
    /// It ran and succeeded.
    Done,
    /// It ran (or was found cached) and failed, or a quality gate was not met.
    Failed,
    /// Not run: a stage it needs failed, or the run stopped after a failure.
    Skipped,
    /// Not run: the run was interrupted first.
    Interrupted,
}

impl StageState {
    pub fn word(self) -> &'static str {
        match self {
            StageState::Cached => "cached",
            StageState::Done => "done",
            StageState::Failed => "failed",
            StageState::Skipped => "skipped",
            StageState::Interrupted => "interrupted",
        }
    }

    /// Whether the stage did not run at all (no time to show).
    pub fn not_run(self) -> bool {
        matches!(self, StageState::Skipped | StageState::Interrupted)
    }
}

impl std::fmt::Display for StageState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.word())
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct StageRecord {
    pub name: String,
    pub kind: String,
    pub status: StageState,
    pub cached: bool,
    pub key: Option<String>,
    /// When the stage started and ended, in ms since the run started (equal for a stage
    /// found cached or skipped): the run's timeline.
    #[serde(default)]
    pub start_ms: f64,
    #[serde(default)]
    pub end_ms: f64,
    pub wall_ms: f64,
    /// Process CPU time while the stage ran (see `resources`).
    pub cpu_ms: f64,
    /// Process peak RSS when the stage ended (see `resources`).
    pub peak_rss_bytes: u64,
    /// Output port -> content hash.
    pub outputs: BTreeMap<String, String>,
    pub error: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RunRecord {
    pub pipeline: String,
    pub file: String,
    /// Seconds since the Unix epoch.
    pub started: u64,
    pub wall_ms: f64,
    pub jobs: usize,
    pub success: bool,
    /// The run was stopped (SIGINT, SIGTERM) before every stage could run. Written only
    /// when true, so records of complete runs are unchanged.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub interrupted: bool,
    pub stages: Vec<StageRecord>,
}

impl RunRecord {
    /// Writes the record as `<runs_dir>/<started>-<pid>.json` and returns the path.
    pub fn write(&self, runs_dir: &Path) -> std::io::Result<PathBuf> {
        std::fs::create_dir_all(runs_dir)?;
        let path = runs_dir.join(format!("{}-{}.json", self.started, std::process::id()));
        let json = serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?;
        crate::atomic::write_file(&path, &json)?;
        Ok(path)
    }

    /// The most recent records in a runs directory, newest first.
    pub fn latest(runs_dir: &Path, n: usize) -> Vec<RunRecord> {
        StoredRun::list(runs_dir)
            .into_iter()
            .take(n)
            .map(|r| r.record)
            .collect()
    }
}

/// A record read back with its id: the file name without `.json`, `<started>-<pid>`.
#[derive(Clone, Debug)]
pub struct StoredRun {
    pub id: String,
    pub record: RunRecord,
}

impl StoredRun {
    /// Every readable record in a runs directory, newest first (by start time, then pid);
    /// files that are not records are passed over.
    pub fn list(runs_dir: &Path) -> Vec<StoredRun> {
        Self::list_reporting(runs_dir, &mut |_, _| {})
    }

    /// As [`StoredRun::list`], telling `unreadable` about each `.json` file that is not a
    /// record (damaged, truncated, from an incompatible version), with why.
    pub fn list_reporting(
        runs_dir: &Path,
        unreadable: &mut dyn FnMut(&Path, String),
    ) -> Vec<StoredRun> {
        let Ok(rd) = std::fs::read_dir(runs_dir) else {
            return Vec::new();
        };
        let mut paths: Vec<PathBuf> = rd
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        paths.sort_by_key(|p| {
            let stem = p
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default()
                .to_string();
            let mut parts = stem.split('-').map(|x| x.parse::<u64>().unwrap_or(0));
            (parts.next().unwrap_or(0), parts.next().unwrap_or(0))
        });
        paths
            .iter()
            .rev()
            .filter_map(|p| {
                let id = p.file_stem()?.to_str()?.to_string();
                let parsed = std::fs::read(p)
                    .map_err(|e| e.to_string())
                    .and_then(|b| serde_json::from_slice(&b).map_err(|e| e.to_string()));
                match parsed {
                    Ok(record) => Some(StoredRun { id, record }),
                    Err(why) => {
                        unreadable(p, why);
                        None
                    }
                }
            })
            .collect()
    }
}
