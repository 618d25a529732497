//! `collect`: the real data sets, formats, globs, and every kind of bad file giving a
//! diagnostic with the file, line and column.
#![allow(clippy::unwrap_used)]

mod data_support;

use data_support::*;
use polars::prelude::*;

#[test]
fn reads_the_telco_example() {
    let df = collect(&telco_dir(), r#"source = "data/telco_churn.csv""#).unwrap();
    assert_eq!(df.shape(), (7043, 20));
    assert_eq!(df.column("total_charges").unwrap().null_count(), 11);
    assert_eq!(df.column("tenure").unwrap().dtype(), &DataType::Int64);
    assert_eq!(df.column("contract").unwrap().dtype(), &DataType::String);
}

#[test]
fn reads_credit_data_with_its_missing_cells() {
    let df = collect(&fixtures(), r#"source = "credit_data.csv""#).unwrap();
    assert_eq!(df.shape(), (4454, 14));
    assert_eq!(null_count(&df), 455);
    let with_nulls: Vec<String> = df
        .columns()
        .iter()
        .filter(|c| c.null_count() > 0)
        .map(|c| c.name().to_string())
        .collect();
    assert_eq!(
        with_nulls,
        ["Home", "Marital", "Job", "Income", "Assets", "Debt"]
    );
}

#[test]
fn columns_limit_and_dtypes() {
    let df = collect(
        &fixtures(),
        r#"source = "credit_data.csv"
           columns = ["Status", "Age", "Income"]
           limit = 10
           dtypes = { Age = float, Status = str }"#,
    )
    .unwrap();
    assert_eq!(df.shape(), (10, 3));
    assert_eq!(names(&df), ["Status", "Age", "Income"]);
    assert_eq!(df.column("Age").unwrap().dtype(), &DataType::Float64);
}

#[test]
fn a_glob_is_read_as_one_frame_in_path_order() {
    let df = collect(&fixtures(), r#"source = "parts/part-*.csv""#).unwrap();
    assert_eq!(
        f64s(&df, "id"),
        [Some(1.0), Some(2.0), Some(3.0), Some(4.0)]
    );
    assert_eq!(
        f64s(&df, "amount"),
        [Some(10.5), None, Some(7.25), Some(1.0)]
    );
    assert_eq!(strs(&df, "city")[3], None);
    let limited = collect(&fixtures(), "source = \"parts/*.csv\"\nlimit = 3").unwrap();
    assert_eq!(limited.height(), 3);
}

#[test]
fn json_and_ndjson_match_csv() {
    let csv = collect(&fixtures(), r#"source = "parts/part-1.csv""#).unwrap();
    for file in ["small.json", "small.ndjson"] {
        let df = collect(&fixtures(), &format!("source = \"{file}\"")).unwrap();
        assert_eq!(df.height(), 3, "{file}");
        assert_eq!(f64s(&df, "amount")[..2], f64s(&csv, "amount")[..], "{file}");
        assert_eq!(strs(&df, "city")[..2], strs(&csv, "city")[..], "{file}");
    }
}

#[test]
fn parquet_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let mut df = collect(&fixtures(), r#"source = "credit_data.csv""#).unwrap();
    let file = std::fs::File::create(dir.path().join("credit.parquet")).unwrap();
    ParquetWriter::new(file).finish(&mut df).unwrap();
    let back = collect(dir.path(), r#"source = "credit.parquet""#).unwrap();
    assert!(back.equals_missing(&df));
}

/// (pipeline body, error code, message, text the label points at).
#[test]
fn bad_files_give_diagnostics_with_file_line_and_column() {
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            r#"source = "bad/late_bad_number.csv""#,
            "aimass::data::bad_value",
            "bad/late_bad_number.csv, line 142, column `tenure`: `abc` is not an integer",
            "",
        ),
        (
            "source = \"bad/small_bad_number.csv\"\ndtypes = { x = int }",
            "aimass::data::bad_value",
            "bad/small_bad_number.csv, line 4, column `x`: `7.5x` is not an integer",
            "",
        ),
        (
            r#"source = "bad/ragged_long.csv""#,
            "aimass::data::ragged_row",
            "bad/ragged_long.csv, line 4: the row has 4 fields but the header has 3 (more than expected)",
            "",
        ),
        (
            r#"source = "bad/ragged_short.csv""#,
            "aimass::data::ragged_row",
            "bad/ragged_short.csv, line 3: the row has 2 fields but the header has 3 (fewer than expected)",
            "",
        ),
        (r#"source = "bad/empty.csv""#, "aimass::data::empty_file", "bad/empty.csv is empty", "\"bad/empty.csv\""),
        (r#"source = "bad/header_only.csv""#, "aimass::data::empty_file", "bad/header_only.csv has a header but no rows", ""),
        (
            r#"source = "bad/bad_lines.ndjson""#,
            "aimass::data::unreadable",
            "bad/bad_lines.ndjson, line 3, column 15: invalid JSON: expected value",
            "",
        ),
        (r#"source = "bad/ragged_lng.csv""#, "aimass::data::missing_file", "bad/ragged_lng.csv: no such file", "\"bad/ragged_lng.csv\""),
        (r#"source = "nowhere/*.csv""#, "aimass::data::missing_file", "no file matches `nowhere/*.csv`", "\"nowhere/*.csv\""),
        (
            r#"source = "mismatch/*.csv""#,
            "aimass::data::schema_mismatch",
            "mismatch/part-2.csv has other columns than the first file of the glob: missing [\"city\"], extra [\"town\"]",
            "",
        ),
        (
            "source = \"credit_data.csv\"\ncolumns = [\"Status\", \"Agee\"]",
            "aimass::data::unknown_column",
            "there is no column `Agee` in credit_data.csv",
            "\"Agee\"",
        ),
        (
            "source = \"credit_data.csv\"\ndtypes = { Incme = float }",
            "aimass::data::unknown_column",
            "there is no column `Incme` in credit_data.csv",
            "float",
        ),
    ];
    for (body, code, message, at) in cases {
        let got = run_err("collect", body, &[], &fixtures());
        assert_eq!(
            (got.0.as_str(), got.1.as_str()),
            (*code, *message),
            "{body}"
        );
        if !at.is_empty() {
            assert_eq!(got.2, *at, "{body}");
        }
    }
}

#[test]
fn the_help_suggests_a_type_that_fits_the_value() {
    let e = run(
        "collect",
        "source = \"parts/part-1.csv\"\ndtypes = { amount = int }",
        &[],
        &fixtures(),
    )
    .err()
    .unwrap();
    assert_eq!(
        e.message,
        "parts/part-1.csv, line 2, column `amount`: `10.5` is not an integer"
    );
    assert!(e.help.unwrap().ends_with("`dtypes = { amount = float }`"));
    let e = run(
        "collect",
        r#"source = "bad/late_bad_number.csv""#,
        &[],
        &fixtures(),
    )
    .err()
    .unwrap();
    assert!(e.help.unwrap().ends_with("`dtypes = { tenure = str }`"));
}

#[test]
fn a_misspelt_file_or_column_gets_a_suggestion() {
    let e = run(
        "collect",
        r#"source = "bad/ragged_lng.csv""#,
        &[],
        &fixtures(),
    )
    .err()
    .unwrap();
    assert_eq!(e.help.as_deref(), Some("did you mean `ragged_long.csv`?"));
    let e = run(
        "collect",
        "source = \"credit_data.csv\"\ncolumns = [\"Incme\"]",
        &[],
        &fixtures(),
    )
    .err()
    .unwrap();
    assert_eq!(e.help.as_deref(), Some("did you mean `Income`?"));
}

#[test]
fn source_files_expand_the_glob_for_the_cache_key() {
    let (wf, params) = params(&pipeline("collect", r#"source = "parts/*.csv""#));
    let idx = wf
        .graph()
        .node_indices()
        .find(|&i| wf.graph()[i].name == "s")
        .unwrap();
    let files = wf.graph()[idx]
        .kind
        .source_files(&params, &fixtures())
        .unwrap();
    let names: Vec<String> = files
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().to_string())
        .collect();
    assert_eq!(names, ["part-1.csv", "part-2.csv"]);
}

#[test]
fn a_bad_delimiter_is_caught_by_check() {
    let errs = check_errors(&pipeline(
        "collect",
        "source = \"x.csv\"\ndelimiter = \";;\"",
    ));
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].2, "\";;\"");
}
