//! The `score` and `export` stages, and `aimass predict --keep/--top`: the campaign list
//! inside the pipeline gives the same numbers as `aimass predict` outside it.

use serde_json::Value as Json;

use crate::harness::{Outcome, Project};

/// The example, run whole: (project, the run's JSON outcome).
fn campaign() -> (Project, Outcome) {
    let p = Project::new().with_example("telco-retention");
    let out = p.run(&["run", "campaign.aim", "--format", "json"]);
    assert_eq!(out.code, 0, "{out:?}");
    (p, out)
}

fn csv_rows(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut lines = text.lines();
    let header = lines.next().unwrap().split(',').map(String::from).collect();
    let rows = lines
        .map(|l| l.split(',').map(String::from).collect())
        .collect();
    (header, rows)
}

#[test]
fn the_example_exports_its_top_decile_as_predict_scores_it() {
    let (p, out) = campaign();
    assert_eq!(out.stage_status("campaign"), "done", "{out:?}");
    assert_eq!(out.stage_status("campaign_list"), "done", "{out:?}");
    let list = p.read("out/retention_campaign.csv");
    let (header, rows) = csv_rows(&list);
    assert_eq!(
        header,
        [
            "tenure",
            "contract",
            "monthly_charges",
            "payment_method",
            "prediction",
            "proba_No",
            "proba_Yes",
            "decile",
            "rank"
        ]
    );
    // The current customers are the rows with churn = No: 5174 in the sample; 10% of them
    // to the nearest row is 517, exactly decile 1.
    let raw = std::fs::read_to_string(p.path("data/telco_churn.csv")).unwrap();
    let current = raw.lines().filter(|l| l.starts_with("No,")).count();
    assert_eq!(
        rows.len(),
        (current + 5) / 10,
        "{current} current customers"
    );
    let proba: Vec<f64> = rows.iter().map(|r| r[6].parse().unwrap()).collect();
    assert!(proba.windows(2).all(|w| w[0] >= w[1]), "best first");
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(r[8], (i + 1).to_string(), "rank");
        assert_eq!(r[7], "1", "every row of the top 10% is in decile 1");
    }

    // `aimass predict` on the same rows (the `current` stage's output) with the same cut
    // gives the same file, byte for byte.
    let shown = p.run(&["show", "campaign.aim", "current", "--output", "current.csv"]);
    assert_eq!(shown.code, 0, "{shown:?}");
    let predicted = p.run(&[
        "predict",
        "models/logit",
        "--input",
        "current.csv",
        "--keep",
        "tenure,contract",
        "--keep",
        "monthly_charges,payment_method",
        "--top",
        "10%",
    ]);
    assert_eq!(predicted.code, 0, "{predicted:?}");
    assert_eq!(predicted.stdout, list);
}

#[test]
fn an_exported_file_is_rewritten_when_deleted_or_edited_and_cached_otherwise() {
    let (p, _) = campaign();
    let first = p.read("out/retention_campaign.csv");
    let again = p.run(&["run", "campaign.aim", "--format", "json"]);
    assert_eq!(again.stage_status("campaign_list"), "cached", "{again:?}");
    std::fs::remove_file(p.path("out/retention_campaign.csv")).unwrap();
    let out = p.run(&["run", "campaign.aim", "--format", "json"]);
    assert_eq!(out.stage_status("campaign_list"), "done", "{out:?}");
    assert_eq!(out.stage_status("campaign"), "cached", "{out:?}");
    assert_eq!(p.read("out/retention_campaign.csv"), first);
    p.file("out/retention_campaign.csv", "edited by hand\n");
    let out = p.run(&["run", "campaign.aim", "--format", "json"]);
    assert_eq!(out.stage_status("campaign_list"), "done", "{out:?}");
    assert_eq!(p.read("out/retention_campaign.csv"), first);
}

/// A small pipeline around the example's data: a logistic model, then `tail`.
fn pipeline(tail: &str) -> String {
    format!(
        r#"pipeline "p" {{ seed = 1 }}
stage raw: collect {{ source = "data/telco_churn.csv" }}
stage parts: split {{ input = raw, test = 0.2, stratify = "churn" }}
stage tidy: clean {{
  input = parts.train
  impute = {{ numeric = median, categorical = mode }}
  one_hot = all_categorical
  keep = ["churn"]
}}
stage logit: model {{ input = tidy, target = "churn", positive = "Yes", algorithm = logistic }}
{tail}
"#
    )
}

#[test]
fn export_writes_parquet_and_ndjson_that_read_back_as_the_frame() {
    let p = Project::new().with_example("telco-retention");
    p.file(
        "p.aim",
        pipeline(
            r#"stage scored: score { model = logit, data = parts.test, keep = ["churn", "tenure"] }
stage pq: export { input = scored, to = "out/scored.parquet" }
stage nd: export { input = scored, to = "out/scored.data", format = ndjson }"#,
        ),
    );
    let out = p.run(&["run", "p.aim", "--format", "json"]);
    assert_eq!(out.code, 0, "{out:?}");
    let shown = p.run(&["show", "p.aim", "scored", "--output", "shown.parquet"]);
    assert_eq!(shown.code, 0, "{shown:?}");
    use polars::prelude::*;
    let read = |name: &str| {
        ParquetReader::new(std::fs::File::open(p.path(name)).unwrap())
            .finish()
            .unwrap()
    };
    let exported = read("out/scored.parquet");
    assert!(exported.equals(&read("shown.parquet")));
    assert_eq!(
        exported.get_column_names(),
        [
            "churn",
            "tenure",
            "prediction",
            "proba_No",
            "proba_Yes",
            "decile",
            "rank"
        ]
    );
    // Without `top`, every test row is listed, best first.
    let ranks: Vec<u32> = exported
        .column("rank")
        .unwrap()
        .u32()
        .unwrap()
        .into_no_null_iter()
        .collect();
    assert_eq!(ranks, (1..=exported.height() as u32).collect::<Vec<_>>());
    let lines: Vec<Json> = p
        .read("out/scored.data")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), exported.height());
    assert_eq!(lines[0]["rank"], 1);
}

