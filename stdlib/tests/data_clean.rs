//! `clean`: each operation on small frames with known answers, and the real data sets' row
//! and null counts after cleaning.
#![allow(clippy::unwrap_used)]

mod data_support;

use data_support::*;
use polars::prelude::*;

fn small() -> DataFrame {
    df![
        "a" => [Some(1i64), Some(1), Some(2), Some(1), None],
        "b" => [Some("x"), Some("x"), Some("y"), Some("z"), Some("y")],
        "c" => [Some(2.0f64), Some(2.0), None, Some(4.0), Some(10.0)],
    ]
    .unwrap()
}

/// (body, expected row count, expected `a` values).
#[test]
fn row_filters() {
    let cases: &[(&str, Vec<Option<f64>>)] = &[
        ("dedupe = true", vec![Some(1.0), Some(2.0), Some(1.0), None]),
        ("dedupe = [\"a\"]", vec![Some(1.0), Some(2.0), None]),
        ("drop_missing = true", vec![Some(1.0), Some(1.0), Some(1.0)]),
        (
            "drop_missing = [\"c\"]",
            vec![Some(1.0), Some(1.0), Some(1.0), None],
        ),
        ("filter = \"a > 1 or b = 'z'\"", vec![Some(2.0), Some(1.0)]),
        ("filter = \"a is null or c >= 4\"", vec![Some(1.0), None]),
        ("filter = \"not (a = 1) and c is not null\"", vec![]),
        ("filter = \"not (a = 1) or c > 5\"", vec![Some(2.0), None]),
        (
            "filter = \"c / a > 1.5\"",
            vec![Some(1.0), Some(1.0), Some(1.0)],
        ),
    ];
    for (body, want) in cases {
        let f = clean(&small(), body);
        assert_eq!(f64s(&f.data, "a"), *want, "{body}");
        assert!(
            Recipe::from_json(&f.recipe).unwrap().steps.is_empty(),
            "{body}: row filters are not recipe steps"
        );
    }
}

use aimass_stdlib::data::Recipe;

#[test]
fn imputation() {
    let df = df![
        "n" => [Some(1i64), None, Some(3), Some(10)],
        "f" => [Some(1.0f64), Some(2.0), None, Some(2.0)],
        "k" => [Some("x"), Some("y"), None, Some("y")],
        "t" => [Some("b"), Some("a"), None, Some("b")],
        "z" => [Some(5i64), None, Some(5), Some(7)],
    ]
    .unwrap();
    let f = clean(
        &df,
        "impute = { numeric = median, categorical = mode, z = 0, t = \"?\" }",
    )
    .data;
    assert_eq!(f64s(&f, "n"), [Some(1.0), Some(3.0), Some(3.0), Some(10.0)]);
    assert_eq!(
        f.column("n").unwrap().dtype(),
        &DataType::Float64,
        "a median makes an integer column float"
    );
    assert_eq!(f64s(&f, "f"), [Some(1.0), Some(2.0), Some(2.0), Some(2.0)]);
    assert_eq!(strs(&f, "k")[2].as_deref(), Some("y"));
    assert_eq!(
        strs(&f, "t")[2].as_deref(),
        Some("?"),
        "a column key wins over the type key"
    );
    assert_eq!(f64s(&f, "z")[1], Some(0.0));
    assert_eq!(
        f.column("z").unwrap().dtype(),
        &DataType::Int64,
        "a whole constant keeps an int column int"
    );

    let f = clean(&df, "impute = { numeric = mean, categorical = mode }").data;
    assert_eq!(f64s(&f, "n")[1], Some(14.0 / 3.0));
    let f = clean(&df, "impute = { numeric = mode, t = mode }").data;
    assert_eq!(f64s(&f, "z")[1], Some(5.0));
    assert_eq!(f.column("z").unwrap().dtype(), &DataType::Int64);
    assert_eq!(strs(&f, "t")[2].as_deref(), Some("b"));
    let ties = df!["k" => [Some("y"), Some("x"), None]].unwrap();
    assert_eq!(
        strs(&clean(&ties, "impute = { k = mode }").data, "k")[2].as_deref(),
        Some("x"),
        "ties: smallest"
    );
}

