//! A test plugin exported with `export_plugin!`, driven through its table exactly as the
//! host drives a loaded library: entry point, descriptor, transform, fit, predict and
//! free_buffer, with errors, panics and buffer ownership.

mod common;

use aimass_plugin_sdk::{
    api, Column, Error, Estimator, EstimatorCall, EstimatorSpec, Frame, Outputs, Param, Result,
    Task, Transform, TransformCall, TransformSpec,
};
use serde_json::{json, Value};

/// Adds `bin` (value bucket of column `column`) to its input; reports row counts.
#[derive(Default)]
struct Segment;

impl Transform for Segment {
    fn spec(&self) -> TransformSpec {
        TransformSpec::new("segment")
            .doc("Bins a column.")
            .input("input", "The frame.")
            .output("scores", "The frame with `bin`.")
            .metrics("summary", "Row counts.")
            .param(Param::column("column").required().doc("The column to bin."))
            .param(
                Param::int("bins")
                    .default(5)
                    .range(2, 10)
                    .doc("How many bins."),
            )
    }

    fn run(&self, mut call: TransformCall) -> Result<Outputs> {
        let bins = call.params().int("bins")?;
        if bins > 8 {
            return Err(Error::param("bins", "at most 8 bins for this data"));
        }
        let column = call.params().str("column")?.to_owned();
        let mut frame = call.input("input")?;
        let values = frame.column(&column)?.to_f64_vec()?;
        let bin = values
            .iter()
            .map(|v| v.map(|v| (v.max(0.0) as i64).min(bins - 1)))
            .collect();
        frame.push("bin", Column::from_opt_i64(bin))?;
        let summary = json!({"stage": call.stage(), "seed": call.seed(), "rows": frame.len()});
        Ok(Outputs::new()
            .frame("scores", frame)
            .metrics("summary", summary))
    }
}

/// Panics, or returns what its spec does not declare, on request.
#[derive(Default)]
struct Misbehave;

impl Transform for Misbehave {
    fn spec(&self) -> TransformSpec {
        TransformSpec::new("misbehave")
            .input_list("inputs", "Frames.")
            .output("output", "A frame.")
            .param(Param::words("how", &["panic", "undeclared", "wrong_kind", "concat"]).required())
    }

    fn run(&self, mut call: TransformCall) -> Result<Outputs> {
        let frames = call.inputs("inputs");
        match call.params().str("how")? {
            "panic" => panic!("boom: {} frames", frames.len()),
            "undeclared" => Ok(Outputs::new().frame("other", Frame::new())),
            "wrong_kind" => Ok(Outputs::new().metrics("output", json!({}))),
            _ => {
                let mut out = Frame::new();
                for (i, frame) in frames.into_iter().enumerate() {
                    for (name, column) in frame.into_columns() {
                        out.push(format!("{name}_{i}"), column)?;
                    }
                }
                Ok(Outputs::new().frame("output", out))
            }
        }
    }
}

/// Predicts the training mean (regression) or the class frequencies (classification).
#[derive(Default)]
struct Mean;

impl Estimator for Mean {
    fn spec(&self) -> EstimatorSpec {
        EstimatorSpec::new("mean")
            .doc("Predicts what it saw.")
            .classification()
            .regression()
            .param(Param::bool("shout").default(false))
    }

    fn fit(&self, call: &EstimatorCall, x: Frame, y: Column) -> Result<Vec<u8>> {
        if x.width() != call.features().len() {
            return Err(Error::new("features and x disagree"));
        }
        let state: Vec<f64> = match call.task() {
            Task::Regression => {
                let y = y.f64_values().ok_or("regression targets are Float64")?;
                vec![y.iter().sum::<f64>() / y.len() as f64]
            }
            Task::Classification => {
                let n = call.n_classes().ok_or("no n_classes")?;
                let y = y.i64_values().ok_or("class targets are Int64")?;
                (0..n)
                    .map(|k| y.iter().filter(|c| **c == k as i64).count() as f64 / y.len() as f64)
                    .collect()
            }
        };
        Ok(state.iter().flat_map(|v| v.to_le_bytes()).collect())
    }

