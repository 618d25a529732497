use std::path::Path;

use crate::cli::GraphFormat;
use crate::load;

pub fn run(file: &Path, format: GraphFormat) -> i32 {
    match load::checked_read_only(file) {
        Ok((_, _, workflow)) => {
            let text = match format {
                GraphFormat::Dot => workflow.to_dot(),
                GraphFormat::Mermaid => workflow.to_mermaid(),
            };
            print!("{text}");
            0
        }
        Err(code) => code,
    }
}