#[test]
fn scaling_and_clipping() {
    let df = df![
        "s" => [2.0f64, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0],
        "m" => [0i64, 5, 10, 10, 10, 10, 10, 10],
        "k" => [3.0f64; 8],
        "o" => [1.0f64, 2.0, 3.0, 4.0, 100.0, 3.0, 2.0, 1.0],
    ]
    .unwrap();
    let f = clean(&df, "standardize = [\"s\", \"k\"]\nmin_max = [\"m\"]").data;
    assert_eq!(f64s(&f, "s")[..3], [Some(-1.5), Some(-0.5), Some(-0.5)]);
    assert_eq!(
        f64s(&f, "k"),
        vec![Some(0.0); 8],
        "a constant column gets scale 1"
    );
    assert_eq!(f64s(&f, "m")[..3], [Some(0.0), Some(0.5), Some(1.0)]);

    // IQR of o: q1 = 1.75, q3 = 3.25, fences -0.5 and 5.5.
    let f = clean(&df, "clip = iqr(columns = [\"o\"])").data;
    assert_eq!(f64s(&f, "o")[4], Some(5.5));
    let f = clean(
        &df,
        "clip = quantiles(lo = 0.25, hi = 0.75, columns = [\"o\"])",
    )
    .data;
    assert_eq!(
        f64s(&f, "o"),
        [1.75, 2.0, 3.0, 3.25, 3.25, 3.0, 2.0, 1.75].map(Some)
    );
    let f = clean(&df, "clip = iqr(k = 100)").data;
    assert!(
        f.equals_missing(&clean(&df, "cast = { m = float }").data),
        "wide fences change nothing"
    );
}

#[test]
fn encoders() {
    let df = df![
        "id" => [1i64, 2, 3, 4, 5, 6],
        "size" => [Some("M"), Some("S"), Some("L"), None, Some("M"), Some("S")],
        "city" => [Some("b"), Some("a"), Some("c"), Some("a"), Some("d"), Some("b")],
        "y" => ["no", "yes", "no", "no", "yes", "no"],
    ]
    .unwrap();
    let f = clean(&df, "one_hot = [\"city\"]").data;
    assert_eq!(
        names(&f),
        ["id", "size", "city=a", "city=b", "city=c", "city=d", "y"]
    );
    assert_eq!(f64s(&f, "city=a"), [0.0, 1.0, 0.0, 1.0, 0.0, 0.0].map(Some));
    assert_eq!(f.column("city=a").unwrap().dtype(), &DataType::Boolean);

    let f = clean(
        &df,
        "one_hot = all_categorical\nmax_levels = 2\nkeep = [\"y\"]",
    )
    .data;
    assert_eq!(
        names(&f),
        [
            "id",
            "size=M",
            "size=S",
            "size=other",
            "city=a",
            "city=b",
            "city=other",
            "y"
        ],
        "most frequent levels (ties by name) are kept; the target is not encoded"
    );
    assert_eq!(f64s(&f, "size=M")[3], Some(0.0), "null: all zeros");
    assert_eq!(f64s(&f, "size=other")[3], Some(0.0));
    assert_eq!(
        f64s(&f, "city=other"),
        [0.0, 0.0, 1.0, 0.0, 1.0, 0.0].map(Some)
    );

    let f = clean(&df, "ordinal = [\"city\"]").data;
    assert_eq!(f64s(&f, "city"), [1.0, 0.0, 2.0, 0.0, 3.0, 1.0].map(Some));
    let f = clean(&df, "ordinal = { size = [\"S\", \"M\"] }").data;
    assert_eq!(
        f64s(&f, "size"),
        [Some(1.0), Some(0.0), Some(-1.0), None, Some(1.0), Some(0.0)],
        "unseen: -1"
    );
    let e = run_err(
        "clean",
        "input = raw\nordinal = { size = [\"S\", \"M\"] }\nunseen = error",
        &[("input", aimass_engine::Frame::new(df))],
        std::path::Path::new("."),
    );
    assert_eq!(e.0, "aimass::data::unseen_level");
    assert_eq!(
        e.1,
        "row 3, column `size`: level `L` was not seen when the encoding was fitted"
    );
    assert_eq!(e.2, "[\"S\", \"M\"]");
}

