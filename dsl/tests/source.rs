//! Reading pipeline files from disk.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use aimass_dsl::ir::SourceFormat;
use aimass_dsl::{render, LoadError, SourceFile};
use miette::Diagnostic;

fn scratch(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("aimass-dsl-source");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn code(e: &LoadError) -> String {
    e.code().map(|c| c.to_string()).unwrap_or_default()
}

#[test]
fn format_comes_from_the_extension() {
    for (name, format) in [
        ("a.aim", SourceFormat::Aim),
        ("b.yaml", SourceFormat::Yaml),
        ("c.yml", SourceFormat::Yaml),
    ] {
        let path = scratch(name, b"text");
        let file = SourceFile::read(&path).unwrap();
        assert_eq!(file.format, format);
        assert_eq!(file.text, "text");
        assert_eq!(file.name, path.display().to_string());
    }
}

#[test]
fn other_extensions_are_refused() {
    for name in ["pipeline.json", "pipeline", "pipeline.AIM.txt"] {
        let e = SourceFile::read(&scratch(name, b"x")).unwrap_err();
        assert_eq!(code(&e), "aimass::load::extension");
        let help = e.help().unwrap().to_string();
        assert!(help.contains(".aim") && help.contains(".yaml") && help.contains(".yml"));
    }
}

#[test]
fn missing_file_names_the_path() {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("no/such/file.aim");
    let e = SourceFile::read(&path).unwrap_err();
    assert_eq!(code(&e), "aimass::load::io");
    assert!(e.to_string().contains("no/such/file.aim"));
}

#[test]
fn non_utf8_is_a_diagnostic() {
    let e = SourceFile::read(&scratch("latin1.aim", b"pipeline \"caf\xe9\" {}\n")).unwrap_err();
    assert_eq!(code(&e), "aimass::load::not_utf8");
    assert!(e.to_string().contains("line 1, byte offset 13"), "{e}");
    assert!(render::plain(&e).contains("re-save the file with UTF-8"));
}

#[test]
fn named_source_carries_name_and_text() {
    let file = SourceFile::new("x.aim", "pipeline \"x\" {}", SourceFormat::Aim);
    let source = file.named_source();
    assert_eq!(source.name(), "x.aim");
}
