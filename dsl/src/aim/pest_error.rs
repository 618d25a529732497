//! pest's parse error, in the user's words.
//!
//! pest reports the grammar rules it tried at the furthest position ("expected value, cmp_op,
//! comma or rbrace"). The rules are first reduced to those a user would have meant (after a
//! complete value, "a comparison operator" is a possibility but never the mistake), then named
//! with `renamed_rules`, and the error becomes an [`SyntaxError::Unexpected`] labelled at the
//! position, with a help chosen from what was expected.

use pest::error::{Error, ErrorVariant, InputLocation};
use pest::Position;

use super::parser::Rule;
use crate::errors::SyntaxError;
use crate::ir::Span;

const VALUE_HELP: &str =
    "a value is a number (`6`, `0.2`, `10%`, `2..12`), a string (`\"text\"`), \
`true` or `false`, a name (`raw`, `parts.train`), a call (`bayes(trials = 60)`), a list `[a, b]` \
or a block `{ key = value }`";

pub(crate) fn from_pest(err: &Error<Rule>, text: &str) -> SyntaxError {
    let pos = match err.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((start, _)) => start,
    }
    .min(text.len());
    let (found, found_len) = found_at(text, pos);
    let at_eof = text[pos..].trim().is_empty();
    // miette shows no label past the last line: point just after the last token instead.
    let pos = if at_eof { text.trim_end().len() } else { pos };
    let (expected, rules) = match &err.variant {
        ErrorVariant::ParsingError { positives, .. } => {
            let rules = simplify(positives);
            (expected_message(&rules, text, pos), rules)
        }
        // pest's own guards ("stack limit reached"): the pre-pass bounds nesting, so this means
        // an input unusual enough to say so plainly.
        ErrorVariant::CustomError { message } => (message.clone(), Vec::new()),
    };
    let opened = if at_eof {
        unclosed_bracket(text, pos)
    } else {
        None
    };
    let help = help_for(&rules, at_eof, opened.map(|o| (o, text)));
    SyntaxError::Unexpected {
        message: format!("unexpected {found}"),
        span: Span::new(pos, found_len).into(),
        expected,
        opened: opened.map(|o| Span::new(o, 1).into()),
        help,
    }
}

/// What the parser stopped at, for the headline, and how many bytes to underline.
fn found_at(text: &str, pos: usize) -> (String, usize) {
    let rest = &text[pos..];
    let Some(c) = rest.chars().next() else {
        return ("end of file".to_owned(), 0);
    };
    if c == '\n' || c == '\r' {
        return ("end of line".to_owned(), 0);
    }
    if c.is_ascii_alphanumeric() || c == '_' {
        let len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        return (format!("`{}`", &rest[..len]), len);
    }
    if c.is_control() || c == '\u{FFFD}' {
        return (format!("character {c:?}"), c.len_utf8());
    }
    (format!("`{c}`"), c.len_utf8())
}

/// Reduces pest's positives to the alternatives a user could have meant, in reading order.
fn simplify(positives: &[Rule]) -> Vec<Rule> {
    use Rule::*;
    const VALUE_STARTS: [Rule; 8] = [numeric, number, string, boolean, list, call, path, value];
    let value_starts = positives
        .iter()
        .filter(|r| VALUE_STARTS.contains(r))
        .count();
    let mut rules: Vec<Rule> = positives
        .iter()
        .map(|r| match r {
            r if value_starts > 1 && VALUE_STARTS.contains(r) => value,
            block => lbrace,
            named_arg | entry => ident,
            header => kw_pipeline,
            plugin => kw_plugin,
            stage => kw_stage,
            r => *r,
        })
        .filter(|r| !matches!(r, percent | range_end))
        .collect();
    let has = |rules: &[Rule], r: Rule| rules.contains(&r);
    // After a complete item, what could still follow it (an operator, another entry) is never
    // what is missing: the closing bracket or separator is.
    if [rbrace, rbracket, rparen, comma]
        .iter()
        .any(|r| has(&rules, *r))
    {
        rules.retain(|r| !matches!(r, cmp_op | comparison | ident | entry | lparen | value));
    }
    if has(&rules, eq) {
        rules.retain(|r| *r != lparen);
    }
    if [kw_pipeline, kw_plugin, kw_stage]
        .iter()
        .any(|r| has(&rules, *r))
    {
        rules.retain(|r| *r != EOI);
    }
    rules.sort_by_key(|r| rank(*r));
    rules.dedup();
    rules
}

