//! Syntax diagnostics: everything that can be wrong with the text of a pipeline file, in
//! either form. One variant per kind of mistake, each with a stable code, a label at the exact
//! place and a help line telling the user what to write instead.

use miette::{Diagnostic, NamedSource, SourceSpan};
use thiserror::Error;

/// All syntax errors of one file, reported together.
#[derive(Debug, Error, Diagnostic)]
#[error("{} in `{name}`", count_errors(.errors.len()))]
#[diagnostic(code(aimass::syntax))]
pub struct SyntaxErrors {
    /// The file name, for the headline.
    pub name: String,
    #[source_code]
    pub src: NamedSource<String>,
    #[related]
    pub errors: Vec<SyntaxError>,
}

fn count_errors(n: usize) -> String {
    match n {
        1 => "1 syntax error".to_owned(),
        n => format!("{n} syntax errors"),
    }
}

/// One syntax error. Spans are byte ranges in the file the error was found in.
#[derive(Debug, Clone, Error, Diagnostic)]
pub enum SyntaxError {
    #[error("{message}")]
    #[diagnostic(code(aimass::syntax::unexpected))]
    Unexpected {
        /// "unexpected `)`: expected a value".
        message: String,
        #[label("{expected}")]
        span: SourceSpan,
        expected: String,
        /// The bracket left open, when the file ends inside it.
        #[label("this is never closed")]
        opened: Option<SourceSpan>,
        #[help]
        help: String,
    },

