//! Frame <-> polars DataFrame, both ways, with nulls, and without copying.
#![cfg(feature = "polars")]

use aimass_plugin_sdk::{Column, DataType, Frame};
use polars::prelude::{DataFrame, IntoColumn, NamedFrom, Series};

fn polars_frame() -> DataFrame {
    let columns = vec![
        Series::new("f".into(), &[Some(1.5), None, Some(-2.0)]).into_column(),
        Series::new("i".into(), &[Some(7i64), Some(-1), None]).into_column(),
        Series::new(
            "s".into(),
            &[Some("short"), None, Some("a string longer than twelve")],
        )
        .into_column(),
        Series::new("b".into(), &[None, Some(true), Some(false)]).into_column(),
        Series::new("dense".into(), &[0.25f64, 0.5, 0.75]).into_column(),
    ];
    DataFrame::new(3, columns).expect("data frame")
}

#[test]
fn data_frame_to_frame_and_back() {
    let original = polars_frame();
    let frame = Frame::from_polars(&original).expect("from polars");
    assert_eq!(frame.len(), 3);
    assert_eq!(
        frame.names().collect::<Vec<_>>(),
        ["f", "i", "s", "b", "dense"]
    );
    let f = frame.column("f").expect("f");
    assert_eq!(f.dtype(), &DataType::Float64);
    assert_eq!(f.to_f64_vec(), Ok(vec![Some(1.5), None, Some(-2.0)]));
    let i = frame.column("i").expect("i");
    assert_eq!(i.to_i64_vec(), Ok(vec![Some(7), Some(-1), None]));
    let s = frame.column("s").expect("s");
    assert!(s.dtype().is_string(), "{:?}", s.dtype());
    assert_eq!(
        s.to_string_vec(),
        Ok(vec![
            Some("short".to_owned()),
            None,
            Some("a string longer than twelve".to_owned())
        ])
    );
    let b = frame.column("b").expect("b");
    assert_eq!(b.to_bool_vec(), Ok(vec![None, Some(true), Some(false)]));

    let back = frame.to_polars().expect("to polars");
    assert!(back.equals_missing(&original), "{back}\n{original}");
}

#[test]
fn frames_built_by_the_sdk_convert() {
    let frame = Frame::from_columns([
        ("x", Column::from_opt_f64(vec![Some(1.0), None])),
        ("n", Column::from_i64(vec![1, 2])),
        ("name", Column::from_opt_strings([Some("a"), None])),
        ("flag", Column::from_bool([true, false])),
    ])
    .expect("frame");
    let df = frame.to_polars().expect("to polars");
    let expected = DataFrame::new(
        2,
        vec![
            Series::new("x".into(), &[Some(1.0), None]).into_column(),
            Series::new("n".into(), &[1i64, 2]).into_column(),
            Series::new("name".into(), &[Some("a"), None]).into_column(),
            Series::new("flag".into(), &[true, false]).into_column(),
        ],
    )
    .expect("expected");
    assert!(df.equals_missing(&expected), "{df}");
}

#[test]
fn conversions_share_buffers() {
    let original = polars_frame();
    let values = original.column("dense").expect("dense").f64().expect("f64");
    let polars_ptr = values.cont_slice().expect("contiguous").as_ptr();
    let frame = Frame::from_polars(&original).expect("from polars");
    let sdk = frame
        .column("dense")
        .expect("dense")
        .f64_values()
        .expect("dense f64");
    assert_eq!(sdk.as_ptr(), polars_ptr, "from_polars copied the column");
    let back = frame.to_polars().expect("to polars");
    let values = back.column("dense").expect("dense").f64().expect("f64");
    assert_eq!(
        values.cont_slice().expect("contiguous").as_ptr(),
        polars_ptr
    );
}

#[test]
fn empty_frames_convert() {
    let frame = Frame::from_polars(&DataFrame::empty()).expect("empty");
    assert_eq!(frame.width(), 0);
    assert_eq!(Frame::new().to_polars().expect("to polars").width(), 0);
}

/// Without polars' `dtype-*` features (the SDK enables none; a plugin may), polars cannot
/// hold Int8, UInt16 or Date32: a clear error naming the column, not a panic.
#[test]
fn types_polars_leaves_out_are_errors() {
    for (name, column, dtype) in [
        ("small", Column::from_native(vec![1i8]), "Int8"),
        ("word", Column::from_native(vec![1u16]), "UInt16"),
        ("day", Column::from_dates(vec![Some(1)]), "Date32"),
    ] {
        let frame = Frame::new().with(name, column).expect("frame");
        let error = frame.to_polars().expect_err(name);
        assert_eq!(
            error.message(),
            format!("column `{name}`: polars: cannot create series from {dtype}")
        );
    }
    let floats = Frame::new()
        .with("x", Column::from_native(vec![1.0f32]))
        .expect("frame");
    let df = floats.to_polars().expect("Float32");
    assert_eq!(
        df.column("x").expect("x").f32().expect("f32").get(0),
        Some(1.0)
    );
}
