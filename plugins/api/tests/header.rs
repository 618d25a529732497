//! `aimass_plugin.h` and the Rust definitions describe one ABI: this test compiles a C
//! program against the header that prints every size, field offset and constant, and
//! compares each with what Rust computes. It uses the system C compiler (`CC`, else `cc`).

use std::collections::BTreeMap;
use std::mem::{offset_of, size_of};
use std::path::Path;
use std::process::Command;

use aimass_plugin_api as api;

/// (C expression, Rust value) pairs; the C side prints each expression as a number.
fn expected() -> Vec<(&'static str, u64)> {
    macro_rules! layout {
        ($out:ident, $c:literal, $rust:ty { $($field:ident),* }) => {
            $out.push((concat!("sizeof(", $c, ")"), size_of::<$rust>() as u64));
            $( $out.push((
                concat!("offsetof(", $c, ", ", stringify!($field), ")"),
                offset_of!($rust, $field) as u64,
            )); )*
        };
    }
    let mut out: Vec<(&'static str, u64)> = Vec::new();
    layout!(
        out,
        "struct ArrowSchema",
        api::ArrowSchema {
            format,
            name,
            metadata,
            flags,
            n_children,
            children,
            dictionary,
            release,
            private_data
        }
    );
    layout!(
        out,
        "struct ArrowArray",
        api::ArrowArray {
            length,
            null_count,
            offset,
            n_buffers,
            n_children,
            buffers,
            children,
            dictionary,
            release,
            private_data
        }
    );
    layout!(out, "AimassStr", api::Str { ptr, len });
    layout!(out, "AimassBuffer", api::Buffer { ptr, len });
    layout!(out, "AimassFrame", api::Frame { schema, array });
    layout!(out, "AimassInput", api::Input { name, frame });
    layout!(out, "AimassOutput", api::Output { tag, frame, json });
    layout!(
        out,
        "AimassPluginTable",
        api::PluginTable {
            abi_version,
            table_size,
            flags,
            name,
            version,
            descriptor,
            free_buffer,
            transform,
            fit,
            predict
        }
    );
    out.extend([
        ("AIMASS_PLUGIN_ABI_VERSION", u64::from(api::ABI_VERSION)),
        (
            "AIMASS_PLUGIN_MIN_ABI_VERSION",
            u64::from(api::MIN_ABI_VERSION),
        ),
        ("AIMASS_STATUS_OK", api::STATUS_OK as u64),
        ("AIMASS_STATUS_ERROR", api::STATUS_ERROR as u64),
        ("AIMASS_STATUS_PANIC", api::STATUS_PANIC as u64),
        (
            "AIMASS_FLAG_STRING_VIEWS",
            u64::from(api::FLAG_STRING_VIEWS),
        ),
        ("AIMASS_OUTPUT_EMPTY", u64::from(api::OUTPUT_EMPTY)),
        ("AIMASS_OUTPUT_FRAME", u64::from(api::OUTPUT_FRAME)),
        ("AIMASS_OUTPUT_JSON", u64::from(api::OUTPUT_JSON)),
    ]);
    out
}

#[test]
fn header_matches_the_rust_definitions() {
    let dir = tempfile::tempdir().expect("temp dir");
    let header_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let expected = expected();
    let mut c =
        String::from("#include <stdio.h>\n#include <stddef.h>\n#include \"aimass_plugin.h\"\n");
    // The signatures are checked by assigning a function of the documented shape.
    c.push_str(
        "static const AimassPluginTable *entry(uint32_t v) { (void)v; return NULL; }\n\
         static AimassEntryFn entry_check = entry;\n\
         int main(void) {\n  (void)entry_check;\n",
    );
    for (expr, _) in &expected {
        c.push_str(&format!(
            "  printf(\"%s=%llu\\n\", \"{expr}\", (unsigned long long)({expr}));\n"
        ));
    }
    c.push_str("  printf(\"symbol=%s\\n\", AIMASS_PLUGIN_ENTRY_SYMBOL);\n  return 0;\n}\n");
    let src = dir.path().join("layout.c");
    std::fs::write(&src, c).expect("write layout.c");
    let exe = dir.path().join("layout");
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".to_string());
    let status = Command::new(&cc)
        .args(["-std=c11", "-Wall", "-Werror", "-I"])
        .arg(header_dir)
        .arg(&src)
        .arg("-o")
        .arg(&exe)
        .status()
        .unwrap_or_else(|e| panic!("cannot run the C compiler `{cc}`: {e}"));
    assert!(status.success(), "the header does not compile");
    let output = Command::new(&exe).output().expect("run layout");
    let printed = String::from_utf8(output.stdout).expect("utf-8");
    let c_values: BTreeMap<&str, &str> =
        printed.lines().filter_map(|l| l.split_once('=')).collect();
    let mut mismatches = Vec::new();
    for (expr, rust) in &expected {
        let c = c_values.get(expr).copied().unwrap_or("missing");
        if c != rust.to_string() {
            mismatches.push(format!("{expr}: C {c}, Rust {rust}"));
        }
    }
    assert!(
        mismatches.is_empty(),
        "header and Rust disagree:\n{}",
        mismatches.join("\n")
    );
    assert_eq!(c_values.get("symbol").copied(), Some(api::ENTRY_SYMBOL));
}
