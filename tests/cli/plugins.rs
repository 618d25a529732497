//! Plugins through the binary: the example campaign with its two plugins, plugin stages
//! checked like built-ins, every load-time and run-time fault as a diagnostic, isolation of
//! crashing plugins, and the commands that describe plugins.

use std::path::Path;

use serde_json::Value as Json;

use crate::harness::{compile_c, lib_name, plugin_dir, Outcome, Project};

fn with_path(p: &Project, args: &[&str], plugin_path: &Path) -> Outcome {
    Outcome::from(
        p.command(args)
            .env("AIMASS_PLUGIN_PATH", plugin_path)
            .output()
            .unwrap(),
    )
}

/// Appends bytes to a copy of a library: still loadable, another content hash (what a
/// rebuild of the plugin looks like to aimass).
fn rebuilt_copy(from: &Path, to: &Path) {
    let mut bytes = std::fs::read(from).unwrap();
    bytes.extend_from_slice(b"rebuilt");
    std::fs::write(to, bytes).unwrap();
}

/// The rfm-campaign example with its two plugin libraries copied into `libs/`.
fn rfm_campaign_with_libs() -> (Project, std::path::PathBuf) {
    let p = Project::new().with_example("rfm-campaign");
    let libs = p.path("libs");
    std::fs::create_dir_all(&libs).unwrap();
    for name in ["rfm", "knn"] {
        std::fs::copy(plugin_dir().join(lib_name(name)), libs.join(lib_name(name))).unwrap();
    }
    (p, libs)
}

#[test]
fn the_rfm_campaign_runs_caches_and_reruns_when_a_plugin_is_rebuilt() {
    let (p, libs) = rfm_campaign_with_libs();
    let out = with_path(&p, &["run", "campaign.aim"], &libs);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.contains("14 stages: 14 ran, 0 cached"),
        "{out:?}"
    );
    let gate = out.stdout.lines().find(|l| l.starts_with("gate ")).unwrap();
    let auc: f64 = gate.split_whitespace().nth(3).unwrap().parse().unwrap();
    assert!(auc >= 0.75, "the gate requires roc_auc >= 0.75: {gate}");

    let again = with_path(&p, &["run", "campaign.aim"], &libs);
    assert!(
        again.stdout.contains("14 stages: 0 ran, 14 cached"),
        "{again:?}"
    );

    // knn rebuilt: its stages run again, rfm's stay cached.
    let knn = libs.join(lib_name("knn"));
    rebuilt_copy(&plugin_dir().join(lib_name("knn")), &knn);
    let plan = with_path(&p, &["plan", "campaign.aim"], &libs);
    assert_eq!(plan.code, 0, "{plan:?}");
    let line = |stage: &str| {
        plan.stdout
            .lines()
            .find(|l| l.trim_start().starts_with(stage))
            .unwrap_or_default()
            .to_string()
    };
    assert!(
        line("neighbours").contains("plugin changed: knn: 0.1.0 (blake3 "),
        "{plan:?}"
    );
    assert!(line("profile").contains("cached"), "{plan:?}");
    assert!(line("tree").contains("cached"), "{plan:?}");
    let rerun = with_path(&p, &["run", "campaign.aim"], &libs);
    assert_eq!(rerun.code, 0, "{rerun:?}");
    let tune = rerun
        .stdout
        .lines()
        .find(|l| l.starts_with("neighbours "))
        .unwrap();
    assert!(tune.contains(" done "), "{rerun:?}");
}

