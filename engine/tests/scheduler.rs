//! The scheduler and cache, driven through the engine's API with test-only stage kinds.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;

use aimass_engine::run::{self, LockFile, PlanStatus};
use common::{status_of, Harness};

const CHAIN: &str = r#"
pipeline "t" { seed = 1  params { v = 1 } }
stage a: emit { value = params.v }
stage b: emit { inputs = [a], value = 10 }
stage c: emit { inputs = [b], value = 500 }
"#;

fn value_of(h: &Harness, o: &run::RunOutcome, stage: &str, opts: &run::RunOptions) -> i64 {
    let entry = &o.entries[stage];
    let art = aimass_engine::cache::Cache::new(&opts.cache_dir)
        .load(&entry.outputs["out"])
        .unwrap();
    let _ = h;
    art.as_metrics().unwrap()["value"].as_i64().unwrap()
}

#[test]
fn rerun_is_fully_cached_and_force_reruns() {
    let h = Harness::new();
    let opts = h.opts();
    let first = h.run(CHAIN, &opts);
    assert!(first.success());
    assert_eq!(value_of(&h, &first, "c", &opts), 511);
    let second = h.run(CHAIN, &opts);
    for s in ["a", "b", "c"] {
        assert_eq!(status_of(&second, s), "cached", "{s}");
    }
    let mut forced = opts.clone();
    forced.force = true;
    let third = h.run(CHAIN, &forced);
    for s in ["a", "b", "c"] {
        assert_eq!(status_of(&third, s), "done", "{s}");
    }
}

#[test]
fn param_change_reruns_the_stage_and_its_dependents() {
    let h = Harness::new();
    let opts = h.opts();
    h.run(CHAIN, &opts);
    let changed = CHAIN.replace("value = 10", "value = 20");
    let o = h.run(&changed, &opts);
    assert_eq!(status_of(&o, "a"), "cached");
    assert_eq!(status_of(&o, "b"), "done");
    assert_eq!(status_of(&o, "c"), "done");
    assert_eq!(value_of(&h, &o, "c", &opts), 521);
}

#[test]
fn set_override_changes_the_key() {
    let h = Harness::new();
    let opts = h.opts();
    h.run(CHAIN, &opts);
    let o = h.run_with(CHAIN, &["v=5".to_string()], &opts);
    assert_eq!(status_of(&o, "a"), "done");
    assert_eq!(value_of(&h, &o, "c", &opts), 515);
    // Back to the file's value: everything comes from the cache again.
    let back = h.run(CHAIN, &opts);
    assert!(back.record.stages.iter().all(|s| s.cached));
}

#[test]
fn source_file_change_reruns_the_reader() {
    let h = Harness::new();
    let opts = h.opts();
    std::fs::write(h.dir.path().join("in.txt"), "one").unwrap();
    let text = r#"
pipeline "t" { }
stage read: emit { file = "in.txt" }
stage after: emit { inputs = [read] }
"#;
    assert!(h.run(text, &opts).success());
    assert_eq!(status_of(&h.run(text, &opts), "read"), "cached");
    std::fs::write(h.dir.path().join("in.txt"), "two, longer").unwrap();
    let o = h.run(text, &opts);
    assert_eq!(status_of(&o, "read"), "done");
    assert_eq!(status_of(&o, "after"), "done");
}

#[test]
fn a_source_file_that_changes_while_the_stage_reads_it_fails_the_stage_and_caches_nothing() {
    let h = Harness::new();
    let opts = h.opts();
    std::fs::write(h.dir.path().join("in.txt"), "one").unwrap();
    let text = r#"
pipeline "t" { }
stage read: emit { file = "in.txt", append = "+" }
"#;
    let o = h.run(text, &opts);
    assert!(!o.success());
    assert_eq!(status_of(&o, "read"), "failed");
    let e = &o.failures[0].error;
    assert_eq!(e.code, "aimass::run::source_changed");
    assert!(
        e.message
            .contains("`in.txt` changed while the stage was reading it"),
        "{}",
        e.message
    );
    // Nothing was cached under the old content's key: a run on the settled file runs the
    // stage again (and here changes it again, so fails again, never mixing the two).
    let again = h.run(text, &opts);
    assert_eq!(status_of(&again, "read"), "failed");
    // Without the writer, the same file reads cleanly and is then cached.
    let calm = "pipeline \"t\" { }\nstage read: emit { file = \"in.txt\" }\n";
    assert!(h.run(calm, &opts).success());
    assert_eq!(status_of(&h.run(calm, &opts), "read"), "cached");
}

