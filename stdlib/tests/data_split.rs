//! `split`, `join` and `resample`: sizes, class shares, row order and determinism.
#![allow(clippy::unwrap_used)]

mod data_support;

use std::path::Path;

use aimass_engine::Frame;
use data_support::*;
use polars::prelude::*;

fn telco() -> Frame {
    let raw = collect(&telco_dir(), r#"source = "data/telco_churn.csv""#).unwrap();
    clean(&raw, "dedupe = true")
}

fn split(input: &Frame, body: &str) -> (DataFrame, DataFrame, DataFrame) {
    let o = run(
        "split",
        &format!("input = raw\n{body}"),
        &[("input", input.clone())],
        Path::new("."),
    )
    .unwrap();
    (
        out(&o, "train").data,
        out(&o, "test").data,
        out(&o, "valid").data,
    )
}

fn share_yes(df: &DataFrame) -> f64 {
    let yes = strs(df, "churn")
        .iter()
        .filter(|s| s.as_deref() == Some("Yes"))
        .count();
    yes as f64 / df.height() as f64
}

#[test]
fn sizes_and_stratification() {
    let t = telco();
    let n = t.data.height(); // 7021
    let (train, test, valid) = split(&t, "test = 0.2\nstratify = \"churn\"");
    assert_eq!(
        (train.height(), test.height(), valid.height()),
        (n - 1405, 1405, 0)
    );
    assert_eq!(
        names(&valid),
        names(&t.data),
        "an empty valid part keeps the columns"
    );
    let all = share_yes(&t.data);
    assert!((share_yes(&train) - all).abs() < 0.001 && (share_yes(&test) - all).abs() < 0.001);

    let (train, test, valid) = split(&t, "test = 20%\nvalid = 10%\nstratify = \"churn\"");
    assert_eq!(
        (train.height(), test.height(), valid.height()),
        (n - 1405 - 703, 1405, 703)
    );
    assert!((share_yes(&valid) - all).abs() < 0.002);

    let (train, test, _) = split(&t, "test = 0.3");
    assert_eq!(train.height() + test.height(), n);
    assert_eq!(test.height(), (0.3 * n as f64).ceil() as usize);
}

#[test]
fn parts_partition_the_rows_in_order() {
    let t = Frame::new(t_indexed());
    let (train, test, valid) = split(&t, "test = 0.25\nvalid = 0.25");
    let ids = |df: &DataFrame| {
        f64s(df, "i")
            .into_iter()
            .map(|v| v.unwrap() as usize)
            .collect::<Vec<_>>()
    };
    for part in [ids(&train), ids(&test), ids(&valid)] {
        assert!(
            part.windows(2).all(|w| w[0] < w[1]),
            "each part keeps the input order"
        );
    }
    let mut all: Vec<usize> = [ids(&train), ids(&test), ids(&valid)].concat();
    all.sort();
    assert_eq!(all, (0..100).collect::<Vec<_>>());
}

fn t_indexed() -> DataFrame {
    df!["i" => (0..100i64).collect::<Vec<_>>(), "y" => (0..100).map(|i| if i % 4 == 0 { "a" } else { "b" }).collect::<Vec<_>>()].unwrap()
}

#[test]
fn same_seed_same_split_other_seed_other_split() {
    let t = telco();
    let (a, _, _) = split(&t, "stratify = \"churn\"");
    let (b, _, _) = split(&t, "stratify = \"churn\"");
    let (c, _, _) = split(&t, "stratify = \"churn\"\nseed = 7");
    assert!(a.equals_missing(&b));
    assert!(!a.equals_missing(&c));
}

#[test]
fn split_mistakes() {
    let errs = check_errors(&pipeline("split", "input = raw\ntest = 0.6\nvalid = 0.5"));
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].0, "aimass::data::split");
    let e = run_err(
        "split",
        "input = raw\nstratify = \"chrn\"",
        &[("input", telco())],
        Path::new("."),
    );
    assert_eq!(
        (e.0.as_str(), e.2.as_str()),
        ("aimass::data::unknown_column", "\"chrn\"")
    );
}

#[test]
fn joins() {
    let left = Frame::new(df!["id" => [3i64, 1, 2, 1], "l" => ["c", "a", "b", "a2"]].unwrap());
    let right = Frame::new(
        df!["id" => [1i32, 4, 1, 3], "r" => [10.0, 40.0, 11.0, 30.0], "l" => ["x", "y", "z", "w"]]
            .unwrap(),
    );
    let inputs = [("left", left), ("right", right)];
    let j = |how: &str| {
        out(
            &run(
                "join",
                &format!("left = raw\nright = other\non = \"id\"\nhow = {how}"),
                &inputs,
                Path::new("."),
            )
            .unwrap(),
            "out",
        )
        .data
    };
    let inner = j("inner");
    assert_eq!(names(&inner), ["id", "l", "r", "l_right"]);
    assert_eq!(f64s(&inner, "id"), [3.0, 1.0, 1.0, 1.0, 1.0].map(Some));
    assert_eq!(f64s(&inner, "r"), [30.0, 10.0, 11.0, 10.0, 11.0].map(Some));
    let left_join = j("left");
    assert_eq!(
        f64s(&left_join, "r"),
        [
            Some(30.0),
            Some(10.0),
            Some(11.0),
            None,
            Some(10.0),
            Some(11.0)
        ]
    );
    let outer = j("outer");
    assert_eq!(
        f64s(&outer, "id"),
        [3.0, 1.0, 1.0, 2.0, 1.0, 1.0, 4.0].map(Some)
    );
    let e = run_err(
        "join",
        "left = raw\nright = other\non = [\"idd\"]",
        &inputs,
        Path::new("."),
    );
    assert_eq!(
        (e.0.as_str(), e.2.as_str()),
        ("aimass::data::unknown_column", "\"idd\"")
    );
}

#[test]
fn resampling() {
    let t = telco();
    let counts = |df: &DataFrame| {
        let s = strs(df, "churn");
        (
            s.iter().filter(|v| v.as_deref() == Some("No")).count(),
            s.iter().filter(|v| v.as_deref() == Some("Yes")).count(),
        )
    };
    let (no, yes) = counts(&t.data);
    let r = |body: &str| {
        out(
            &run(
                "resample",
                &format!("input = raw\ntarget = \"churn\"\n{body}"),
                &[("input", t.clone())],
                Path::new("."),
            )
            .unwrap(),
            "out",
        )
        .data
    };
    let under = r("");
    assert_eq!(counts(&under), (yes, yes));
    let half = r("ratio = 0.5");
    assert_eq!(counts(&half), (2 * yes, yes));
    let over = r("method = oversample");
    assert_eq!(counts(&over), (no, no));
    assert!(r("method = oversample").equals_missing(&over), "seeded");
    assert!(!r("method = oversample\nseed = 1").equals_missing(&over));
    // Every row of the undersampled frame is an input row, in input order.
    let idx = Frame::new(t.data.with_row_index("row".into(), None).unwrap());
    let o = out(
        &run(
            "resample",
            "input = raw\ntarget = \"churn\"",
            &[("input", idx)],
            Path::new("."),
        )
        .unwrap(),
        "out",
    )
    .data;
    let rows: Vec<u32> = o
        .column("row")
        .unwrap()
        .idx()
        .unwrap()
        .into_no_null_iter()
        .collect();
    assert!(rows.windows(2).all(|w| w[0] < w[1]));
}