#[test]
fn a_deployed_plugin_model_predicts_and_names_the_library_it_needs() {
    let (p, libs) = rfm_campaign_with_libs();
    assert_eq!(with_path(&p, &["run", "campaign.aim", "-q"], &libs).code, 0);
    p.file(
        "rows.csv",
        "customer_id,recency_days,frequency,monetary,r_score,f_score,m_score\n\
         C1,10,5,200.0,5,5,5\nC2,250,1,12.0,1,1,1\n",
    );
    let nowhere = p.path("nowhere");
    let ok = with_path(
        &p,
        &["predict", "models/repeat-buyers", "--input", "rows.csv"],
        &nowhere,
    );
    assert_eq!(ok.code, 0, "{ok:?}");
    let rows: Vec<&str> = ok.stdout.lines().collect();
    assert_eq!(rows[0], "prediction,proba_false,proba_true,decile,rank");
    assert!(
        rows[1].starts_with("true,"),
        "a recent frequent customer returns: {ok:?}"
    );
    assert!(rows[2].starts_with("false,"), "{ok:?}");

    // The library the manifest names is gone.
    let knn = libs.join(lib_name("knn"));
    std::fs::remove_file(&knn).unwrap();
    let gone = with_path(
        &p,
        &["predict", "models/repeat-buyers", "--input", "rows.csv"],
        &nowhere,
    );
    assert_eq!(gone.code, 2, "{gone:?}");
    assert!(gone.stderr.contains("aimass::predict::plugin"), "{gone:?}");
    assert!(
        gone.stderr
            .contains("the model needs plugin `knn` 0.1.0 (libknn.so, blake3"),
        "{gone:?}"
    );
    // Another build of it is there instead: refused, not loaded.
    rebuilt_copy(&plugin_dir().join(lib_name("knn")), &knn);
    let other = with_path(
        &p,
        &["predict", "models/repeat-buyers", "--input", "rows.csv"],
        &nowhere,
    );
    assert_eq!(other.code, 2, "{other:?}");
    assert!(
        other.stderr.contains("is another build (blake3"),
        "{other:?}"
    );
    // The right build, found through AIMASS_PLUGIN_PATH.
    let right = p.path("right");
    std::fs::create_dir_all(&right).unwrap();
    std::fs::copy(
        plugin_dir().join(lib_name("knn")),
        right.join(lib_name("knn")),
    )
    .unwrap();
    let found = with_path(
        &p,
        &["predict", "models/repeat-buyers", "--input", "rows.csv"],
        &right,
    );
    assert_eq!(found.code, 0, "{found:?}");
    assert_eq!(found.stdout, ok.stdout);
}

#[test]
fn serve_loads_the_plugin_a_deployed_model_needs_and_refuses_another_build() {
    let (p, libs) = rfm_campaign_with_libs();
    assert_eq!(with_path(&p, &["run", "campaign.aim", "-q"], &libs).code, 0);
    p.file(
        "rows.csv",
        "customer_id,recency_days,frequency,monetary,r_score,f_score,m_score\n\
         C1,10,5,200.0,5,5,5\nC2,250,1,12.0,1,1,1\nC3,60,2,45.5,3,2,3\n",
    );
    let bundle = "models/repeat-buyers";
    let predicted = p.run(&["predict", bundle, "--input", "rows.csv", "--format", "json"]);
    assert_eq!(predicted.code, 0, "{predicted:?}");
    let expected: Json = serde_json::from_str(&predicted.stdout).unwrap();

    // The library is found where the manifest says, as `predict` finds it.
    let server = crate::http::Server::start(&p, bundle, &[]);
    let body = r#"[
        {"customer_id": "C1", "recency_days": 10, "frequency": 5, "monetary": 200.0,
         "r_score": 5, "f_score": 5, "m_score": 5},
        {"customer_id": "C2", "recency_days": 250, "frequency": 1, "monetary": 12.0,
         "r_score": 1, "f_score": 1, "m_score": 1},
        {"customer_id": "C3", "recency_days": 60, "frequency": 2, "monetary": 45.5,
         "r_score": 3, "f_score": 2, "m_score": 3}
    ]"#;
    let r = server.post("/predict", body);
    assert_eq!(r.status, 200, "{}", r.body);
    let got = r.json();
    let preds = got["predictions"].as_array().unwrap();
    assert_eq!(preds.len(), 3);
    for (i, (g, e)) in preds.iter().zip(expected.as_array().unwrap()).enumerate() {
        assert_eq!(g["prediction"], e["prediction"], "row {i}");
        for class in ["false", "true"] {
            let want = e[format!("proba_{class}")].as_f64().unwrap();
            assert_eq!(g["proba"][class].as_f64().unwrap(), want, "row {i} {class}");
        }
    }
    assert_eq!(server.stop(), 0);

    // Another build where the manifest points: refused before binding, with the reason.
    rebuilt_copy(
        &plugin_dir().join(lib_name("knn")),
        &libs.join(lib_name("knn")),
    );
    let nowhere = p.path("nowhere");
    let refused = with_path(&p, &["serve", bundle, "--addr", "127.0.0.1:0"], &nowhere);
    assert_eq!(refused.code, 2, "{refused:?}");
    assert!(
        refused.stderr.contains("aimass::serve::plugins"),
        "{refused:?}"
    );
    assert!(
        refused.stderr.contains("is another build (blake3"),
        "{refused:?}"
    );
}

