//! `.aim` value expressions: (text, expected value) tables, and how YAML scalars map to them.
#![allow(clippy::unwrap_used)]

mod common;

use aimass_dsl::ir::{Arg, Call, CmpOp, Entry, Ident, Span, Value, ValueKind};
use aimass_dsl::parse_value;

// Builders: spans never take part in equality.
fn v(kind: ValueKind) -> Value {
    Value::new(kind, Span::default())
}
fn int(n: i64) -> Value {
    v(ValueKind::Int(n))
}
fn float(f: f64) -> Value {
    v(ValueKind::Float(f))
}
fn s(text: &str) -> Value {
    v(ValueKind::Str(text.to_owned()))
}
fn path(parts: &[&str]) -> Value {
    v(ValueKind::Path(
        parts
            .iter()
            .map(|p| Ident::new(*p, Span::default()))
            .collect(),
    ))
}
fn list(items: Vec<Value>) -> Value {
    v(ValueKind::List(items))
}
fn entry(key: &str, value: Value) -> Entry {
    Entry {
        key: Ident::new(key, Span::default()),
        value,
    }
}
fn map(entries: Vec<Entry>) -> Value {
    v(ValueKind::Map(entries))
}
fn call(name: &str, args: Vec<Arg>) -> Value {
    v(ValueKind::Call(Call {
        name: Ident::new(name, Span::default()),
        args,
    }))
}
fn cmp(lhs: Value, op: CmpOp, rhs: Value) -> Value {
    v(ValueKind::Compare(Box::new(lhs), op, Box::new(rhs)))
}
fn range(lo: Value, hi: Value) -> Value {
    v(ValueKind::Range(Box::new(lo), Box::new(hi)))
}

