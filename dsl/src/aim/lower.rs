//! pest pairs to IR values and entries.
//!
//! Lowering never stops at the first problem: each error is recorded and a placeholder value
//! takes the faulty one's place, so that one run reports every overflow, bad escape, duplicate
//! key and mixed block of the file.

use std::collections::HashMap;

use pest::iterators::Pair;

use super::literal;
use super::parser::Rule;
use super::scan::Comment;
use crate::errors::SyntaxError;
use crate::ir::{Arg, Call, CmpOp, Entry, Ident, Segment, Span, Value, ValueKind};
use crate::keys::check_duplicate_keys;

/// A node that comments can attach to, in the order the file is read.
#[derive(Debug, Clone)]
pub(crate) struct NodeRec {
    pub path: Vec<Segment>,
    pub span: Span,
}

pub(crate) struct Lower<'t> {
    text: &'t str,
    /// Comment start by comment end, to trim comments off the end of spans.
    comment_ends: HashMap<usize, usize>,
    pub errors: Vec<SyntaxError>,
    /// Attachable nodes, recorded only when the file has comments (a 10 MB file without any
    /// should not pay for a path per entry).
    pub nodes: Option<Vec<NodeRec>>,
    path: Vec<Segment>,
}

pub(crate) fn raw_span(pair: &Pair<'_, Rule>) -> Span {
    let s = pair.as_span();
    Span::new(s.start(), s.end() - s.start())
}

/// An identifier: an atomic rule, whose span is exact.
pub(crate) fn ident(pair: &Pair<'_, Rule>) -> Ident {
    Ident::new(pair.as_str(), raw_span(pair))
}

impl<'t> Lower<'t> {
    pub fn new(text: &'t str, comments: &[Comment], record_nodes: bool) -> Self {
        Lower {
            text,
            comment_ends: comments
                .iter()
                .map(|c| (c.offset + c.text.len(), c.offset))
                .collect(),
            errors: Vec::new(),
            nodes: record_nodes.then(Vec::new),
            path: Vec::new(),
        }
    }

