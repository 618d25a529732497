//! Malformed input through the binary: always exit 2 with a diagnostic, never a panic.

use crate::harness::Project;

fn garbage(n: usize, seed: u64) -> Vec<u8> {
    let mut x = seed;
    (0..n)
        .map(|_| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (x >> 33) as u8
        })
        .collect()
}

#[test]
fn malformed_inputs_exit_2_with_a_diagnostic() {
    let example = std::fs::read_to_string(
        crate::harness::repo().join("examples/telco-retention/campaign.aim"),
    )
    .unwrap();
    let mut cases: Vec<(String, Vec<u8>)> = vec![
        ("empty.aim".into(), Vec::new()),
        ("blank.yaml".into(), b"   \n\n".to_vec()),
        ("stray.aim".into(), b"pipeline \"p\" { } @@@ stage".to_vec()),
        (
            "wrong_type.yaml".into(),
            b"pipeline: p\nstages: [1, 2]\n".to_vec(),
        ),
        (
            "deep.aim".into(),
            format!(
                "pipeline \"p\" {{ params {{ x = {} }} }}",
                "[".repeat(100_000)
            )
            .into_bytes(),
        ),
        (
            "deep.yaml".into(),
            format!("pipeline: p\nparams:\n  x: {}\n", "[".repeat(100_000)).into_bytes(),
        ),
        ("garbage.aim".into(), garbage(4096, 1)),
        ("garbage.yaml".into(), garbage(4096, 2)),
        (
            // Cut just inside a block, so the file cannot be whole whatever the example holds.
            "truncated.aim".into(),
            example.as_bytes()[..example[..example.len() / 2].rfind('{').unwrap() + 1].to_vec(),
        ),
    ];
    for cut in [10, 100, 333, 700] {
        cases.push((
            format!("cut{cut}.aim"),
            example.as_bytes()[..cut.min(example.len())].to_vec(),
        ));
    }
    for (name, bytes) in cases {
        let p = Project::new();
        p.file(&name, &bytes);
        let out = p.run(&["check", &name]);
        assert_eq!(out.code, 2, "{name}: {out:?}");
        assert!(
            out.stderr.contains("aimass::"),
            "{name}: no diagnostic code: {out:?}"
        );
        assert!(!out.stderr.contains("panicked"), "{name}: {out:?}");
    }
}

#[test]
fn a_ten_megabyte_pipeline_is_checked_without_trouble() {
    let mut text =
        String::from("pipeline \"big\" { }\nstage raw: collect { source = \"a.csv\" }\n");
    let mut i = 0;
    while text.len() < 10 * 1024 * 1024 {
        text.push_str(&format!("stage s{i}: clean {{ input = raw, drop = [\"a\", \"b\", \"c\"] }}  # filler filler filler\n"));
        i += 1;
    }
    // One error at the very end: the whole file must be read and checked.
    text.push_str("stage last: clean { input = nowhere }\n");
    let p = Project::new();
    p.file("big.aim", &text);
    let out = p.run(&["check", "big.aim"]);
    assert_eq!(out.code, 2, "{}", &out.stderr[..out.stderr.len().min(2000)]);
    assert!(
        out.stderr.contains("unknown stage `nowhere`"),
        "{}",
        &out.stderr[..out.stderr.len().min(2000)]
    );
}