#[test]
fn value_table() {
    let table: Vec<(&str, Value)> = vec![
        ("42", int(42)),
        ("-7", int(-7)),
        ("0", int(0)),
        ("9223372036854775807", int(i64::MAX)),
        ("-9223372036854775808", int(i64::MIN)),
        ("0.2", float(0.2)),
        ("1.0", float(1.0)),
        ("-0.5", float(-0.5)),
        ("1e-5", float(1e-5)),
        ("2.5E3", float(2500.0)),
        ("1e+2", float(100.0)),
        ("10%", v(ValueKind::Percent(10.0))),
        ("2.5%", v(ValueKind::Percent(2.5))),
        ("30s", dur(30, "s")),
        ("500ms", dur(500, "ms")),
        ("15m", dur(15, "m")),
        ("12h", dur(12, "h")),
        ("7d", dur(7, "d")),
        ("true", v(ValueKind::Bool(true))),
        ("false", v(ValueKind::Bool(false))),
        ("truely", path(&["truely"])),
        ("\"churn\"", s("churn")),
        ("\"\"", s("")),
        (r#""a\"b\\c\n\t\r""#, s("a\"b\\c\n\t\r")),
        (r#""\u{1F600} é""#, s("\u{1F600} é")),
        ("median", path(&["median"])),
        ("parts.train", path(&["parts", "train"])),
        ("params.depth", path(&["params", "depth"])),
        ("_x1.y_2.z", path(&["_x1", "y_2", "z"])),
        ("2..12", range(int(2), int(12))),
        ("0.01..1.0", range(float(0.01), float(1.0))),
        ("-1..1", range(int(-1), int(1))),
        ("[]", list(vec![])),
        ("[a, b]", list(vec![path(&["a"]), path(&["b"])])),
        (
            "[1, 2, 5, 10,]",
            list(vec![int(1), int(2), int(5), int(10)]),
        ),
        ("[\n  1,\n  2\n]", list(vec![int(1), int(2)])),
        ("[[1], []]", list(vec![list(vec![int(1)]), list(vec![])])),
        ("{}", map(vec![])),
        (
            "{ numeric = median, categorical = mode }",
            map(vec![
                entry("numeric", path(&["median"])),
                entry("categorical", path(&["mode"])),
            ]),
        ),
        (
            "{ a = 1 b = 2 }",
            map(vec![entry("a", int(1)), entry("b", int(2))]),
        ),
        (
            "{ a = 1, b = 2, }",
            map(vec![entry("a", int(1)), entry("b", int(2))]),
        ),
        (
            "{ a { b = 1 } }",
            map(vec![entry("a", map(vec![entry("b", int(1))]))]),
        ),
        (
            "{ roc_auc >= 0.80, lift(10%) >= 2.0 }",
            list(vec![
                cmp(path(&["roc_auc"]), CmpOp::Ge, float(0.8)),
                cmp(
                    call("lift", vec![Arg::Positional(v(ValueKind::Percent(10.0)))]),
                    CmpOp::Ge,
                    float(2.0),
                ),
            ]),
        ),
        ("grid()", call("grid", vec![])),
        (
            "bayes(trials = 60)",
            call("bayes", vec![Arg::Named(entry("trials", int(60)))]),
        ),
        (
            "stacking(meta = logistic, 3,)",
            call(
                "stacking",
                vec![
                    Arg::Named(entry("meta", path(&["logistic"]))),
                    Arg::Positional(int(3)),
                ],
            ),
        ),
        (
            "lift(10%)",
            call("lift", vec![Arg::Positional(v(ValueKind::Percent(10.0)))]),
        ),
        (
            "roc_auc >= 0.8",
            cmp(path(&["roc_auc"]), CmpOp::Ge, float(0.8)),
        ),
        ("a > 1", cmp(path(&["a"]), CmpOp::Gt, int(1))),
        ("a <= 1", cmp(path(&["a"]), CmpOp::Le, int(1))),
        ("a < 1", cmp(path(&["a"]), CmpOp::Lt, int(1))),
        ("a == \"x\"", cmp(path(&["a"]), CmpOp::Eq, s("x"))),
        (
            "a != false",
            cmp(path(&["a"]), CmpOp::Ne, v(ValueKind::Bool(false))),
        ),
        ("[a >= 1]", list(vec![cmp(path(&["a"]), CmpOp::Ge, int(1))])),
        ("  7  # a comment\n", int(7)),
    ];
    for (text, want) in table {
        match parse_value(text) {
            Ok(got) => assert_eq!(got, want, "{text:?}"),
            Err(e) => panic!("{text:?}: {}", aimass_dsl::render::plain(&e)),
        }
    }
}

fn dur(amount: u64, unit: &str) -> Value {
    v(ValueKind::Duration(aimass_dsl::duration::Duration {
        amount,
        unit: aimass_dsl::duration::Unit::parse(unit).unwrap(),
    }))
}

/// A duration's amount is whole: `1.5h` is a syntax error that says how to write it.
#[test]
fn fractional_durations_are_refused_with_a_hint() {
    let err = parse_value("1.5h").unwrap_err();
    let text = aimass_dsl::render::plain(&err);
    assert!(text.contains("`1.5h` is not a duration"), "{text}");
    assert!(text.contains("90m, not 1.5h"), "{text}");
    assert!(parse_value("-5s").is_err());
    let unit = aimass_dsl::render::plain(&parse_value("5min").unwrap_err());
    assert!(unit.contains("`min` is not a unit of time"), "{unit}");
}

#[test]
fn not_values() {
    let table = [
        "",
        "a b",
        "1.",
        ".5",
        "1..",
        "2..x",
        "a.",
        "a..b",
        "--1",
        "1e",
        "10 %",
        "[1 2]",
        "{ a = 1, a >= 2 }",
        "f(",
        "\"open",
        "a >= b >= c",
        "data/x.csv",
        "=",
        "x = 1",
        "99999999999999999999",
        "\"\\x\"",
        "1e400",
        "é",
        "5min",
        "30 s",
        "3w",
        "2x",
    ];
    for text in table {
        assert!(parse_value(text).is_err(), "{text:?} parsed");
    }
}

#[test]
fn spans_are_relative_to_the_text() {
    let value = parse_value("  parts.train").unwrap();
    assert_eq!((value.span.offset, value.span.len), (2, 11));
    let ValueKind::Path(parts) = value.kind else {
        panic!("not a path");
    };
    assert_eq!((parts[1].span.offset, parts[1].span.len), (8, 5));
}

/// The scalar rule: quoted is a string, plain is a value when it parses as one.
#[test]
fn yaml_scalars() {
    let table: Vec<(&str, Value)> = vec![
        ("raw", path(&["raw"])),
        ("\"raw\"", s("raw")),
        ("'raw'", s("raw")),
        ("0.2", float(0.2)),
        ("\"0.2\"", s("0.2")),
        ("42", int(42)),
        ("true", v(ValueKind::Bool(true))),
        ("data/telco_churn.csv", s("data/telco_churn.csv")),
        ("Churn campaign", s("Churn campaign")),
        ("2024-01-01", s("2024-01-01")),
        (
            "bayes(trials = 60)",
            call("bayes", vec![Arg::Named(entry("trials", int(60)))]),
        ),
        (
            "roc_auc >= 0.80",
            cmp(path(&["roc_auc"]), CmpOp::Ge, float(0.8)),
        ),
        ("2..12", range(int(2), int(12))),
        ("10%", v(ValueKind::Percent(10.0))),
        ("30s", dur(30, "s")),
        (
            "[accuracy, lift(10%)]",
            list(vec![
                path(&["accuracy"]),
                call("lift", vec![Arg::Positional(v(ValueKind::Percent(10.0)))]),
            ]),
        ),
        (
            "{numeric: median}",
            map(vec![entry("numeric", path(&["median"]))]),
        ),
        ("|\n      block text", s("block text\n")),
        (">\n      folded\n      text", s("folded text\n")),
        ("a\n      b", s("a b")),
    ];
    for (scalar, want) in table {
        let text = format!("pipeline: p\nparams:\n  v: {scalar}\n");
        let p = common::ok(common::yaml(&text));
        assert_eq!(p.params[0].value, want, "{scalar:?}");
    }
}

#[test]
fn yaml_value_spans_point_into_the_file() {
    let text = "pipeline: p\nparams:\n  v: parts.train\n";
    let p = common::ok(common::yaml(text));
    let value = &p.params[0].value;
    assert_eq!(
        &text[value.span.offset..value.span.offset + value.span.len],
        "parts.train"
    );
    let ValueKind::Path(parts) = &value.kind else {
        panic!("not a path");
    };
    let train = parts[1].span;
    assert_eq!(&text[train.offset..train.offset + train.len], "train");
    // Non-ASCII text before: saphyr counts characters, spans are bytes.
    let text = "pipeline: pïpé\ndescription: ünïcödé\nparams:\n  v: raw\n";
    let p = common::ok(common::yaml(text));
    let value = &p.params[0].value;
    assert_eq!(
        &text[value.span.offset..value.span.offset + value.span.len],
        "raw"
    );
    let key = &p.params[0].key.span;
    assert_eq!(&text[key.offset..key.offset + key.len], "v");
}

#[test]
fn yaml_aliases_are_copies() {
    let text = "pipeline: p\nparams:\n  a: &shared [1, 2]\n  b: *shared\n";
    let p = common::ok(common::yaml(text));
    assert_eq!(p.params[0].value, p.params[1].value);
    assert_eq!(p.params[1].value, list(vec![int(1), int(2)]));
}
