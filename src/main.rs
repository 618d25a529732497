//! The `aimass` command line.
//!
//! Exit codes (DESIGN.md): 0 success; 1 a stage failed or a quality gate was not met; 2 the
//! pipeline file or the command line is invalid.

mod cli;
mod commands;
mod duration;
mod load;
mod progress;
mod report;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    report::install_hook();
    let code = commands::dispatch(cli);
    ExitCode::from(code as u8)
}
