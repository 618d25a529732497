//! A pipeline file's text, its name and which of the two forms it is written in.

use std::path::Path;

use miette::{Diagnostic, NamedSource};
use thiserror::Error;

use crate::ir::SourceFormat;

/// The text of a pipeline file, as read.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The name shown in diagnostics (usually the path as the user gave it).
    pub name: String,
    pub text: String,
    pub format: SourceFormat,
}

/// A pipeline file that could not be read at all.
#[derive(Debug, Error, Diagnostic)]
pub enum LoadError {
    #[error("cannot read `{path}`")]
    #[diagnostic(
        code(aimass::load::io),
        help("check that the path is right and the file is readable")
    )]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },

    #[error("`{path}` is not UTF-8 text (invalid byte at line {line}, byte offset {offset})")]
    #[diagnostic(
        code(aimass::load::not_utf8),
        help("pipeline files must be UTF-8: re-save the file with UTF-8 encoding")
    )]
    NotUtf8 {
        path: String,
        line: usize,
        offset: usize,
    },

    #[error("`{path}` is not a pipeline file")]
    #[diagnostic(
        code(aimass::load::extension),
        help("pipeline files end in `.aim`, `.yaml` or `.yml`; rename the file")
    )]
    Extension { path: String },
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>, format: SourceFormat) -> Self {
        SourceFile {
            name: name.into(),
            text: text.into(),
            format,
        }
    }

    /// Reads a pipeline file; its form comes from its extension (`.aim`, `.yaml`, `.yml`).
    pub fn read(path: &Path) -> Result<SourceFile, LoadError> {
        let name = path.display().to_string();
        let format = format_of(path).ok_or_else(|| LoadError::Extension { path: name.clone() })?;
        let bytes = std::fs::read(path).map_err(|source| LoadError::Io {
            path: name.clone(),
            source,
        })?;
        let text = String::from_utf8(bytes).map_err(|e| {
            let offset = e.utf8_error().valid_up_to();
            let line = 1 + e.as_bytes()[..offset]
                .iter()
                .filter(|b| **b == b'\n')
                .count();
            LoadError::NotUtf8 {
                path: name.clone(),
                line,
                offset,
            }
        })?;
        Ok(SourceFile { name, text, format })
    }

    /// The text for miette to show under diagnostics.
    pub fn named_source(&self) -> NamedSource<String> {
        NamedSource::new(&self.name, self.text.clone())
    }
}

fn format_of(path: &Path) -> Option<SourceFormat> {
    match path.extension()?.to_str()? {
        "aim" => Some(SourceFormat::Aim),
        "yaml" | "yml" => Some(SourceFormat::Yaml),
        _ => None,
    }
}
