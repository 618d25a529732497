//! Where a declared plugin lives.
//!
//! - `"plugins/librfm.so"`, `"./x.so"`, `"/opt/p/librfm.so"`: a path; a relative one is
//!   resolved against the pipeline file's directory, so a pipeline runs the same from any
//!   working directory.
//! - `"rfm"` (no directory, no library suffix): a bare name, searched in the directories of
//!   `AIMASS_PLUGIN_PATH` (`:`-separated, `;` on Windows) with the platform's prefix and
//!   suffix added (`librfm.so`, `librfm.dylib`, `rfm.dll`), first match wins.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use crate::failure::LoadFailure;
use crate::library::platform_file_name;

pub const SEARCH_PATH_VAR: &str = "AIMASS_PLUGIN_PATH";

fn is_bare_name(declared: &str) -> bool {
    !declared.contains('/')
        && !declared.contains('\\')
        && ![".so", ".dylib", ".dll"]
            .iter()
            .any(|s| declared.ends_with(s))
}

/// The library file for a declaration; `search_path` is `AIMASS_PLUGIN_PATH`'s value.
pub fn resolve(
    declared: &str,
    project_dir: &Path,
    search_path: Option<&OsStr>,
) -> Result<PathBuf, LoadFailure> {
    if is_bare_name(declared) {
        let file = platform_file_name(declared);
        let dirs: Vec<PathBuf> = search_path
            .map(|p| {
                std::env::split_paths(p)
                    .filter(|d| !d.as_os_str().is_empty())
                    .collect()
            })
            .unwrap_or_default();
        if let Some(found) = dirs.iter().map(|d| d.join(&file)).find(|p| p.is_file()) {
            return Ok(found);
        }
        let suggestion = dirs.iter().find_map(|d| similar_file(d, &file));
        return Err(LoadFailure::NotFound {
            path: file,
            searched: if dirs.is_empty() {
                vec![PathBuf::from(format!("{SEARCH_PATH_VAR} (not set)"))]
            } else {
                dirs
            },
            suggestion,
        });
    }
    let path = project_dir.join(declared);
    if path.is_file() {
        return Ok(path);
    }
    let suggestion = match (path.parent(), path.file_name()) {
        (Some(dir), Some(name)) => similar_file(dir, Path::new(name)).map(|s| {
            // Suggest in the user's own terms: the declared path with the file name replaced.
            match Path::new(declared)
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
            {
                Some(p) => p.join(&s).to_string_lossy().into_owned(),
                None => s,
            }
        }),
        _ => None,
    };
    Err(LoadFailure::NotFound {
        path,
        searched: Vec::new(),
        suggestion,
    })
}

/// The file in `dir` whose name is closest to `name`, if one is close.
fn similar_file(dir: &Path, name: &Path) -> Option<String> {
    let wanted = name.to_string_lossy();
    let entries = std::fs::read_dir(dir).ok()?;
    let names: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    aimass_engine::did_you_mean(&wanted, names.iter().map(String::as_str))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_resolve_against_the_pipeline_directory() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("plugins")).unwrap();
        std::fs::write(dir.path().join("plugins/librfm.so"), b"x").unwrap();
        let found = resolve("plugins/librfm.so", dir.path(), None).unwrap();
        assert_eq!(found, dir.path().join("plugins/librfm.so"));
        match resolve("plugins/libfrm.so", dir.path(), None) {
            Err(LoadFailure::NotFound { suggestion, .. }) => {
                assert_eq!(suggestion.as_deref(), Some("plugins/librfm.so"))
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn bare_names_are_searched_in_the_plugin_path() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        let file = platform_file_name("rfm");
        std::fs::write(b.path().join(&file), b"x").unwrap();
        let path = std::env::join_paths([a.path(), b.path()]).unwrap();
        let found = resolve("rfm", Path::new("/nowhere"), Some(&path)).unwrap();
        assert_eq!(found, b.path().join(&file));
        match resolve("rfn", Path::new("/nowhere"), Some(&path)) {
            Err(LoadFailure::NotFound {
                searched,
                suggestion,
                ..
            }) => {
                assert_eq!(searched.len(), 2);
                assert_eq!(suggestion, Some(file.to_string_lossy().into_owned()));
            }
            other => panic!("{other:?}"),
        }
        match resolve("rfm", Path::new("/nowhere"), None) {
            Err(LoadFailure::NotFound { searched, .. }) => {
                assert!(searched[0].to_string_lossy().contains("not set"))
            }
            other => panic!("{other:?}"),
        }
    }
}
