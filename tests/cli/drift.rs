//! `aimass drift`: the test rows against the bundle's training profile, shifted and not.

use polars::prelude::*;
use serde_json::Value as Json;

use crate::serve_support::{deployed, write_csv};

fn test_frame(p: &crate::harness::Project) -> DataFrame {
    CsvReadOptions::default()
        .with_has_header(true)
        .try_into_reader_with_file_path(Some(p.path("test.csv")))
        .unwrap()
        .finish()
        .unwrap()
}

/// `aimass drift models/logit --input FILE --format json`, checked to exit `code`.
fn drift_json(p: &crate::harness::Project, file: &str, code: i32) -> Json {
    let out = p.run(&["drift", "models/logit", "--input", file, "--format", "json"]);
    assert_eq!(out.code, code, "{out:?}");
    serde_json::from_str(&out.stdout).unwrap()
}

#[test]
fn shifted_rows_alert_on_the_shifted_feature_only_and_exit_1() {
    let p = deployed();
    let rows = test_frame(&p);
    write_csv(&p, "same.csv", &rows);
    let report = drift_json(&p, "same.csv", 0);
    assert_eq!(report["verdict"], "stable", "{report}");
    let features = report["features"].as_array().unwrap();
    assert!(features.len() > 10, "{report}");
    assert!(
        features.iter().all(|f| f["psi"].as_f64().unwrap() < 0.1),
        "{report}"
    );

    let mut shifted = rows.clone();
    let tenure = shifted.column("tenure").unwrap().i64().unwrap() + 100;
    shifted
        .with_column(tenure.into_series().into_column())
        .unwrap();
    write_csv(&p, "shifted.csv", &shifted);
    let report = drift_json(&p, "shifted.csv", 1);
    assert_eq!(report["verdict"], "alert");
    for f in report["features"].as_array().unwrap() {
        let psi = f["psi"].as_f64().unwrap();
        if f["feature"] == "tenure" {
            assert!(psi > 0.25, "{f}");
            assert_eq!(f["verdict"], "alert");
            assert_eq!(f["kind"], "numeric");
        } else {
            assert!(psi <= 0.25, "only tenure moved: {f}");
        }
    }

    // The text form names the feature; the thresholds are flags.
    let out = p.run(&["drift", "models/logit", "--input", "shifted.csv"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stdout
            .contains("verdict: alert: PSI above 0.25 for tenure"),
        "{out:?}"
    );
    assert!(
        out.stdout.lines().next().unwrap().starts_with("feature"),
        "{out:?}"
    );
    let out = p.run(&[
        "drift",
        "models/logit",
        "--input",
        "shifted.csv",
        "--alert",
        "1000",
    ]);
    assert_eq!(out.code, 0, "{out:?}");
}

#[test]
fn missing_columns_thresholds_and_bundles_without_a_profile_are_diagnosed() {
    let p = deployed();
    let rows = test_frame(&p).drop("tenure").unwrap();
    write_csv(&p, "no_tenure.csv", &rows);
    let out = p.run(&["drift", "models/logit", "--input", "no_tenure.csv"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("aimass::drift::missing_column"),
        "{out:?}"
    );
    assert!(out.stderr.contains("`tenure`"), "{out:?}");

    let out = p.run(&[
        "drift",
        "models/logit",
        "--input",
        "test.csv",
        "--warn",
        "0.5",
        "--alert",
        "0.1",
    ]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("aimass::drift::thresholds"), "{out:?}");

    // A bundle as deployed before profiles existed: no profile.json, none in the manifest.
    let version = p.read("models/logit/latest").trim().to_string();
    let dir = p.path(&format!("models/logit/{version}"));
    let mut m: Json =
        serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    m.as_object_mut().unwrap().remove("profile");
    std::fs::write(
        dir.join("manifest.json"),
        serde_json::to_vec_pretty(&m).unwrap(),
    )
    .unwrap();
    std::fs::remove_file(dir.join("profile.json")).unwrap();
    let out = p.run(&["drift", "models/logit", "--input", "test.csv"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("aimass::drift::no_profile"), "{out:?}");
    // It still scores.
    let out = p.run(&["predict", "models/logit", "--input", "test.csv"]);
    assert_eq!(out.code, 0, "{out:?}");
}

#[test]
fn a_tampered_profile_is_refused() {
    let p = deployed();
    let version = p.read("models/logit/latest").trim().to_string();
    let path = p.path(&format!("models/logit/{version}/profile.json"));
    let mut bytes = std::fs::read(&path).unwrap();
    bytes.extend_from_slice(b"\n");
    std::fs::write(&path, bytes).unwrap();
    let out = p.run(&["drift", "models/logit", "--input", "test.csv"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("aimass::bundle::hash_mismatch"),
        "{out:?}"
    );
}
