//! YAML nodes to IR values.
//!
//! The scalar rule that makes both forms mean the same: a quoted or block scalar is a string;
//! a plain scalar is read as a `.aim` value when the whole of it parses as one (`raw`, `0.2`,
//! `lift(10%)`, `roc_auc >= 0.8`), and is a string otherwise (`data/telco.csv`).

use saphyr_parser::ScalarStyle;

use super::tree::{Node, NodeKind};
use crate::aim::ValueText;
use crate::errors::{SyntaxError, NAME_HELP};
use crate::ir::{Arg, Entry, Ident, Span, Spanned, Value, ValueKind};
use crate::keys::{check_duplicate_keys, is_ident};

pub(crate) struct YamlLower<'t> {
    pub text: &'t str,
    pub errors: Vec<SyntaxError>,
}

/// The plain scalars YAML reads as null. A pipeline has no null.
fn is_null(text: &str) -> bool {
    matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

impl YamlLower<'_> {
    /// A value, or `None` after reporting why there is none.
    pub fn value(&mut self, node: &Node) -> Option<Value> {
        match &node.kind {
            NodeKind::Scalar { text, style } => self.scalar(text, *style, node.span),
            NodeKind::Seq(items) => {
                let mut values = Vec::with_capacity(items.len());
                for item in items {
                    // A failed item is reported; the rest are still checked.
                    if let Some(v) = self.value(item) {
                        values.push(v);
                    }
                }
                Some(Value::new(ValueKind::List(values), node.span))
            }
            NodeKind::Map(pairs) => {
                let entries = self.entries(pairs);
                Some(Value::new(ValueKind::Map(entries), node.span))
            }
        }
    }

    fn scalar(&mut self, text: &str, style: ScalarStyle, span: Span) -> Option<Value> {
        if style != ScalarStyle::Plain {
            return Some(Value::new(ValueKind::Str(text.to_owned()), span));
        }
        if is_null(text) {
            self.errors.push(SyntaxError::Null { span: span.into() });
            return None;
        }
        // Spans of a value parsed alone are relative to its text: move them to the scalar.
        // A scalar folded over several lines no longer matches the file; its parts all point
        // at the whole scalar.
        let verbatim = self.text.get(span.offset..span.offset + span.len) == Some(text);
        let place = |s: Span| {
            if verbatim {
                Span::new(s.offset + span.offset, s.len)
            } else {
                span
            }
        };
        match crate::aim::parse_value(text) {
            ValueText::Value(mut value) => {
                respan(&mut value, &place);
                Some(value)
            }
            ValueText::NotAValue(_) => Some(Value::new(ValueKind::Str(text.to_owned()), span)),
            // Written as a value but a wrong one (`99999999999999999999`): a string would
            // hide the mistake.
            ValueText::Invalid(e) => {
                self.errors
                    .push(e.relocate(|s| place(Span::new(s.offset(), s.len())).into()));
                None
            }
        }
    }

    /// The entries of a mapping, with duplicate and malformed keys reported.
    pub fn entries(&mut self, pairs: &[(Node, Node)]) -> Vec<Entry> {
        let mut entries = Vec::with_capacity(pairs.len());
        for (k, v) in pairs {
            if let Some(e) = self.key_without_value(k, v) {
                self.errors.push(e);
                continue;
            }
            let key = self.key(k, "key");
            let value = self.value(v);
            if let (Some(key), Some(value)) = (key, value) {
                entries.push(Entry { key, value });
            }
        }
        check_duplicate_keys(&entries, &mut self.errors);
        entries
    }

    /// A key that is not a name but a value (`roc_auc >= 0.8`, `lift(10%)`) with a null after
    /// it: what `{ roc_auc >= 0.8 }` means to YAML. The user meant a list.
    fn key_without_value(&self, k: &Node, v: &Node) -> Option<SyntaxError> {
        let NodeKind::Scalar {
            text: key,
            style: ScalarStyle::Plain,
        } = &k.kind
        else {
            return None;
        };
        let NodeKind::Scalar {
            text: value,
            style: ScalarStyle::Plain,
        } = &v.kind
        else {
            return None;
        };
        if !is_null(value) || is_ident(key) {
            return None;
        }
        let ValueText::Value(parsed) = crate::aim::parse_value(key) else {
            return None;
        };
        let help = match parsed.kind {
            ValueKind::Compare(..) => format!(
                "a list of gates is written in brackets, `require: [{key}]`, or one per line:\n  require:\n    - {key}"
            ),
            _ => format!(
                "for a list write brackets, `[{key}]`, or one item per line after `- `; for a mapping write `name: {key}`"
            ),
        };
        Some(SyntaxError::KeyWithoutValue {
            text: key.clone(),
            span: k.span.into(),
            help,
        })
    }

    /// A mapping key that must be a name (`[A-Za-z_][A-Za-z0-9_]*`).
    pub fn key(&mut self, node: &Node, what: &'static str) -> Option<Ident> {
        let text = self.text_of(node, what)?;
        if !is_ident(&text.value) {
            self.errors.push(SyntaxError::BadName {
                what,
                text: text.value,
                span: node.span.into(),
                help: NAME_HELP.to_owned(),
            });
            return None;
        }
        Some(Ident::new(text.value, node.span))
    }

    /// The text of a scalar, whatever its style (names, paths, descriptions).
    pub fn text_of(&mut self, node: &Node, what: &str) -> Option<Spanned<String>> {
        match &node.kind {
            NodeKind::Scalar { text, style } => {
                if *style == ScalarStyle::Plain && is_null(text) {
                    self.errors.push(SyntaxError::Null {
                        span: node.span.into(),
                    });
                    return None;
                }
                Some(Spanned {
                    value: text.clone(),
                    span: node.span,
                })
            }
            _ => {
                self.errors.push(SyntaxError::NotScalar {
                    what: what.to_owned(),
                    found: node.describe(),
                    span: node.span.into(),
                    help: "write a single value on the same line, after the `:`".to_owned(),
                });
                None
            }
        }
    }
}

/// Rewrites every span inside `v`.
fn respan(v: &mut Value, f: &dyn Fn(Span) -> Span) {
    v.span = f(v.span);
    match &mut v.kind {
        ValueKind::List(items) => items.iter_mut().for_each(|i| respan(i, f)),
        ValueKind::Map(entries) => entries.iter_mut().for_each(|e| respan_entry(e, f)),
        ValueKind::Range(lo, hi) | ValueKind::Compare(lo, _, hi) => {
            respan(lo, f);
            respan(hi, f);
        }
        ValueKind::Call(call) => {
            call.name.span = f(call.name.span);
            for arg in &mut call.args {
                match arg {
                    Arg::Positional(v) => respan(v, f),
                    Arg::Named(e) => respan_entry(e, f),
                }
            }
        }
        ValueKind::Path(parts) => parts.iter_mut().for_each(|p| p.span = f(p.span)),
        ValueKind::Str(_)
        | ValueKind::Int(_)
        | ValueKind::Float(_)
        | ValueKind::Percent(_)
        | ValueKind::Duration(_)
        | ValueKind::Bool(_) => {}
    }
}

fn respan_entry(e: &mut Entry, f: &dyn Fn(Span) -> Span) {
    e.key.span = f(e.key.span);
    respan(&mut e.value, f);
}
