//! The Arrow layer against the C Data Interface: round trips of every type, foreign layouts
//! (offsets, sliced parents, views), zero-copy passthrough with counted releases, and
//! validation of malformed structs built by hand.

mod common;

use aimass_plugin_sdk::{api, Column, DataType, Frame, TimeUnit};
use common::{bits, buffer_ptr, f64s, i32s, i64s, produce, view, Raw};

fn import(frame: api::Frame) -> aimass_plugin_sdk::Result<Frame> {
    // SAFETY: frames in these tests come from the SDK's export or the test producer, both
    // well-formed wherever the layer reads without checking.
    unsafe { Frame::from_ffi(frame) }
}

fn every_type() -> Frame {
    Frame::from_columns([
        (
            "bool",
            Column::from_opt_bool([Some(true), None, Some(false), Some(true)]),
        ),
        (
            "i8",
            Column::from_opt_native(vec![Some(-8i8), None, Some(8), Some(0)]),
        ),
        (
            "i16",
            Column::from_opt_native(vec![Some(-16i16), Some(16), None, Some(1)]),
        ),
        ("i32", Column::from_native(vec![-32i32, 32, 0, 1])),
        (
            "i64",
            Column::from_opt_i64(vec![None, Some(i64::MIN), Some(i64::MAX), Some(0)]),
        ),
        ("u8", Column::from_native(vec![0u8, 1, 254, 255])),
        (
            "u16",
            Column::from_opt_native(vec![Some(1u16), None, None, Some(65535)]),
        ),
        ("u32", Column::from_native(vec![0u32, 1, 2, u32::MAX])),
        (
            "u64",
            Column::from_opt_native(vec![Some(u64::MAX), Some(1), None, Some(3)]),
        ),
        (
            "f32",
            Column::from_opt_native(vec![Some(0.5f32), None, Some(-1.5), Some(2.0)]),
        ),
        (
            "f64",
            Column::from_opt_f64(vec![Some(1.25), Some(f64::NAN), None, Some(-0.0)]),
        ),
        (
            "str",
            Column::from_opt_strings([Some("é"), None, Some(""), Some("long enough, >12")]),
        ),
        (
            "date",
            Column::from_dates(vec![Some(0), Some(19000), None, Some(-1)]),
        ),
        (
            "ts",
            Column::from_timestamps(
                vec![Some(1), None, Some(-1), Some(i64::MAX)],
                TimeUnit::Microsecond,
                Some("UTC"),
            ),
        ),
        (
            "naive",
            Column::from_timestamps(vec![Some(5); 4], TimeUnit::Nanosecond, None),
        ),
    ])
    .expect("frame")
}

fn assert_every_type(frame: &Frame) {
    let col = |name: &str| frame.column(name).expect("column");
    assert_eq!(frame.len(), 4);
    assert_eq!(frame.width(), 15);
    assert_eq!(
        col("bool").to_bool_vec(),
        Ok(vec![Some(true), None, Some(false), Some(true)])
    );
    assert_eq!(
        col("i8").to_i64_vec(),
        Ok(vec![Some(-8), None, Some(8), Some(0)])
    );
    assert_eq!(
        col("i16").to_f64_vec(),
        Ok(vec![Some(-16.0), Some(16.0), None, Some(1.0)])
    );
    assert_eq!(col("i32").values::<i32>(), Ok(&[-32, 32, 0, 1][..]));
    assert_eq!(
        col("i64").to_i64_vec(),
        Ok(vec![None, Some(i64::MIN), Some(i64::MAX), Some(0)])
    );
    assert_eq!(col("u8").values::<u8>(), Ok(&[0, 1, 254, 255][..]));
    assert_eq!(
        col("u16").to_i64_vec(),
        Ok(vec![Some(1), None, None, Some(65535)])
    );
    assert_eq!(col("u32").values::<u32>(), Ok(&[0, 1, 2, u32::MAX][..]));
    let u64s = col("u64");
    assert_eq!(u64s.null_count(), 1);
    assert_eq!(u64s.values::<u64>().expect("u64")[0], u64::MAX);
    assert!(u64s.to_i64_vec().is_err(), "u64::MAX does not fit in i64");
    assert_eq!(
        col("f32").to_f64_vec(),
        Ok(vec![Some(0.5), None, Some(-1.5), Some(2.0)])
    );
    let f64s = col("f64").to_f64_vec().expect("f64");
    assert_eq!(f64s[0], Some(1.25));
    assert!(f64s[1].is_some_and(f64::is_nan));
    assert_eq!(f64s[2], None);
    assert_eq!(
        col("str").to_string_vec(),
        Ok(vec![
            Some("é".into()),
            None,
            Some(String::new()),
            Some("long enough, >12".into())
        ])
    );
    assert_eq!(col("date").dtype(), &DataType::Date32);
    assert_eq!(col("date").values::<i32>().expect("days")[1], 19000);
    assert!(col("date").is_null(2));
    assert_eq!(
        col("ts").dtype(),
        &DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()))
    );
    assert_eq!(col("ts").values::<i64>().expect("ts")[3], i64::MAX);
    assert!(col("ts").is_null(1));
    assert_eq!(
        col("naive").dtype(),
        &DataType::Timestamp(TimeUnit::Nanosecond, None)
    );
}

