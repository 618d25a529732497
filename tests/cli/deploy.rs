//! `deploy` and `aimass predict`: the example's bundle is written, cached, restored when
//! deleted, and scores raw rows exactly as the model does in-process.

use std::path::{Path, PathBuf};

use serde_json::Value as Json;

use crate::harness::{repo, Project};

/// The example, run up to its deploy stage: (project, version directory).
fn deployed() -> (Project, PathBuf) {
    let p = Project::new().with_example("telco-retention");
    let out = p.run(&["run", "campaign.aim", "--only", "ship", "--format", "json"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stage_status("ship"), "done", "{out:?}");
    let version = p.read("models/logit/latest").trim().to_string();
    let dir = p.dir.path().join("models/logit").join(&version);
    (p, dir)
}

fn manifest(dir: &Path) -> Json {
    serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap()
}

/// The example's raw rows without the target (as production rows come), first `n` of them.
fn rows_without_target(n: usize) -> String {
    let csv = std::fs::read_to_string(repo().join("examples/telco-retention/data/telco_churn.csv"))
        .unwrap();
    assert!(csv.starts_with("churn,"));
    csv.lines()
        .take(n + 1)
        .map(|l| format!("{}\n", &l[l.find(',').unwrap() + 1..]))
        .collect()
}

#[test]
fn deploy_writes_a_bundle_that_is_cached_and_restored_when_deleted() {
    let (p, dir) = deployed();
    let version = dir.file_name().unwrap().to_string_lossy().to_string();
    let m = manifest(&dir);
    assert_eq!(m["format"], "aimass.bundle/1");
    assert_eq!(m["name"], "logit");
    assert_eq!(m["version"], version.as_str());
    assert_eq!(version.len(), 12);
    let model_bytes = std::fs::read(dir.join("model.json")).unwrap();
    let hash = aimass_stdlib::bundle::blake3_hex(&model_bytes);
    assert_eq!(m["model"]["blake3"], hash.as_str());
    assert!(hash.starts_with(&version));
    assert_eq!(m["model"]["bytes"], model_bytes.len());
    assert_eq!(m["algorithm"], "logistic");
    assert_eq!(m["task"], "classification");
    assert_eq!(m["target"], "churn");
    assert_eq!(m["classes"], serde_json::json!(["No", "Yes"]));
    assert_eq!(m["positive"], "Yes");
    assert!(m["features"].as_array().unwrap().len() > 20, "{m}");
    let inputs: Vec<&str> = m["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(
        inputs.contains(&"tenure") && inputs.contains(&"contract"),
        "{inputs:?}"
    );
    assert!(
        !inputs.contains(&"churn"),
        "the target is not needed: {inputs:?}"
    );
    assert!(
        m["metrics"]["logit_eval"]["scores"]["roc_auc"]
            .as_f64()
            .unwrap()
            > 0.8
    );
    let text = p.read(&format!("models/logit/{version}/manifest.json"));
    assert!(
        !text.contains("created") && !text.contains("timestamp"),
        "{text}"
    );
    let manifest_bytes = std::fs::read(dir.join("manifest.json")).unwrap();
    let lock = p.read("campaign.aim.lock");

    // A second run takes the deploy from the cache and does not touch the bundle.
    let modified = std::fs::metadata(dir.join("manifest.json"))
        .unwrap()
        .modified()
        .unwrap();
    let again = p.run(&["run", "campaign.aim", "--only", "ship", "--format", "json"]);
    assert_eq!(again.code, 0, "{again:?}");
    assert_eq!(again.stage_status("ship"), "cached", "{again:?}");
    let after = std::fs::metadata(dir.join("manifest.json"))
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(modified, after, "a cached deploy rewrote its manifest");

    // The bundle is deleted: plan says why, run writes the same bytes again, and nothing
    // else runs.
    std::fs::remove_dir_all(p.dir.path().join("models")).unwrap();
    let plan = p.run(&["plan", "campaign.aim", "--only", "ship"]);
    assert!(
        plan.stdout.contains("files outside the cache are missing"),
        "{plan:?}"
    );
    let restored = p.run(&["run", "campaign.aim", "--only", "ship", "--format", "json"]);
    assert_eq!(restored.code, 0, "{restored:?}");
    assert_eq!(restored.stage_status("ship"), "done", "{restored:?}");
    assert_eq!(restored.stage_status("logit"), "cached", "{restored:?}");
    assert_eq!(
        restored.stage_status("logit_eval"),
        "cached",
        "{restored:?}"
    );
    assert_eq!(
        std::fs::read(dir.join("manifest.json")).unwrap(),
        manifest_bytes
    );
    assert_eq!(std::fs::read(dir.join("model.json")).unwrap(), model_bytes);
    assert_eq!(p.read("models/logit/latest"), format!("{version}\n"));
    assert_eq!(
        p.read("campaign.aim.lock"),
        lock,
        "the lock file is deterministic"
    );
}

#[test]
fn predict_scores_raw_rows_as_the_model_does() {
    let (p, dir) = deployed();
    p.file("rows.csv", rows_without_target(300));
    let out = p.run(&["predict", "models/logit", "--input", "rows.csv"]);
    assert_eq!(out.code, 0, "{out:?}");
    let mut lines = out.stdout.lines();
    assert_eq!(
        lines.next(),
        Some("prediction,proba_No,proba_Yes,decile,rank")
    );
    let rows: Vec<(String, f64, f64)> = lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (
                f[0].to_string(),
                f[1].parse().unwrap(),
                f[2].parse().unwrap(),
            )
        })
        .collect();
    assert_eq!(rows.len(), 300);
    for (label, no, yes) in &rows {
        assert!((0.0..=1.0).contains(no) && (0.0..=1.0).contains(yes));
        assert!((no + yes - 1.0).abs() < 1e-9, "{no} + {yes}");
        assert_eq!(label, if *yes > 0.5 { "Yes" } else { "No" });
    }
    assert!(rows.iter().any(|r| r.0 == "Yes") && rows.iter().any(|r| r.0 == "No"));

    // In-process: the same model on the same rows gives exactly these probabilities.
    let bundle = aimass_stdlib::bundle::open(&dir).unwrap();
    let df = aimass_stdlib::bundle::read_rows(&p.dir.path().join("rows.csv")).unwrap();
    let proba = bundle.model.predict_proba(&df).unwrap();
    for (i, (_, no, yes)) in rows.iter().enumerate() {
        assert_eq!(*no, proba[[i, 0]], "row {i}");
        assert_eq!(*yes, proba[[i, 1]], "row {i}");
    }

    // The manifest or the version directory open the same bundle; JSON output by extension.
    let manifest_path = dir.join("manifest.json");
    let out = p.run(&[
        "predict",
        manifest_path.to_str().unwrap(),
        "--input",
        "rows.csv",
        "--output",
        "scores.json",
    ]);
    assert_eq!(out.code, 0, "{out:?}");
    let json: Json = serde_json::from_str(&p.read("scores.json")).unwrap();
    let first = &json.as_array().unwrap()[0];
    assert_eq!(json.as_array().unwrap().len(), 300);
    assert_eq!(first["proba_Yes"].as_f64().unwrap(), rows[0].2);
    assert_eq!(first["prediction"], rows[0].0.as_str());
    let out = p.run(&["predict", dir.to_str().unwrap(), "-i", "rows.csv"]);
    assert_eq!(out.code, 0, "{out:?}");
}

