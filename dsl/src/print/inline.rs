//! Values on one line, in `.aim` syntax: the building block of both printers.
//!
//! Every rendering re-parses to the same value: floats keep a `.` or an exponent so that they
//! stay floats, and strings are re-escaped.

use std::fmt::Write;

use crate::ir::{Arg, Entry, Value, ValueKind};

/// Where the text will be read back from.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    Aim,
    /// Inside a YAML plain scalar, where `: ` and ` #` would end the scalar: string literals
    /// escape every `:` and `#` (`\u{3A}`, `\u{23}`), which `.aim` reads back as the same text.
    YamlPlain,
}

pub(crate) fn value(v: &Value, target: Target) -> String {
    let mut out = String::new();
    write_value(&mut out, v, target);
    out
}

fn write_value(out: &mut String, v: &Value, target: Target) {
    match &v.kind {
        ValueKind::Str(s) => out.push_str(&string(s, target)),
        ValueKind::Int(n) => {
            let _ = write!(out, "{n}");
        }
        ValueKind::Float(f) => out.push_str(&float(*f)),
        ValueKind::Percent(f) => {
            out.push_str(&percent_number(*f));
            out.push('%');
        }
        ValueKind::Duration(d) => {
            let _ = write!(out, "{d}");
        }
        ValueKind::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        ValueKind::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_value(out, item, target);
            }
            out.push(']');
        }
        ValueKind::Map(entries) if entries.is_empty() => out.push_str("{}"),
        ValueKind::Map(entries) => {
            out.push_str("{ ");
            for (i, e) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_entry(out, e, target);
            }
            out.push_str(" }");
        }
        ValueKind::Range(lo, hi) => {
            write_value(out, lo, target);
            out.push_str("..");
            write_value(out, hi, target);
        }
        ValueKind::Call(call) => {
            out.push_str(&call.name.name);
            out.push('(');
            for (i, arg) in call.args.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                match arg {
                    Arg::Positional(v) => write_value(out, v, target),
                    Arg::Named(e) => write_entry(out, e, target),
                }
            }
            out.push(')');
        }
        ValueKind::Path(parts) => {
            for (i, part) in parts.iter().enumerate() {
                if i > 0 {
                    out.push('.');
                }
                out.push_str(&part.name);
            }
        }
        ValueKind::Compare(lhs, op, rhs) => {
            write_value(out, lhs, target);
            out.push(' ');
            out.push_str(op.symbol());
            out.push(' ');
            write_value(out, rhs, target);
        }
    }
}

fn write_entry(out: &mut String, e: &Entry, target: Target) {
    out.push_str(&e.key.name);
    out.push_str(" = ");
    write_value(out, &e.value, target);
}

/// A float that re-parses to the same `f64` and stays a float: `1.0`, `0.8`, `1e-5`.
pub(crate) fn float(f: f64) -> String {
    let s = format!("{f:?}");
    if s.contains(['.', 'e', 'E']) || !f.is_finite() {
        s
    } else {
        s + ".0"
    }
}

/// The number of a percentage as a user would write it: `10`, `2.5`.
fn percent_number(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        // Exact: an integral f64 below 2^53 converts to i64 without loss.
        format!("{}", f as i64)
    } else {
        float(f)
    }
}

/// A `.aim` string literal.
pub(crate) fn string(s: &str, target: Target) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            ':' | '#' if target == Target::YamlPlain => {
                let _ = write!(out, "\\u{{{:X}}}", u32::from(c));
            }
            c if needs_escape(c) => {
                let _ = write!(out, "\\u{{{:X}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Characters that editors and YAML treat as line breaks or hide.
pub(crate) fn needs_escape(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{FEFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_stay_floats() {
        for (f, text) in [
            (1.0, "1.0"),
            (0.8, "0.8"),
            (1e-5, "1e-5"),
            (2500.0, "2500.0"),
            (1e20, "1e20"),
            (-0.5, "-0.5"),
        ] {
            assert_eq!(float(f), text);
        }
    }

    #[test]
    fn strings_escape() {
        assert_eq!(
            string("a\"b\\c\nd\u{1}", Target::Aim),
            r#""a\"b\\c\nd\u{1}""#
        );
        assert_eq!(string("a: #b", Target::YamlPlain), r#""a\u{3A} \u{23}b""#);
        assert_eq!(string("a: #b", Target::Aim), r#""a: #b""#);
    }
}
