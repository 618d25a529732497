//! Command-line definitions.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(name = "aimass", version, about = "Declarative workflow engine for machine-learning campaign pipelines")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Check a pipeline file and report every problem at once.
    Check {
        /// A .aim, .yaml or .yml pipeline file.
        file: PathBuf,
        /// Override a pipeline parameter (repeatable): --set depth=8.
        #[arg(long = "set", value_name = "KEY=VALUE")]
        sets: Vec<String>,
    },
    /// List the stage kinds, or describe one.
    Stages {
        /// A stage kind, e.g. `model`.
        kind: Option<String>,
    },
    /// Print the pipeline's DAG.
    Graph {
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
        format: GraphFormat,
    },
    /// Print the canonical form of a pipeline file.
    Fmt {
        file: PathBuf,
        /// Rewrite the file in place.
        #[arg(long, conflicts_with = "check")]
        write: bool,
        /// Exit 1 if the file is not in canonical form (for CI).
        #[arg(long)]
        check: bool,
    },
    /// Convert a pipeline between the .aim and YAML forms.
    Convert {
        file: PathBuf,
        #[arg(long, value_enum)]
        to: Form,
        /// Write here instead of standard output.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum GraphFormat {
    Dot,
    Mermaid,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Form {
    Aim,
    Yaml,
}
