//! The cost of an identity transform through the ABI on 1M rows x 20 columns (15 nullable
//! Float64, 5 strings): the plugin imports its input, passes it through and exports it, and
//! the "host" imports the output and releases everything. Zero-copy passthrough keeps this
//! O(columns): `cargo bench -p aimass-plugin-sdk` prints microseconds, not milliseconds.

use std::time::Instant;

use aimass_plugin_sdk::TransformSpec;
use aimass_plugin_sdk::{api, Column, Frame, Outputs, Result, Transform, TransformCall};

struct Identity;

impl Transform for Identity {
    fn spec(&self) -> TransformSpec {
        TransformSpec::new("identity")
            .input("input", "")
            .output("output", "")
    }

    fn run(&self, mut call: TransformCall) -> Result<Outputs> {
        Ok(Outputs::new().frame("output", call.input("input")?))
    }
}

aimass_plugin_sdk::export_plugin! {
    name: "bench",
    version: "0",
    transforms: [Identity],
}

fn frame(rows: usize) -> Frame {
    let mut frame = Frame::new();
    for c in 0..20 {
        let column = if c % 4 == 3 {
            Column::from_strings((0..rows).map(|i| format!("value {i}")))
        } else {
            Column::from_opt_f64(
                (0..rows)
                    .map(|i| (i % 7 != 0).then_some(i as f64))
                    .collect(),
            )
        };
        frame.push(format!("c{c}"), column).expect("column");
    }
    frame
}

fn main() {
    let input = frame(1_000_000);
    // SAFETY: the entry point returns the static table (non-null for this plugin).
    let table = unsafe { &*aimass_plugin_v1(api::ABI_VERSION) };
    let transform = table.transform.expect("transform");
    let mut best = f64::MAX;
    for _ in 0..30 {
        let mut inputs = [api::Input {
            name: api::Str::new(b"input"),
            frame: input.clone().into_ffi(),
        }];
        let mut outputs = [api::Output::empty()];
        let mut error = api::Buffer::EMPTY;
        let start = Instant::now();
        // SAFETY: the host's side of the ABI, with live one-element arrays.
        let status = unsafe {
            transform(
                api::Str::new(b"identity"),
                api::Str::new(b"{}"),
                inputs.as_mut_ptr(),
                1,
                outputs.as_mut_ptr(),
                1,
                &mut error,
            )
        };
        assert_eq!(status, api::STATUS_OK);
        let frame = std::mem::replace(&mut outputs[0].frame, api::Frame::empty());
        // SAFETY: the plugin exported it.
        let output = unsafe { Frame::from_ffi(frame) }.expect("output");
        assert_eq!(output.len(), input.len());
        drop(output);
        best = best.min(start.elapsed().as_secs_f64() * 1e6);
    }
    println!("identity, 1M rows x 20 columns, through the ABI and back: {best:.1} us (best of 30)");
}