/// A pipeline using the rfm plugin on a small transactions file.
fn rfm_project(stage: &str) -> Project {
    let p = Project::new();
    p.with_plugin("rfm").file(
        "tx.csv",
        "customer_id,date,amount\nA,2026-01-05,10\nA,2026-02-01,5\nB,2026-01-20,40\nC,2025-12-30,3\n",
    );
    p.file(
        "p.aim",
        format!(
            "pipeline \"p\" {{ }}\nplugin rfm = \"plugins/librfm.so\"\nstage tx: collect {{ source = \"tx.csv\" }}\n{stage}\n"
        ),
    );
    p
}

#[test]
fn plugin_stages_are_checked_like_built_ins() {
    let cases = [
        (
            "unknown_param",
            "stage s: rfm.segment { input = tx, bnis = 4 }",
        ),
        (
            "wrong_type",
            "stage s: rfm.segment { input = tx, bins = \"five\" }",
        ),
        (
            "out_of_range",
            "stage s: rfm.segment { input = tx, bins = 40 }",
        ),
        ("unknown_kind", "stage s: rfm.segmnt { input = tx }"),
        (
            "unknown_port",
            "stage s: rfm.segment { input = tx }\nstage c: clean { input = s.scroes }",
        ),
        (
            "port_type",
            "stage s: rfm.segment { input = tx }\nstage c: clean { input = s.summary }",
        ),
    ];
    for (case, stage) in cases {
        let p = rfm_project(stage);
        let out = p.run(&["check", "p.aim"]);
        assert_eq!(out.code, 2, "{case}: {out:?}");
        insta::assert_snapshot!(format!("plugin_check_{case}"), p.normalise(&out.stderr));
    }
    let p = rfm_project("stage s: rfm.segment { input = tx, bins = 3 }");
    let out = p.run(&["run", "p.aim"]);
    assert_eq!(out.code, 0, "{out:?}");
    // A relative plugin path is relative to the pipeline file, not to the working directory.
    p.file(
        "sub/p.aim",
        "pipeline \"p\" { }\nplugin rfm = \"../plugins/librfm.so\"\nstage tx: collect { source = \"../tx.csv\" }\nstage s: rfm.segment { input = tx }\n",
    );
    let out = p.run(&["check", "sub/p.aim"]);
    assert_eq!(out.code, 0, "{out:?}");
}

/// Builds the faulty C plugin with `defines` as `plugins/lib<name>.so` and checks a pipeline
/// declaring it.
fn check_fault(defines: &[&str], name: &str) -> (Project, Outcome) {
    let p = Project::new();
    compile_c(
        "tests/fixtures/plugins/faults.c",
        &p.path("plugins"),
        name,
        defines,
    );
    p.file("d.csv", "x\n1\n");
    p.file(
        "p.aim",
        format!(
            "pipeline \"p\" {{ }}\nplugin f = \"plugins/lib{name}.so\"\nstage d: collect {{ source = \"d.csv\" }}\nstage s: f.ok {{ input = d }}\n"
        ),
    );
    let out = p.run(&["check", "p.aim"]);
    (p, out)
}