    fn predict(&self, call: &EstimatorCall, state: &[u8], x: Frame) -> Result<Frame> {
        let values: Vec<f64> = state
            .chunks_exact(8)
            .map(|b| f64::from_le_bytes(b.try_into().unwrap_or_default()))
            .collect();
        if call.params().bool("shout")? {
            // Wrong on purpose: one row too many.
            return call.regression_values(vec![0.0; x.len() + 1]);
        }
        match call.task() {
            Task::Regression => call.regression_values(vec![values[0]; x.len()]),
            Task::Classification => {
                call.class_probabilities(values.iter().map(|p| vec![*p; x.len()]).collect())
            }
        }
    }
}

aimass_plugin_sdk::export_plugin! {
    name: "testing",
    version: "1.2.3",
    transforms: [Segment, Misbehave],
    estimators: [Mean],
}

fn table() -> &'static api::PluginTable {
    let table = aimass_plugin_v1(api::ABI_VERSION);
    assert!(!table.is_null());
    // SAFETY: non-null: the plugin's static table.
    unsafe { &*table }
}

fn c_text(ptr: *const std::ffi::c_char) -> String {
    // SAFETY: the table's strings are NUL-terminated and static.
    unsafe { std::ffi::CStr::from_ptr(ptr) }
        .to_str()
        .expect("utf-8")
        .to_owned()
}

/// Reads a plugin buffer as JSON and gives it back through free_buffer.
fn take_json(buffer: api::Buffer) -> Value {
    let table = table();
    // SAFETY: the plugin left `len` bytes at `ptr` for us.
    let bytes = unsafe { std::slice::from_raw_parts(buffer.ptr, buffer.len) }.to_vec();
    // SAFETY: the buffer is the plugin's, given back once.
    unsafe { (table.free_buffer.expect("free_buffer"))(buffer) };
    serde_json::from_slice(&bytes).expect("json")
}

fn import(frame: api::Frame) -> Frame {
    // SAFETY: frames the plugin exported.
    unsafe { Frame::from_ffi(frame) }.expect("import")
}

struct Run {
    status: i32,
    outputs: Vec<api::Output>,
    error: Option<Value>,
}

fn transform(kind: &str, call: Value, inputs: Vec<(&str, api::Frame)>, n_outputs: usize) -> Run {
    let call = call.to_string();
    let mut inputs: Vec<api::Input> = inputs
        .into_iter()
        .map(|(name, frame)| api::Input {
            name: api::Str::new(name.as_bytes()),
            frame,
        })
        .collect();
    let mut outputs: Vec<api::Output> = (0..n_outputs).map(|_| api::Output::empty()).collect();
    let mut error = api::Buffer::EMPTY;
    // SAFETY: the host's side of the ABI, with live arrays of the given lengths.
    let status = unsafe {
        (table().transform.expect("transform"))(
            api::Str::new(kind.as_bytes()),
            api::Str::new(call.as_bytes()),
            inputs.as_mut_ptr(),
            inputs.len(),
            outputs.as_mut_ptr(),
            outputs.len(),
            &mut error,
        )
    };
    for input in &inputs {
        assert!(
            input.frame.array.release.is_none(),
            "the plugin took every input"
        );
    }
    let error = (!error.ptr.is_null()).then(|| take_json(error));
    Run {
        status,
        outputs,
        error,
    }
}

fn customers() -> Frame {
    Frame::new()
        .with(
            "spend",
            Column::from_opt_f64(vec![Some(0.5), Some(3.2), None, Some(42.0)]),
        )
        .and_then(|f| f.with("name", Column::from_strings(["a", "b", "c", "d"])))
        .expect("frame")
}

