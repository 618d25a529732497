//! Duplicate detection, shared by both front ends: a key may appear once per block, a stage or
//! plugin name once per file.

use std::collections::HashMap;

use crate::errors::SyntaxError;
use crate::ir::{Entry, Ident};

/// Reports every entry whose key was already used in the same block, pointing at both.
pub(crate) fn check_duplicate_keys(entries: &[Entry], errors: &mut Vec<SyntaxError>) {
    check_duplicate_idents(entries.iter().map(|e| &e.key), errors);
}

/// Reports every key written twice among `keys` (the keys of one block or mapping).
pub(crate) fn check_duplicate_idents<'a>(
    keys: impl Iterator<Item = &'a Ident>,
    errors: &mut Vec<SyntaxError>,
) {
    for (first, again) in duplicates(keys) {
        errors.push(SyntaxError::DuplicateKey {
            key: again.name.clone(),
            span: again.span.into(),
            first: first.span.into(),
        });
    }
}

/// Reports every declaration whose name was already declared; `what` is "stage" or "plugin".
pub(crate) fn check_duplicate_names<'a>(
    what: &'static str,
    names: impl Iterator<Item = &'a Ident>,
    errors: &mut Vec<SyntaxError>,
) {
    for (first, again) in duplicates(names) {
        errors.push(SyntaxError::DuplicateName {
            what,
            name: again.name.clone(),
            span: again.span.into(),
            first: first.span.into(),
        });
    }
}

/// Pairs (first occurrence, later occurrence) for every repeated name, in order.
fn duplicates<'a>(names: impl Iterator<Item = &'a Ident>) -> Vec<(&'a Ident, &'a Ident)> {
    let names: Vec<&Ident> = names.collect();
    // Blocks are small: comparing pairs beats hashing them.
    if names.len() <= 16 {
        return names
            .iter()
            .enumerate()
            .filter_map(|(i, again)| {
                let first = names[..i].iter().find(|n| n.name == again.name)?;
                Some((*first, *again))
            })
            .collect();
    }
    let mut seen: HashMap<&str, &Ident> = HashMap::new();
    let mut found = Vec::new();
    for ident in names {
        match seen.get(ident.name.as_str()) {
            Some(first) => found.push((*first, ident)),
            None => {
                seen.insert(&ident.name, ident);
            }
        }
    }
    found
}

/// True for `[A-Za-z_][A-Za-z0-9_]*`.
pub(crate) fn is_ident(text: &str) -> bool {
    let mut chars = text.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}
