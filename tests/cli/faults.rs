//! File-system faults under a run, on real file systems: a cache directory that is
//! read-only, and a disk that fills up while the cache or a bundle is written. Each test
//! mounts a small tmpfs; where mounting is not allowed (not root), it says so and skips.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::harness::Project;

/// A tmpfs mounted at a directory for the guard's lifetime.
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(at: &Path, size: &str) -> Option<Tmpfs> {
        std::fs::create_dir_all(at).unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(at)
            .output()
            .is_ok_and(|o| o.status.success());
        if !ok {
            eprintln!(
                "skipped: cannot mount a tmpfs at {} (this needs root)",
                at.display()
            );
            return None;
        }
        Some(Tmpfs(at.to_path_buf()))
    }

    fn remount(&self, options: &str) {
        let out = Command::new("mount")
            .args(["-o", &format!("remount,{options}")])
            .arg(&self.0)
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(files_under(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

/// The telco campaign with its cache on the small file system.
const RUN_ON_SMALL: &[&str] = &[
    "run",
    "campaign.aim",
    "--cache-dir",
    "small/cache",
    "--quiet",
];

fn telco() -> Project {
    Project::new().with_example("telco-retention")
}

#[test]
fn a_read_only_cache_is_a_clear_error_and_exit_1() {
    let p = telco();
    let Some(fs) = Tmpfs::mount(&p.path("ro"), "1m") else {
        return;
    };
    fs.remount("ro");
    let out = p.run(&["run", "campaign.aim", "--cache-dir", "ro/cache", "--quiet"]);
    assert_eq!(out.code, 1, "{out:?}");
    let stderr = out.stderr.replace("\n  | ", " ");
    assert!(stderr.contains("aimass::cache::unwritable"), "{stderr}");
    assert!(
        stderr.contains("cannot write to the cache at ro/cache: Read-only file system"),
        "{stderr}"
    );
    assert!(stderr.contains("AIMASS_CACHE_DIR"), "{stderr}");
}

#[test]
fn a_full_disk_under_the_cache_leaves_no_half_entry_and_the_next_run_succeeds() {
    let p = telco();
    let Some(fs) = Tmpfs::mount(&p.path("small"), "300k") else {
        return;
    };
    let out = p.run(RUN_ON_SMALL);
    assert_eq!(out.code, 1, "{out:?}");
    let stderr = out.stderr.replace("\n  | ", " ");
    assert!(stderr.contains("No space left on device"), "{stderr}");
    assert!(stderr.contains("aimass::cache::unwritable"), "{stderr}");
    // Nothing half-written: no entry, and nothing left in the staging directory.
    let cache = p.path("small/cache");
    assert!(files_under(&cache.join("entries")).is_empty());
    assert!(files_under(&cache.join("tmp")).is_empty());

    fs.remount("size=64m");
    let out = p.run(RUN_ON_SMALL);
    assert_eq!(out.code, 0, "{out:?}");
    let out = p.run(&[
        "run",
        "campaign.aim",
        "--cache-dir",
        "small/cache",
        "--format",
        "json",
    ]);
    assert_eq!(out.stage_status("tree"), "cached", "{out:?}");
}

#[test]
fn a_full_disk_under_the_deploy_directory_leaves_no_half_bundle() {
    let p = telco();
    let Some(fs) = Tmpfs::mount(&p.path("models"), "8k") else {
        return;
    };
    let out = p.run(&["run", "campaign.aim", "--quiet"]);
    assert_eq!(out.code, 1, "{out:?}");
    let stderr = out.stderr.replace("\n  | ", " ");
    assert!(stderr.contains("No space left on device"), "{stderr}");
    assert!(stderr.contains("in stage `ship`"), "{stderr}");
    // No version directory and no `latest`: a half bundle is never there to be served.
    assert!(
        files_under(&p.path("models")).is_empty(),
        "{:?}",
        files_under(&p.path("models"))
    );

    fs.remount("size=64m");
    let out = p.run(&["run", "campaign.aim", "--quiet"]);
    assert_eq!(out.code, 0, "{out:?}");
    let out = p.run(&[
        "predict",
        "models/logit",
        "--input",
        "data/telco_churn.csv",
        "--output",
        "scored.csv",
    ]);
    assert_eq!(out.code, 0, "{out:?}");
}

#[test]
fn a_corrupt_run_record_is_a_warning_and_the_others_still_count() {
    let p = telco();
    for _ in 0..2 {
        let out = p.run(&["run", "campaign.aim", "--quiet"]);
        assert_eq!(out.code, 0, "{out:?}");
    }
    p.file(".aimass/runs/1-1.json", "{\"pipeline\": \"telco");
    let out = p.run(&["metrics", "campaign.aim", "--diff"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stderr.contains("1-1.json is not a readable run record")
            && out.stderr.contains("it is ignored"),
        "{out:?}"
    );
    assert!(out.stdout.contains("roc_auc"), "{out:?}");
    let out = p.run(&["report", "campaign.aim", "--output", "r.html"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stderr.contains("1-1.json is not a readable run record"),
        "{out:?}"
    );
}