#[test]
fn entry_returns_a_static_table_with_the_descriptor() {
    let table = table();
    assert_eq!(table.abi_version, api::ABI_VERSION);
    assert_eq!(table.table_size as usize, api::table_size_of(1));
    assert_eq!(table.flags & api::FLAG_STRING_VIEWS, api::FLAG_STRING_VIEWS);
    assert_eq!(c_text(table.name), "testing");
    assert_eq!(c_text(table.version), "1.2.3");
    assert!(table.transform.is_some() && table.fit.is_some() && table.predict.is_some());
    assert_eq!(aimass_plugin_v1(1), table as *const _, "built once");

    let descriptor: Value = serde_json::from_str(&c_text(table.descriptor)).expect("json");
    let stages = descriptor["stages"].as_array().expect("stages");
    assert_eq!(stages.len(), 3);
    assert_eq!(
        stages[0],
        json!({
            "kind": "segment", "role": "transform", "doc": "Bins a column.",
            "inputs": [{"name": "input", "doc": "The frame.", "list": false}],
            "outputs": [{"name": "scores", "type": "Frame", "doc": "The frame with `bin`."},
                        {"name": "summary", "type": "Metrics", "doc": "Row counts."}],
            "params": [
                {"name": "column", "type": "column", "required": true,
                 "doc": "The column to bin."},
                {"name": "bins", "type": "int", "default": 5, "min": 2, "max": 10,
                 "required": false, "doc": "How many bins."}
            ]
        })
    );
    assert_eq!(stages[1]["inputs"][0]["list"], true);
    assert_eq!(
        stages[1]["params"][0]["type"],
        json!({"words": ["panic", "undeclared", "wrong_kind", "concat"]})
    );
    assert_eq!(
        stages[2],
        json!({
            "kind": "mean", "role": "estimator", "doc": "Predicts what it saw.",
            "tasks": ["classification", "regression"],
            "params": [{"name": "shout", "type": "bool", "default": false, "required": false,
                        "doc": ""}]
        })
    );
}

#[test]
fn transform_fills_the_declared_slots_and_passes_columns_through() {
    let input = customers().into_ffi();
    let spend_ptr = common::buffer_ptr(&input, 0, 1);
    let call = json!({"stage": "seg", "seed": 42, "params": {"column": "spend", "bins": 4}});
    let mut run = transform("segment", call, vec![("input", input)], 2);
    assert_eq!(run.status, api::STATUS_OK, "{:?}", run.error);
    assert_eq!(run.outputs[0].tag, api::OUTPUT_FRAME);
    assert_eq!(run.outputs[1].tag, api::OUTPUT_JSON);
    assert_eq!(
        common::buffer_ptr(&run.outputs[0].frame, 0, 1),
        spend_ptr,
        "copied"
    );
    let summary = std::mem::replace(&mut run.outputs[1].json, api::Buffer::EMPTY);
    assert_eq!(
        take_json(summary),
        json!({"stage": "seg", "seed": 42, "rows": 4})
    );
    let frame = std::mem::replace(&mut run.outputs[0].frame, api::Frame::empty());
    let scores = import(frame);
    assert_eq!(scores.names().collect::<Vec<_>>(), ["spend", "name", "bin"]);
    assert_eq!(
        scores.column("bin").and_then(Column::to_i64_vec),
        Ok(vec![Some(0), Some(3), None, Some(3)])
    );
    assert_eq!(scores.column("name").expect("name").str_value(3), Some("d"));
}

#[test]
fn errors_carry_the_param_and_release_the_inputs() {
    let (input, releases) = common::produce(&common::Raw::frame(0, vec![]));
    let call = json!({"stage": "seg", "seed": 1, "params": {"column": "spend", "bins": 9}});
    let run = transform("segment", call, vec![("input", input)], 2);
    assert_eq!(run.status, api::STATUS_ERROR);
    assert_eq!(
        run.error,
        Some(json!({"message": "at most 8 bins for this data", "param": "bins"}))
    );
    assert!(run.outputs.iter().all(|o| o.tag == api::OUTPUT_EMPTY));
    assert_eq!((releases.arrays(), releases.schemas()), (1, 1));

    let call = json!({"params": {"column": "spnd", "bins": 5}});
    let run = transform("segment", call, vec![("input", customers().into_ffi())], 2);
    assert_eq!(run.status, api::STATUS_ERROR);
    let message = run
        .error
        .as_ref()
        .and_then(|e| e["message"].as_str())
        .unwrap_or_default();
    assert_eq!(
        message,
        "no column `spnd` (did you mean `spend`?); columns: spend, name"
    );

    let run = transform("sgment", json!({}), vec![], 2);
    let message = run
        .error
        .as_ref()
        .and_then(|e| e["message"].as_str())
        .unwrap_or_default();
    assert_eq!(
        message,
        "plugin `testing` has no transform `sgment` (transforms: segment, misbehave)"
    );
    let run = transform("segment", json!({"params": {"column": "spend"}}), vec![], 1);
    let message = run
        .error
        .as_ref()
        .and_then(|e| e["message"].as_str())
        .unwrap_or_default();
    assert_eq!(
        message,
        "host passed 1 output slots; transform `segment` declares 2"
    );
}

