//! Replays every committed fuzz input (fuzz/corpus/<target>/: the seeds, and each input a
//! fuzzing run found a bug with) through the same checks the fuzz targets make, on stable.
#![allow(clippy::unwrap_used)]

#[path = "../../fuzz/checks.rs"]
mod checks;

fn replay(target: &str, check: fn(&[u8])) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fuzz/corpus")
        .join(target);
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap().flatten() {
        check(&std::fs::read(entry.path()).unwrap());
        n += 1;
    }
    assert!(n > 0, "no corpus in {}", dir.display());
}

#[test]
fn the_aim_corpus_parses_or_fails_cleanly_and_round_trips() {
    replay("aim", checks::aim);
}

#[test]
fn the_yaml_corpus_parses_or_fails_cleanly_and_round_trips() {
    replay("yaml", checks::yaml);
}

#[test]
fn the_value_corpus_parses_or_fails_cleanly() {
    replay("value", checks::value);
}
