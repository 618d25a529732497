//! What `aimass run` and `aimass plan` are asked to do.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

#[derive(Clone, Debug)]
pub struct RunOptions {
    /// The directory the pipeline file is in: relative paths are resolved against it.
    pub project_dir: PathBuf,
    /// Where the cache lives (`.aimass/cache` under the project unless overridden).
    pub cache_dir: PathBuf,
    /// Run only this stage and what it needs.
    pub only: Option<String>,
    /// Ignore cached results.
    pub force: bool,
    /// Worker threads (stages and their own parallel work share them).
    pub jobs: usize,
    /// After a failure, finish the branches that do not depend on it.
    pub keep_going: bool,
    /// Set (by a signal handler, say) to stop the run: nothing new starts, running stages
    /// finish and are cached, the rest are recorded as interrupted.
    pub stop: Option<&'static AtomicBool>,
    /// A stage still running after this long fails, and the run goes on without it
    /// (`--stage-timeout`).
    pub stage_timeout: Option<Duration>,
}

impl RunOptions {
    pub fn new(project_dir: PathBuf) -> Self {
        let cache_dir = project_dir.join(".aimass").join("cache");
        Self {
            project_dir,
            cache_dir,
            only: None,
            force: false,
            jobs: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1),
            keep_going: false,
            stop: None,
            stage_timeout: None,
        }
    }
}
