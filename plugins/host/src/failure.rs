//! Why a plugin could not be loaded, as a reason (this module) and as a diagnostic pointing
//! at the `plugin` declaration (`LoadError`), exit code 2.

use std::path::PathBuf;

use aimass_dsl::ir::Span;
use miette::{Diagnostic, LabeledSpan, NamedSource};

use aimass_plugin_api as api;

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum LoadFailure {
    NotFound {
        path: PathBuf,
        /// Where a bare name was searched.
        searched: Vec<PathBuf>,
        suggestion: Option<String>,
    },
    Unreadable {
        path: PathBuf,
        message: String,
    },
    NotALibrary {
        path: PathBuf,
        why: String,
    },
    Open {
        path: PathBuf,
        message: String,
    },
    NoEntry {
        path: PathBuf,
    },
    AbiTooNew {
        found: u32,
    },
    AbiTooOld {
        found: u32,
    },
    BadTable(String),
    BadDescriptor(Vec<String>),
    /// The isolated plugin host could not describe the library (it crashed, say).
    Isolated(String),
    /// The same library file is declared twice.
    Duplicate {
        library: String,
        first: String,
    },
}

impl LoadFailure {
    pub fn code(&self) -> &'static str {
        match self {
            LoadFailure::NotFound { .. } => "aimass::plugin::not_found",
            LoadFailure::Unreadable { .. } => "aimass::plugin::unreadable",
            LoadFailure::NotALibrary { .. } => "aimass::plugin::not_a_library",
            LoadFailure::Open { .. } => "aimass::plugin::open",
            LoadFailure::NoEntry { .. } => "aimass::plugin::no_entry",
            LoadFailure::AbiTooNew { .. } => "aimass::plugin::abi_too_new",
            LoadFailure::AbiTooOld { .. } => "aimass::plugin::abi_too_old",
            LoadFailure::BadTable(_) => "aimass::plugin::bad_table",
            LoadFailure::BadDescriptor(_) => "aimass::plugin::bad_descriptor",
            LoadFailure::Isolated(_) => "aimass::plugin::isolated",
            LoadFailure::Duplicate { .. } => "aimass::plugin::duplicate",
        }
    }

    pub fn message(&self) -> String {
        match self {
            LoadFailure::NotFound { path, .. } => {
                format!("plugin library {} does not exist", path.display())
            }
            LoadFailure::Unreadable { path, message } => {
                format!("cannot read plugin library {}: {message}", path.display())
            }
            LoadFailure::NotALibrary { path, why } => {
                format!("{} is not a shared library: {why}", path.display())
            }
            LoadFailure::Open { path, message } => {
                format!("cannot open plugin library {}: {message}", path.display())
            }
            LoadFailure::NoEntry { path } => format!(
                "{} is a shared library but not an aimass plugin: it exports no `{}`",
                path.display(),
                api::ENTRY_SYMBOL
            ),
            LoadFailure::AbiTooNew { found } => format!(
                "the plugin was built for plugin ABI {found}, newer than this aimass reads ({}..={})",
                api::MIN_ABI_VERSION,
                api::ABI_VERSION
            ),
            LoadFailure::AbiTooOld { found } => format!(
                "the plugin was built for plugin ABI {found}, older than this aimass reads ({}..={})",
                api::MIN_ABI_VERSION,
                api::ABI_VERSION
            ),
            LoadFailure::BadTable(why) => format!("the plugin's table is invalid: {why}"),
            LoadFailure::BadDescriptor(problems) => format!(
                "the plugin describes its stages wrongly:\n  - {}",
                problems.join("\n  - ")
            ),
            LoadFailure::Isolated(why) => {
                format!("the isolated plugin host could not load the library: {why}")
            }
            LoadFailure::Duplicate { library, first } => format!(
                "{library} is already declared as `{first}`: its stage kinds would be defined twice"
            ),
        }
    }

    pub fn help(&self) -> Option<String> {
        match self {
            LoadFailure::NotFound {
                searched,
                suggestion,
                ..
            } => Some(match (suggestion, searched.is_empty()) {
                (Some(s), _) => format!("did you mean `{s}`?"),
                (None, false) => format!(
                    "searched {}; put the library there or set AIMASS_PLUGIN_PATH",
                    searched
                        .iter()
                        .map(|p| p.display().to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                (None, true) => "a relative path is resolved against the pipeline file's directory; build the plugin first (cargo build --release for a Rust plugin)".to_string(),
            }),
            LoadFailure::NotALibrary { .. } => Some(
                "a plugin is the .so (.dylib, .dll) that `cargo build` puts in target/ for a crate with crate-type = [\"cdylib\"]".into(),
            ),
            LoadFailure::NoEntry { .. } => Some(
                "a Rust plugin exports it with aimass_plugin_sdk::export_plugin!; a C plugin defines it as aimass_plugin.h declares".into(),
            ),
            LoadFailure::AbiTooNew { .. } => {
                Some("upgrade aimass, or rebuild the plugin against the SDK of this aimass".into())
            }
            LoadFailure::AbiTooOld { .. } => {
                Some("rebuild the plugin against the SDK of this aimass".into())
            }
            LoadFailure::Duplicate { first, .. } => Some(format!(
                "declare each library once and use its stages as `{first}.KIND`"
            )),
            LoadFailure::BadTable(_) | LoadFailure::BadDescriptor(_) => {
                Some("this is a bug in the plugin: report it to its authors".into())
            }
            _ => None,
        }
    }
}

/// A plugin that failed to load, pointing at its declaration in the pipeline file.
#[derive(Debug)]
pub struct LoadError {
    pub plugin: String,
    pub failure: LoadFailure,
    pub src: Option<NamedSource<String>>,
    pub span: Span,
    /// Another place worth pointing at (the first declaration of a duplicate).
    pub also: Option<(Span, String)>,
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "plugin `{}`: {}", self.plugin, self.failure.message())
    }
}

impl std::error::Error for LoadError {}

impl Diagnostic for LoadError {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new(self.failure.code()))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.failure
            .help()
            .map(|h| Box::new(h) as Box<dyn std::fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.src.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.src.as_ref()?;
        let main = LabeledSpan::new_with_span(Some("declared here".into()), self.span);
        let also = self
            .also
            .iter()
            .map(|(s, t)| LabeledSpan::new_with_span(Some(t.clone()), *s));
        Some(Box::new(std::iter::once(main).chain(also)))
    }
}

/// Every plugin of a pipeline that failed to load, reported together.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("{} plugin(s) could not be loaded", errors.len())]
pub struct LoadErrors {
    #[related]
    pub errors: Vec<LoadError>,
}
