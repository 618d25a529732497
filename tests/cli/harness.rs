//! A temporary project with files, and the binary run in it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub struct Project {
    pub dir: tempfile::TempDir,
}

pub struct Outcome {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Outcome {
    pub fn from(out: Output) -> Self {
        Self {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// A stage's status in `run --format json`'s summary ("absent" when it is not listed).
    pub fn stage_status(&self, stage: &str) -> String {
        let json: serde_json::Value =
            serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("{e}: {self:?}"));
        json["stages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == stage)
            .map(|s| s["status"].as_str().unwrap_or_default().to_string())
            .unwrap_or_else(|| "absent".into())
    }
}

impl std::fmt::Debug for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_aimass")
}

/// The repository root (for examples and their data).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

impl Project {
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn file(&self, name: &str, text: impl AsRef<[u8]>) -> &Self {
        let p = self.dir.path().join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(p, text).unwrap();
        self
    }

    pub fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.dir.path().join(name)).unwrap()
    }

    /// Copies an example's directory (pipeline files and data) into the project.
    pub fn with_example(self, name: &str) -> Self {
        copy_dir(&repo().join("examples").join(name), self.dir.path());
        self
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(bin());
        c.args(args)
            .current_dir(self.dir.path())
            .env("NO_COLOR", "1")
            .env_remove("AIMASS_CACHE_DIR")
            .env_remove("AIMASS_PLUGIN_PATH")
            .env_remove("RUST_BACKTRACE");
        c
    }

    pub fn run(&self, args: &[&str]) -> Outcome {
        Outcome::from(self.command(args).output().unwrap())
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let p = e.path();
        let name = e.file_name();
        // What a run of the example left behind (cache, lock, deployed bundles, exported
        // lists) is not part of it.
        if name == ".aimass"
            || name == "models"
            || name == "out"
            || name.to_string_lossy().ends_with(".lock")
        {
            continue;
        }
        if p.is_dir() {
            copy_dir(&p, &to.join(name));
        } else {
            std::fs::copy(&p, to.join(name)).unwrap();
        }
    }
}

/// The directory holding the example and fixture plugins (rfm, knn, panicky), built once per
/// test run with the cargo that runs the tests, into the same target directory.
pub fn plugin_dir() -> &'static Path {
    static DIR: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let out = Command::new(cargo)
            .args([
                "build",
                "-p",
                "aimass-rfm",
                "-p",
                "aimass-knn",
                "-p",
                "aimass-test-panicky",
            ])
            .current_dir(repo())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "building the plugins failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        Path::new(bin()).parent().unwrap().to_path_buf()
    })
}

pub use crate::compile_c::lib_name;

/// Compiles a C plugin of the repository (`source` relative to it) into `dir/lib<name>.so`.
pub fn compile_c(source: &str, dir: &Path, name: &str, defines: &[&str]) -> PathBuf {
    crate::compile_c::compile_c(&repo(), source, dir, name, defines)
}

impl Project {
    /// Copies a built plugin into the project (as `plugins/lib<name>.so`).
    pub fn with_plugin(&self, name: &str) -> &Self {
        let file = lib_name(name);
        std::fs::create_dir_all(self.dir.path().join("plugins")).unwrap();
        std::fs::copy(
            plugin_dir().join(&file),
            self.dir.path().join("plugins").join(&file),
        )
        .unwrap();
        self
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The output with the project's directory written as `[project]`, for snapshots.
    pub fn normalise(&self, text: &str) -> String {
        let dir = self.dir.path().to_string_lossy().to_string();
        let canon = std::fs::canonicalize(self.dir.path())
            .map(|p| p.to_string_lossy().to_string())
            .unwrap_or_else(|_| dir.clone());
        text.replace(&canon, "[project]").replace(&dir, "[project]")
    }
}