/// Columns are fitted and encoded in parallel; names that two one-hot encodings would both
/// make are still caught, with the error the one-by-one order gives.
#[test]
fn one_hot_name_clashes_across_columns() {
    let df = df![
        "a" => ["b=c", "x", "b=c"],
        "a=b" => ["c", "c", "y"],
    ]
    .unwrap();
    let e = run_err(
        "clean",
        "input = raw\none_hot = [\"a\", \"a=b\"]",
        &[("input", aimass_engine::Frame::new(df.clone()))],
        std::path::Path::new("."),
    );
    assert_eq!(e.0, "aimass::data::name_clash");
    assert_eq!(
        e.1,
        "one_hot of `a=b` would make a column `a=b=c`, which exists already"
    );
    // Without a clash, the parallel path puts each column's encoding in its place.
    let df = df![
        "p" => ["u", "v", "u"],
        "n" => [1.0, 2.0, 3.0],
        "q" => ["w", "w", "z"],
    ]
    .unwrap();
    let f = clean(&df, "one_hot = all_categorical").data;
    assert_eq!(names(&f), ["p=u", "p=v", "n", "q=w", "q=z"]);
    assert_eq!(f64s(&f, "q=z"), [0.0, 0.0, 1.0].map(Some));
}

#[test]
fn columns_and_expressions() {
    let df = df![
        "a" => [1i64, 2, 3],
        "b" => [Some("10"), Some("20"), None],
        "c" => [0.5f64, 0.0, 2.0],
        "d" => ["x", "y", "z"],
    ]
    .unwrap();
    let f = clean(
        &df,
        r#"select = ["a", "b", "c"]
           rename = { c = "rate" }
           cast = { b = int }
           derive = { ratio = "a / rate", big = "max(a, b / 10) >= 2", lg = "round(log(exp(a)) * 10) / 10" }"#,
    )
    .data;
    assert_eq!(names(&f), ["a", "b", "rate", "ratio", "big", "lg"]);
    assert_eq!(f.column("b").unwrap().dtype(), &DataType::Int64);
    assert_eq!(
        f64s(&f, "ratio"),
        [Some(2.0), None, Some(1.5)],
        "division by zero is null"
    );
    let big: Vec<Option<bool>> = f.column("big").unwrap().bool().unwrap().iter().collect();
    assert_eq!(big, [Some(false), Some(true), None]);
    assert_eq!(f64s(&f, "lg"), [1.0, 2.0, 3.0].map(Some));
    let f = clean(&df, "drop = [\"d\", \"b\"]").data;
    assert_eq!(names(&f), ["a", "c"]);
}

/// (body, code, message, text the first label points at).
#[test]
fn mistakes_in_parameters() {
    let frame = aimass_engine::Frame::new(small());
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            "dedupe = [\"aa\"]",
            "aimass::data::unknown_column",
            "there is no column `aa` in the input",
            "\"aa\"",
        ),
        (
            "standardize = [\"b\"]",
            "aimass::data::bad_type",
            "`b` holds str, not numbers",
            "\"b\"",
        ),
        (
            "filter = \"a > bb\"",
            "aimass::data::unknown_column",
            "there is no column `bb` for the expression",
            "bb",
        ),
        (
            "derive = { d = \"a + b\" }",
            "aimass::data::expr_type",
            "cannot apply `+` to a number and text",
            "\"a + b\"",
        ),
        (
            "impute = { b = mean }",
            "aimass::data::bad_type",
            "cannot impute `b` (str) with the mean",
            "mean",
        ),
        (
            "cast = { b = int }",
            "aimass::data::bad_value",
            "cast, row 1, column `b`: `x` cannot be cast to int",
            "int",
        ),
        (
            "keep = [\"target\"]",
            "aimass::data::unknown_column",
            "there is no column `target` to keep",
            "\"target\"",
        ),
    ];
    for (body, code, message, at) in cases {
        let got = run_err(
            "clean",
            &format!("input = raw\n{body}"),
            &[("input", frame.clone())],
            std::path::Path::new("."),
        );
        assert_eq!(
            (got.0.as_str(), got.1.as_str()),
            (*code, *message),
            "{body}"
        );
        assert!(got.2.ends_with(at), "{body}: label at {:?}", got.2);
    }
    let e = aimass_stdlib::data::errors::unknown_column(
        "tenur",
        Default::default(),
        ["tenure", "total"],
        "in x",
    );
    assert_eq!(e.help.as_deref(), Some("did you mean `tenure`?"));
}