    #[error("nesting is too deep")]
    #[diagnostic(
        code(aimass::syntax::too_deep),
        help("brackets, braces and parentheses may be nested at most {limit} deep; flatten the value")
    )]
    TooDeep {
        #[label("too deep")]
        span: SourceSpan,
        limit: usize,
    },

    #[error("the file has no `pipeline` header")]
    #[diagnostic(
        code(aimass::syntax::missing_header),
        help("start the file with a header such as:\n    pipeline \"my-pipeline\" {{\n      seed = 42\n    }}")
    )]
    MissingHeader {
        #[label("the header belongs here")]
        span: SourceSpan,
    },

    #[error("the `pipeline` header must come first")]
    #[diagnostic(
        code(aimass::syntax::header_position),
        help("move the `pipeline \"...\" {{ ... }}` header to the top of the file")
    )]
    MisplacedHeader {
        #[label("header written here")]
        span: SourceSpan,
        #[label("after this")]
        first: SourceSpan,
    },

    #[error("a second `pipeline` header")]
    #[diagnostic(
        code(aimass::syntax::duplicate_header),
        help("a file describes one pipeline: merge the two headers into one")
    )]
    DuplicateHeader {
        #[label("second header")]
        span: SourceSpan,
        #[label("first header")]
        first: SourceSpan,
    },

    #[error("unknown pipeline setting `{name}`")]
    #[diagnostic(
        code(aimass::syntax::unknown_setting),
        help("the header accepts `seed`, `description` and `params`; put stage parameters in a stage and overridable values in `params {{ ... }}`")
    )]
    UnknownSetting {
        name: String,
        #[label("not a pipeline setting")]
        span: SourceSpan,
    },

    #[error("`{key}` must be {expected}, found {found}")]
    #[diagnostic(code(aimass::syntax::setting_type))]
    SettingType {
        key: String,
        expected: &'static str,
        found: &'static str,
        #[label("expected {expected}")]
        span: SourceSpan,
        #[help]
        help: String,
    },

    #[error("`{key}` is written twice")]
    #[diagnostic(
        code(aimass::syntax::duplicate_key),
        help("keep one of the two: a key may appear once in a block")
    )]
    DuplicateKey {
        key: String,
        #[label("written again here")]
        span: SourceSpan,
        #[label("first written here")]
        first: SourceSpan,
    },

    #[error("two {what}s are named `{name}`")]
    #[diagnostic(
        code(aimass::syntax::duplicate_name),
        help("rename one of them: {what} names must be unique in a pipeline")
    )]
    DuplicateName {
        what: &'static str,
        name: String,
        #[label("second `{name}`")]
        span: SourceSpan,
        #[label("first `{name}`")]
        first: SourceSpan,
    },

    #[error("a block mixes `name = value` entries and comparisons")]
    #[diagnostic(
        code(aimass::syntax::mixed_block),
        help("a `{{ }}` block holds either entries (`depth = 6`) or comparisons (`roc_auc >= 0.8`), not both; split it into two keys")
    )]
    MixedBlock {
        #[label("but this is {this}")]
        span: SourceSpan,
        this: &'static str,
        #[label("the block starts with {other}")]
        other_span: SourceSpan,
        other: &'static str,
    },

    #[error("`{text}` is not a duration: {problem}")]
    #[diagnostic(
        code(aimass::syntax::bad_duration),
        help("write a duration like 500ms, 30s, 15m, 12h or 7d (90m, not 1.5h)")
    )]
    BadDuration {
        text: String,
        problem: String,
        #[label("not a duration")]
        span: SourceSpan,
    },

    #[error("integer `{text}` does not fit in 64 bits")]
    #[diagnostic(
        code(aimass::syntax::int_overflow),
        help("integers range from -9223372036854775808 to 9223372036854775807; write a float such as `1e20` for larger numbers")
    )]
    IntOverflow {
        text: String,
        #[label("too large")]
        span: SourceSpan,
    },

    #[error("number `{text}` is too large")]
    #[diagnostic(
        code(aimass::syntax::float_overflow),
        help("floats must be finite (below about 1.8e308)")
    )]
    FloatOverflow {
        text: String,
        #[label("too large")]
        span: SourceSpan,
    },

    #[error("invalid escape `{text}` in a string")]
    #[diagnostic(
        code(aimass::syntax::bad_escape),
        help("strings accept `\\\"`, `\\\\`, `\\n`, `\\t`, `\\r` and `\\u{{XXXX}}` (1 to 6 hex digits); write `\\\\` for a backslash")
    )]
    BadEscape {
        text: String,
        #[label("not a valid escape")]
        span: SourceSpan,
    },

    #[error("`{key}` cannot be used as a stage parameter")]
    #[diagnostic(
        code(aimass::syntax::reserved_key),
        help("`kind` names the stage kind in the YAML form, so no parameter may be called `kind`; rename it")
    )]
    ReservedKey {
        key: String,
        #[label("reserved name")]
        span: SourceSpan,
    },

    /// The parser produced a tree the lowering did not expect: a bug in aimass, not in the file.
    #[error("internal error: {message}")]
    #[diagnostic(
        code(aimass::syntax::internal),
        help("this is a bug in aimass, not in your file; please report it with the file attached")
    )]
    Internal {
        message: String,
        #[label("while reading this")]
        span: SourceSpan,
    },

    // ---- YAML form ----
    #[error("{message}")]
    #[diagnostic(code(aimass::syntax::yaml))]
    Yaml {
        message: String,
        #[label("here")]
        span: SourceSpan,
        #[help]
        help: String,
    },

    #[error("{what} must be a mapping")]
    #[diagnostic(code(aimass::syntax::not_mapping))]
    NotMapping {
        what: String,
        #[label("this is {found}")]
        span: SourceSpan,
        found: &'static str,
        #[help]
        help: String,
    },

    #[error("{what} has no `{key}:`")]
    #[diagnostic(code(aimass::syntax::missing_key))]
    MissingKey {
        what: String,
        key: &'static str,
        #[label("`{key}:` is missing here")]
        span: SourceSpan,
        #[help]
        help: String,
    },

    #[error("unknown top-level key `{name}`")]
    #[diagnostic(
        code(aimass::syntax::unknown_key),
        help("the top level accepts `pipeline`, `description`, `seed`, `params`, `plugins` and `stages`; stage parameters go under `stages: <name>:`")
    )]
    UnknownKey {
        name: String,
        #[label("not a top-level key")]
        span: SourceSpan,
    },

    #[error("a value is required")]
    #[diagnostic(
        code(aimass::syntax::null),
        help("write a value after the `:`; pipelines have no null: leave the key out instead, or quote it (\"null\") to mean the text")
    )]
    Null {
        #[label("empty or null")]
        span: SourceSpan,
    },

    /// `require: { roc_auc >= 0.8 }`: YAML reads braces as a mapping, so the gate became a
    /// key with no value. Said as such, with the list form, instead of a bad name and a null.
    #[error("`{text}` is a key with no value: YAML reads `{{ ... }}` as a mapping")]
    #[diagnostic(code(aimass::syntax::key_without_value))]
    KeyWithoutValue {
        text: String,
        #[label("a mapping key, with nothing after it")]
        span: SourceSpan,
        #[help]
        help: String,
    },

    #[error("YAML tags are not supported")]
    #[diagnostic(
        code(aimass::syntax::tag),
        help("remove the `!tag`; quote a value (\"...\") to make it a string")
    )]
    Tag {
        #[label("tag")]
        span: SourceSpan,
    },

    #[error("`{text}` is not a valid {what}")]
    #[diagnostic(code(aimass::syntax::bad_name))]
    BadName {
        what: &'static str,
        text: String,
        #[label("not a valid {what}")]
        span: SourceSpan,
        #[help]
        help: String,
    },

    #[error("{what} must be a single value, found {found}")]
    #[diagnostic(code(aimass::syntax::not_scalar))]
    NotScalar {
        what: String,
        found: &'static str,
        #[label("expected a single value")]
        span: SourceSpan,
        #[help]
        help: String,
    },
}