#[test]
fn identical_upstream_output_leaves_dependents_cached() {
    let h = Harness::new();
    let opts = h.opts();
    let text = r#"
pipeline "t" { }
stage a: emit { value = 3, noise = 1 }
stage b: emit { inputs = [a], sleep_ms = 1 }
"#;
    h.run(text, &opts);
    // `noise` changes a's key but not its output: early cutoff keeps b cached.
    let o = h.run(&text.replace("noise = 1", "noise = 2"), &opts);
    assert_eq!(status_of(&o, "a"), "done");
    assert_eq!(status_of(&o, "b"), "cached");
}

#[test]
fn independent_stages_run_at_the_same_time() {
    let h = Harness::new();
    let mut opts = h.opts();
    opts.jobs = 2;
    let text = r#"
pipeline "t" { }
stage left: emit { value = 1, sleep_ms = 400 }
stage right: emit { value = 2, sleep_ms = 400 }
stage join: emit { inputs = [left, right] }
"#;
    let o = h.run(text, &opts);
    assert!(o.success());
    let t = h.timeline.lock().unwrap();
    let span = |name: &str| {
        t.iter()
            .find(|(n, _, _)| n == name)
            .map(|(_, s, e)| (*s, *e))
            .unwrap()
    };
    let (ls, le) = span("left");
    let (rs, re) = span("right");
    assert!(ls < re && rs < le, "left and right should overlap in time");
    let (js, _) = span("join");
    assert!(js >= le && js >= re, "join starts after both inputs");
}

#[test]
fn failure_stops_dependents_and_keep_going_finishes_siblings() {
    let text = r#"
pipeline "t" { }
stage bad: fail { }
stage after_bad: emit { inputs = [bad] }
stage slow_sibling: emit { value = 1, sleep_ms = 50 }
stage after_sibling: emit { inputs = [slow_sibling] }
"#;
    let h = Harness::new();
    let mut opts = h.opts();
    opts.jobs = 1;
    let o = h.run(text, &opts);
    assert!(!o.success());
    assert_eq!(status_of(&o, "bad"), "failed");
    assert_eq!(status_of(&o, "after_bad"), "skipped");
    assert_eq!(o.failures.len(), 1);
    assert_eq!(o.failures[0].stage, "bad");
    let rendered = aimass_dsl::render::plain(&o.failures[0]);
    assert!(rendered.contains("stage `bad` (fail) failed"), "{rendered}");
    assert!(rendered.contains("in stage `bad`"), "{rendered}");

    opts.keep_going = true;
    let h2 = Harness::new();
    let mut opts2 = h2.opts();
    opts2.jobs = 1;
    opts2.keep_going = true;
    let o = h2.run(text, &opts2);
    assert_eq!(status_of(&o, "after_bad"), "skipped");
    assert_eq!(status_of(&o, "slow_sibling"), "done");
    assert_eq!(status_of(&o, "after_sibling"), "done");
}

#[test]
fn a_heavy_stage_does_not_starve_an_independent_quick_one() {
    // `heavy` fills its pool with parallel tasks for 1.5 s; `quick` and its dependent are
    // ready at the same moment and must not wait for it (they did on a pool shared by all
    // stages: its workers kept stealing heavy's tasks).
    let text = r#"
pipeline "t" { }
stage heavy: spin { ms = 1500 }
stage quick: emit { value = 1 }
stage after_quick: emit { inputs = [quick] }
"#;
    let h = Harness::new();
    let mut opts = h.opts();
    opts.jobs = 2;
    let o = h.run(text, &opts);
    assert!(o.success());
    let rec = |name: &str| {
        o.record
            .stages
            .iter()
            .find(|s| s.name == name)
            .unwrap()
            .clone()
    };
    let (heavy, after) = (rec("heavy"), rec("after_quick"));
    assert!(
        after.end_ms < heavy.end_ms,
        "the quick branch ended at {} ms, after the heavy stage ({} ms)",
        after.end_ms,
        heavy.end_ms
    );
    for s in &o.record.stages {
        assert!(s.start_ms <= s.end_ms, "{s:?}");
        assert!(s.end_ms <= o.record.wall_ms + 1.0, "{s:?}");
    }
    assert!(heavy.end_ms - heavy.start_ms >= 1400.0, "{heavy:?}");
}

