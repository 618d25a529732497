//! A lexical pre-pass over `.aim` text, before pest sees it.
//!
//! pest parsers recurse once per nesting level, so `[[[[...` a hundred thousand deep would
//! exhaust the stack: the nesting depth is checked here first, iteratively. The same pass
//! collects the comments, which the grammar skips, so that they can be attached to the IR.

use crate::errors::SyntaxError;
use crate::ir::Span;

/// Brackets, braces and parentheses may nest this deep, no deeper.
pub(crate) const MAX_DEPTH: usize = 64;

/// A `# ...` comment.
#[derive(Debug, Clone)]
pub(crate) struct Comment {
    /// Byte offset of the `#`.
    pub offset: usize,
    /// The text from `#` to the end of the line, trailing blanks removed.
    pub text: String,
    /// Only blanks precede it on its line.
    pub own_line: bool,
}

/// What the pre-pass found.
pub(crate) struct Scan {
    pub comments: Vec<Comment>,
}

/// Scans `text`, failing on the first bracket that opens a level deeper than [`MAX_DEPTH`],
/// and on a control character (a NUL byte, say) anywhere: a pipeline file never needs one,
/// YAML forbids them, and a file holding one is damaged or not text.
pub(crate) fn scan(text: &str) -> Result<Scan, SyntaxError> {
    // A carriage return counts only as part of CRLF: alone, the grammar would end a comment
    // there while this pass (and the printer) would not, and the two would disagree.
    let lone_cr = |at: usize| text.as_bytes().get(at + 1) != Some(&b'\n');
    if let Some((at, c)) = text.char_indices().find(|&(at, c)| {
        (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || (c == '\r' && lone_cr(at))
    }) {
        let help = if c == '\r' {
            "a carriage return without a line feed (old Mac line endings): save the file with LF or CRLF line endings"
        } else {
            "a pipeline file holds no control characters: is it damaged, or not a text file?"
        };
        return Err(SyntaxError::Unexpected {
            message: format!("unexpected control character U+{:04X}", u32::from(c)),
            span: Span::new(at, c.len_utf8()).into(),
            expected: "text".to_owned(),
            opened: None,
            help: help.to_owned(),
        });
    }
    let bytes = text.as_bytes();
    let mut comments = Vec::new();
    let mut depth = 0usize;
    let mut line_start = 0usize;
    let mut i = 0usize;
    // All delimiters are ASCII, so walking bytes is safe: a UTF-8 continuation byte never
    // equals an ASCII one.
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                line_start = i + 1;
                i += 1;
            }
            b'#' => {
                let end = find_line_end(bytes, i);
                let own_line = bytes[line_start..i]
                    .iter()
                    .all(|b| *b == b' ' || *b == b'\t');
                comments.push(Comment {
                    offset: i,
                    text: text[i..end].trim_end().to_owned(),
                    own_line,
                });
                i = end;
            }
            b'"' => i = skip_string(bytes, i + 1),
            b'[' | b'{' | b'(' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(SyntaxError::TooDeep {
                        span: Span::new(i, 1).into(),
                        limit: MAX_DEPTH,
                    });
                }
                i += 1;
            }
            b']' | b'}' | b')' => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            _ => i += 1,
        }
    }
    Ok(Scan { comments })
}

fn find_line_end(bytes: &[u8], from: usize) -> usize {
    bytes[from..]
        .iter()
        .position(|b| *b == b'\n')
        .map_or(bytes.len(), |p| from + p)
}

/// Index just past a string whose opening quote is before `i`. Strings cannot span lines, so an
/// unterminated one ends at the newline (the grammar reports it).
fn skip_string(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() {
        match bytes[i] {
            b'"' => return i + 1,
            b'\n' => return i,
            b'\\' if bytes.get(i + 1).is_some_and(|b| *b != b'\n') => i += 2,
            _ => i += 1,
        }
    }
    i
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn comments_outside_strings_only() {
        let scan = scan("a = \"x # y\" # real\n  # own\n").unwrap();
        let texts: Vec<_> = scan
            .comments
            .iter()
            .map(|c| (c.text.as_str(), c.own_line))
            .collect();
        assert_eq!(texts, [("# real", false), ("# own", true)]);
    }

    #[test]
    fn escaped_quote_does_not_end_string() {
        let scan = scan(r#"a = "x \" # not" # yes"#).unwrap();
        assert_eq!(scan.comments.len(), 1);
        assert_eq!(scan.comments[0].text, "# yes");
    }

    #[test]
    fn depth_limit() {
        let ok = "[".repeat(MAX_DEPTH);
        assert!(scan(&ok).is_ok());
        let deep = "[".repeat(MAX_DEPTH + 1);
        assert!(matches!(scan(&deep), Err(SyntaxError::TooDeep { .. })));
        let in_string = format!("\"{}\"", "[".repeat(1000));
        assert!(scan(&in_string).is_ok());
    }

    #[test]
    fn a_control_character_is_refused_where_it_is() {
        let Err(SyntaxError::Unexpected { message, span, .. }) = scan("# a\u{0}b\nx") else {
            panic!("a NUL byte is not text");
        };
        assert_eq!(message, "unexpected control character U+0000");
        assert_eq!((span.offset(), span.len()), (3, 1));
        assert!(scan("a\tb\r\nc").is_ok());
        let Err(SyntaxError::Unexpected { message, help, .. }) = scan("# a\rstage b") else {
            panic!("a lone carriage return is not a line end");
        };
        assert_eq!(message, "unexpected control character U+000D");
        assert!(help.contains("LF or CRLF"), "{help}");
    }
}