#[test]
fn load_faults_are_diagnostics_at_the_declaration() {
    for (defines, name) in [
        (&["-DFAULT_ABI=99"][..], "too_new"),
        (&["-DFAULT_ABI=0"][..], "too_old"),
        (&["-DFAULT_NO_ENTRY"][..], "no_entry"),
        (&["-DFAULT_DUPLICATE_KIND"][..], "duplicate_kind"),
    ] {
        let (p, out) = check_fault(defines, name);
        assert_eq!(out.code, 2, "{name}: {out:?}");
        insta::assert_snapshot!(format!("plugin_load_{name}"), p.normalise(&out.stderr));
    }
    // Missing, with the closest file of that directory suggested.
    let (p, _) = check_fault(&[], "faults");
    p.file(
        "p.aim",
        "pipeline \"p\" { }\nplugin f = \"plugins/libfault.so\"\nstage d: collect { source = \"d.csv\" }\n",
    );
    let out = p.run(&["check", "p.aim"]);
    assert_eq!(out.code, 2);
    insta::assert_snapshot!("plugin_load_missing", p.normalise(&out.stderr));
    // Not a shared library.
    p.file("plugins/libtext.so", "I am not a library\n");
    p.file(
        "p.aim",
        "pipeline \"p\" { }\nplugin f = \"plugins/libtext.so\"\nstage d: collect { source = \"d.csv\" }\n",
    );
    let out = p.run(&["check", "p.aim"]);
    assert_eq!(out.code, 2);
    insta::assert_snapshot!("plugin_load_not_a_library", p.normalise(&out.stderr));
    // The same library declared twice.
    p.file(
        "p.aim",
        "pipeline \"p\" { }\nplugin f = \"plugins/libfaults.so\"\nplugin g = \"plugins/libfaults.so\"\nstage d: collect { source = \"d.csv\" }\n",
    );
    let out = p.run(&["check", "p.aim"]);
    assert_eq!(out.code, 2);
    insta::assert_snapshot!("plugin_load_duplicate", p.normalise(&out.stderr));
    // A bare name not in AIMASS_PLUGIN_PATH.
    p.file(
        "p.aim",
        "pipeline \"p\" { }\nplugin f = \"faults\"\nstage d: collect { source = \"d.csv\" }\n",
    );
    let out = with_path(&p, &["check", "p.aim"], &p.path("elsewhere"));
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("aimass::plugin::not_found"), "{out:?}");
    let found = with_path(&p, &["check", "p.aim"], &p.path("plugins"));
    assert_eq!(found.code, 0, "{found:?}");
}

