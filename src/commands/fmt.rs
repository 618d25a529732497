use std::path::Path;

use aimass_dsl::ir::SourceFormat;

use crate::load;

/// Prints (or writes) the canonical form of the file, in the form it is written in.
pub fn run(file: &Path, write: bool, check: bool) -> i32 {
    let (src, pipeline) = match load::parse(file) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let canonical = match src.format {
        SourceFormat::Aim => aimass_dsl::format_aim(&pipeline),
        SourceFormat::Yaml => aimass_dsl::emit_yaml(&pipeline),
    };
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