#[test]
fn the_longest_chain_starts_first() {
    // One slot: `a` (nothing after it) is written first, but `b` heads a chain of three.
    let text = r#"
pipeline "t" { }
stage a: emit { value = 1, sleep_ms = 30 }
stage b: emit { value = 2, sleep_ms = 30 }
stage c: emit { value = 1, inputs = [b] }
stage d: emit { inputs = [c] }
"#;
    let h = Harness::new();
    let mut opts = h.opts();
    opts.jobs = 1;
    let o = h.run(text, &opts);
    assert!(o.success());
    let order: Vec<String> = {
        let mut t = h.timeline.lock().unwrap().clone();
        t.sort_by_key(|(_, start, _)| *start);
        t.into_iter().map(|(name, _, _)| name).collect()
    };
    // After b, c (chain of two) goes before a; then a and d tie and a is written first.
    assert_eq!(
        order,
        ["b", "c", "a", "d"],
        "critical path first, then file order"
    );
}

#[test]
fn a_panicking_stage_fails_and_the_run_goes_on() {
    let text = r#"
pipeline "t" { }
stage boom: panic { }
stage after_boom: emit { inputs = [boom] }
stage sibling: emit { value = 1, sleep_ms = 20 }
"#;
    for jobs in [1, 2] {
        let h = Harness::new();
        let mut opts = h.opts();
        opts.jobs = jobs;
        opts.keep_going = true;
        // A hang here is the bug this test guards against: the coordinator used to wait
        // forever for the panicking job's message.
        let o = h.run(text, &opts);
        assert!(!o.success());
        assert_eq!(status_of(&o, "boom"), "failed");
        assert_eq!(status_of(&o, "after_boom"), "skipped");
        assert_eq!(status_of(&o, "sibling"), "done");
        assert_eq!(o.failures.len(), 1);
        let rendered = aimass_dsl::render::plain(&o.failures[0]);
        assert!(
            rendered.contains("internal error in stage `boom`: index out of bounds in boom"),
            "{rendered}"
        );
        assert!(rendered.contains("aimass::stage::panic"), "{rendered}");
        let rec = o.record.stages.iter().find(|s| s.name == "boom").unwrap();
        assert!(rec
            .error
            .as_deref()
            .unwrap_or("")
            .contains("internal error"));
        assert!(rec.key.is_none(), "no cache entry for a panicked stage");
        // Nothing was cached for it: the next run runs it (and fails) again.
        let again = h.run(text, &opts);
        assert_eq!(status_of(&again, "boom"), "failed");
        assert_eq!(status_of(&again, "sibling"), "cached");
    }
}

#[test]
fn results_do_not_depend_on_jobs() {
    let text = r#"
pipeline "t" { seed = 7 }
stage a: emit { value = 1 }
stage b: emit { value = 2 }
stage c: emit { inputs = [a, b], value = 3 }
stage d: emit { inputs = [c, a] }
"#;
    let mut hashes: Vec<BTreeMap<String, BTreeMap<String, String>>> = Vec::new();
    for jobs in [1, 2, 4] {
        let h = Harness::new();
        let mut opts = h.opts();
        opts.jobs = jobs;
        let o = h.run(text, &opts);
        hashes.push(
            o.record
                .stages
                .iter()
                .map(|s| (s.name.clone(), s.outputs.clone()))
                .collect(),
        );
    }
    assert_eq!(hashes[0], hashes[1]);
    assert_eq!(hashes[0], hashes[2]);
}

#[test]
fn only_runs_the_stage_and_its_upstream() {
    let h = Harness::new();
    let mut opts = h.opts();
    opts.only = Some("b".into());
    let o = h.run(CHAIN, &opts);
    let names: Vec<&str> = o.record.stages.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["a", "b"]);
}

