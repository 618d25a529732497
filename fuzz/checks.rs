//! What each fuzz target asserts about one input, shared by the cargo-fuzz targets
//! (`fuzz/fuzz_targets/`, nightly) and the corpus replay in the normal test suite
//! (`dsl/tests/fuzz_corpus.rs`, stable), so every input ever found is checked on every CI run.
//!
//! Beyond "does not panic": a file that parses prints to text that parses back to the same
//! pipeline, and every error renders as a diagnostic (miette panics on a bad span).
#![allow(dead_code)] // each target uses one of these

use aimass_dsl::ir::{Arg, Pipeline, SourceFormat, Value, ValueKind};
use aimass_dsl::{emit_yaml, format_aim, parse, parse_value, render, SourceFile};

/// The `.aim` parser on arbitrary text.
pub fn aim(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    pipeline(text, SourceFormat::Aim);
}

/// The YAML loader on arbitrary text.
pub fn yaml(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    pipeline(text, SourceFormat::Yaml);
}

/// One `.aim` value expression (what `--set KEY=VALUE` and the YAML scalars go through).
pub fn value(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = parse_value(text);
}

fn pipeline(text: &str, format: SourceFormat) {
    let src = SourceFile::new("fuzz", text, format);
    match parse(&src) {
        Ok(p) => {
            // Both printed forms read back as the same pipeline.
            round_trip(&p, &format_aim(&p), SourceFormat::Aim, "format_aim");
            // Two stages (or plugins) of one name parse in .aim and are the checker's to
            // refuse; YAML, whose keys are unique, cannot even write them.
            if has_repeats(p.stages.iter().map(|s| &s.name.name))
                || has_repeats(p.plugins.iter().map(|s| &s.name.name))
            {
                return;
            }
            // A comparison whose left side is a string, list or map cannot start a plain
            // YAML scalar: emit_yaml quotes it, so it reads back as text (a documented limit
            // of print/yaml.rs; no stage compares anything but a metric to a number).
            let entries = p.stages.iter().flat_map(|s| &s.entries).chain(&p.params);
            if entries.into_iter().any(|e| quoted_comparison(&e.value)) {
                return;
            }
            round_trip(&p, &emit_yaml(&p), SourceFormat::Yaml, "emit_yaml");
        }
        Err(e) => {
            let _ = render::plain(&e);
        }
    }
}

/// `printed` (`p` written by `printer`) parses back to `p`.
fn round_trip(p: &Pipeline, printed: &str, format: SourceFormat, printer: &str) {
    let again = parse(&SourceFile::new("fuzz", printed, format)).unwrap_or_else(|e| {
        panic!(
            "{printer}'s output does not parse: {}\n{printed}",
            render::plain(&e)
        )
    });
    assert_eq!(&again, p, "{printer} changed the pipeline:\n{printed}");
}

fn quoted_comparison(v: &Value) -> bool {
    match &v.kind {
        ValueKind::Compare(lhs, _, rhs) => {
            matches!(
                lhs.kind,
                ValueKind::Str(_) | ValueKind::List(_) | ValueKind::Map(_)
            ) || quoted_comparison(lhs)
                || quoted_comparison(rhs)
        }
        ValueKind::List(items) => items.iter().any(quoted_comparison),
        ValueKind::Map(entries) => entries.iter().any(|e| quoted_comparison(&e.value)),
        ValueKind::Call(c) => c.args.iter().any(|a| match a {
            Arg::Positional(v) => quoted_comparison(v),
            Arg::Named(e) => quoted_comparison(&e.value),
        }),
        _ => false,
    }
}

fn has_repeats<'a>(names: impl Iterator<Item = &'a String>) -> bool {
    let mut seen = std::collections::BTreeSet::new();
    names.into_iter().any(|n| !seen.insert(n))
}
