//! The tokens of the expression language (see `expr`), with their byte offsets.

use super::expr::SyntaxError;

#[derive(Clone, Debug, PartialEq)]
pub(super) enum Tok {
    Word(String),
    Quoted(String),
    Num(f64),
    Str(String),
    Sym(&'static str),
}

pub(super) struct Token {
    pub tok: Tok,
    pub offset: usize,
    pub len: usize,
}

const SYMBOLS: [&str; 14] = [
    "==", "!=", "<=", ">=", "<", ">", "=", "+", "-", "*", "/", "(", ")", ",",
];

pub(super) fn err(message: impl Into<String>, offset: usize, len: usize) -> SyntaxError {
    SyntaxError {
        message: message.into(),
        offset,
        len: len.max(1),
    }
}

pub(super) fn lex(src: &str) -> Result<Vec<Token>, SyntaxError> {
    let bytes = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let tok = if c.is_ascii_alphabetic() || c == b'_' {
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            Tok::Word(src[start..i].to_string())
        } else if c.is_ascii_digit()
            || (c == b'.' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit))
        {
            while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
                i += 1;
            }
            if i < bytes.len() && (bytes[i] == b'e' || bytes[i] == b'E') {
                i += 1;
                if i < bytes.len() && (bytes[i] == b'+' || bytes[i] == b'-') {
                    i += 1;
                }
                while i < bytes.len() && bytes[i].is_ascii_digit() {
                    i += 1;
                }
            }
            let text = &src[start..i];
            Tok::Num(
                text.parse()
                    .map_err(|_| err(format!("`{text}` is not a number"), start, i - start))?,
            )
        } else if c == b'"' || c == b'\'' || c == b'`' {
            let end = src[i + 1..]
                .find(c as char)
                .ok_or_else(|| err("this quote is never closed", start, 1))?;
            let text = src[i + 1..i + 1 + end].to_string();
            i += end + 2;
            if c == b'`' {
                Tok::Quoted(text)
            } else {
                Tok::Str(text)
            }
        } else if let Some(sym) = SYMBOLS.iter().find(|s| src[i..].starts_with(**s)) {
            i += sym.len();
            Tok::Sym(sym)
        } else {
            let ch = src[i..].chars().next().unwrap_or('?');
            return Err(err(format!("unexpected `{ch}`"), start, ch.len_utf8()));
        };
        out.push(Token {
            tok,
            offset: start,
            len: i - start,
        });
    }
    Ok(out)
}
