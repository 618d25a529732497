//! `aimass check`: every kind of problem, in both forms, as the user sees it.

use crate::harness::Project;

/// (case, .aim text, YAML text): each pair must produce the same diagnostics.
const CASES: &[(&str, &str, &str)] = &[
    (
        "unknown_kind",
        "pipeline \"p\" { }\nstage raw: colect { source = \"a.csv\" }\n",
        "pipeline: p\nstages:\n  raw:\n    kind: colect\n    source: a.csv\n",
    ),
    (
        "unknown_param",
        "pipeline \"p\" { }\nstage raw: collect { source = \"a.csv\", limt = 5 }\n",
        "pipeline: p\nstages:\n  raw:\n    kind: collect\n    source: a.csv\n    limt: 5\n",
    ),
    (
        "missing_param",
        "pipeline \"p\" { }\nstage raw: collect { limit = 5 }\n",
        "pipeline: p\nstages:\n  raw:\n    kind: collect\n    limit: 5\n",
    ),
    (
        "type_mismatch",
        "pipeline \"p\" { }\nstage raw: collect { source = \"a.csv\", limit = \"ten\" }\n",
        "pipeline: p\nstages:\n  raw:\n    kind: collect\n    source: a.csv\n    limit: \"ten\"\n",
    ),
    (
        "bad_word",
        "pipeline \"p\" { }\nstage raw: collect { source = \"a.csv\" }\nstage m: model { input = raw, target = \"y\", algorithm = decision_tre }\n",
        "pipeline: p\nstages:\n  raw:\n    kind: collect\n    source: a.csv\n  m:\n    kind: model\n    input: raw\n    target: y\n    algorithm: decision_tre\n",
    ),
    (
        "out_of_range",
        "pipeline \"p\" { }\nstage raw: collect { source = \"a.csv\" }\nstage s: split { input = raw, test = 1.5 }\n",
        "pipeline: p\nstages:\n  raw:\n    kind: collect\n    source: a.csv\n  s:\n    kind: split\n    input: raw\n    test: 1.5\n",
    ),
    (
        "unknown_reference",
        "pipeline \"p\" { }\nstage raw: collect { source = \"a.csv\" }\nstage c: clean { input = rw }\n",
        "pipeline: p\nstages:\n  raw:\n    kind: collect\n    source: a.csv\n  c:\n    kind: clean\n    input: rw\n",
    ),
    (
        "port_type",
        "pipeline \"p\" { }\nstage raw: collect { source = \"a.csv\" }\nstage m: model { input = raw, target = \"y\", algorithm = logistic }\nstage c: clean { input = m }\n",
        "pipeline: p\nstages:\n  raw:\n    kind: collect\n    source: a.csv\n  m:\n    kind: model\n    input: raw\n    target: y\n    algorithm: logistic\n  c:\n    kind: clean\n    input: m\n",
    ),
    (
        "ambiguous_output",
        "pipeline \"p\" { }\nstage raw: collect { source = \"a.csv\" }\nstage s: split { input = raw }\nstage c: clean { input = s }\n",
        "pipeline: p\nstages:\n  raw:\n    kind: collect\n    source: a.csv\n  s:\n    kind: split\n    input: raw\n  c:\n    kind: clean\n    input: s\n",
    ),
    (
        "unknown_port",
        "pipeline \"p\" { }\nstage raw: collect { source = \"a.csv\" }\nstage s: split { input = raw }\nstage c: clean { input = s.trian }\n",
        "pipeline: p\nstages:\n  raw:\n    kind: collect\n    source: a.csv\n  s:\n    kind: split\n    input: raw\n  c:\n    kind: clean\n    input: s.trian\n",
    ),
    (
        "cycle",
        "pipeline \"p\" { }\nstage a: clean { input = c }\nstage b: clean { input = a }\nstage c: clean { input = b }\n",
        "pipeline: p\nstages:\n  a:\n    kind: clean\n    input: c\n  b:\n    kind: clean\n    input: a\n  c:\n    kind: clean\n    input: b\n",
    ),
    (
        "unknown_pipeline_param",
        "pipeline \"p\" { params { depth = 3 } }\nstage raw: collect { source = \"a.csv\", limit = params.dept }\n",
        "pipeline: p\nparams:\n  depth: 3\nstages:\n  raw:\n    kind: collect\n    source: a.csv\n    limit: params.dept\n",
    ),
    (
        "unknown_plugin",
        "pipeline \"p\" { }\nstage seg: rfn.segment { }\n",
        "pipeline: p\nstages:\n  seg:\n    kind: rfn.segment\n",
    ),
    (
        "several_problems",
        "pipeline \"p\" { }\nstage raw: collect { source = 3 }\nstage c: clean { input = nope, dedupe = maybe }\nstage d: clean { input = c, bogus = 1 }\n",
        "pipeline: p\nstages:\n  raw:\n    kind: collect\n    source: 3\n  c:\n    kind: clean\n    input: nope\n    dedupe: maybe\n  d:\n    kind: clean\n    input: c\n    bogus: 1\n",
    ),
];

#[test]
fn every_kind_of_problem_is_reported_in_both_forms() {
    for (case, aim, yaml) in CASES {
        for (ext, text) in [("aim", aim), ("yaml", yaml)] {
            let p = Project::new();
            let file = format!("{case}.{ext}");
            p.file(&file, text);
            let out = p.run(&["check", &file]);
            assert_eq!(out.code, 2, "{case}.{ext}: {out:?}");
            assert!(out.stdout.is_empty(), "{case}.{ext}: {out:?}");
            assert!(!out.stderr.contains("panicked"), "{case}.{ext}: {out:?}");
            insta::assert_snapshot!(format!("check_{case}_{ext}"), out.stderr);
        }
    }
}

