//! Reporting every broken stage, not only the first: pest stops at the first syntax error,
//! so after one the file is cut at item boundaries (a line that starts with `stage`,
//! `plugin` or `pipeline`) and each later item is parsed on its own. Each item is parsed in
//! place, with the rest of the file blanked out, so positions and messages are exactly
//! those a whole-file parse would give for it.

use pest::Parser;

use super::parser::{AimParser, Rule};
use super::pest_error;
use crate::errors::SyntaxError;

/// The first error (`first`, from the whole file) and those of every item after the one it
/// is in.
pub(crate) fn all_errors(text: &str, first: SyntaxError) -> Vec<SyntaxError> {
    let starts = item_starts(text);
    let at = first.offset();
    let mut errors = vec![first];
    for (i, &start) in starts.iter().enumerate() {
        let end = starts.get(i + 1).copied().unwrap_or(text.len());
        // Items up to the one holding the first error are covered by it.
        if end <= at || start <= at {
            continue;
        }
        let masked = only(text, start, end);
        if let Err(e) = AimParser::parse(Rule::file, &masked) {
            errors.push(pest_error::from_pest(&e, &masked));
        }
    }
    errors
}

/// Byte offsets of the lines that start an item.
fn item_starts(text: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let starts_item = ["stage", "plugin", "pipeline"].iter().any(|kw| {
            line.strip_prefix(kw)
                .is_some_and(|rest| rest.starts_with([' ', '\t']))
        });
        if starts_item {
            out.push(offset);
        }
        offset += line.len();
    }
    out
}

/// `text` with everything outside `start..end` blanked: the same byte offsets, newlines
/// kept (so line numbers stay), every other character outside the range a space per byte.
fn only(text: &str, start: usize, end: usize) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        if (start..end).contains(&i) || c == '\n' {
            out.push(c);
        } else {
            out.extend(std::iter::repeat_n(' ', c.len_utf8()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blanking_keeps_offsets_and_lines() {
        let text = "ab\ncé\nde";
        let masked = only(text, 3, 7);
        assert_eq!(masked.len(), text.len());
        assert_eq!(masked, "  \ncé\n  ");
    }

    #[test]
    fn items_start_at_their_keyword_at_the_start_of_a_line() {
        let text = "pipeline \"p\" { }\n# stage x: a { }\nstage a: b { }\n  stage c: d { }\nstaged = 1\nplugin p = \"x\"\n";
        assert_eq!(item_starts(text), vec![0, 34, 77]);
    }
}
