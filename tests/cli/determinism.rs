//! Determinism: every example gives bit-identical lock files and metrics with 1, 2 and 8
//! jobs, in different directories, and the same lock file as the one committed with it.

use crate::harness::{repo, Project};

#[test]
fn examples_give_identical_locks_and_metrics_whatever_the_jobs_and_directory() {
    for (example, file) in [
        ("telco-retention", "campaign.aim"),
        ("telco-retention", "campaign.yaml"),
        ("telco-retention", "tuning.aim"),
        ("credit-scoring", "pipeline.yaml"),
    ] {
        let mut seen: Option<(String, String)> = None;
        for jobs in ["1", "2", "8"] {
            // A fresh project each time: another directory, an empty cache.
            let p = Project::new().with_example(example);
            let run = p.run(&["run", file, "--jobs", jobs, "--quiet"]);
            assert_eq!(run.code, 0, "{file} --jobs {jobs}: {run:?}");
            let metrics = p.run(&["metrics", file, "--format", "json"]);
            assert_eq!(metrics.code, 0, "{metrics:?}");
            let lock = p.read(&format!("{file}.lock"));
            match &seen {
                None => seen = Some((lock, metrics.stdout)),
                Some((l, m)) => {
                    assert_eq!(&lock, l, "{file}: the lock differs with --jobs {jobs}");
                    assert_eq!(
                        &metrics.stdout, m,
                        "{file}: metrics differ with --jobs {jobs}"
                    );
                }
            }
        }
        let committed = repo()
            .join("examples")
            .join(example)
            .join(format!("{file}.lock"));
        if let (Ok(want), Some((lock, _))) = (std::fs::read_to_string(&committed), &seen) {
            assert_eq!(
                lock, &want,
                "{file}: the committed lock file is out of date"
            );
        }
    }
}
