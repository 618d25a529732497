//! The YAML form of a pipeline.
//!
//! Maps and lists are always in block style (`{}` and `[]` when empty); strings are always
//! double-quoted with JSON-style escapes; every other value is its one-line `.aim` text as a
//! plain scalar, which the YAML front end reads back as the same value.
//!
//! Known limits, both for values no stage has a use for:
//! - a comparison whose left side is a string, list or map (`"a" == x`) cannot start a plain
//!   scalar; it is written double-quoted and so reads back as a string;
//! - a name spelled `null`, `Null` or `NULL` is YAML's null; it is written plain and reading
//!   the file back reports "a value is required".

use std::fmt::Write;

use super::inline::{self, Target};
use crate::ir::{Comments, Entry, Pipeline, Segment, Value, ValueKind};

pub(crate) fn emit_yaml(p: &Pipeline) -> String {
    let mut e = Emitter {
        out: String::new(),
        comments: &p.comments,
        path: Vec::new(),
    };
    e.pipeline(p);
    e.out
}

struct Emitter<'a> {
    out: String,
    comments: &'a Comments,
    path: Vec<Segment>,
}

impl Emitter<'_> {
    fn pipeline(&mut self, p: &Pipeline) {
        self.path.push(Segment::Header);
        self.comment_lines(0, true, false);
        self.out.push_str("pipeline: ");
        self.out.push_str(&quoted(&p.name.name));
        self.end_line();
        if let Some(d) = &p.description {
            self.setting("description", ValueKind::Str(d.value.clone()));
        }
        if let Some(seed) = &p.seed {
            self.setting("seed", ValueKind::Int(seed.value));
        }
        if !p.params.is_empty() {
            self.setting("params", ValueKind::Map(p.params.clone()));
        }
        self.comment_lines(0, false, true);
        self.path.pop();

        if !p.plugins.is_empty() {
            self.out.push_str("plugins:\n");
            for plugin in &p.plugins {
                self.path.push(Segment::Plugin(plugin.name.name.clone()));
                self.comment_lines(1, true, true);
                let _ = write!(
                    self.out,
                    "  {}: {}",
                    key(&plugin.name.name),
                    quoted(&plugin.path.value)
                );
                self.end_line();
                self.path.pop();
            }
        }
        if p.stages.is_empty() {
            self.out.push_str("stages: {}\n");
        } else {
            self.out.push_str("stages:\n");
        }
        for stage in &p.stages {
            self.path.push(Segment::Stage(stage.name.name.clone()));
            self.comment_lines(1, true, false);
            let _ = write!(self.out, "  {}:", key(&stage.name.name));
            self.end_line();
            let _ = writeln!(self.out, "    kind: {}", stage.kind);
            for entry in &stage.entries {
                self.entry(entry, 2);
            }
            self.comment_lines(2, false, true);
            self.path.pop();
        }
        self.comment_lines(0, false, true);
    }

    /// A header setting, written like an entry under the header's path.
    fn setting(&mut self, key: &str, kind: ValueKind) {
        let entry = Entry {
            key: crate::ir::Ident::new(key, Default::default()),
            value: Value::new(kind, Default::default()),
        };
        self.entry(&entry, 0);
    }

    fn entry(&mut self, e: &Entry, depth: usize) {
        self.path.push(Segment::Key(e.key.name.clone()));
        let leaf = scalar(&e.value).is_some();
        self.comment_lines(depth, true, leaf);
        indent(&mut self.out, depth);
        self.out.push_str(&key(&e.key.name));
        self.out.push(':');
        match scalar(&e.value) {
            Some(text) => {
                self.out.push(' ');
                self.out.push_str(&text);
                self.end_line();
            }
            None => {
                self.end_line();
                self.block(&e.value, depth + 1);
            }
        }
        self.path.pop();
    }

    /// The lines of a non-empty map or list at `depth`, then the node's inner comments.
    fn block(&mut self, v: &Value, depth: usize) {
        match &v.kind {
            ValueKind::Map(entries) => {
                for e in entries {
                    self.entry(e, depth);
                }
            }
            ValueKind::List(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.path.push(Segment::Item(i));
                    self.item(item, depth);
                    self.path.pop();
                }
            }
            _ => {}
        }
        self.comment_lines(depth, false, true);
    }

    /// `- value`; a nested map or list starts on the `- ` line when no comment is in the way.
    fn item(&mut self, v: &Value, depth: usize) {
        let leaf = scalar(v).is_some();
        self.comment_lines(depth, true, leaf);
        indent(&mut self.out, depth);
        if let Some(text) = scalar(v) {
            self.out.push_str("- ");
            self.out.push_str(&text);
            self.end_line();
            return;
        }
        let has_trailing = self
            .comments
            .get(&self.path)
            .is_some_and(|c| c.trailing.is_some());
        let start = self.out.len();
        self.out.push('-');
        self.end_line();
        let body_start = self.out.len();
        self.block(v, depth + 1);
        // `-\n    a: 1` becomes `- a: 1`: the first line moves up after the dash.
        let first_line_is_data = !self.out[body_start..].trim_start().starts_with('#');
        if !has_trailing && first_line_is_data {
            let body = self.out.split_off(body_start);
            self.out.truncate(start);
            self.out.push_str("- ");
            self.out.push_str(body.trim_start_matches(' '));
        }
    }

    /// Leading comments (and, for a leaf, inner ones) or only the inner ones, at `depth`.
    fn comment_lines(&mut self, depth: usize, leading: bool, inner: bool) {
        let Some(c) = self.comments.get(&self.path) else {
            return;
        };
        let lead = if leading { c.leading.as_slice() } else { &[] };
        let inner = if inner { c.inner.as_slice() } else { &[] };
        for line in lead.iter().chain(inner) {
            indent(&mut self.out, depth);
            self.out.push_str(line);
            self.out.push('\n');
        }
    }

    fn end_line(&mut self) {
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
}

/// The one-line YAML text of a value, or `None` for a non-empty map or list (a block).
fn scalar(v: &Value) -> Option<String> {
    match &v.kind {
        ValueKind::Str(s) => Some(quoted(s)),
        ValueKind::Map(entries) if entries.is_empty() => Some("{}".to_owned()),
        ValueKind::List(items) if items.is_empty() => Some("[]".to_owned()),
        ValueKind::Map(_) | ValueKind::List(_) => None,
        _ => {
            let text = inline::value(v, Target::YamlPlain);
            if text.starts_with(['"', '[', '{']) {
                // See the module notes: no plain scalar can start so.
                Some(quoted(&text))
            } else {
                Some(text)
            }
        }
    }
}

/// A YAML double-quoted scalar with JSON-style escapes.
fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if inline::needs_escape(c) => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn indent(out: &mut String, depth: usize) {
    for _ in 0..depth {
        out.push_str("  ");
    }
}

/// A name as a YAML key: plain, except a name YAML reads as null (`null`, `Null`, `NULL`),
/// which is quoted so that it stays a name.
fn key(name: &str) -> std::borrow::Cow<'_, str> {
    if matches!(name, "null" | "Null" | "NULL") {
        quoted(name).into()
    } else {
        name.into()
    }
}
