//! Where a pipeline may write: inside its own directory (and the cache), unless the user
//! allows more with `--allow-outside-project`. A pipeline file is often someone else's (a
//! pull request, a shared example); running it must not write to `/etc` or `../../`.
//!
//! Two checks: [`check_inside`] on the text as written, when the pipeline is checked
//! (absolute paths, `..` that climbs out); [`resolve_inside`] at run time, on the real
//! directories, so a symlink inside the project cannot lead out either.

use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use aimass_engine::{Params, StageError};

static ALLOW_OUTSIDE: AtomicBool = AtomicBool::new(false);

/// What the command line says (`--allow-outside-project`); set before checking.
pub fn allow_outside_project(allow: bool) {
    ALLOW_OUTSIDE.store(allow, Ordering::Relaxed);
}

fn allowed() -> bool {
    ALLOW_OUTSIDE.load(Ordering::Relaxed)
}

const CODE: &str = "aimass::path::outside";
const HELP: &str = "write inside the pipeline's directory, or pass --allow-outside-project (AIMASS_ALLOW_OUTSIDE_PROJECT=1) if this is intended";

/// Why `text` (a path relative to the project) leads out of it, if it does.
fn leaves(text: &str) -> Option<&'static str> {
    let path = Path::new(text);
    if path.has_root() || path.is_absolute() {
        return Some("is an absolute path");
    }
    let mut depth: i64 = 0;
    for c in path.components() {
        match c {
            Component::ParentDir => depth -= 1,
            Component::Normal(_) => depth += 1,
            Component::Prefix(_) | Component::RootDir => return Some("is an absolute path"),
            Component::CurDir => {}
        }
        if depth < 0 {
            return Some("climbs out of the project with `..`");
        }
    }
    None
}

/// A check error when parameter `param` names a place outside the project.
pub fn check_inside(params: &Params, param: &str) -> Option<StageError> {
    if allowed() {
        return None;
    }
    let v = params.get(param)?;
    let text = v.as_str()?;
    let why = leaves(text)?;
    Some(
        StageError::new(format!(
            "`{param}` = {text:?} {why}: it would write outside the project"
        ))
        .code(CODE)
        .at(v.span, "outside the pipeline's directory")
        .help(HELP),
    )
}

/// `project/rel` with symlinks resolved as far as the path exists; an error when that leads
/// outside the project (unless allowed).
pub fn resolve_inside(project: &Path, rel: &Path) -> Result<PathBuf, String> {
    let target = project.join(rel);
    if allowed() {
        return Ok(target);
    }
    let root = project
        .canonicalize()
        .map_err(|e| format!("cannot resolve the project directory: {e}"))?;
    // The deepest part that exists, resolved; the rest is created below it.
    let mut existing = target.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.file_name(), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name.to_os_string());
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let mut real = existing
        .canonicalize()
        .map_err(|e| format!("cannot resolve {}: {e}", existing.display()))?;
    if !real.starts_with(&root) {
        let how = if rel.is_absolute() {
            "is an absolute path"
        } else {
            "goes through a symbolic link"
        };
        return Err(format!(
            "{} leads outside the project (to {}): it {how}; {HELP}",
            rel.display(),
            real.display()
        ));
    }
    for part in rest.into_iter().rev() {
        real.push(part);
    }
    Ok(real)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexical_escapes() {
        assert_eq!(leaves("models"), None);
        assert_eq!(leaves("./out/models"), None);
        assert_eq!(leaves("a/../b"), None);
        assert_eq!(leaves("/etc"), Some("is an absolute path"));
        assert_eq!(
            leaves("../models"),
            Some("climbs out of the project with `..`")
        );
        assert_eq!(
            leaves("a/../../b"),
            Some("climbs out of the project with `..`")
        );
    }
}