    /// The span of a pair without the blanks and comments pest lets a rule end with (a rule
    /// ending in an optional part, like `value`, swallows the whitespace before it).
    pub fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let s = pair.as_span();
        let mut end = s.end();
        loop {
            end = s.start() + self.text[s.start()..end].trim_end().len();
            if self.comment_ends.is_empty() {
                break;
            }
            match self.comment_ends.get(&end) {
                Some(&start) if start >= s.start() => end = start,
                _ => break,
            }
        }
        Span::new(s.start(), end - s.start())
    }

    /// Runs `f` with `segment` appended to the current path, recording the node.
    /// The segment is built only when nodes are recorded.
    pub fn within<T>(
        &mut self,
        segment: impl FnOnce() -> Segment,
        span: Span,
        f: impl FnOnce(&mut Self) -> T,
    ) -> T {
        let Some(nodes) = &mut self.nodes else {
            return f(self);
        };
        self.path.push(segment());
        nodes.push(NodeRec {
            path: self.path.clone(),
            span,
        });
        let out = f(self);
        self.path.pop();
        out
    }

    /// Records a tree shape the grammar should make impossible.
    pub fn bug(&mut self, span: Span, message: &str) -> Value {
        self.errors.push(SyntaxError::Internal {
            message: message.to_owned(),
            span: span.into(),
        });
        Value::new(ValueKind::Bool(false), span)
    }

    /// A `value` or `comparison` pair: an operand, or `operand OP operand`.
    pub fn value(&mut self, pair: Pair<'_, Rule>) -> Value {
        let span = self.span(&pair);
        let mut operands = Vec::with_capacity(2);
        let mut op = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::cmp_op => op = cmp_op(p.as_str()),
                _ => operands.push(self.operand(p)),
            }
        }
        let mut operands = operands.into_iter();
        match (operands.next(), op, operands.next()) {
            (Some(v), None, None) => v,
            (Some(lhs), Some(op), Some(rhs)) => {
                Value::new(ValueKind::Compare(Box::new(lhs), op, Box::new(rhs)), span)
            }
            _ => self.bug(span, "malformed value"),
        }
    }

    fn operand(&mut self, pair: Pair<'_, Rule>) -> Value {
        let span = self.span(&pair);
        let kind = match pair.as_rule() {
            Rule::numeric => return self.numeric(pair),
            Rule::string => ValueKind::Str(self.string(pair)),
            Rule::boolean => ValueKind::Bool(pair.as_str() == "true"),
            Rule::list => return self.list(pair),
            Rule::block => return self.block(pair),
            Rule::call => return self.call(pair),
            Rule::path => ValueKind::Path(
                pair.into_inner()
                    .filter(|p| p.as_rule() == Rule::ident)
                    .map(|p| ident(&p))
                    .collect(),
            ),
            _ => return self.bug(span, "unknown operand"),
        };
        Value::new(kind, span)
    }

    /// `42`, `0.5`, `10%`, `2..12`.
    fn numeric(&mut self, pair: Pair<'_, Rule>) -> Value {
        let span = self.span(&pair);
        let mut parts = pair.into_inner();
        let Some(first) = parts.next() else {
            return self.bug(span, "empty number");
        };
        let first_span = self.span(&first);
        match parts.next() {
            None => Value::new(
                literal::number(first.as_str(), first_span, &mut self.errors),
                span,
            ),
            Some(p) if p.as_rule() == Rule::percent => {
                let f = literal::float(first.as_str(), first_span, &mut self.errors);
                Value::new(ValueKind::Percent(f), span)
            }
            Some(p) if p.as_rule() == Rule::time_unit => {
                self.duration(first.as_str(), p.as_str(), span)
            }
            Some(range_end) => {
                let Some(end) = range_end.into_inner().next() else {
                    return self.bug(span, "range without end");
                };
                let end_span = self.span(&end);
                let lo = literal::number(first.as_str(), first_span, &mut self.errors);
                let hi = literal::number(end.as_str(), end_span, &mut self.errors);
                Value::new(
                    ValueKind::Range(
                        Box::new(Value::new(lo, first_span)),
                        Box::new(Value::new(hi, end_span)),
                    ),
                    span,
                )
            }
        }
    }

    /// `30s`: a whole, non-negative amount.
    fn duration(&mut self, amount: &str, unit: &str, span: Span) -> Value {
        match crate::duration::Duration::parse(&format!("{amount}{unit}"), false) {
            Ok(d) => Value::new(ValueKind::Duration(d), span),
            Err(_) => {
                self.errors.push(SyntaxError::BadDuration {
                    text: format!("{amount}{unit}"),
                    problem: if crate::duration::Unit::parse(unit).is_some() {
                        "the amount must be a whole, non-negative number".to_string()
                    } else {
                        format!("`{unit}` is not a unit of time")
                    },
                    span: span.into(),
                });
                Value::new(ValueKind::Int(0), span)
            }
        }
    }

    /// The content of a `string` pair, escapes resolved.
    pub fn string(&mut self, pair: Pair<'_, Rule>) -> String {
        match pair
            .into_inner()
            .find(|p| p.as_rule() == Rule::string_inner)
        {
            Some(inner) => {
                let base = inner.as_span().start();
                literal::unescape(inner.as_str(), base, &mut self.errors)
            }
            None => String::new(),
        }
    }

    fn list(&mut self, pair: Pair<'_, Rule>) -> Value {
        let span = self.span(&pair);
        let mut items = Vec::new();
        for p in pair.into_inner().filter(|p| p.as_rule() == Rule::value) {
            let item_span = self.span(&p);
            let index = items.len();
            items.push(self.within(|| Segment::Item(index), item_span, |l| l.value(p)));
        }
        Value::new(ValueKind::List(items), span)
    }

    fn call(&mut self, pair: Pair<'_, Rule>) -> Value {
        let span = self.span(&pair);
        let mut name = None;
        let mut args = Vec::new();
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::ident => name = Some(ident(&p)),
                Rule::value => args.push(Arg::Positional(self.value(p))),
                Rule::named_arg => {
                    if let Some(entry) = self.named_arg(p) {
                        args.push(Arg::Named(entry));
                    }
                }
                _ => {}
            }
        }
        let Some(name) = name else {
            return self.bug(span, "call without a name");
        };
        let named: Vec<Entry> = args
            .iter()
            .filter_map(|a| match a {
                Arg::Named(e) => Some(e.clone()),
                Arg::Positional(_) => None,
            })
            .collect();
        check_duplicate_keys(&named, &mut self.errors);
        Value::new(ValueKind::Call(Call { name, args }), span)
    }

    fn named_arg(&mut self, pair: Pair<'_, Rule>) -> Option<Entry> {
        let mut key = None;
        let mut value = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::ident => key = Some(ident(&p)),
                Rule::value => value = Some(self.value(p)),
                _ => {}
            }
        }
        Some(Entry {
            key: key?,
            value: value?,
        })
    }

    /// A `{ }` body: a `Map` of entries, or a `List` of comparisons. Never both.
    pub fn block(&mut self, pair: Pair<'_, Rule>) -> Value {
        let span = self.span(&pair);
        let items: Vec<Pair<'_, Rule>> = pair
            .into_inner()
            .filter(|p| matches!(p.as_rule(), Rule::entry | Rule::comparison))
            .collect();
        let Some(first) = items.first() else {
            return Value::new(ValueKind::Map(Vec::new()), span);
        };
        let first_rule = first.as_rule();
        if let Some(odd) = items.iter().find(|p| p.as_rule() != first_rule) {
            let noun = |r: Rule| match r {
                Rule::entry => "an entry",
                _ => "a comparison",
            };
            self.errors.push(SyntaxError::MixedBlock {
                span: self.span(odd).into(),
                this: noun(odd.as_rule()),
                other_span: self.span(first).into(),
                other: noun(first_rule),
            });
        }
        // A mixed block is lowered as its entries, so that a stage body that mixes is not
        // reported a second time as "comparisons where entries belong".
        if items.iter().any(|p| p.as_rule() == Rule::entry) {
            let entries = self.entries(items);
            Value::new(ValueKind::Map(entries), span)
        } else {
            let mut compares = Vec::new();
            for p in items
                .into_iter()
                .filter(|p| p.as_rule() == Rule::comparison)
            {
                let item_span = self.span(&p);
                let index = compares.len();
                compares.push(self.within(|| Segment::Item(index), item_span, |l| l.value(p)));
            }
            Value::new(ValueKind::List(compares), span)
        }
    }

    /// The `entry` pairs among `items`, duplicates reported.
    fn entries(&mut self, items: Vec<Pair<'_, Rule>>) -> Vec<Entry> {
        let mut entries = Vec::with_capacity(items.len());
        for p in items.into_iter().filter(|p| p.as_rule() == Rule::entry) {
            if let Some(entry) = self.entry(p) {
                entries.push(entry);
            }
        }
        check_duplicate_keys(&entries, &mut self.errors);
        entries
    }

    /// `key = value` or `key { ... }`.
    fn entry(&mut self, pair: Pair<'_, Rule>) -> Option<Entry> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let key = ident(&inner.find(|p| p.as_rule() == Rule::ident)?);
        let value = self.within(
            || Segment::Key(key.name.clone()),
            span,
            |l| match inner.find(|p| matches!(p.as_rule(), Rule::value | Rule::block)) {
                Some(p) if p.as_rule() == Rule::block => l.block(p),
                Some(p) => l.value(p),
                None => l.bug(span, "entry without a value"),
            },
        );
        Some(Entry { key, value })
    }
}

fn cmp_op(text: &str) -> Option<CmpOp> {
    Some(match text {
        ">=" => CmpOp::Ge,
        ">" => CmpOp::Gt,
        "<=" => CmpOp::Le,
        "<" => CmpOp::Lt,
        "==" => CmpOp::Eq,
        "!=" => CmpOp::Ne,
        _ => return None,
    })
}
