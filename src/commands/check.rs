use std::path::Path;

use crate::load;

pub fn run(file: &Path, sets: &[String], plugins: &crate::cli::PluginArgs) -> i32 {
    match load::checked(file, sets, plugins) {
        Ok((_, _, workflow)) => {
            let n = workflow.graph().node_count();
            println!(
                "{}: ok ({} stage{})",
                file.display(),
                n,
                if n == 1 { "" } else { "s" }
            );
            0
        }
        Err(code) => code,
    }
}