/// A project with the C fault plugin, the Rust panicky one, and a sibling branch.
fn fault_run(stage: &str, extra: &[&str]) -> (Project, Outcome) {
    let p = Project::new();
    compile_c(
        "tests/fixtures/plugins/faults.c",
        &p.path("plugins"),
        "faults",
        &[],
    );
    p.with_plugin("panicky");
    p.file("d.csv", "x,y\n1,a\n2,b\n");
    p.file(
        "p.aim",
        format!(
            "pipeline \"p\" {{ }}\nplugin f = \"plugins/libfaults.so\"\nplugin r = \"plugins/libpanicky.so\"\n\
             stage d: collect {{ source = \"d.csv\" }}\n{stage}\nstage sibling: clean {{ input = d, dedupe = true }}\n"
        ),
    );
    let mut args = vec![
        "run",
        "p.aim",
        "--keep-going",
        "--jobs",
        "1",
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    let out = p.run(&args);
    (p, out)
}

#[test]
fn run_time_faults_fail_their_stage_with_a_diagnostic() {
    for (case, stage, extra) in [
        (
            "error",
            "stage s: f.error { input = d, threshold = 0.9 }",
            &[][..],
        ),
        ("panic", "stage s: r.panic { input = d }", &[][..]),
        ("wrong_port", "stage s: f.wrong_port { input = d }", &[][..]),
        (
            "bad_buffers",
            "stage s: f.bad_buffers { input = d }",
            &[][..],
        ),
        (
            "missing_output",
            "stage s: f.missing_output { input = d }",
            &[][..],
        ),
        (
            "timeout",
            "stage s: r.sleep { input = d, ms = 60000 }",
            &["--stage-timeout", "300ms"][..],
        ),
    ] {
        let (p, out) = fault_run(stage, extra);
        assert_eq!(out.code, 1, "{case}: {out:?}");
        assert_eq!(out.stage_status("s"), "failed", "{case}: {out:?}");
        assert_eq!(
            out.stage_status("sibling"),
            "done",
            "{case}: the other branch finishes: {out:?}"
        );
        insta::assert_snapshot!(
            format!("plugin_run_{case}"),
            without_lines(&p.normalise(&out.stderr))
        );
    }
}

/// `lib.rs:25:65` as `lib.rs:LINE:COL`: a panic's location moves whenever the fixture is
/// edited.
fn without_lines(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("lib.rs:") {
        let (head, tail) = rest.split_at(at + "lib.rs:".len());
        out.push_str(head);
        let digits = tail
            .find(|c: char| !c.is_ascii_digit() && c != ':')
            .unwrap_or(tail.len());
        if digits > 0 {
            out.push_str("LINE:COL:");
        }
        rest = &tail[digits..];
    }
    out.push_str(rest);
    out
}

#[test]
fn isolated_plugins_that_crash_fail_only_their_stage() {
    for (case, stage) in [
        ("segfault", "stage s: f.segfault { input = d }"),
        ("abort", "stage s: f.abort { input = d }"),
    ] {
        let (p, out) = fault_run(stage, &["--isolate-plugins"]);
        assert_eq!(out.code, 1, "{case}: {out:?}");
        assert_eq!(out.stage_status("s"), "failed", "{case}: {out:?}");
        assert_eq!(out.stage_status("sibling"), "done", "{case}: {out:?}");
        insta::assert_snapshot!(format!("plugin_isolated_{case}"), p.normalise(&out.stderr));
    }
    // A hung isolated plugin is killed at the deadline.
    let (_, out) = fault_run(
        "stage s: r.sleep { input = d, ms = 60000 }",
        &["--isolate-plugins", "--stage-timeout", "500ms"],
    );
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stdout.contains("its isolated host process was killed"),
        "{out:?}"
    );
    // A well-behaved plugin gives the same results isolated or not.
    let (p, out) = fault_run(
        "stage s: r.count { input = d }\nstage t: f.ok { input = d }",
        &["--isolate-plugins"],
    );
    assert_eq!(out.code, 0, "{out:?}");
    let isolated = p.read("p.aim.lock");
    let (q, out) = fault_run(
        "stage s: r.count { input = d }\nstage t: f.ok { input = d }",
        &[],
    );
    assert_eq!(out.code, 0, "{out:?}");
    let keys = |lock: &str| -> Vec<String> {
        let j: Json = serde_json::from_str(lock).unwrap();
        ["s", "t"]
            .iter()
            .map(|s| j["stages"][s]["outputs"].to_string())
            .collect()
    };
    assert_eq!(keys(&isolated), keys(&q.read("p.aim.lock")));
}

#[test]
fn the_c_plugin_runs_through_the_binary() {
    let p = Project::new();
    compile_c(
        "plugins/examples/c-minimal/row_number.c",
        &p.path("plugins"),
        "row_number",
        &[],
    );
    p.file("d.csv", "x\n5\n6\n7\n");
    p.file(
        "p.yaml",
        "pipeline: p\nplugins:\n  rows: plugins/librow_number.so\nstages:\n  d:\n    kind: collect\n    source: \"d.csv\"\n  n:\n    kind: rows.row_number\n    input: d\n    start: 100\n  m:\n    kind: model\n    input: n\n    target: x\n    algorithm: linear\n    task: regression\n    features: [row_number]\n  e:\n    kind: evaluate\n    model: m\n    data: n\n    metrics: [r2]\n    require: [r2 >= 0.999999]\n",
    );
    // x = row_number - 95 exactly: a linear model on the plugin's column alone fits it
    // perfectly only if the column is 100, 101, 102 (the gate fails otherwise).
    let out = p.run(&["run", "p.yaml"]);
    assert_eq!(out.code, 0, "{out:?}");
    let scores = out
        .stdout
        .lines()
        .rev()
        .find(|l| l.starts_with("e "))
        .unwrap();
    assert!(scores.contains("1.0000"), "{out:?}");
}