#[test]
fn valid_examples_pass() {
    let p = Project::new().with_example("telco-retention");
    for file in ["campaign.aim", "campaign.yaml"] {
        let out = p.run(&["check", file]);
        assert_eq!(out.code, 0, "{out:?}");
        assert!(out.stdout.contains("ok (12 stages)"), "{out:?}");
    }
}

#[test]
fn set_overrides_are_type_checked() {
    let p = Project::new().with_example("telco-retention");
    let ok = p.run(&["check", "campaign.aim", "--set", "depth=8"]);
    assert_eq!(ok.code, 0, "{ok:?}");
    let bad = p.run(&["check", "campaign.aim", "--set", "depth=deep"]);
    assert_eq!(bad.code, 2, "{bad:?}");
    assert!(bad.stderr.contains("--set depth=deep"), "{bad:?}");
    let unknown = p.run(&["check", "campaign.aim", "--set", "dept=8"]);
    assert_eq!(unknown.code, 2, "{unknown:?}");
    assert!(
        unknown.stderr.contains("did you mean `depth`"),
        "{unknown:?}"
    );
}

#[test]
fn unsupported_extension_and_missing_file_are_diagnostics() {
    let p = Project::new();
    p.file("pipeline.txt", "pipeline \"p\" { }\n");
    let out = p.run(&["check", "pipeline.txt"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains(".aim"), "{out:?}");
    let out = p.run(&["check", "missing.aim"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("missing.aim"), "{out:?}");
}

#[test]
fn graph_prints_dot_and_mermaid() {
    let p = Project::new().with_example("telco-retention");
    let dot = p.run(&["graph", "campaign.aim", "--format", "dot"]);
    assert_eq!(dot.code, 0, "{dot:?}");
    assert!(
        dot.stdout.starts_with("digraph \"telco-retention\""),
        "{dot:?}"
    );
    assert!(
        dot.stdout
            .contains("\"parts\" -> \"tidy\" [label=\"train -> input: Frame\"]"),
        "{dot:?}"
    );
    let mermaid = p.run(&["graph", "campaign.aim", "--format", "mermaid"]);
    assert!(mermaid.stdout.starts_with("flowchart LR"), "{mermaid:?}");
    assert!(
        mermaid
            .stdout
            .contains("tree -->|\"model -> model: Model\"| tree_eval"),
        "{mermaid:?}"
    );
}

#[test]
fn stages_lists_and_describes_kinds() {
    let p = Project::new();
    let all = p.run(&["stages"]);
    assert_eq!(all.code, 0);
    for kind in [
        "collect", "clean", "split", "model", "tune", "fuse", "evaluate", "deploy", "join",
        "resample",
    ] {
        assert!(all.stdout.contains(kind), "{kind}: {all:?}");
    }
    let one = p.run(&["stages", "split"]);
    assert!(one.stdout.contains("stratify"), "{one:?}");
    assert!(one.stdout.contains("train"), "{one:?}");
    let typo = p.run(&["stages", "splt"]);
    assert_eq!(typo.code, 2);
    assert!(typo.stderr.contains("did you mean `split`"), "{typo:?}");
}

#[test]
fn version_and_help() {
    let p = Project::new();
    let v = p.run(&["--version"]);
    assert_eq!(v.code, 0);
    assert!(v.stdout.starts_with("aimass "), "{v:?}");
    for sub in [
        "check", "run", "plan", "graph", "fmt", "convert", "stages", "cache",
    ] {
        let h = p.run(&[sub, "--help"]);
        assert_eq!(h.code, 0, "{sub}: {h:?}");
        assert!(h.stdout.contains("Usage"), "{sub}: {h:?}");
    }
}

/// `require: { roc_auc >= 0.8 }` is a YAML mapping with a key and no value. The user meant a
/// list of gates: the diagnostic says so and shows the list form, in place of a bad key name.
#[test]
fn a_yaml_flow_mapping_where_gates_go_gets_the_list_form() {
    let p = Project::new();
    p.file(
        "gates.yaml",
        "pipeline: p\nstages:\n  raw:\n    kind: collect\n    source: a.csv\n  s:\n    kind: split\n    input: raw\n  m:\n    kind: model\n    input: s.train\n    target: y\n    algorithm: logistic\n  e:\n    kind: evaluate\n    model: m\n    data: s.test\n    require: { roc_auc >= 0.8 }\n",
    );
    let out = p.run(&["check", "gates.yaml"]);
    assert_eq!(out.code, 2, "{out:?}");
    let err = out.stderr.replace("\n  | ", " ");
    assert!(err.contains("aimass::syntax::key_without_value"), "{out:?}");
    assert!(err.contains("`require: [roc_auc >= 0.8]`"), "{out:?}");
    assert!(err.contains("- roc_auc >= 0.8"), "{out:?}");
    assert!(!err.contains("bad_name"), "one problem, said once: {out:?}");
    assert!(!err.contains("aimass::syntax::null"), "{out:?}");
}

/// pest stops at the first syntax error; the file is then cut at its stages, so each broken
/// stage is reported, in file order, and the sound stages between them are not.
#[test]
fn every_broken_stage_is_reported_not_only_the_first() {
    let p = Project::new();
    p.file(
        "p.aim",
        std::fs::read(crate::harness::repo().join("tests/fixtures/three_broken_stages.aim"))
            .unwrap(),
    );
    let out = p.run(&["check", "p.aim"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("3 syntax errors"), "{out:?}");
    let at: Vec<&str> = out
        .stderr
        .lines()
        .filter_map(|l| l.trim().strip_prefix(",-[p.aim:"))
        .collect();
    assert_eq!(at, ["11:12]", "19:9]", "25:1]"], "{out:?}");
}