fn rank(rule: Rule) -> u8 {
    use Rule::*;
    match rule {
        kw_pipeline => 0,
        kw_plugin => 1,
        kw_stage => 2,
        value => 3,
        string => 4,
        number => 5,
        ident | entry => 6,
        kind => 7,
        eq => 8,
        colon => 9,
        lbrace => 10,
        comparison => 11,
        cmp_op => 12,
        lparen => 13,
        comma => 14,
        quote => 15,
        rparen => 16,
        rbracket => 17,
        rbrace => 18,
        _ => 19,
    }
}

/// "expected `,` or `}`", through pest's `renamed_rules`.
fn expected_message(rules: &[Rule], text: &str, pos: usize) -> String {
    let Some(position) = Position::new(text, pos) else {
        return "unexpected text".to_owned();
    };
    let variant = ErrorVariant::ParsingError {
        positives: rules.to_vec(),
        negatives: Vec::new(),
    };
    let renamed = Error::new_from_pos(variant, position).renamed_rules(|r| describe(*r).to_owned());
    renamed.variant.message().into_owned()
}

/// A grammar rule in the words of the language's documentation.
fn describe(rule: Rule) -> &'static str {
    use Rule::*;
    match rule {
        kw_pipeline => "`pipeline`",
        kw_plugin => "`plugin`",
        kw_stage => "`stage`",
        value | operand => "a value",
        string => "a string",
        number | numeric => "a number",
        boolean => "`true` or `false`",
        ident | entry => "a name",
        kind => "a stage kind",
        eq => "`=`",
        colon => "`:`",
        lbrace | block => "`{`",
        comparison => "a comparison",
        cmp_op => "a comparison operator",
        lparen => "`(`",
        comma => "`,`",
        quote => "`\"` to end the string",
        rparen => "`)`",
        rbracket => "`]`",
        rbrace => "`}`",
        EOI => "end of file",
        list => "`[`",
        call | path => "a name",
        _ => "something else",
    }
}

fn help_for(rules: &[Rule], at_eof: bool, opened: Option<(usize, &str)>) -> String {
    use Rule::*;
    let has = |r: Rule| rules.contains(&r);
    if let Some((offset, text)) = opened {
        let line = text[..offset].matches('\n').count() + 1;
        let (open, close) = match text.as_bytes().get(offset) {
            Some(b'[') => ('[', ']'),
            Some(b'(') => ('(', ')'),
            _ => ('{', '}'),
        };
        return format!(
            "the file ends before the `{open}` opened on line {line} is closed: finish the last item and add `{close}`"
        );
    }
    if at_eof {
        return "the file ends in the middle of a declaration: finish it, or remove the unfinished part".to_owned();
    }
    if has(quote) {
        return "close the string with `\"` before the end of the line; write `\\n` for a line break and `\\\"` for a quote".to_owned();
    }
    if has(kw_stage) || has(kw_plugin) {
        return "a file holds a `pipeline \"name\" { ... }` header, then `plugin NAME = \"path\"` and `stage NAME: KIND { ... }` declarations".to_owned();
    }
    if has(colon) || has(kind) {
        return "a stage is declared as `stage NAME: KIND { ... }`, e.g. `stage raw: collect { source = \"data.csv\" }`".to_owned();
    }
    if has(eq) && has(cmp_op) {
        return "write `name = value` for an entry, or `name >= number` for a comparison"
            .to_owned();
    }
    if has(value) || has(number) {
        return VALUE_HELP.to_owned();
    }
    if has(comma) || has(rbrace) || has(rbracket) || has(rparen) {
        return "separate items with `,` (entries of a `{ }` block may also go on separate lines) and close every bracket".to_owned();
    }
    if has(lbrace) {
        return "a body is a `{ ... }` block, even when empty: `{}`".to_owned();
    }
    if has(eq) {
        return "a plugin is declared as `plugin NAME = \"path/to/lib.so\"`".to_owned();
    }
    "check the text just before this point".to_owned()
}

/// The innermost bracket still open at `end`, outside strings and comments.
fn unclosed_bracket(text: &str, end: usize) -> Option<usize> {
    let bytes = &text.as_bytes()[..end];
    let mut open = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && !matches!(bytes[i], b'"' | b'\n') {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'[' | b'{' | b'(' => open.push(i),
            b']' | b'}' | b')' => {
                open.pop();
            }
            _ => {}
        }
        i += 1;
    }
    open.pop()
}
