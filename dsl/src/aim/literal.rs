//! Literal text to values: string escapes and numbers.

use crate::errors::SyntaxError;
use crate::ir::{Span, ValueKind};

/// The content of a string literal (between the quotes, at byte `base` of the file), escapes
/// resolved. Every bad escape is reported; the string is still produced so that lowering can
/// go on and find further errors.
pub(crate) fn unescape(raw: &str, base: usize, errors: &mut Vec<SyntaxError>) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some((_, esc)) = chars.next() else {
            // The grammar never ends a string on a lone backslash; treat it as text.
            out.push('\\');
            continue;
        };
        let simple = match esc {
            '"' => Some('"'),
            '\\' => Some('\\'),
            'n' => Some('\n'),
            't' => Some('\t'),
            'r' => Some('\r'),
            _ => None,
        };
        if let Some(ch) = simple {
            out.push(ch);
            continue;
        }
        let mut end = start + 1 + esc.len_utf8();
        let decoded = if esc == 'u' {
            let (ch, used) = unicode_escape(&raw[end..]);
            end += used;
            ch
        } else {
            None
        };
        while chars.next_if(|(i, _)| *i < end).is_some() {}
        match decoded {
            Some(ch) => out.push(ch),
            None => errors.push(SyntaxError::BadEscape {
                text: raw[start..end].to_owned(),
                span: Span::new(base + start, end - start).into(),
            }),
        }
    }
    out
}

/// Parses `{XXXX}` after `\u`: the char, if valid, and how many bytes were looked at (so that a
/// bad escape is underlined as far as it reaches).
fn unicode_escape(rest: &str) -> (Option<char>, usize) {
    let Some(body) = rest.strip_prefix('{') else {
        return (None, 0);
    };
    let Some(close) = body.find('}') else {
        let seen = body.chars().take_while(char::is_ascii_hexdigit).count();
        return (None, 1 + seen);
    };
    let hex = &body[..close];
    let used = close + 2;
    let valid_len = (1..=6).contains(&hex.len()) && hex.chars().all(|c| c.is_ascii_hexdigit());
    let ch = valid_len
        .then(|| u32::from_str_radix(hex, 16).ok())
        .flatten()
        .and_then(char::from_u32);
    (ch, used)
}

/// A number literal (`42`, `-0.5`, `1e-5`): an `Int` when written without `.` or exponent.
pub(crate) fn number(text: &str, span: Span, errors: &mut Vec<SyntaxError>) -> ValueKind {
    if is_float_text(text) {
        ValueKind::Float(float(text, span, errors))
    } else {
        match text.parse::<i64>() {
            Ok(n) => ValueKind::Int(n),
            Err(_) => {
                errors.push(SyntaxError::IntOverflow {
                    text: text.to_owned(),
                    span: span.into(),
                });
                ValueKind::Int(0)
            }
        }
    }
}

/// A number literal read as a float, whatever its form (percentages).
pub(crate) fn float(text: &str, span: Span, errors: &mut Vec<SyntaxError>) -> f64 {
    match text.parse::<f64>() {
        Ok(f) if f.is_finite() => f,
        _ => {
            errors.push(SyntaxError::FloatOverflow {
                text: text.to_owned(),
                span: span.into(),
            });
            0.0
        }
    }
}

fn is_float_text(text: &str) -> bool {
    text.contains(['.', 'e', 'E'])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unesc(raw: &str) -> (String, Vec<String>) {
        let mut errors = Vec::new();
        let s = unescape(raw, 0, &mut errors);
        let bad = errors
            .iter()
            .map(|e| match e {
                SyntaxError::BadEscape { text, .. } => text.clone(),
                other => other.to_string(),
            })
            .collect();
        (s, bad)
    }

    #[test]
    fn escapes() {
        let table: &[(&str, &str, &[&str])] = &[
            (r#"a\"b"#, "a\"b", &[]),
            (r"a\\b", "a\\b", &[]),
            (r"\n\t\r", "\n\t\r", &[]),
            (r"\u{41}\u{1F600}", "A\u{1F600}", &[]),
            (r"\q", "", &[r"\q"]),
            (r"x\u{D800}y", "xy", &[r"\u{D800}"]),
            (r"\u{1234567}", "", &[r"\u{1234567}"]),
            (r"\u41", "41", &[r"\u"]),
            (r"\u{41", "", &[r"\u{41"]),
            (r"\é", "", &[r"\é"]),
        ];
        for (raw, want, bad) in table {
            let (got, errs) = unesc(raw);
            assert_eq!(&got, want, "{raw}");
            assert_eq!(&errs, bad, "{raw}");
        }
    }

    #[test]
    fn numbers() {
        let mut errors = Vec::new();
        let s = Span::default();
        assert_eq!(number("42", s, &mut errors), ValueKind::Int(42));
        assert_eq!(
            number("-9223372036854775808", s, &mut errors),
            ValueKind::Int(i64::MIN)
        );
        assert_eq!(number("1e-5", s, &mut errors), ValueKind::Float(1e-5));
        assert_eq!(number("2.5E3", s, &mut errors), ValueKind::Float(2500.0));
        assert!(errors.is_empty());
        number("9223372036854775808", s, &mut errors);
        number("1e999", s, &mut errors);
        assert!(matches!(errors[0], SyntaxError::IntOverflow { .. }));
        assert!(matches!(errors[1], SyntaxError::FloatOverflow { .. }));
    }
}
