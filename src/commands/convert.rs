use std::path::Path;

use crate::cli::Form;
use crate::load;

pub fn run(file: &Path, to: Form, output: Option<&Path>) -> i32 {
    let (_, pipeline) = match load::parse(file) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let text = match to {
        Form::Aim => aimass_dsl::format_aim(&pipeline),
        Form::Yaml => aimass_dsl::emit_yaml(&pipeline),
    };
    match output {
        Some(path) => match std::fs::write(path, text) {
            Ok(()) => 0,
            Err(e) => {
                eprintln!("error: cannot write {}: {e}", path.display());
                1
            }
        },
        None => {
            print!("{text}");
            0
        }
    }
}