#[test]
fn every_type_round_trips_through_export_and_import() {
    let once = import(every_type().into_ffi()).expect("import");
    assert_every_type(&once);
    assert!(once.iter().all(|(_, column)| column.is_foreign()));
    // Exported again, now as foreign columns (the passthrough path), and imported again.
    let twice = import(once.into_ffi()).expect("import again");
    assert_every_type(&twice);
}

#[test]
fn exported_frame_is_a_struct_the_spec_accepts() {
    let exported = every_type().into_ffi();
    // SAFETY: the SDK just exported it; formats and names are NUL-terminated.
    unsafe {
        let format = std::ffi::CStr::from_ptr(exported.schema.format);
        assert_eq!(format.to_str(), Ok("+s"));
        assert_eq!(exported.schema.n_children, 15);
        assert_eq!(exported.array.n_buffers, 1);
        let str_schema = &**exported.schema.children.add(11);
        let str_array = &**exported.array.children.add(11);
        assert_eq!(
            std::ffi::CStr::from_ptr(str_schema.format).to_str(),
            Ok("U")
        );
        assert_eq!(
            std::ffi::CStr::from_ptr(str_schema.name).to_str(),
            Ok("str")
        );
        assert_eq!(str_array.n_buffers, 3);
        assert_eq!(str_array.null_count, 1);
        assert!(str_array.release.is_some());
    }
    // Released on another thread, as the host may.
    std::thread::spawn(move || {
        // The whole frame moves (api::Frame is Send), not its fields one by one.
        let mut exported = exported;
        // SAFETY: the frame is live and released once, here.
        unsafe {
            (exported.array.release.expect("array release"))(&mut exported.array);
            (exported.schema.release.expect("schema release"))(&mut exported.schema);
        }
        assert!(exported.array.release.is_none() && exported.schema.release.is_none());
    })
    .join()
    .expect("release thread");
}

/// A foreign frame with windows everywhere: the parent starts at row 1 of 4 and takes 3,
/// children have their own offsets, bitmaps start mid-byte.
fn sliced_foreign() -> Raw {
    let valid = bits(&[true, true, true, false, true, true]);
    let ints = Raw::new(
        "ints",
        "l",
        5,
        vec![Some(valid.clone()), Some(i64s(&[99, 10, 20, 30, 40, 50]))],
    )
    .offset(1)
    .nulls(1);
    let floats = Raw::new(
        "floats",
        "g",
        4,
        vec![None, Some(f64s(&[0.0, 1.0, 2.0, 3.0]))],
    );
    let small = Raw::new(
        "small",
        "u",
        4,
        vec![
            None,
            Some(i32s(&[0, 1, 3, 6, 10])),
            Some(b"abbcccdddd".to_vec()),
        ],
    );
    let large = Raw::new(
        "large",
        "U",
        4,
        vec![
            Some(bits(&[true, true, true, false])),
            Some(i64s(&[0, 2, 4, 6, 8])),
            Some(b"aabbccdd".to_vec()),
        ],
    )
    .nulls(1);
    let long_a = b"a long string over twelve";
    let long_b = b"another long one, in buffer 1";
    let mut views = view(b"skipped", 0, 0);
    views.extend(view(long_a, 0, 3));
    views.extend(view(b"inline", 0, 0));
    views.extend(view(long_b, 1, 0));
    let mut buffer0 = b"xyz".to_vec();
    buffer0.extend_from_slice(long_a);
    let views = Raw::new(
        "views",
        "vu",
        4,
        vec![
            None,
            Some(views),
            Some(buffer0.clone()),
            Some(long_b.to_vec()),
            Some(i64s(&[buffer0.len() as i64, long_b.len() as i64])),
        ],
    );
    let flags = Raw::new(
        "flags",
        "b",
        4,
        vec![None, Some(bits(&[false, true, false, true]))],
    );
    let days = Raw::new("days", "tdD", 4, vec![None, Some(i32s(&[0, 1, 2, 3]))]);
    let stamps = Raw::new(
        "stamps",
        "tsm:UTC",
        4,
        vec![None, Some(i64s(&[0, 1000, 2000, 3000]))],
    );
    Raw::frame(
        3,
        vec![ints, floats, small, large, views, flags, days, stamps],
    )
    .offset(1)
}