#[test]
fn inspect_and_stages_describe_what_a_plugin_provides() {
    let dir = plugin_dir();
    let rfm = dir.join(lib_name("rfm"));
    let p = Project::new();
    let text = p.run(&["plugins", "inspect", rfm.to_str().unwrap()]);
    assert_eq!(text.code, 0, "{text:?}");
    assert!(text.stdout.starts_with("rfm 0.1.0\n"), "{text:?}");
    assert!(text.stdout.contains("rfm.segment  (transform)"), "{text:?}");
    assert!(
        text.stdout
            .contains("param   bins             integer [default 5]"),
        "{text:?}"
    );
    let json = p.run(&[
        "plugins",
        "inspect",
        rfm.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let j: Json = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(j["name"], "rfm");
    assert_eq!(j["abi_version"], 1);
    assert_eq!(j["stages"][0]["kind"], "rfm.segment");
    assert_eq!(j["stages"][0]["outputs"][1]["type"], "Metrics");
    assert_eq!(j["blake3"].as_str().unwrap().len(), 64);

    let knn = dir.join(lib_name("knn"));
    let listed = p.run(&[
        "stages",
        "--plugin",
        rfm.to_str().unwrap(),
        "--plugin",
        knn.to_str().unwrap(),
    ]);
    assert_eq!(listed.code, 0, "{listed:?}");
    assert!(listed.stdout.contains("rfm.segment"), "{listed:?}");
    assert!(listed.stdout.contains("plugin estimators"), "{listed:?}");
    assert!(listed.stdout.contains("knn.knn"), "{listed:?}");
    let one = p.run(&["stages", "rfm.segment", "--plugin", rfm.to_str().unwrap()]);
    assert!(one.stdout.contains("summary            Metrics"), "{one:?}");
    let model = p.run(&["stages", "model", "--plugin", knn.to_str().unwrap()]);
    assert!(model.stdout.contains("knn.knn"), "{model:?}");
    assert!(model.stdout.contains("weights"), "{model:?}");

    let missing = p.run(&["plugins", "inspect", "nowhere/libx.so"]);
    assert_eq!(missing.code, 2, "{missing:?}");
    assert!(
        missing.stderr.contains("aimass::plugin::not_found"),
        "{missing:?}"
    );
}

#[test]
fn knn_regresses_cross_validates_and_is_checked() {
    let p = Project::new().with_example("telco-retention");
    p.with_plugin("knn");
    let pipeline = |extra: &str| {
        format!(
            "pipeline \"knn\" {{ seed = 3 }}\nplugin knn = \"plugins/libknn.so\"\n\
             stage raw: collect {{ source = \"data/telco_churn.csv\" }}\n\
             stage x: clean {{ input = raw, select = [\"tenure\", \"monthly_charges\", \"total_charges\"], drop_missing = true }}\n\
             stage parts: split {{ input = x, test = 25% }}\n\
             stage m: model {{ input = parts.train, target = \"total_charges\", algorithm = knn.knn, task = regression, k = 7{extra} }}\n\
             stage e: evaluate {{ model = m, data = parts.test, metrics = [r2, rmse], cv = 3, require {{ r2 >= 0.9 }} }}\n"
        )
    };
    p.file("knn.aim", pipeline(", weights = distance"));
    let out = p.run(&["run", "knn.aim"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.lines().any(|l| l.starts_with("e ")), "{out:?}");
    // A built-in's hyperparameter on a plugin estimator, and a bad value of its own.
    p.file("knn.aim", pipeline(", max_depth = 3"));
    let bad = p.run(&["check", "knn.aim"]);
    assert_eq!(bad.code, 2, "{bad:?}");
    assert!(
        bad.stderr
            .contains("`max_depth` does not apply to `knn.knn`"),
        "{bad:?}"
    );
    assert!(
        bad.stderr
            .contains("`knn.knn` takes: k, weights, metric, scale, seed"),
        "{bad:?}"
    );
    p.file("knn.aim", pipeline(", weights = closest"));
    let bad = p.run(&["check", "knn.aim"]);
    assert_eq!(bad.code, 2, "{bad:?}");
    assert!(
        bad.stderr
            .contains("`weights` expects one of uniform | distance, found `closest`"),
        "{bad:?}"
    );
}