#[test]
fn a_panic_is_status_panic_and_the_process_survives() {
    let (first, first_releases) = common::produce(&common::Raw::frame(0, vec![]));
    let (second, second_releases) = common::produce(&common::Raw::frame(0, vec![]));
    let call = json!({"params": {"how": "panic"}});
    let run = transform(
        "misbehave",
        call,
        vec![("inputs", first), ("inputs", second)],
        1,
    );
    assert_eq!(run.status, api::STATUS_PANIC);
    // The message, and where the plugin panicked (the SDK's hook keeps the location).
    let message = run
        .error
        .as_ref()
        .and_then(|e| e["message"].as_str())
        .unwrap_or_default();
    assert!(
        message.starts_with("plugin panicked at plugins/sdk/tests/plugin.rs:"),
        "{message}"
    );
    assert!(message.ends_with(": boom: 2 frames"), "{message}");
    assert_eq!(
        first_releases.arrays(),
        1,
        "inputs released while unwinding"
    );
    assert_eq!(second_releases.schemas(), 1);
    // Still alive, still working.
    let call = json!({"params": {"how": "concat"}});
    let inputs = vec![
        ("inputs", customers().into_ffi()),
        ("inputs", customers().into_ffi()),
    ];
    let mut run = transform("misbehave", call, inputs, 1);
    assert_eq!(run.status, api::STATUS_OK);
    let frame = import(std::mem::replace(
        &mut run.outputs[0].frame,
        api::Frame::empty(),
    ));
    assert_eq!(
        frame.names().collect::<Vec<_>>(),
        ["spend_0", "name_0", "spend_1", "name_1"]
    );
}

#[test]
fn outputs_that_contradict_the_spec_are_errors() {
    for (how, expected) in [
        (
            "undeclared",
            "transform `misbehave` returned output `other`, which it does not declare \
             (outputs: output)",
        ),
        (
            "wrong_kind",
            "transform `misbehave` returned Metrics for output `output`, declared Frame",
        ),
    ] {
        let run = transform("misbehave", json!({"params": {"how": how}}), vec![], 1);
        assert_eq!(run.status, api::STATUS_ERROR);
        assert_eq!(run.error, Some(json!({ "message": expected })));
        assert_eq!(run.outputs[0].tag, api::OUTPUT_EMPTY);
    }
}

fn fit(call: &Value, x: Frame, y: Frame) -> (i32, api::Buffer, Option<Value>) {
    let call = call.to_string();
    let (mut x, mut y) = (x.into_ffi(), y.into_ffi());
    let (mut state, mut error) = (api::Buffer::EMPTY, api::Buffer::EMPTY);
    // SAFETY: the host's side of the ABI.
    let status = unsafe {
        (table().fit.expect("fit"))(
            api::Str::new(b"mean"),
            api::Str::new(call.as_bytes()),
            &mut x,
            &mut y,
            &mut state,
            &mut error,
        )
    };
    assert!(x.array.release.is_none() && y.array.release.is_none());
    (
        status,
        state,
        (!error.ptr.is_null()).then(|| take_json(error)),
    )
}

