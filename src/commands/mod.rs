//! One module per subcommand; each returns the process exit code.

mod check;
mod convert;
mod fmt;
mod graph;
mod stages;

use crate::cli::{Cli, Command};

pub fn dispatch(cli: Cli) -> i32 {
    match cli.command {
        Command::Check { file, sets } => check::run(&file, &sets),
        Command::Stages { kind } => stages::run(kind.as_deref()),
        Command::Graph { file, format } => graph::run(&file, format),
        Command::Fmt { file, write, check } => fmt::run(&file, write, check),
        Command::Convert { file, to, output } => convert::run(&file, to, output.as_deref()),
    }
}
