//! docs/plugins.md, followed literally: its files are written out of its code blocks (those
//! whose info string names a `file=`), the plugin is built outside the workspace with its
//! own target directory, and its pipeline is run. If the guide's code stops working, this
//! test says so.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use aimass_engine::cache::Cache;
use aimass_engine::Artifact;
use serde_json::Value as Json;

use crate::harness::{lib_name, repo, Project};

/// `file=` path -> contents, for every fenced block that names one.
fn guide_files(markdown: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut current: Option<(String, String)> = None;
    for line in markdown.lines() {
        match (&mut current, line.strip_prefix("```")) {
            (None, Some(info)) => {
                if let Some(file) = info
                    .split_whitespace()
                    .find_map(|w| w.strip_prefix("file="))
                {
                    current = Some((file.to_string(), String::new()));
                } else if !info.trim().is_empty() {
                    current = Some((String::new(), String::new()));
                }
            }
            (Some(_), Some(rest)) if rest.trim().is_empty() => {
                if let Some((file, text)) = current.take() {
                    if !file.is_empty() {
                        out.insert(file, text);
                    }
                }
            }
            (Some((_, text)), _) => {
                text.push_str(line);
                text.push('\n');
            }
            (None, None) => {}
        }
    }
    out
}

#[test]
fn the_plugin_guide_builds_and_runs_as_written() {
    let guide = std::fs::read_to_string(repo().join("docs/plugins.md")).unwrap();
    let files = guide_files(&guide);
    for f in ["Cargo.toml", "src/lib.rs", "campaign.aim", "customers.csv"] {
        assert!(files.contains_key(f), "the guide lost its {f}");
    }
    let p = Project::new();
    // The plugin's crate, outside any workspace; its SDK path points at this checkout.
    let sdk = repo().join("plugins/sdk");
    let manifest = files["Cargo.toml"].replace("../aimass/plugins/sdk", &sdk.to_string_lossy());
    assert_ne!(
        manifest, files["Cargo.toml"],
        "the guide's SDK path changed"
    );
    p.file("bands/Cargo.toml", manifest);
    p.file("bands/src/lib.rs", &files["src/lib.rs"]);
    p.file("campaign.aim", &files["campaign.aim"]);
    p.file("customers.csv", &files["customers.csv"]);

    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let started = Instant::now();
    let build = Command::new(cargo)
        .args(["build", "--offline"])
        .current_dir(p.path("bands"))
        .env("CARGO_TARGET_DIR", p.path("bands/target"))
        .env_remove("CARGO_BUILD_TARGET_DIR")
        .output()
        .unwrap();
    assert!(
        build.status.success(),
        "the guide's plugin does not build:\n{}",
        String::from_utf8_lossy(&build.stderr)
    );
    eprintln!(
        "the guide's plugin built from scratch in {:.1?}",
        started.elapsed()
    );
    let built = p.path("bands/target/debug").join(lib_name("bands"));
    std::fs::create_dir_all(p.path("plugins")).unwrap();
    std::fs::copy(&built, p.path("plugins").join(lib_name("bands"))).unwrap();

    let check = p.run(&["check", "campaign.aim"]);
    assert_eq!(check.code, 0, "{check:?}");
    let run = p.run(&["run", "campaign.aim", "--format", "json"]);
    assert_eq!(run.code, 0, "{run:?}");
    let summary: Json = serde_json::from_str(&run.stdout).unwrap();
    let key = summary["stages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "banded")
        .and_then(|s| s["key"].as_str())
        .unwrap()
        .to_string();
    let cache = Cache::new(p.path(".aimass/cache"));
    let entry = cache.lookup(&key).unwrap();
    let Ok(Artifact::Frame(frame)) = cache.load(&entry.outputs["out"]) else {
        panic!("no frame");
    };
    let column = frame
        .data
        .column("tenure_band")
        .unwrap()
        .str()
        .unwrap()
        .clone();
    let bands: Vec<Option<&str>> = column.iter().collect();
    assert_eq!(
        bands,
        [
            Some("< 12"),
            Some("24-48"),
            Some("< 12"),
            Some("24-48"),
            Some("< 12"),
            Some(">= 48")
        ]
    );
    let Ok(Artifact::Metrics(counts)) = cache.load(&entry.outputs["counts"]) else {
        panic!("no counts");
    };
    assert_eq!(
        counts,
        serde_json::json!({ "< 12": 3, "24-48": 2, ">= 48": 1 })
    );

    // The guide's other commands.
    let inspect = p.run(&[
        "plugins",
        "inspect",
        &format!("plugins/{}", lib_name("bands")),
    ]);
    assert!(
        inspect.stdout.contains("bands.cut  (transform)"),
        "{inspect:?}"
    );
    let stages = p.run(&["stages", "bands.cut", "--pipeline", "campaign.aim"]);
    assert!(stages.stdout.contains("edges"), "{stages:?}");
    // A value the declaration refuses, caught by check.
    p.file(
        "campaign.aim",
        files["campaign.aim"].replace("edges = [12, 24, 48]", "edges = \"12\""),
    );
    let bad = p.run(&["check", "campaign.aim"]);
    assert_eq!(bad.code, 2, "{bad:?}");
    assert!(
        bad.stderr.contains("`edges` expects list of number"),
        "{bad:?}"
    );
    assert!(Path::new(&built).exists());
}