#[test]
fn foreign_layouts_read_at_their_offsets() {
    let (frame, releases) = produce(&sliced_foreign());
    let frame = import(frame).expect("import");
    assert_eq!(frame.len(), 3);
    let col = |name: &str| frame.column(name).expect("column");
    // ints: child offset 1 + parent offset 1 => rows 20, 30(null), 40.
    assert_eq!(col("ints").to_i64_vec(), Ok(vec![Some(20), None, Some(40)]));
    assert_eq!(col("ints").null_count(), 1);
    assert_eq!(col("floats").f64_values(), Some(&[1.0, 2.0, 3.0][..]));
    let small: Vec<_> = col("small").strs().expect("strs").iter().collect();
    assert_eq!(small, [Some("bb"), Some("ccc"), Some("dddd")]);
    let large: Vec<_> = col("large").strs().expect("strs").iter().collect();
    assert_eq!(large, [Some("bb"), Some("cc"), None]);
    let views: Vec<_> = col("views").strs().expect("strs").iter().collect();
    assert_eq!(
        views,
        [
            Some("a long string over twelve"),
            Some("inline"),
            Some("another long one, in buffer 1")
        ]
    );
    assert_eq!(
        col("flags").to_bool_vec(),
        Ok(vec![Some(true), Some(false), Some(true)])
    );
    assert_eq!(col("days").values::<i32>(), Ok(&[1, 2, 3][..]));
    assert_eq!(col("stamps").values::<i64>(), Ok(&[1000, 2000, 3000][..]));
    assert_eq!(releases.arrays(), 0);
    drop(frame);
    assert_eq!((releases.arrays(), releases.schemas()), (1, 1));
}

#[test]
fn sliced_foreign_columns_re_export_their_window() {
    let (frame, releases) = produce(&sliced_foreign());
    let frame = import(frame).expect("import");
    let again = import(frame.into_ffi()).expect("re-import");
    assert_eq!(
        again.column("ints").and_then(Column::to_i64_vec),
        Ok(vec![Some(20), None, Some(40)])
    );
    let views: Vec<_> = again
        .column("views")
        .expect("views")
        .strs()
        .expect("strs")
        .iter()
        .collect();
    assert_eq!(views[1], Some("inline"));
    assert_eq!(releases.arrays(), 0);
    drop(again);
    assert_eq!((releases.arrays(), releases.schemas()), (1, 1));
}

#[test]
fn passthrough_is_zero_copy_and_releases_once() {
    let n = 1000;
    let values: Vec<f64> = (0..n).map(f64::from).collect();
    let raw = Raw::frame(
        i64::from(n),
        vec![Raw::new(
            "x",
            "g",
            i64::from(n),
            vec![None, Some(f64s(&values))],
        )],
    );
    let (frame, releases) = produce(&raw);
    let original = buffer_ptr(&frame, 0, 1);

    let mut input = import(frame).expect("import");
    let x = input.remove("x").expect("x");
    assert_eq!(
        x.f64_values().expect("f64").as_ptr().cast(),
        original,
        "reading copied"
    );
    drop(input);
    assert_eq!(releases.arrays(), 0, "a live column keeps the frame");

    let output = Frame::new()
        .with("x", x)
        .and_then(|f| f.with("y", Column::from_f64(vec![0.0; n as usize])))
        .expect("output");
    let mut exported = output.into_ffi();
    assert_eq!(buffer_ptr(&exported, 0, 1), original, "export copied");
    assert_eq!(releases.arrays(), 0, "the exported child keeps the frame");
    // SAFETY: the host's side: release what it received, once.
    unsafe {
        (exported.array.release.expect("release"))(&mut exported.array);
        (exported.schema.release.expect("release"))(&mut exported.schema);
    }
    assert_eq!((releases.arrays(), releases.schemas()), (1, 1));
}

