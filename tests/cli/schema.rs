//! `aimass schema`: the YAML form's JSON Schema, checked with a real validator (Python's
//! `jsonschema`, Draft 2020-12, on files read by PyYAML as an editor's YAML server reads
//! them): every example validates, in its YAML form, and typical mistakes do not.

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value as Json;

use crate::harness::{plugin_dir, repo, Outcome, Project};

/// Validates each YAML file against the schema; prints `{file: [error, ...]}`.
/// PyYAML speaks YAML 1.1, where `on:` (a join's key) is the boolean true; aimass and
/// editors' YAML servers speak 1.2, where only true/false are. The resolver is set to 1.2's.
const VALIDATE: &str = r#"
import json, re, sys, yaml, jsonschema
class Loader(yaml.SafeLoader):
    pass
Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:bool"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
v = jsonschema.Draft202012Validator(schema)
out = {}
for f in sys.argv[2:]:
    doc = yaml.load(open(f), Loader=Loader)
    out[f] = sorted(
        "/".join(str(p) for p in e.absolute_path) + ": " + e.message
        for e in v.iter_errors(doc)
    )
print(json.dumps(out))
"#;

/// A Python with PyYAML and jsonschema: the schemathesis venv `.ci/run` makes, else the
/// system's. Outside CI, none is a skip.
fn python() -> Option<PathBuf> {
    let mut candidates = Vec::new();
    if let Some(st) = std::env::var_os("AIMASS_SCHEMATHESIS") {
        candidates.push(PathBuf::from(st).with_file_name("python"));
    }
    candidates.push(PathBuf::from("python3"));
    let found = candidates.into_iter().find(|py| {
        Command::new(py)
            .args(["-c", "import yaml, jsonschema"])
            .output()
            .is_ok_and(|o| o.status.success())
    });
    if found.is_none() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "no Python with PyYAML and jsonschema in CI (.ci/run's schemathesis venv has both)"
        );
        eprintln!("skipping: no Python with PyYAML and jsonschema");
    }
    found
}

fn validate(py: &PathBuf, p: &Project, schema: &str, files: &[&str]) -> Json {
    p.file("schema.json", schema);
    let out = Command::new(py)
        .args(["-c", VALIDATE, "schema.json"])
        .args(files)
        .current_dir(p.path("."))
        .output()
        .unwrap();
    let out = Outcome::from(out);
    assert_eq!(out.code, 0, "{out:?}");
    serde_json::from_str(&out.stdout).unwrap()
}

fn schema_of(p: &Project, args: &[&str]) -> String {
    let mut all = vec!["schema"];
    all.extend_from_slice(args);
    let out = Outcome::from(
        p.command(&all)
            .env("AIMASS_PLUGIN_PATH", plugin_dir())
            .output()
            .unwrap(),
    );
    assert_eq!(out.code, 0, "{out:?}");
    out.stdout
}

#[test]
fn every_example_validates_against_the_schema_in_its_yaml_form() {
    let Some(py) = python() else { return };
    let mut checked = 0;
    for dir in std::fs::read_dir(repo().join("examples"))
        .unwrap()
        .flatten()
    {
        if dir.file_name() == "ci" {
            continue;
        }
        let example = dir.file_name().to_string_lossy().to_string();
        let p = Project::new().with_example(&example);
        for f in std::fs::read_dir(dir.path()).unwrap().flatten() {
            let name = f.file_name().to_string_lossy().to_string();
            let yaml = if name.ends_with(".aim") {
                let out = p.run(&["convert", &name, "--to", "yaml", "-o", "as.yaml"]);
                assert_eq!(out.code, 0, "{example}/{name}: {out:?}");
                "as.yaml".to_string()
            } else if name.ends_with(".yaml") {
                name.clone()
            } else {
                continue;
            };
            // The schema of this pipeline's kinds: built-ins and the plugins it declares.
            let schema = schema_of(&p, &["--pipeline", &name]);
            let report = validate(&py, &p, &schema, &[&yaml]);
            assert_eq!(report[&yaml], Json::Array(vec![]), "{example}/{name}");
            checked += 1;
        }
    }
    assert!(checked >= 6, "{checked} example files");
}

#[test]
fn typical_mistakes_do_not_validate_and_plugins_add_their_kinds() {
    let Some(py) = python() else { return };
    let p = Project::new();
    p.file(
        "typo.yaml",
        "pipeline: p\nstages:\n  raw:\n    kind: collect\n    source: d.csv\n  t:\n    kind: tune\n    input: raw\n    target: y\n    algorithm: decision_tree\n    cv: five\n    max_dept: 3\n",
    );
    p.file(
        "kind.yaml",
        "pipeline: p\nstages:\n  raw:\n    kind: colect\n    source: d.csv\n",
    );
    p.file(
        "nokind.yaml",
        "pipeline: p\nstages:\n  raw:\n    source: d.csv\n",
    );
    let schema = schema_of(&p, &[]);
    let report = validate(&py, &p, &schema, &["typo.yaml", "kind.yaml", "nokind.yaml"]);
    for f in ["typo.yaml", "kind.yaml", "nokind.yaml"] {
        assert_ne!(report[f], Json::Array(vec![]), "{f}: {report}");
    }
    let text = report.to_string();
    assert!(text.contains("colect"), "{text}");
    assert!(text.contains("'kind' is a required property"), "{text}");

    // The completion an editor offers: kinds, parameters with their documentation, words.
    let schema: Json = serde_json::from_str(&schema).unwrap();
    let model = &schema["$defs"]["stage_model"]["properties"];
    assert!(model["algorithm"]["anyOf"][0]["enum"]
        .as_array()
        .unwrap()
        .contains(&Json::from("gradient_boosting")));
    assert!(model["target"]["description"].as_str().is_some());

    // A pipeline's plugin kinds are described too.
    p.with_plugin("panicky");
    p.file(
        "plug.yaml",
        "pipeline: p\nplugins:\n  r: plugins/libpanicky.so\nstages:\n  raw:\n    kind: collect\n    source: d.csv\n  s:\n    kind: r.sleep\n    input: raw\n    ms: 10\n",
    );
    let with_plugin = schema_of(&p, &["--pipeline", "plug.yaml"]);
    assert!(with_plugin.contains("\"r.sleep\""), "{with_plugin}");
    let report = validate(&py, &p, &with_plugin, &["plug.yaml"]);
    assert_eq!(report["plug.yaml"], Json::Array(vec![]), "{report}");
}
