//! The diagnostics of `aimass check`: everything that can be wrong with a syntactically valid
//! pipeline. All are collected and reported together.

use aimass_dsl::ir::Span;
use miette::{Diagnostic, NamedSource};

#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum CheckError {
    #[error("stage `{name}` is defined twice")]
    #[diagnostic(
        code(aimass::check::duplicate_stage),
        help("rename one of the two stages")
    )]
    DuplicateStage {
        name: String,
        #[label("defined again here")]
        span: Span,
        #[label("first defined here")]
        first: Span,
    },

    #[error("`{name}` cannot be used as a stage name")]
    #[diagnostic(
        code(aimass::check::reserved_name),
        help("`params` is reserved for pipeline parameters (`params.x`); choose another name")
    )]
    ReservedName {
        name: String,
        #[label("reserved")]
        span: Span,
    },

    #[error("unknown stage kind `{kind}`")]
    #[diagnostic(code(aimass::check::unknown_kind))]
    UnknownKind {
        kind: String,
        #[label("not a known stage kind")]
        span: Span,
        #[help]
        help: String,
    },

    #[error("unknown plugin `{plugin}`")]
    #[diagnostic(code(aimass::check::unknown_plugin))]
    UnknownPlugin {
        plugin: String,
        #[label("no plugin of this name is declared")]
        span: Span,
        #[help]
        help: String,
    },

    #[error("plugin `{plugin}` has no stage kind `{kind}`")]
    #[diagnostic(code(aimass::check::unknown_plugin_kind))]
    UnknownPluginKind {
        plugin: String,
        kind: String,
        #[label("not a stage kind of this plugin")]
        span: Span,
        #[help]
        help: String,
    },

    #[error("unknown parameter `{param}` in {owner}")]
    #[diagnostic(code(aimass::check::unknown_param))]
    UnknownParam {
        owner: String,
        param: String,
        #[label("unknown parameter")]
        span: Span,
        #[help]
        help: String,
    },

    #[error("{owner} is missing the required parameter `{param}`")]
    #[diagnostic(code(aimass::check::missing_param))]
    MissingParam {
        owner: String,
        param: String,
        #[label("needs `{param}`")]
        span: Span,
        #[help]
        help: String,
    },

    #[error("`{param}` expects {expected}, found {found}")]
    #[diagnostic(code(aimass::check::type_mismatch))]
    TypeMismatch {
        param: String,
        expected: String,
        found: String,
        #[label("{found}")]
        span: Span,
        #[help]
        help: Option<String>,
    },

    #[error("`{param}` = {value} is out of range")]
    #[diagnostic(code(aimass::check::out_of_range))]
    OutOfRange {
        param: String,
        value: String,
        #[label("must be between {lo} and {hi}")]
        span: Span,
        lo: f64,
        hi: f64,
    },

    #[error("unknown stage `{name}`")]
    #[diagnostic(code(aimass::check::unknown_reference))]
    UnknownReference {
        name: String,
        #[label("no stage of this name")]
        span: Span,
        #[help]
        help: String,
    },

    #[error("stage `{stage}` has no output `{port}`")]
    #[diagnostic(code(aimass::check::unknown_port))]
    UnknownPort {
        stage: String,
        port: String,
        #[label("unknown output")]
        span: Span,
        #[help]
        help: String,
    },

    #[error("stage `{stage}` has several outputs: name one")]
    #[diagnostic(code(aimass::check::ambiguous_output))]
    AmbiguousOutput {
        stage: String,
        #[label("which output?")]
        span: Span,
        #[help]
        help: String,
    },

    #[error("`{param}` expects a {expected}, but `{reference}` is a {found}")]
    #[diagnostic(code(aimass::check::port_type))]
    PortTypeMismatch {
        param: String,
        reference: String,
        expected: String,
        found: String,
        #[label("this is a {found}")]
        span: Span,
        #[help]
        help: String,
    },

    #[error("unknown pipeline parameter `params.{name}`")]
    #[diagnostic(code(aimass::check::unknown_pipeline_param))]
    UnknownPipelineParam {
        name: String,
        #[label("not declared in `params`")]
        span: Span,
        #[help]
        help: String,
    },

    #[error("a stage cannot use its own output")]
    #[diagnostic(
        code(aimass::check::self_reference),
        help("refer to an upstream stage instead")
    )]
    SelfReference {
        #[label("`{stage}` refers to itself")]
        span: Span,
        stage: String,
    },

    #[error("stages form a cycle: {}", .stages.join(" -> "))]
    #[diagnostic(
        code(aimass::check::cycle),
        help("a pipeline must be acyclic: remove one of these references")
    )]
    Cycle {
        stages: Vec<String>,
        #[label(collection, "part of the cycle")]
        spans: Vec<miette::LabeledSpan>,
    },

    #[error("{message}")]
    #[diagnostic(code(aimass::check::invalid))]
    Invalid {
        message: String,
        #[label("here")]
        span: Span,
        #[help]
        help: Option<String>,
    },

    #[error(transparent)]
    #[diagnostic(transparent)]
    Stage(#[from] crate::stage::StageError),
}

/// All the problems of one pipeline file, reported together.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("{file}: {} problem{} found", .errors.len(), if .errors.len() == 1 { "" } else { "s" })]
#[diagnostic(code(aimass::check))]
pub struct CheckErrors {
    pub file: String,
    #[source_code]
    pub src: NamedSource<String>,
    #[related]
    pub errors: Vec<CheckError>,
}
