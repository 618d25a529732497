//! The one intermediate representation that both front ends (`.aim` and YAML) lower to.
//!
//! The IR is purely syntactic-semantic: it knows values, names and where they were written,
//! but nothing about stage kinds. Whether `raw` is a reference to a stage or an enum-like word
//! is decided later by the engine's checker, from the parameter schema of the stage kind.
//!
//! Equality deliberately ignores source positions (see [`Span`]): two pipelines are equal when
//! they mean the same thing, which is what the `.aim` -> YAML -> `.aim` round trip must keep.

use std::fmt;

pub use crate::trivia::{Comments, NodeComments, Segment};

/// A byte range in the source text a node was read from.
///
/// `PartialEq` always answers `true`: positions are where something was written, not what it
/// means, so deriving `PartialEq` on the IR compares meaning only.
#[derive(Clone, Copy, Default)]
pub struct Span {
    pub offset: usize,
    pub len: usize,
}

impl Span {
    pub fn new(offset: usize, len: usize) -> Self {
        Self { offset, len }
    }

    /// The smallest span covering both.
    pub fn join(self, other: Span) -> Span {
        let start = self.offset.min(other.offset);
        let end = (self.offset + self.len).max(other.offset + other.len);
        Span::new(start, end - start)
    }
}

impl PartialEq for Span {
    fn eq(&self, _other: &Self) -> bool {
        true
    }
}

impl fmt::Debug for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.offset, self.offset + self.len)
    }
}

impl From<Span> for miette::SourceSpan {
    fn from(span: Span) -> Self {
        (span.offset, span.len).into()
    }
}

/// A name the user wrote, with its position.
#[derive(Clone, Debug, PartialEq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

impl Ident {
    pub fn new(name: impl Into<String>, span: Span) -> Self {
        Self {
            name: name.into(),
            span,
        }
    }
}

impl fmt::Display for Ident {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

/// Which front end a pipeline was read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceFormat {
    Aim,
    Yaml,
}

/// A whole pipeline file.
#[derive(Clone, Debug, PartialEq)]
pub struct Pipeline {
    pub name: Ident,
    pub description: Option<Spanned<String>>,
    pub seed: Option<Spanned<i64>>,
    /// Overridable parameters, in the order written.
    pub params: Vec<Entry>,
    pub plugins: Vec<PluginDecl>,
    pub stages: Vec<StageDecl>,
    /// The comments of the file, so that reformatting keeps them. Always equal (like [`Span`]).
    pub comments: Comments,
}

impl Pipeline {
    pub fn stage(&self, name: &str) -> Option<&StageDecl> {
        self.stages.iter().find(|s| s.name.name == name)
    }

    pub fn param(&self, name: &str) -> Option<&Entry> {
        self.params.iter().find(|p| p.key.name == name)
    }
}

/// A value with the span it was written at.
#[derive(Clone, Debug, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

/// `plugin NAME = "path"`.
#[derive(Clone, Debug, PartialEq)]
pub struct PluginDecl {
    pub name: Ident,
    pub path: Spanned<String>,
}

/// `stage NAME: KIND { entries }`.
#[derive(Clone, Debug, PartialEq)]
pub struct StageDecl {
    pub name: Ident,
    pub kind: KindRef,
    pub entries: Vec<Entry>,
    /// The whole declaration, for diagnostics that concern the stage as a whole.
    pub span: Span,
}

impl StageDecl {
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.key.name == key)
    }
}

/// A stage kind: a built-in (`model`) or a plugin's (`rfm.segment`).
#[derive(Clone, Debug, PartialEq)]
pub struct KindRef {
    pub plugin: Option<Ident>,
    pub name: Ident,
    pub span: Span,
}

impl fmt::Display for KindRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.plugin {
            Some(p) => write!(f, "{}.{}", p.name, self.name.name),
            None => f.write_str(&self.name.name),
        }
    }
}

/// `key = value` (or `key { ... }`, which is sugar for `key = { ... }`).
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: Ident,
    pub value: Value,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Value {
    pub kind: ValueKind,
    pub span: Span,
}

impl Value {
    pub fn new(kind: ValueKind, span: Span) -> Self {
        Self { kind, span }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum ValueKind {
    Str(String),
    Int(i64),
    Float(f64),
    /// `10%`: the number as written (10.0), not divided.
    Percent(f64),
    /// `30s`, `15m`: a whole number and a unit, as written.
    Duration(crate::duration::Duration),
    Bool(bool),
    List(Vec<Value>),
    /// `{ key = value, ... }`, keys in the order written.
    Map(Vec<Entry>),
    /// `2..12` or `0.01..1.0`; both ends inclusive. Ends are `Int` or `Float` values.
    Range(Box<Value>, Box<Value>),
    /// `name(arg, key = arg)`.
    Call(Call),
    /// A bare or dotted name: `median`, `raw`, `parts.train`, `params.depth`. Whether it is a
    /// word or a reference is decided by the checker from the parameter's declared type.
    Path(Vec<Ident>),
    /// `roc_auc >= 0.80`: a quality gate.
    Compare(Box<Value>, CmpOp, Box<Value>),
}

impl ValueKind {
    /// A short noun for diagnostics: "a string", "a list", ...
    pub fn describe(&self) -> &'static str {
        match self {
            ValueKind::Str(_) => "a string",
            ValueKind::Int(_) => "an integer",
            ValueKind::Float(_) => "a number",
            ValueKind::Percent(_) => "a percentage",
            ValueKind::Duration(_) => "a duration",
            ValueKind::Bool(_) => "a boolean",
            ValueKind::List(_) => "a list",
            ValueKind::Map(_) => "a block",
            ValueKind::Range(..) => "a range",
            ValueKind::Call(_) => "a call",
            ValueKind::Path(p) if p.len() == 1 => "a name",
            ValueKind::Path(_) => "a dotted name",
            ValueKind::Compare(..) => "a comparison",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    pub name: Ident,
    pub args: Vec<Arg>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Arg {
    Positional(Value),
    Named(Entry),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    Ge,
    Gt,
    Le,
    Lt,
    Eq,
    Ne,
}

impl CmpOp {
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Ge => ">=",
            CmpOp::Gt => ">",
            CmpOp::Le => "<=",
            CmpOp::Lt => "<",
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
        }
    }

    pub fn holds(self, lhs: f64, rhs: f64) -> bool {
        match self {
            CmpOp::Ge => lhs >= rhs,
            CmpOp::Gt => lhs > rhs,
            CmpOp::Le => lhs <= rhs,
            CmpOp::Lt => lhs < rhs,
            CmpOp::Eq => lhs == rhs,
            CmpOp::Ne => lhs != rhs,
        }
    }
}
