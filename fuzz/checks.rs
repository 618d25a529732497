//! What each fuzz target asserts about one input, shared by the cargo-fuzz targets
//! (`fuzz/fuzz_targets/`, nightly) and the corpus replay in the normal test suite
//! (`dsl/tests/fuzz_corpus.rs`, stable), so every input ever found is checked on every CI run.
//!
//! Beyond "does not panic": a file that parses prints to text that parses back to the same
//! pipeline, and every error renders as a diagnostic (miette panics on a bad span).
#![allow(dead_code)] // each target uses one of these

use aimass_dsl::ir::{Pipeline, SourceFormat};
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

fn has_repeats<'a>(names: impl Iterator<Item = &'a String>) -> bool {
    let mut seen = std::collections::BTreeSet::new();
    names.into_iter().any(|n| !seen.insert(n))
}
