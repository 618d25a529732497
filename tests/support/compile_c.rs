//! Compiling a C plugin of the repository with the system C compiler (`CC`, else `cc`).
//! Shared by the CLI tests and the plugin host's tests (included with `#[path]`).

use std::path::{Path, PathBuf};
use std::process::Command;

/// `lib<name>.so` (the platform's name for it).
pub fn lib_name(name: &str) -> String {
    format!(
        "{}{name}{}",
        std::env::consts::DLL_PREFIX,
        std::env::consts::DLL_SUFFIX
    )
}

/// Compiles `source` (relative to `repo`) into `dir/lib<name>.so` with `defines`.
pub fn compile_c(repo: &Path, source: &str, dir: &Path, name: &str, defines: &[&str]) -> PathBuf {
    let out = dir.join(lib_name(name));
    std::fs::create_dir_all(dir).expect("create the library's directory");
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let status = Command::new(&cc)
        .args(["-std=c11", "-Wall", "-Werror", "-shared", "-fPIC", "-I"])
        .arg(repo.join("plugins/api"))
        .args(defines)
        .arg(repo.join(source))
        .arg("-o")
        .arg(&out)
        .status()
        .unwrap_or_else(|e| panic!("cannot run the C compiler `{cc}`: {e}"));
    assert!(status.success(), "{source} does not compile");
    out
}