fn predict(call: &Value, state: &[u8], x: Frame) -> (i32, Option<Frame>, Option<Value>) {
    let call = call.to_string();
    let mut x = x.into_ffi();
    let mut out = api::Frame::empty();
    let mut error = api::Buffer::EMPTY;
    // SAFETY: the host's side of the ABI.
    let status = unsafe {
        (table().predict.expect("predict"))(
            api::Str::new(b"mean"),
            api::Str::new(call.as_bytes()),
            api::Str::new(state),
            &mut x,
            &mut out,
            &mut error,
        )
    };
    let out = (status == api::STATUS_OK).then(|| import(out));
    (
        status,
        out,
        (!error.ptr.is_null()).then(|| take_json(error)),
    )
}

fn features() -> Frame {
    Frame::new()
        .with("a", Column::from_f64(vec![1.0, 2.0, 3.0, 4.0]))
        .expect("x")
}

fn owned_state(state: api::Buffer) -> Vec<u8> {
    // SAFETY: the plugin left `len` bytes at `ptr`.
    let bytes = unsafe { std::slice::from_raw_parts(state.ptr, state.len) }.to_vec();
    // SAFETY: given back once.
    unsafe { (table().free_buffer.expect("free_buffer"))(state) };
    bytes
}

#[test]
fn fit_then_predict_round_trips_state() {
    let call = json!({"stage": "m", "seed": 3, "params": {"shout": false},
                      "task": "regression", "features": ["a"]});
    let y = Frame::new()
        .with("y", Column::from_f64(vec![1.0, 2.0, 3.0, 6.0]))
        .expect("y");
    let (status, state, error) = fit(&call, features(), y);
    assert_eq!(status, api::STATUS_OK, "{error:?}");
    assert_eq!(state.len, 8);
    let state = owned_state(state);
    let predict_call = json!({"seed": 3, "params": {"shout": false}, "task": "regression",
                              "features": ["a"]});
    let (status, out, error) = predict(&predict_call, &state, features());
    assert_eq!(status, api::STATUS_OK, "{error:?}");
    let out = out.expect("prediction");
    assert_eq!(out.width(), 1);
    assert_eq!(
        out.iter().next().and_then(|(_, c)| c.f64_values()),
        Some(&[3.0; 4][..])
    );

    let call = json!({"stage": "m", "params": {"shout": false}, "task": "classification",
                      "n_classes": 3, "features": ["a"]});
    let y = Frame::new()
        .with("y", Column::from_i64(vec![0, 2, 2, 2]))
        .expect("y");
    let (status, state, _) = fit(&call, features(), y);
    assert_eq!(status, api::STATUS_OK);
    let state = owned_state(state);
    let (status, out, error) = predict(&call, &state, features());
    assert_eq!(status, api::STATUS_OK, "{error:?}");
    let out = out.expect("probabilities");
    assert_eq!(out.width(), 3);
    let probabilities: Vec<f64> = out
        .iter()
        .map(|(_, c)| c.f64_values().expect("f64")[0])
        .collect();
    assert_eq!(probabilities, [0.25, 0.0, 0.75]);
}

#[test]
fn estimator_errors_are_reported() {
    let call = json!({"params": {"shout": true}, "task": "regression", "features": ["a"]});
    let (status, _, error) = predict(&call, &1.0f64.to_le_bytes(), features());
    assert_eq!(status, api::STATUS_ERROR);
    assert_eq!(
        error,
        Some(json!({"message": "estimator `mean` predict: returned 5 rows for 4"}))
    );
    let y = Frame::new()
        .with("y", Column::from_f64(vec![1.0; 3]))
        .expect("y");
    let (status, state, error) = fit(&call, features(), y);
    assert_eq!(status, api::STATUS_ERROR);
    assert!(state.ptr.is_null());
    assert_eq!(error, Some(json!({"message": "x has 4 rows but y 3"})));
    let call = json!({"task": "ranking"});
    let y = Frame::new()
        .with("y", Column::from_f64(vec![1.0; 4]))
        .expect("y");
    let (status, _, error) = fit(&call, features(), y);
    assert_eq!(status, api::STATUS_ERROR);
    assert_eq!(error, Some(json!({"message": "call has no valid `task`"})));
}

#[test]
fn free_buffer_accepts_the_empty_buffer() {
    // SAFETY: {null, 0} needs no freeing and is accepted.
    unsafe { (table().free_buffer.expect("free_buffer"))(api::Buffer::EMPTY) };
}