#[test]
fn opaque_columns_pass_through_unchanged() {
    let decimal = Raw::new(
        "price",
        "d:10,2",
        2,
        vec![None, Some([i64s(&[1050, 0]), i64s(&[2075, 0])].concat())],
    );
    let items = Raw::new("item", "i", 3, vec![None, Some(i32s(&[1, 2, 3]))]);
    let mut list = Raw::new(
        "lists",
        "+l",
        2,
        vec![Some(bits(&[true, false])), Some(i32s(&[0, 2, 3]))],
    )
    .nulls(1);
    list.children = vec![items];
    let (frame, releases) = produce(&Raw::frame(2, vec![decimal, list]));
    let list_children = {
        // SAFETY: the test producer's frame, child 1 exists.
        unsafe { (**frame.array.children.add(1)).children }
    };
    let frame = import(frame).expect("import");
    let price = frame.column("price").expect("price");
    assert_eq!(price.dtype(), &DataType::Other("d:10,2".into()));
    let error = price.to_f64_vec().expect_err("opaque");
    assert!(error.message().contains("`d:10,2`"), "{error}");
    let lists = frame.column("lists").expect("lists");
    assert_eq!(lists.null_count(), 1);
    assert!(lists.is_null(1));
    assert!(lists.values::<i32>().is_err());

    let exported = frame.into_ffi();
    // SAFETY: the SDK just exported it; child 1 is the list.
    unsafe {
        let list = &**exported.array.children.add(1);
        assert_eq!(list.children, list_children, "nested children are shared");
        assert_eq!(list.n_children, 1);
        let format = std::ffi::CStr::from_ptr((**exported.schema.children.add(0)).format);
        assert_eq!(format.to_str(), Ok("d:10,2"));
    }
    let again = import(exported).expect("re-import");
    assert_eq!(
        again.column("lists").map(|c| c.dtype().clone()),
        Ok(DataType::Other("+l".into()))
    );
    drop(again);
    assert_eq!((releases.arrays(), releases.schemas()), (1, 1));
}

/// Imports a malformed frame: an error containing `expected`, and the frame released once.
fn rejects(raw: Raw, expected: &str) {
    let (frame, releases) = produce(&raw);
    let error = import(frame).expect_err(expected);
    assert!(
        error.message().contains(expected),
        "{error} (expected {expected})"
    );
    assert_eq!(
        (releases.arrays(), releases.schemas()),
        (1, 1),
        "{expected}"
    );
}

fn float_column(name: &str, length: i64) -> Raw {
    Raw::new(
        name,
        "g",
        length,
        vec![None, Some(f64s(&vec![0.0; length as usize]))],
    )
}

