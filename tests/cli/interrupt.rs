//! SIGINT and SIGTERM during a run: nothing new starts, the running stage finishes and is
//! cached, the rest is recorded as interrupted, exit 130; the next run resumes from the
//! cache. A second signal ends the run at once and leaves no entry for the stage it cut.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value as Json;

use crate::harness::{Outcome, Project};

fn project(ms: u64) -> Project {
    let p = Project::new();
    p.with_plugin("panicky");
    p.file("d.csv", "x,y\n1,a\n2,b\n");
    p.file(
        "p.aim",
        format!(
            "pipeline \"p\" {{ }}\nplugin r = \"plugins/libpanicky.so\"\n\
             stage d: collect {{ source = \"d.csv\" }}\n\
             stage slow: r.sleep {{ input = d, ms = {ms} }}\n\
             stage after: clean {{ input = slow, dedupe = true }}\n"
        ),
    );
    p
}

/// Starts `aimass run` and returns once it reports `stage` running, with the stderr seen
/// so far and a reader for the rest.
// The child goes back to the caller, which waits for it; only a failed assertion leaves it.
#[allow(clippy::zombie_processes)]
fn start_until_running(
    p: &Project,
    stage: &str,
) -> (Child, String, BufReader<std::process::ChildStderr>) {
    let mut child = p
        .command(&["run", "p.aim", "--jobs", "1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut seen = String::new();
    loop {
        let mut line = String::new();
        assert!(
            err.read_line(&mut line).unwrap() > 0,
            "the run ended early:\n{seen}"
        );
        seen.push_str(&line);
        if line.contains("running") && line.contains(stage) {
            return (child, seen, err);
        }
    }
}

fn signal(child: &Child, sig: &str) {
    let ok = Command::new("kill")
        .args([sig, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(ok.success());
}

fn finish(
    mut child: Child,
    mut seen: String,
    mut err: BufReader<std::process::ChildStderr>,
) -> Outcome {
    err.read_to_string(&mut seen).unwrap();
    let mut stdout = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    let status = child.wait().unwrap();
    Outcome {
        code: status.code().unwrap_or(-1),
        stdout,
        stderr: seen,
    }
}

fn run_record(p: &Project) -> Json {
    let runs: Vec<_> = std::fs::read_dir(p.path(".aimass/runs"))
        .unwrap()
        .flatten()
        .collect();
    assert_eq!(runs.len(), 1, "one run, one record");
    serde_json::from_slice(&std::fs::read(runs[0].path()).unwrap()).unwrap()
}

#[test]
fn a_signal_lets_the_running_stage_finish_records_the_run_as_interrupted_and_exits_130() {
    for sig in ["-INT", "-TERM"] {
        let p = project(2500);
        let (child, seen, err) = start_until_running(&p, "slow");
        signal(&child, sig);
        let out = finish(child, seen, err);
        assert_eq!(out.code, 130, "{sig}: {out:?}");
        assert!(
            out.stderr
                .contains("interrupted: letting 1 running stage finish, so its result is cached"),
            "{sig}: {out:?}"
        );
        assert!(out.stdout.contains("1 interrupted"), "{sig}: {out:?}");
        let record = run_record(&p);
        assert_eq!(record["interrupted"], true, "{record}");
        assert_eq!(record["success"], false);
        let status = |stage: &str| {
            record["stages"]
                .as_array()
                .unwrap()
                .iter()
                .find(|s| s["name"] == stage)
                .map(|s| s["status"].clone())
        };
        assert_eq!(status("d"), Some(Json::from("done")), "{sig}: {record}");
        assert_eq!(status("slow"), Some(Json::from("done")), "{sig}: {record}");
        assert_eq!(
            status("after"),
            Some(Json::from("interrupted")),
            "{sig}: {record}"
        );

        // The next run resumes: the finished stages are cached, the rest runs.
        let out = p.run(&["run", "p.aim", "--format", "json"]);
        assert_eq!(out.code, 0, "{sig}: {out:?}");
        assert_eq!(out.stage_status("slow"), "cached", "{sig}: {out:?}");
        assert_eq!(out.stage_status("after"), "done", "{sig}");
    }
}

#[test]
fn a_second_signal_abandons_the_running_stage_without_caching_it() {
    let p = project(60_000);
    let t0 = Instant::now();
    let (child, seen, err) = start_until_running(&p, "slow");
    signal(&child, "-INT");
    std::thread::sleep(Duration::from_millis(300));
    signal(&child, "-INT");
    let out = finish(child, seen, err);
    assert_eq!(out.code, 130, "{out:?}");
    assert!(
        t0.elapsed() < Duration::from_secs(30),
        "it did not wait for the stage"
    );
    // Nothing of the cut stage is cached: the plan still has it to run.
    let plan = p.run(&["plan", "p.aim"]);
    let line = plan
        .stdout
        .lines()
        .find(|l| l.contains("slow"))
        .unwrap_or_else(|| panic!("{plan:?}"));
    assert!(line.contains("will run"), "{plan:?}");
}
