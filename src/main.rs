//! The `aimass` command line.
//!
//! Exit codes (README.md, "Commands"): 0 success; 1 a stage failed or a quality gate was not met; 2 the
//! pipeline file or the command line is invalid.

mod cli;
mod commands;
mod diagnostics;
mod duration;
mod interrupt;
mod load;
mod progress;
mod report;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    diagnostics::install_hook();
    if !matches!(cli.command, cli::Command::Run(_) | cli::Command::Serve(_)) {
        // A command that only prints ends quietly when its reader goes away, as `cat`
        // does, instead of panicking on the broken pipe. `run` keeps Rust's default (the
        // write fails and is handled) so that it always finishes its run record; `serve`
        // too, or a client hanging up mid-response would kill the server.
        quiet_broken_pipe();
    }
    let code = commands::dispatch(cli);
    ExitCode::from(code as u8)
}

#[cfg(unix)]
#[allow(unsafe_code)]
fn quiet_broken_pipe() {
    // SAFETY: called once at start-up, before any thread exists; SIG_DFL is a valid
    // disposition for SIGPIPE.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

#[cfg(not(unix))]
fn quiet_broken_pipe() {}