#[test]
fn plan_explains_why_a_stage_will_run() {
    let h = Harness::new();
    let opts = h.opts();
    let lock_path = h.dir.path().join("t.aim.lock");
    let wf = h.workflow(CHAIN, &[]);
    let lines = run::plan(&wf, &opts, &LockFile::default());
    assert!(matches!(&lines[0].status, PlanStatus::WillRun(r) if r[0].to_string() == "never run"));

    let o = h.run(CHAIN, &opts);
    let mut lock = LockFile::default();
    for (name, entry) in &o.entries {
        lock.stages
            .insert(name.clone(), run::LockStage::from_entry(entry));
    }
    lock.write(&lock_path).unwrap();
    let lock = LockFile::read(&lock_path);
    let lines = run::plan(&wf, &opts, &lock);
    assert!(lines.iter().all(|l| l.status == PlanStatus::Cached));

    let changed = h.workflow(&CHAIN.replace("value = 10", "value = 12"), &[]);
    let lines = run::plan(&changed, &opts, &lock);
    assert_eq!(lines[0].status, PlanStatus::Cached);
    let PlanStatus::WillRun(reasons) = &lines[1].status else {
        panic!("b should run")
    };
    assert_eq!(reasons[0].to_string(), "params changed: value: 10 -> 12");
    let PlanStatus::WillRun(reasons) = &lines[2].status else {
        panic!("c should run")
    };
    assert!(
        reasons[0].to_string().starts_with("upstream will run: b"),
        "{}",
        reasons[0]
    );

    let mut forced = opts.clone();
    forced.force = true;
    let lines = run::plan(&wf, &forced, &lock);
    assert!(matches!(&lines[0].status, PlanStatus::WillRun(r) if r[0].to_string() == "forced"));
}

#[test]
fn a_damaged_cache_entry_is_not_trusted() {
    let h = Harness::new();
    let opts = h.opts();
    let o = h.run(CHAIN, &opts);
    // Truncate one object, as a crash mid-write without rename could never do but a disk
    // error might: the entry naming it must be rejected and the stage re-run.
    let entry = &o.entries["b"];
    let (_, hash, _) = &entry.outputs["out"].parts[0];
    let path = opts.cache_dir.join("objects").join(&hash[..2]).join(hash);
    std::fs::write(&path, b"x").unwrap();
    let again = h.run(CHAIN, &opts);
    assert_eq!(status_of(&again, "a"), "cached");
    assert_eq!(status_of(&again, "b"), "done");
}

#[test]
fn a_hit_whose_effects_are_gone_runs_again_and_dependents_stay_cached() {
    let h = Harness::new();
    let opts = h.opts();
    let text = r#"
pipeline "t" { }
stage a: emit { value = 1 }
stage w: touch { file = "out.txt", text = "hello", inputs = [a] }
stage after: emit { inputs = [w] }
"#;
    let file = h.dir.path().join("out.txt");
    assert!(h.run(text, &opts).success());
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "hello");
    // Effects in place: a plain hit.
    let o = h.run(text, &opts);
    assert_eq!(status_of(&o, "w"), "cached");

    // The file is deleted: plan says why, and the run writes it again. Its outputs are
    // the same, so the stage after it stays cached.
    std::fs::remove_file(&file).unwrap();
    let wf = h.workflow(text, &[]);
    let lines = run::plan(&wf, &opts, &LockFile::default());
    let PlanStatus::WillRun(reasons) = &lines[1].status else {
        panic!("w should run: {:?}", lines[1].status)
    };
    assert_eq!(
        reasons[0].to_string(),
        "cached, but its files outside the cache are missing or changed"
    );
    assert_eq!(lines[0].status, PlanStatus::Cached);
    assert_eq!(lines[2].status, PlanStatus::Cached);
    let o = h.run(text, &opts);
    assert!(o.success());
    assert_eq!(status_of(&o, "a"), "cached");
    assert_eq!(status_of(&o, "w"), "done");
    assert_eq!(status_of(&o, "after"), "cached");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "hello");

    // Changed by hand: restored too.
    std::fs::write(&file, "edited").unwrap();
    assert_eq!(status_of(&h.run(text, &opts), "w"), "done");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "hello");
    assert_eq!(status_of(&h.run(text, &opts), "w"), "cached");
}
