use std::path::Path;

use aimass_dsl::ir::SourceFormat;

use crate::load;

/// Prints the canonical `.aim` form of a pipeline file; `--write` rewrites an `.aim` file in
/// place, `--check` exits 1 when it is not canonical.
pub fn run(file: &Path, write: bool, check: bool) -> i32 {
    let (src, pipeline) = match load::parse(file) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let canonical = aimass_dsl::format_aim(&pipeline);
    if (write || check) && src.format == SourceFormat::Yaml {
        // The YAML reader does not keep comments, so rewriting a YAML file could lose them.
        eprintln!(
            "error: `aimass fmt --write/--check` works on .aim files; {} is YAML (`aimass convert {} --to aim` gives the .aim form)",
            file.display(),
            file.display()
        );
        return load::INVALID;
    }
    if check {
        if canonical == src.text {
            return 0;
        }
        eprintln!(
            "{}: not in canonical form (run `aimass fmt --write {}`)",
            file.display(),
            file.display()
        );
        return 1;
    }
    if write {
        if canonical != src.text {
            if let Err(e) = std::fs::write(file, &canonical) {
                eprintln!("error: cannot write {}: {e}", file.display());
                return 1;
            }
        }
        return 0;
    }
    print!("{canonical}");
    0
}
