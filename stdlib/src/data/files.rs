//! Resolving `collect`'s `source` (a path or a glob, relative to the project directory) to
//! files, with a "did you mean" for a misspelt file name. These are also the stage's
//! `source_files`, whose contents enter the cache key.

use std::path::{Path, PathBuf};

use aimass_dsl::ir::Span;
use aimass_engine::{did_you_mean, StageError};

use super::errors::MISSING_FILE;

fn is_glob(s: &str) -> bool {
    s.contains(['*', '?', '['])
}

/// The files `path` names, sorted; an error pointing at `span` when there are none.
pub fn expand(project_dir: &Path, path: &str, span: Span) -> Result<Vec<PathBuf>, StageError> {
    let full = project_dir.join(path);
    if !is_glob(path) {
        if full.is_file() {
            return Ok(vec![full]);
        }
        return Err(missing(&full, path, span));
    }
    let base = glob::Pattern::escape(&project_dir.to_string_lossy());
    let pattern = if Path::new(path).is_absolute() {
        path.to_string()
    } else {
        format!("{base}/{path}")
    };
    let matches = glob::glob(&pattern).map_err(|e| {
        StageError::new(format!("`{path}` is not a valid glob: {e}"))
            .code(MISSING_FILE)
            .at(span, "bad pattern")
    })?;
    let mut files: Vec<PathBuf> = matches
        .filter_map(Result::ok)
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(StageError::new(format!("no file matches `{path}`"))
            .code(MISSING_FILE)
            .at(span, "matches nothing")
            .help(format!(
                "the pattern is resolved against {}",
                project_dir.display()
            )));
    }
    Ok(files)
}

fn missing(full: &Path, path: &str, span: Span) -> StageError {
    let err = StageError::new(format!("{path}: no such file"))
        .code(MISSING_FILE)
        .at(span, "not found");
    let Some(dir) = full.parent() else { return err };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return err.help(format!("the directory {} does not exist", dir.display()));
    };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .collect();
    names.sort();
    let wanted = full
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    match did_you_mean(&wanted, names.iter().map(String::as_str)) {
        Some(s) => err.help(format!("did you mean `{s}`?")),
        None => err.help(format!(
            "paths are relative to the pipeline file's directory, {}",
            dir.display()
        )),
    }
}
