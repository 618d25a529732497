//! The one interface every stage implements, built-in or (through an adapter) plugin.
//!
//! A `StageKind` is a pure function from (checked params, input artifacts, seed, files it
//! declares) to output artifacts. The engine relies on that purity for caching: anything else
//! that can change a stage's output must be declared, through `version` or `source_files`.
//! A stage may also act outside the cache (`deploy` writes a bundle): such a stage reports
//! through `effects_present` whether its effects survived, so a cache hit never hides their loss.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use aimass_dsl::ir::Span;

use crate::artifact::{Artifact, Frame, Model};
use crate::param::Params;
use crate::signature::Signature;

pub trait StageKind: Send + Sync {
    fn signature(&self) -> &Signature;

    /// The implementation's version: bump it when the same inputs would give other outputs,
    /// so cached results of the old implementation are not reused.
    fn version(&self) -> String {
        "1".to_string()
    }

    /// Checks that need the parameters as a whole (mutually exclusive options, say), run by
    /// `aimass check` after each parameter has been type-checked. An error without a label
    /// is pointed at the stage's name, unless its code ends in [`SECRET_SUFFIX`].
    fn validate(&self, _params: &Params) -> Vec<StageError> {
        Vec::new()
    }

    /// Files this stage will read, resolved against the project directory. Their contents go
    /// into the cache key, so editing a data file re-runs the stage.
    fn source_files(
        &self,
        _params: &Params,
        _project_dir: &Path,
    ) -> Result<Vec<PathBuf>, StageError> {
        Ok(Vec::new())
    }

    /// The plugins whose code this stage runs with these params: the name the pipeline gives
    /// each -> a string that changes whenever its code does (declared version and library
    /// hash). It enters the cache key, and `aimass plan` names the plugin that changed.
    fn plugins(&self, _params: &Params) -> BTreeMap<String, String> {
        BTreeMap::new()
    }

    fn run(&self, ctx: &RunContext<'_>) -> Result<Outputs, StageError>;

    /// Whether what the stage did outside the cache (files it wrote, such as a deployed
    /// bundle) is still in place, judged from its cached outputs. Consulted on a cache hit:
    /// `false` makes the hit count as a miss, so the stage runs again and restores its
    /// effects. `outputs` holds the cached entry's Metrics outputs only (frames and models
    /// stay on disk), so a stage with effects should record there what it wrote. Keep it
    /// cheap: it runs on every hit. Pure stages have no effects and keep the default.
    fn effects_present(&self, _params: &Params, _outputs: &Outputs, _project_dir: &Path) -> bool {
        true
    }

    /// Judges outputs after a run or a cache hit (quality gates). A non-empty answer fails the
    /// stage's verdict without discarding its outputs: they stay cached and reported, but
    /// dependents do not run and the run exits 1.
    fn verdict(&self, _params: &Params, _outputs: &Outputs) -> Vec<StageError> {
        Vec::new()
    }

    /// How long a cached result stands for what the stage would read now. A stage whose
    /// output is a function of its key (every pure stage, and files through
    /// `source_files`) keeps the default, [`Freshness::Forever`]. A query against a database
    /// reads what its key cannot see, so it says when to ask again (`refresh = ...`). When a
    /// stale stage runs, its outputs are hashed as usual: dependents whose inputs did not
    /// change stay cached.
    fn freshness(&self, _params: &Params) -> Freshness {
        Freshness::Forever
    }
}

/// The end of an error code whose source line holds a secret (a password written into the
/// pipeline file): the checker shows no snippet of it.
pub const SECRET_SUFFIX: &str = "::secret_in_file";

/// Whether a cache hit may be used, by the entry's age ([`StageKind::freshness`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Freshness {
    /// A hit is always valid.
    Forever,
    /// Never valid: the stage runs on every run (`refresh = always`).
    Never,
    /// Valid while the entry is younger than this (`refresh = "24h"`).
    For(std::time::Duration),
}

impl Freshness {
    /// Whether an entry `age` old may be used.
    pub fn admits(self, age: std::time::Duration) -> bool {
        match self {
            Freshness::Forever => true,
            Freshness::Never => false,
            Freshness::For(max) => age < max,
        }
    }
}

/// What a stage gets to run.
pub struct RunContext<'a> {
    pub stage: &'a str,
    pub params: &'a Params,
    /// Input artifacts by parameter name; a list parameter gives several, in written order.
    pub inputs: &'a BTreeMap<String, Vec<Artifact>>,
    pub seed: u64,
    pub project_dir: &'a Path,
}

impl RunContext<'_> {
    pub fn input(&self, name: &str) -> Result<&Artifact, StageError> {
        self.inputs
            .get(name)
            .and_then(|v| v.first())
            .ok_or_else(|| StageError::new(format!("input `{name}` was not provided")))
    }

    pub fn inputs_of(&self, name: &str) -> &[Artifact] {
        self.inputs.get(name).map(Vec::as_slice).unwrap_or(&[])
    }

    pub fn frame(&self, name: &str) -> Result<&Frame, StageError> {
        let a = self.input(name)?;
        a.as_frame()
            .ok_or_else(|| StageError::new(format!("input `{name}` is a {}, not a Frame", a.ty())))
    }

    pub fn model(&self, name: &str) -> Result<&Model, StageError> {
        let a = self.input(name)?;
        a.as_model()
            .ok_or_else(|| StageError::new(format!("input `{name}` is a {}, not a Model", a.ty())))
    }
}

/// Output artifacts by port name.
#[derive(Clone, Debug, Default)]
pub struct Outputs {
    pub ports: BTreeMap<String, Artifact>,
}

impl Outputs {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn one(port: &str, artifact: Artifact) -> Self {
        Self::new().with(port, artifact)
    }

    pub fn with(mut self, port: &str, artifact: Artifact) -> Self {
        self.ports.insert(port.to_string(), artifact);
        self
    }

    pub fn get(&self, port: &str) -> Option<&Artifact> {
        self.ports.get(port)
    }
}

/// Why a stage failed, with the places in the pipeline file it concerns.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct StageError {
    pub message: String,
    pub code: String,
    pub help: Option<String>,
    pub labels: Vec<(Span, String)>,
    #[source]
    pub cause: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl StageError {
    /// The first of a validation's errors (the checker reported them all already); a
    /// generic one if a bug left the list empty, rather than a panic.
    pub fn first(errors: Vec<StageError>) -> StageError {
        errors
            .into_iter()
            .next()
            .unwrap_or_else(|| StageError::new("invalid parameters"))
    }

    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            code: "aimass::stage::failed".to_string(),
            help: None,
            labels: Vec::new(),
            cause: None,
        }
    }

    pub fn code(mut self, code: &str) -> Self {
        self.code = code.to_string();
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Points at a place in the pipeline file (spans of zero length are ignored).
    pub fn at(mut self, span: Span, label: impl Into<String>) -> Self {
        if span.len > 0 {
            self.labels.push((span, label.into()));
        }
        self
    }

    /// Points at where the stage's parameter `param` was written, if it was.
    pub fn at_param(self, params: &Params, param: &str, label: impl Into<String>) -> Self {
        match params.get(param) {
            Some(v) => self.at(v.span, label),
            None => self,
        }
    }

    pub fn because(mut self, cause: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.cause = Some(Box::new(cause));
        self
    }
}

impl miette::Diagnostic for StageError {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new(&self.code))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn std::fmt::Display>)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            return None;
        }
        Some(Box::new(self.labels.iter().map(|(span, text)| {
            miette::LabeledSpan::new_with_span(Some(text.clone()), *span)
        })))
    }
}