#[test]
fn malformed_frames_are_errors_and_released() {
    rejects(
        float_column("x", 2),
        "must be a struct array (`+s`), not `g`",
    );
    let mut mismatch = Raw::frame(2, vec![float_column("x", 2)]);
    mismatch.n_children = Some(2);
    rejects(mismatch, "frame schema has 1 children but its array 2");
    let mut child = float_column("x", 2);
    child.n_children = Some(1);
    rejects(
        Raw::frame(2, vec![child]),
        "schema has 0 children but the array 1",
    );
    rejects(
        Raw::frame(3, vec![float_column("x", 2)]),
        "has 2 rows, the frame needs 3",
    );
    rejects(
        Raw::frame(2, vec![float_column("x", 2)]).offset(1),
        "the frame needs 3",
    );
    let mut buffers = float_column("x", 2);
    buffers.n_buffers = Some(1);
    rejects(
        Raw::frame(2, vec![buffers]),
        "format `g` has 2 buffers, the array 1",
    );
    let null_values = Raw::new("x", "g", 2, vec![None, None]);
    rejects(Raw::frame(2, vec![null_values]), "buffer 1 is null");
    let null_mask = float_column("x", 2).nulls(1);
    rejects(Raw::frame(2, vec![null_mask]), "validity buffer is null");
    let mut misaligned = float_column("x", 2);
    misaligned.misaligned = vec![1];
    rejects(Raw::frame(2, vec![misaligned]), "misaligned");
    let backwards = Raw::new(
        "s",
        "u",
        2,
        vec![None, Some(i32s(&[4, 5, 1])), Some(b"abcde".to_vec())],
    );
    rejects(
        Raw::frame(2, vec![backwards]),
        "last string offset 1 is below the first 4",
    );
    let negative = Raw::new(
        "s",
        "U",
        1,
        vec![None, Some(i64s(&[-1, 0])), Some(b"a".to_vec())],
    );
    rejects(Raw::frame(1, vec![negative]), "string offsets are negative");
    rejects(
        Raw::frame(2, vec![float_column("x", 2), float_column("x", 2)]),
        "duplicate column `x`",
    );
    let mut top_buffers = Raw::frame(2, vec![float_column("x", 2)]);
    top_buffers.buffers = vec![];
    rejects(top_buffers, "a struct array has 1 buffer");
    let bad_count = float_column("x", 2).nulls(5);
    rejects(Raw::frame(2, vec![bad_count]), "null_count 5 is invalid");
    let mut null_rows = Raw::frame(2, vec![float_column("x", 2)]).nulls(1);
    null_rows.buffers = vec![Some(bits(&[true, false]))];
    rejects(null_rows, "frame has null rows");
}

#[test]
fn released_frames_are_refused() {
    let error = import(api::Frame::empty()).expect_err("released");
    assert_eq!(error.message(), "frame was already released");
}

#[test]
fn string_contents_are_checked_on_first_read() {
    let cases = [
        (
            Raw::new(
                "s",
                "u",
                3,
                vec![None, Some(i32s(&[0, 3, 1, 4])), Some(b"abcd".to_vec())],
            ),
            "string offsets decrease",
        ),
        (
            Raw::new(
                "s",
                "U",
                1,
                vec![None, Some(i64s(&[0, 2])), Some(vec![0xC3, 0x28])],
            ),
            "row 0: string is not valid UTF-8",
        ),
        (
            Raw::new(
                "s",
                "vu",
                1,
                vec![
                    None,
                    Some(view(b"longer than twelve bytes", 0, 10)),
                    Some(b"too short".to_vec()),
                    Some(i64s(&[9])),
                ],
            ),
            "row 0: string view points outside its data buffers",
        ),
        (
            Raw::new(
                "s",
                "vu",
                1,
                vec![
                    None,
                    Some(view(b"longer than twelve bytes", 3, 0)),
                    Some(i64s(&[])),
                ],
            ),
            "row 0: string view points outside its data buffers",
        ),
    ];
    for (raw, expected) in cases {
        let (frame, releases) = produce(&Raw::frame(raw.length, vec![raw]));
        let frame = import(frame).expect("structure is fine");
        let column = frame.column("s").expect("s");
        let error = column.strs().err().expect(expected);
        assert_eq!(error.message(), format!("column `s`: {expected}"));
        assert_eq!(column.str_value(0), None);
        // The column still passes through: only reading it fails.
        let exported = import(frame.into_ffi()).expect("re-import");
        drop(exported);
        assert_eq!(releases.arrays(), 1);
    }
}

#[test]
fn empty_columns_may_have_null_buffers() {
    let columns = vec![
        Raw::new("f", "g", 0, vec![None, None]),
        Raw::new("s", "U", 0, vec![None, None, None]),
        Raw::new("v", "vu", 0, vec![None, None, None]),
        Raw::new("b", "b", 0, vec![None, None]),
    ];
    let (frame, releases) = produce(&Raw::frame(0, columns));
    let frame = import(frame).expect("import");
    assert_eq!(frame.column("f").expect("f").f64_values(), Some(&[][..]));
    assert_eq!(frame.column("s").expect("s").strs().map(|s| s.len()), Ok(0));
    assert_eq!(frame.column("v").expect("v").strs().map(|s| s.len()), Ok(0));
    let again = import(frame.into_ffi()).expect("re-import");
    assert_eq!(again.width(), 4);
    drop(again);
    assert_eq!(releases.arrays(), 1);
}
