//! The editor support under editors/: the .aim TextMate grammar, tokenized by the engine VS
//! Code uses, must scope every part of every example (editors/vscode/test/highlight.mjs).

use crate::harness::repo;

#[test]
fn the_textmate_grammar_highlights_every_example() {
    let dir = repo().join("editors/vscode");
    if !dir.join("node_modules/vscode-textmate").is_dir() {
        // .ci/run installs them; a developer without them is told how, and CI never skips.
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must run `npm ci --prefix editors/vscode` first"
        );
        eprintln!("skipped: run `npm ci --prefix editors/vscode` to test the .aim grammar");
        return;
    }
    let out = std::process::Command::new("node")
        .arg(dir.join("test/highlight.mjs"))
        .output()
        .expect("node runs");
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