#[test]
fn bad_score_and_export_parameters_are_check_errors() {
    let p = Project::new().with_example("telco-retention");
    p.file(
        "p.aim",
        pipeline(
            r#"stage scored: score { model = logit, data = parts.test, top = 0 }
stage a: export { input = scored, to = "out/list.xlsx" }
stage b: export { input = scored, to = "../list.csv" }"#,
        ),
    );
    let out = p.run(&["check", "p.aim"]);
    assert_eq!(out.code, 2, "{out:?}");
    for expected in [
        "aimass::score::param",
        "`top` keeps no row",
        "aimass::export::format",
        "cannot tell the format of \"out/list.xlsx\"",
        "aimass::path::outside",
    ] {
        assert!(out.stderr.contains(expected), "{expected}: {}", out.stderr);
    }
}

#[test]
fn scoring_problems_name_the_column_or_the_model() {
    let p = Project::new().with_example("telco-retention");
    // A kept column the rows lack, with a near miss.
    p.file(
        "keep.aim",
        pipeline(r#"stage scored: score { model = logit, data = parts.test, keep = ["tenur"] }"#),
    );
    let out = p.run(&["run", "keep.aim"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr.contains("tenur") && out.stderr.contains("tenure"),
        "{}",
        out.stderr
    );
    // Rows that already carry a column scoring adds.
    p.file(
        "clash.aim",
        pipeline(
            r#"stage renamed: clean { input = parts.test, derive = { rank = "tenure" } }
stage scored: score { model = logit, data = renamed }"#,
        ),
    );
    let out = p.run(&["run", "clash.aim"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr.contains("aimass::score::column_clash"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("already have a column `rank`"),
        "{}",
        out.stderr
    );
    // Rows the model cannot read.
    p.file(
        "missing.aim",
        pipeline(
            r#"stage thin: clean { input = parts.test, drop = ["contract"] }
stage scored: score { model = logit, data = thin }"#,
        ),
    );
    let out = p.run(&["run", "missing.aim"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr.contains("aimass::bundle::missing_column"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("`contract`"), "{}", out.stderr);
    // A top cut of a model that ranks nothing (kmeans segments).
    p.file(
        "segments.aim",
        pipeline(
            r#"stage seg: model { input = tidy, algorithm = kmeans, k = 3, features = ["tenure", "monthly_charges"] }
stage scored: score { model = seg, data = parts.test, top = 10 }"#,
        ),
    );
    let out = p.run(&["run", "segments.aim"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr.contains("aimass::score::no_ranking"),
        "{}",
        out.stderr
    );
}

#[test]
fn predict_writes_parquet_and_refuses_bad_cuts() {
    let (p, _) = campaign();
    let shown = p.run(&["show", "campaign.aim", "current", "--output", "current.csv"]);
    assert_eq!(shown.code, 0, "{shown:?}");
    let out = p.run(&[
        "predict",
        "models/logit",
        "-i",
        "current.csv",
        "-o",
        "all.parquet",
    ]);
    assert_eq!(out.code, 0, "{out:?}");
    use polars::prelude::*;
    let df = ParquetReader::new(std::fs::File::open(p.path("all.parquet")).unwrap())
        .finish()
        .unwrap();
    assert_eq!(
        df.get_column_names(),
        ["prediction", "proba_No", "proba_Yes", "decile", "rank"]
    );
    let csv = p.run(&["predict", "models/logit", "-i", "current.csv"]);
    let (_, rows) = csv_rows(&csv.stdout);
    assert_eq!(rows.len(), df.height(), "every row, in input order");
    let first_rank: u32 = rows[0][4].parse().unwrap();
    assert_eq!(
        df.column("rank").unwrap().u32().unwrap().get(0),
        Some(first_rank)
    );

    for (args, expected) in [
        (vec!["--top", "0"], "keeps no row"),
        (vec!["--top", "150%"], "at most 100%"),
        (vec!["--top", "many"], "a row count such as 5000"),
        (vec!["--format", "parquet"], "--output x.parquet"),
    ] {
        let mut all = vec!["predict", "models/logit", "-i", "current.csv"];
        all.extend(args.iter());
        let out = p.run(&all);
        assert_eq!(out.code, 2, "{args:?}: {out:?}");
        assert!(out.stderr.contains(expected), "{args:?}: {}", out.stderr);
    }
    let out = p.run(&[
        "predict",
        "models/logit",
        "-i",
        "current.csv",
        "--keep",
        "tenur",
    ]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr.contains("did you mean `tenure`?"),
        "{}",
        out.stderr
    );
}