#[test]
fn check_catches_syntax_and_conflicts() {
    let cases: &[(&str, &str, &str)] = &[
        ("filter = \"a >\"", "aimass::data::expr_syntax", "\""),
        (
            "derive = { x = \"log(a) + foo(b)\" }",
            "aimass::data::expr_syntax",
            "foo",
        ),
        ("filter = \"a = 'x\"", "aimass::data::expr_syntax", "'"),
        (
            "standardize = all_numeric\nmin_max = [\"a\"]",
            "aimass::data::conflicting_options",
            "all_numeric",
        ),
        (
            "one_hot = [\"b\"]\nordinal = [\"b\"]",
            "aimass::data::conflicting_options",
            "\"b\"",
        ),
        (
            "keep = [\"y\"]\none_hot = [\"y\"]",
            "aimass::data::conflicting_options",
            "\"y\"",
        ),
        (
            "impute = { categorical = median }",
            "aimass::data::conflicting_options",
            "median",
        ),
    ];
    for (body, code, at) in cases {
        let errs = check_errors(&pipeline("clean", &format!("input = raw\n{body}")));
        assert_eq!(errs.len(), 1, "{body}: {errs:?}");
        assert_eq!(errs[0].0, *code, "{body}: {errs:?}");
        assert_eq!(errs[0].2, *at, "{body}: {errs:?}");
    }
    assert!(check_errors(&pipeline(
        "clean",
        "input = raw\nfilter = \"`a b` > 1 and c is not null\""
    ))
    .is_empty());
}

#[test]
fn telco_counts_after_cleaning() {
    let raw = collect(&telco_dir(), r#"source = "data/telco_churn.csv""#).unwrap();
    let base = clean(&raw, "dedupe = true").data;
    assert_eq!(base.height(), 7021);
    assert_eq!(base.column("total_charges").unwrap().null_count(), 11);
    let tidy = clean(
        &base,
        "impute = { numeric = median, categorical = mode }\nstandardize = all_numeric\none_hot = all_categorical\nkeep = [\"churn\"]",
    )
    .data;
    assert_eq!(tidy.height(), 7021);
    assert_eq!(null_count(&tidy), 0);
    // 9 numeric columns, 9 three-level and 1 four-level categoricals (31 columns), the target.
    assert_eq!(tidy.width(), 9 + 31 + 1);
    assert_eq!(strs(&tidy, "churn"), strs(&base, "churn"));
    assert!(
        f64s(&tidy, "tenure").iter().flatten().sum::<f64>().abs() < 1e-9,
        "standardized: mean 0"
    );
}

#[test]
fn credit_counts_after_cleaning() {
    let raw = collect(&fixtures(), r#"source = "credit_data.csv""#).unwrap();
    assert_eq!(clean(&raw, "drop_missing = true").data.height(), 4039);
    assert_eq!(
        clean(&raw, "drop_missing = [\"Income\"]").data.height(),
        4073
    );
    assert_eq!(clean(&raw, "dedupe = true").data.height(), 4452);
    let f = clean(&raw, "impute = { numeric = median, categorical = mode }").data;
    assert_eq!((f.height(), null_count(&f)), (4454, 0));
    let f = clean(&raw, "impute = { Income = median }").data;
    assert_eq!(null_count(&f), 455 - 381);
}
