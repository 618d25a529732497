use std::path::Path;

use crate::load;

pub fn run(file: &Path, sets: &[String]) -> i32 {
    match load::checked(file, sets) {
        Ok((_, _, workflow)) => {
            let n = workflow.graph.node_count();
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
