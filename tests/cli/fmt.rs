//! `aimass fmt` and `aimass convert`.

use aimass_dsl::SourceFile;

use crate::harness::{repo, Project};

/// Every pipeline file under examples/ (examples/ci holds a CI workflow, not a pipeline).
fn example_files() -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for dir in std::fs::read_dir(repo().join("examples"))
        .unwrap()
        .flatten()
        .filter(|d| d.file_name() != "ci")
    {
        for f in std::fs::read_dir(dir.path()).unwrap().flatten() {
            let p = f.path();
            if matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("aim" | "yaml" | "yml")
            ) {
                out.push(p);
            }
        }
    }
    out.sort();
    assert!(!out.is_empty());
    out
}

fn parse(name: &str, text: &str) -> aimass_dsl::ir::Pipeline {
    let format = if name.ends_with(".aim") {
        aimass_dsl::ir::SourceFormat::Aim
    } else {
        aimass_dsl::ir::SourceFormat::Yaml
    };
    aimass_dsl::parse(&SourceFile::new(name, text, format)).unwrap()
}

#[test]
fn convert_there_and_back_keeps_the_ir_for_every_example() {
    for path in example_files() {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let p = Project::new();
        p.file(&name, std::fs::read(&path).unwrap());
        let original = parse(&name, &p.read(&name));
        let (there, back) = if name.ends_with(".aim") {
            ("yaml", "aim")
        } else {
            ("aim", "yaml")
        };
        let out = p.run(&[
            "convert",
            &name,
            "--to",
            there,
            "-o",
            &format!("converted.{there}"),
        ]);
        assert_eq!(out.code, 0, "{name}: {out:?}");
        let converted = parse(
            &format!("converted.{there}"),
            &p.read(&format!("converted.{there}")),
        );
        assert_eq!(original, converted, "{name} -> {there}");
        let out = p.run(&["convert", &format!("converted.{there}"), "--to", back]);
        assert_eq!(out.code, 0, "{name}: {out:?}");
        assert_eq!(
            original,
            parse(&format!("again.{back}"), &out.stdout),
            "{name} -> {there} -> {back}"
        );
    }
}

#[test]
fn the_two_forms_of_the_example_mean_the_same() {
    let dir = repo().join("examples/telco-retention");
    let aim = parse(
        "campaign.aim",
        &std::fs::read_to_string(dir.join("campaign.aim")).unwrap(),
    );
    let yaml = parse(
        "campaign.yaml",
        &std::fs::read_to_string(dir.join("campaign.yaml")).unwrap(),
    );
    // Strings in YAML may be unquoted words; compare what the checker makes of them instead.
    let registry = aimass_stdlib::registry();
    let a = aimass_engine::check(
        &SourceFile::new("a.aim", "", aimass_dsl::ir::SourceFormat::Aim),
        &aim,
        &registry,
    )
    .unwrap();
    let y = aimass_engine::check(
        &SourceFile::new("a.yaml", "", aimass_dsl::ir::SourceFormat::Yaml),
        &yaml,
        &registry,
    )
    .unwrap();
    let params = |w: &aimass_engine::Workflow| -> Vec<(String, String)> {
        w.order()
            .iter()
            .map(|n| {
                (
                    w.graph()[*n].name.clone(),
                    w.graph()[*n].params.canonical().to_string(),
                )
            })
            .collect()
    };
    assert_eq!(params(&a), params(&y));
}

#[test]
fn fmt_is_idempotent_and_check_and_write_work() {
    for path in example_files() {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let p = Project::new();
        p.file(&name, std::fs::read(&path).unwrap());
        let once = p.run(&["fmt", &name]);
        assert_eq!(once.code, 0, "{once:?}");
        // fmt prints .aim whatever it reads.
        let formatted_name = "once.aim";
        p.file(formatted_name, &once.stdout);
        let twice = p.run(&["fmt", formatted_name]);
        assert_eq!(once.stdout, twice.stdout, "{name}: fmt is not idempotent");
        assert_eq!(p.run(&["fmt", "--check", formatted_name]).code, 0);
        if name.ends_with(".aim") {
            // Every comment survives formatting.
            let text = p.read(&name);
            let comments: Vec<&str> = text
                .lines()
                .filter_map(|l| l.find('#').map(|i| l[i..].trim()))
                .collect();
            for c in comments {
                assert!(once.stdout.contains(c), "{name}: comment lost: {c}");
            }
        } else {
            assert_eq!(
                p.run(&["fmt", "--write", &name]).code,
                2,
                "YAML is not rewritten in place"
            );
        }
    }
    let p = Project::new();
    p.file(
        "messy.aim",
        "pipeline \"p\"{seed=1}\nstage raw:collect{source=\"a.csv\",limit=5}\n",
    );
    assert_eq!(p.run(&["fmt", "--check", "messy.aim"]).code, 1);
    assert_eq!(p.run(&["fmt", "--write", "messy.aim"]).code, 0);
    assert_eq!(p.run(&["fmt", "--check", "messy.aim"]).code, 0);
    insta::assert_snapshot!("fmt_messy", p.read("messy.aim"));
}

/// Comments survive both ways: `.aim -> YAML -> .aim` gives exactly `aimass fmt`'s output,
/// comments included, and converting a YAML example to `.aim` keeps every one of its
/// comments.
#[test]
fn comments_survive_conversion_both_ways() {
    for path in example_files() {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let p = Project::new();
        p.file(&name, std::fs::read(&path).unwrap());
        let comments = |text: &str| -> Vec<String> {
            text.lines()
                .filter_map(|l| l.find('#').map(|i| l[i..].trim_end().to_string()))
                .filter(|c| c.len() > 1)
                .collect()
        };
        if name.ends_with(".aim") {
            let out = p.run(&["convert", &name, "--to", "yaml", "-o", "there.yaml"]);
            assert_eq!(out.code, 0, "{name}: {out:?}");
            let back = p.run(&["convert", "there.yaml", "--to", "aim"]);
            assert_eq!(back.code, 0, "{name}: {back:?}");
            let fmt = p.run(&["fmt", &name]);
            assert_eq!(fmt.code, 0, "{name}: {fmt:?}");
            assert_eq!(
                back.stdout, fmt.stdout,
                "{name}: .aim -> YAML -> .aim is not fmt's output"
            );
        } else {
            let out = p.run(&["convert", &name, "--to", "aim"]);
            assert_eq!(out.code, 0, "{name}: {out:?}");
            let kept = comments(&out.stdout);
            for c in comments(&p.read(&name)) {
                assert!(
                    kept.contains(&c),
                    "{name}: comment {c:?} lost in\n{}",
                    out.stdout
                );
            }
        }
    }
}