/// Help shown under every "identifier" complaint.
pub(crate) const NAME_HELP: &str =
    "names start with a letter or `_` and contain only ASCII letters, digits and `_`";

impl SyntaxError {
    /// The primary position of the error, to sort errors in file order.
    pub fn offset(&self) -> usize {
        let span = match self {
            SyntaxError::Unexpected { span, .. }
            | SyntaxError::TooDeep { span, .. }
            | SyntaxError::MissingHeader { span }
            | SyntaxError::MisplacedHeader { span, .. }
            | SyntaxError::DuplicateHeader { span, .. }
            | SyntaxError::UnknownSetting { span, .. }
            | SyntaxError::SettingType { span, .. }
            | SyntaxError::DuplicateKey { span, .. }
            | SyntaxError::DuplicateName { span, .. }
            | SyntaxError::MixedBlock { span, .. }
            | SyntaxError::IntOverflow { span, .. }
            | SyntaxError::BadDuration { span, .. }
            | SyntaxError::FloatOverflow { span, .. }
            | SyntaxError::BadEscape { span, .. }
            | SyntaxError::ReservedKey { span, .. }
            | SyntaxError::Internal { span, .. }
            | SyntaxError::Yaml { span, .. }
            | SyntaxError::NotMapping { span, .. }
            | SyntaxError::MissingKey { span, .. }
            | SyntaxError::UnknownKey { span, .. }
            | SyntaxError::Null { span }
            | SyntaxError::KeyWithoutValue { span, .. }
            | SyntaxError::Tag { span }
            | SyntaxError::BadName { span, .. }
            | SyntaxError::NotScalar { span, .. } => span,
        };
        span.offset()
    }

    /// Moves every span of the error through `f`: an error found in a value parsed on its own
    /// (a YAML plain scalar) is moved to where that value sits in the file.
    pub(crate) fn relocate(mut self, f: impl Fn(SourceSpan) -> SourceSpan) -> SyntaxError {
        let mut spans: Vec<&mut SourceSpan> = Vec::with_capacity(2);
        match &mut self {
            SyntaxError::Unexpected { span, opened, .. } => {
                spans.push(span);
                spans.extend(opened.as_mut());
            }
            SyntaxError::MisplacedHeader { span, first }
            | SyntaxError::DuplicateHeader { span, first }
            | SyntaxError::DuplicateKey { span, first, .. }
            | SyntaxError::DuplicateName { span, first, .. }
            | SyntaxError::MixedBlock {
                span,
                other_span: first,
                ..
            } => spans.extend([span, first]),
            SyntaxError::TooDeep { span, .. }
            | SyntaxError::MissingHeader { span }
            | SyntaxError::UnknownSetting { span, .. }
            | SyntaxError::SettingType { span, .. }
            | SyntaxError::IntOverflow { span, .. }
            | SyntaxError::BadDuration { span, .. }
            | SyntaxError::FloatOverflow { span, .. }
            | SyntaxError::BadEscape { span, .. }
            | SyntaxError::ReservedKey { span, .. }
            | SyntaxError::Internal { span, .. }
            | SyntaxError::Yaml { span, .. }
            | SyntaxError::NotMapping { span, .. }
            | SyntaxError::MissingKey { span, .. }
            | SyntaxError::UnknownKey { span, .. }
            | SyntaxError::Null { span }
            | SyntaxError::KeyWithoutValue { span, .. }
            | SyntaxError::Tag { span }
            | SyntaxError::BadName { span, .. }
            | SyntaxError::NotScalar { span, .. } => spans.push(span),
        }
        for span in spans {
            *span = f(*span);
        }
        self
    }
}