#[test]
fn predict_reports_bad_bundles_and_rows() {
    let (p, dir) = deployed();
    p.file("rows.csv", rows_without_target(20));

    let out = p.run(&["predict", "nowhere", "--input", "rows.csv"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("aimass::bundle::not_found"), "{out:?}");
    assert!(
        out.stderr.contains("nowhere is not a model bundle"),
        "{out:?}"
    );
    let out = p.run(&["predict", "data", "--input", "rows.csv"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("is not a model bundle"), "{out:?}");

    // A column renamed in the rows: named, with the near miss.
    let renamed = p.read("rows.csv").replacen("tenure", "tenur", 1);
    p.file("renamed.csv", renamed);
    let out = p.run(&["predict", "models/logit", "--input", "renamed.csv"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr.contains("aimass::bundle::missing_column"),
        "{out:?}"
    );
    assert!(out.stderr.contains("no column `tenure`"), "{out:?}");
    assert!(
        out.stderr.contains("did you mean `tenur` for `tenure`"),
        "{out:?}"
    );

    // A model file changed after deployment is refused.
    let model = dir.join("model.json");
    let text = std::fs::read_to_string(&model).unwrap();
    std::fs::write(&model, text.replacen("\"seed\":", "\"seed\": ", 1)).unwrap();
    let out = p.run(&["predict", "models/logit", "--input", "rows.csv"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr.contains("aimass::bundle::hash_mismatch"),
        "{out:?}"
    );
    assert!(
        out.stderr.contains("does not match its manifest"),
        "{out:?}"
    );
    // A run notices too, and refuses to overwrite a shipped version that holds other bytes.
    let run = p.run(&["run", "campaign.aim", "--only", "ship"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains("aimass::bundle::version_conflict"),
        "{run:?}"
    );
}

const SMALL: &str = r#"pipeline "small" { seed = 3 }
stage raw: collect { source = "data.csv" }
stage m: model {
  input = raw
  target = "y"
  algorithm = logistic
  l2 = 1.0
}
stage ship: deploy { model = m, to = "out", version = "v1" }
"#;

fn small_csv() -> String {
    let mut s = String::from("a,b,y\n");
    for i in 0..60 {
        s.push_str(&format!(
            "{},{},{}\n",
            i % 7,
            (i * 3) % 11,
            if i % 3 == 0 { "yes" } else { "no" }
        ));
    }
    s
}

#[test]
fn a_fixed_version_is_never_overwritten_with_another_model() {
    let p = Project::new();
    p.file("small.aim", SMALL);
    p.file("data.csv", small_csv());
    let out = p.run(&["run", "small.aim"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(p.read("out/ship/latest"), "v1\n");
    let before = p.read("out/ship/v1/model.json");
    p.file("other.aim", SMALL.replace("l2 = 1.0", "l2 = 5.0"));
    let out = p.run(&["run", "other.aim"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr.contains("aimass::bundle::version_conflict"),
        "{out:?}"
    );
    assert!(out.stderr.contains("model.json differs"), "{out:?}");
    assert_eq!(p.read("out/ship/v1/model.json"), before);
}

#[test]
fn a_name_that_is_not_a_directory_name_is_a_check_error() {
    let p = Project::new();
    p.file(
        "small.aim",
        SMALL.replace("version = \"v1\"", "name = \"../up\""),
    );
    p.file("data.csv", small_csv());
    let out = p.run(&["check", "small.aim"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("aimass::deploy::param"), "{out:?}");
    assert!(out.stderr.contains("plain directory name"), "{out:?}");
}

/// A pipeline cannot deploy outside its directory, by an absolute path, by `..` or by a
/// symlink, unless the user passes --allow-outside-project.
#[test]
fn deploy_stays_inside_the_project_unless_allowed() {
    let outside = tempfile::tempdir().unwrap();
    let p = Project::new();
    p.file("data.csv", small_csv());
    let abs = outside.path().join("models");
    for (to, why) in [
        (abs.to_string_lossy().to_string(), "is an absolute path"),
        (
            "../models".to_string(),
            "climbs out of the project with `..`",
        ),
    ] {
        p.file(
            "ship.aim",
            SMALL.replace("to = \"out\"", &format!("to = {to:?}")),
        );
        let check = p.run(&["check", "ship.aim"]);
        assert_eq!(check.code, 2, "{to}: {check:?}");
        assert!(check.stderr.contains(why), "{to}: {}", check.stderr);
        assert!(
            check.stderr.contains("aimass::path::outside"),
            "{}",
            check.stderr
        );
        assert!(
            check.stderr.contains("--allow-outside-project"),
            "{}",
            check.stderr
        );
    }
    // Allowed, the absolute path is written.
    p.file(
        "ship.aim",
        SMALL.replace("to = \"out\"", &format!("to = {:?}", abs.to_string_lossy())),
    );
    let run = p.run(&["run", "ship.aim", "--allow-outside-project", "--quiet"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(abs.join("ship").join("v1").join("manifest.json").exists());
    // A symlink in the project that leads out fails the stage at run time.
    #[cfg(unix)]
    {
        let elsewhere = outside.path().join("elsewhere");
        std::fs::create_dir(&elsewhere).unwrap();
        std::os::unix::fs::symlink(&elsewhere, p.path("linked")).unwrap();
        p.file(
            "link.aim",
            SMALL.replace("to = \"out\"", "to = \"linked/models\""),
        );
        let out = p.run(&["run", "link.aim", "--quiet"]);
        assert_eq!(out.code, 1, "{out:?}");
        assert!(
            // Joined where miette wraps the message.
            out.stderr
                .replace("\n  | ", " ")
                .contains("goes through a symbolic link"),
            "{}",
            out.stderr
        );
        assert!(
            std::fs::read_dir(&elsewhere).unwrap().next().is_none(),
            "nothing written"
        );
    }
}

/// The version directories of a bundle (without `latest`), sorted.
fn versions(p: &Project, root: &str) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(p.dir.path().join(root))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "latest")
        .collect();
    v.sort();
    v
}

#[test]
fn keep_prunes_older_versions_but_never_latest() {
    let p = Project::new();
    p.file("data.csv", small_csv());
    let deploy = |version: &str, keep: u32| {
        p.file(
            "small.aim",
            SMALL.replace(
                "version = \"v1\"",
                &format!("version = \"{version}\", keep = {keep}"),
            ),
        );
        let out = p.run(&["run", "small.aim"]);
        assert_eq!(out.code, 0, "{out:?}");
        // Directory times order the versions; keep them apart on coarse clocks.
        std::thread::sleep(std::time::Duration::from_millis(30));
    };
    for v in ["v1", "v2", "v3"] {
        deploy(v, 2);
    }
    assert_eq!(versions(&p, "out/ship"), ["v2", "v3"]);
    assert_eq!(p.read("out/ship/latest"), "v3\n");
    assert!(p.dir.path().join("out/ship/v3/manifest.json").is_file());
    // Deploying v2 again (same bytes, so its directory stays as it was) makes it `latest`
    // though v3 is newer: keep = 1 removes v3, never v2.
    deploy("v2", 1);
    assert_eq!(versions(&p, "out/ship"), ["v2"]);
    assert_eq!(p.read("out/ship/latest"), "v2\n");
    let predicted = p.run(&["predict", "out/ship", "--input", "data.csv"]);
    assert_eq!(predicted.code, 0, "{predicted:?}");
}

#[test]
fn keep_must_be_at_least_one() {
    let p = Project::new();
    p.file("data.csv", small_csv());
    p.file(
        "small.aim",
        SMALL.replace("version = \"v1\"", "version = \"v1\", keep = 0"),
    );
    let out = p.run(&["check", "small.aim"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("keep"), "{out:?}");
    assert!(!p.dir.path().join("out").exists());
}
