//! Canonical `.aim`.
//!
//! - 2-space indent; the header, then plugins, then stages, one blank line between them.
//! - Header and stage bodies hold one entry per line.
//! - A list or map value goes on one line when it fits in [`WIDTH`] columns, holds no map and
//!   no comment; otherwise one item per line. A map that does not fit is written as a
//!   `key { ... }` block; a list of comparisons always as `key { ... }`.
//! - Comments come back where [`Comments`] says they were.

use super::inline::{self, Target};
use crate::ir::{Comments, Entry, NodeComments, Pipeline, Segment, Value, ValueKind};

/// The width lines are fitted into.
pub(crate) const WIDTH: usize = 100;

pub(crate) fn format_aim(p: &Pipeline) -> String {
    let mut printer = Printer {
        out: String::new(),
        comments: &p.comments,
        path: Vec::new(),
    };
    printer.pipeline(p);
    printer.out
}

struct Printer<'a> {
    out: String,
    comments: &'a Comments,
    /// Path of the node being printed, to look its comments up.
    path: Vec<Segment>,
}

/// How the items of a multi-line list are separated.
#[derive(Clone, Copy)]
enum ItemEnd {
    Comma,
    Newline,
}

impl Printer<'_> {
    fn pipeline(&mut self, p: &Pipeline) {
        self.path.push(Segment::Header);
        self.leading(0, false);
        self.out.push_str("pipeline ");
        self.out
            .push_str(&inline::string(&p.name.name, Target::Aim));
        self.out.push_str(" {");
        let mut settings = Vec::new();
        if let Some(seed) = &p.seed {
            settings.push(setting("seed", ValueKind::Int(seed.value)));
        }
        if let Some(d) = &p.description {
            settings.push(setting("description", ValueKind::Str(d.value.clone())));
        }
        if !p.params.is_empty() {
            settings.push(setting("params", ValueKind::Map(p.params.clone())));
        }
        self.body(&settings);
        self.trailing();
        self.path.pop();

        for plugin in &p.plugins {
            self.out.push('\n');
            self.path.push(Segment::Plugin(plugin.name.name.clone()));
            self.leading(0, true);
            self.out.push_str("plugin ");
            self.out.push_str(&plugin.name.name);
            self.out.push_str(" = ");
            self.out
                .push_str(&inline::string(&plugin.path.value, Target::Aim));
            self.trailing();
            self.path.pop();
        }
        for stage in &p.stages {
            self.out.push('\n');
            self.path.push(Segment::Stage(stage.name.name.clone()));
            self.leading(0, false);
            self.out.push_str("stage ");
            self.out.push_str(&stage.name.name);
            self.out.push_str(": ");
            self.out.push_str(&stage.kind.to_string());
            self.out.push_str(" {");
            self.body(&stage.entries);
            self.trailing();
            self.path.pop();
        }
        if let Some(end) = self.comments.get(&[]).filter(|c| !c.inner.is_empty()) {
            self.out.push('\n');
            for c in &end.inner {
                self.out.push_str(c);
                self.out.push('\n');
            }
        }
    }

    /// The entries of a header or stage after its `{`, one per line, and the `}`.
    fn body(&mut self, entries: &[Entry]) {
        if entries.is_empty() && self.own().is_none_or(|c| c.inner.is_empty()) {
            self.out.push('}');
            return;
        }
        self.out.push('\n');
        for e in entries {
            self.entry(e, 1);
        }
        self.inner(1);
        self.out.push('}');
    }

    /// One entry on its own line(s) at `depth`, comments included.
    fn entry(&mut self, e: &Entry, depth: usize) {
        self.path.push(Segment::Key(e.key.name.clone()));
        self.leading(depth, is_leaf(&e.value));
        indent(&mut self.out, depth);
        let key = &e.key.name;
        let v = &e.value;
        let prefix_width = 2 * depth + cols(key);
        let inside = self.comments.has_inside(&self.path);
        match &v.kind {
            ValueKind::List(items) if !items.is_empty() && all_compares(items) => {
                let text = inline::value(v, Target::Aim);
                // `key { a >= 1 }`: the list's brackets become braces.
                let body = text
                    .get(1..text.len().saturating_sub(1))
                    .unwrap_or_default();
                if !inside && fits(prefix_width + 4 + cols(body)) {
                    self.out.push_str(&format!("{key} {{ {body} }}"));
                } else {
                    self.out.push_str(key);
                    self.out.push_str(" {\n");
                    self.items(items, depth + 1, ItemEnd::Newline);
                    self.close(depth, "}");
                }
            }
            ValueKind::Map(entries) if !entries.is_empty() || inside => {
                let text = inline::value(v, Target::Aim);
                if !inside && !contains_map(v) && fits(prefix_width + 3 + cols(&text)) {
                    self.out.push_str(&format!("{key} = {text}"));
                } else {
                    self.out.push_str(key);
                    self.out.push_str(" {\n");
                    for e in entries {
                        self.entry(e, depth + 1);
                    }
                    self.close(depth, "}");
                }
            }
            _ => {
                self.out.push_str(key);
                self.out.push_str(" = ");
                self.value_block(v, depth, prefix_width + 3);
            }
        }
        self.trailing();
        self.path.pop();
    }

    /// A value whose first line is already started (after `key = ` or in a list item);
    /// `used` is how many columns that line already takes.
    fn value_block(&mut self, v: &Value, depth: usize, used: usize) {
        let inside = self.comments.has_inside(&self.path);
        let text = inline::value(v, Target::Aim);
        let too_big = || contains_map(v) || !fits(used + cols(&text));
        let multi = match &v.kind {
            ValueKind::List(items) => inside || (!items.is_empty() && too_big()),
            ValueKind::Map(entries) => inside || (!entries.is_empty() && too_big()),
            _ => false,
        };
        if !multi {
            self.out.push_str(&text);
            return;
        }
        match &v.kind {
            ValueKind::List(items) => {
                self.out.push_str("[\n");
                self.items(items, depth + 1, ItemEnd::Comma);
                self.close(depth, "]");
            }
            ValueKind::Map(entries) => {
                self.out.push_str("{\n");
                for e in entries {
                    self.entry(e, depth + 1);
                }
                self.close(depth, "}");
            }
            _ => self.out.push_str(&text),
        }
    }

    /// The items of a multi-line list, one per line at `depth`.
    fn items(&mut self, items: &[Value], depth: usize, end: ItemEnd) {
        for (i, item) in items.iter().enumerate() {
            self.path.push(Segment::Item(i));
            self.leading(depth, is_leaf(item));
            indent(&mut self.out, depth);
            let comma = usize::from(matches!(end, ItemEnd::Comma));
            self.value_block(item, depth, 2 * depth + comma);
            if let ItemEnd::Comma = end {
                self.out.push(',');
            }
            self.trailing();
            self.path.pop();
        }
    }

    /// The inner comments of the current node, then its closing bracket at `depth`.
    fn close(&mut self, depth: usize, bracket: &str) {
        self.inner(depth + 1);
        indent(&mut self.out, depth);
        self.out.push_str(bracket);
    }

    fn own(&self) -> Option<&NodeComments> {
        self.comments.get(&self.path)
    }

    /// The node's leading comments, each on its own line at `depth`. A leaf prints its inner
    /// comments here too (a comment inside `bayes(...)`): it has no closing line of its own.
    fn leading(&mut self, depth: usize, leaf: bool) {
        let Some(c) = self.comments.get(&self.path) else {
            return;
        };
        let inner = if leaf { c.inner.as_slice() } else { &[] };
        for line in c.leading.iter().chain(inner) {
            indent(&mut self.out, depth);
            self.out.push_str(line);
            self.out.push('\n');
        }
    }

    /// Ends the current line, with the node's trailing comment if it has one.
    fn trailing(&mut self) {
        if let Some(t) = self
            .comments
            .get(&self.path)
            .and_then(|c| c.trailing.as_ref())
        {
            self.out.push_str("  ");
            self.out.push_str(t);
        }
        self.out.push('\n');
    }

    fn inner(&mut self, depth: usize) {
        let Some(c) = self.comments.get(&self.path) else {
            return;
        };
        for line in &c.inner {
            indent(&mut self.out, depth);
            self.out.push_str(line);
            self.out.push('\n');
        }
    }
}

fn setting(key: &str, kind: ValueKind) -> Entry {
    Entry {
        key: crate::ir::Ident::new(key, Default::default()),
        value: Value::new(kind, Default::default()),
    }
}

fn indent(out: &mut String, depth: usize) {
    for _ in 0..depth {
        out.push_str("  ");
    }
}

/// Whether the value prints its own closing bracket line (and so its inner comments).
fn is_leaf(v: &Value) -> bool {
    !matches!(v.kind, ValueKind::List(_) | ValueKind::Map(_))
}

fn cols(s: &str) -> usize {
    s.chars().count()
}

fn fits(width: usize) -> bool {
    width <= WIDTH
}

pub(crate) fn all_compares(items: &[Value]) -> bool {
    items
        .iter()
        .all(|v| matches!(v.kind, ValueKind::Compare(..)))
}

/// True when a map sits somewhere inside the list or map `v` (calls and comparisons aside).
fn contains_map(v: &Value) -> bool {
    let has_map = |v: &Value| matches!(v.kind, ValueKind::Map(_)) || contains_map(v);
    match &v.kind {
        ValueKind::List(items) => items.iter().any(has_map),
        ValueKind::Map(entries) => entries.iter().any(|e| has_map(&e.value)),
        _ => false,
    }
}
