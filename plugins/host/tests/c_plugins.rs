//! The host against real libraries written in C: the minimal example, and a faulty plugin
//! that commits every fault the ABI lets a plugin commit. Each fault must become an error
//! that says what went wrong; none may crash or hang the test process (the crashing and
//! hanging kinds are exercised through `--isolate-plugins` in the CLI tests).
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use aimass_engine::{Artifact, Frame, ParamValue, Params, RunContext, StageKind};
use aimass_plugin_host::{open, HostOptions, LoadFailure, PluginTransform};
use common::compile_c;
use polars::prelude::*;

fn input() -> DataFrame {
    df! {
        "customer" => ["a", "b", "c"],
        "amount" => [Some(1.5f64), None, Some(3.0)],
    }
    .unwrap()
}

/// Runs `kind` of `plugin` on the input frame with `params`.
fn run(
    plugin: &Arc<aimass_plugin_host::Plugin>,
    kind: &str,
    params: Vec<(String, ParamValue)>,
) -> Result<aimass_engine::Outputs, aimass_engine::StageError> {
    let desc = plugin.descriptor.stage(kind).unwrap();
    let t = PluginTransform::new(plugin, desc).unwrap();
    let inputs = BTreeMap::from([(
        "input".to_string(),
        vec![Artifact::Frame(Frame::new(input()))],
    )]);
    let params = Params::new(params);
    let dir = std::env::temp_dir();
    t.run(&RunContext {
        stage: "s",
        params: &params,
        inputs: &inputs,
        seed: 7,
        project_dir: &dir,
    })
}

#[test]
fn the_c_example_adds_a_column_and_moves_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let lib = compile_c(
        "plugins/examples/c-minimal/row_number.c",
        dir.path(),
        "row_number",
        &[],
    );
    let p = open(Some("rows"), &lib, &HostOptions::default()).unwrap();
    assert_eq!(p.identity.name, "row_number");
    assert_eq!(p.identity.version, "0.1.0");
    assert_eq!(p.identity.abi_version, 1);
    assert_eq!(p.identity.hash.len(), 64);
    let out = run(
        &p,
        "row_number",
        vec![("start".into(), ParamValue::int(10))],
    )
    .unwrap();
    let df = &out.get("numbered").unwrap().as_frame().unwrap().data;
    let expected = df! {
        "customer" => ["a", "b", "c"],
        "amount" => [Some(1.5f64), None, Some(3.0)],
        "row_number" => [10i64, 11, 12],
    }
    .unwrap();
    assert!(df.equals_missing(&expected), "{df}");
}

#[test]
fn load_time_faults_are_named() {
    let dir = tempfile::tempdir().unwrap();
    type Case = (
        &'static [&'static str],
        &'static str,
        fn(&LoadFailure) -> bool,
    );
    let cases: &[Case] = &[
        (&["-DFAULT_ABI=99"], "new", |f| {
            matches!(f, LoadFailure::AbiTooNew { found: 99 })
        }),
        (&["-DFAULT_ABI=0"], "old", |f| {
            matches!(f, LoadFailure::AbiTooOld { found: 0 })
        }),
        (&["-DFAULT_NO_ENTRY"], "noentry", |f| {
            matches!(f, LoadFailure::NoEntry { .. })
        }),
        (
            &["-DFAULT_NULL"],
            "null",
            |f| matches!(f, LoadFailure::BadTable(w) if w.contains("returned no table")),
        ),
    ];
    for (defines, name, expected) in cases {
        let lib = compile_c("tests/fixtures/plugins/faults.c", dir.path(), name, defines);
        let failure = open(Some("f"), &lib, &HostOptions::default())
            .err()
            .unwrap();
        assert!(expected(&failure), "{name}: {failure:?}");
        assert!(!failure.message().is_empty());
    }
    // A table longer than ABI 1's (fields a later SDK appended): the host reads the fields it
    // knows and loads it.
    let longer = compile_c(
        "tests/fixtures/plugins/faults.c",
        dir.path(),
        "longer",
        &["-DFAULT_TABLE_SIZE=4096"],
    );
    assert!(open(Some("f"), &longer, &HostOptions::default()).is_ok());
    let text = dir.path().join("libtext.so");
    std::fs::write(&text, "not a library\n").unwrap();
    let f = open(Some("t"), &text, &HostOptions::default())
        .err()
        .unwrap();
    assert!(
        matches!(&f, LoadFailure::NotALibrary { why, .. } if why.contains("text file")),
        "{f:?}"
    );
    assert_eq!(f.code(), "aimass::plugin::not_a_library");
}

#[test]
fn run_time_faults_become_stage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let lib = compile_c("tests/fixtures/plugins/faults.c", dir.path(), "faults", &[]);
    let p = open(Some("f"), &lib, &HostOptions::default()).unwrap();

    let ok = run(&p, "ok", vec![]).unwrap();
    let df = &ok.get("out").unwrap().as_frame().unwrap().data;
    assert_eq!(df.get_column_names(), ["customer"]);

    let threshold = ParamValue::new(
        aimass_engine::PKind::Float(0.9),
        aimass_dsl::ir::Span { offset: 40, len: 3 },
    );
    let e = run(&p, "error", vec![("threshold".into(), threshold)]).unwrap_err();
    assert_eq!(e.code, "aimass::plugin::error");
    assert!(
        e.message
            .contains("plugin `f` (libfaults.so) failed in `error`: threshold must be below 0.3"),
        "{}",
        e.message
    );
    assert_eq!(
        e.labels.len(),
        1,
        "points at the parameter the plugin blamed"
    );
    assert_eq!(e.labels[0].0.offset, 40);

    for (kind, want) in [
        (
            "wrong_port",
            "output `summary` is declared a Metrics, but the plugin returned a frame",
        ),
        ("not_a_batch", "it is not a record batch"),
        (
            "bad_buffers",
            "column `customer`: type `U` has 3 buffers, the array declares 7",
        ),
        (
            "missing_output",
            "the plugin returned nothing for output `out`",
        ),
    ] {
        let e = run(&p, kind, vec![]).unwrap_err();
        assert_eq!(e.code, "aimass::plugin::bad_output", "{kind}");
        assert!(e.message.contains(want), "{kind}: {}", e.message);
        assert!(
            e.help
                .as_deref()
                .unwrap_or("")
                .contains("bug in the plugin"),
            "{kind}"
        );
    }
}

#[test]
fn a_call_that_never_returns_times_out() {
    let dir = tempfile::tempdir().unwrap();
    let lib = compile_c("tests/fixtures/plugins/faults.c", dir.path(), "hang", &[]);
    let opts = HostOptions {
        isolate: false,
        timeout: Some(Duration::from_millis(200)),
    };
    let p = open(Some("f"), &lib, &opts).unwrap();
    let e = run(&p, "hang", vec![]).unwrap_err();
    assert_eq!(e.code, "aimass::plugin::timeout");
    assert!(
        e.message.contains("did not return within 200ms"),
        "{}",
        e.message
    );
}
