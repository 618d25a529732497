//! Command-line definitions.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(
    name = "aimass",
    version,
    about = "Declarative workflow engine for machine-learning campaign pipelines"
)]
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
        #[command(flatten)]
        plugins: PluginArgs,
    },
    /// Run the pipeline: changed stages in parallel, unchanged ones from the cache.
    Run(RunArgs),
    /// Show, per stage, whether it is cached or why it will run.
    Plan(RunArgs),
    /// Inspect or clean the cache.
    Cache {
        #[command(subcommand)]
        command: CacheCommand,
    },
    /// Show the latest metrics of every evaluate stage (`--diff`: against the previous result).
    Metrics {
        file: PathBuf,
        /// Compare each stage's metrics with its previous distinct result.
        #[arg(long)]
        diff: bool,
        #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
        format: OutputFormat,
        /// Cache directory (default: .aimass/cache next to the pipeline file).
        #[arg(long, env = "AIMASS_CACHE_DIR", value_name = "DIR")]
        cache_dir: Option<PathBuf>,
    },
    /// Show a stage's output from the last run: a frame's schema and first rows, a model,
    /// metrics or tuning trials; `--output` writes it to a file.
    Show {
        file: PathBuf,
        /// `STAGE` or `STAGE.PORT`, e.g. `parts.train`.
        target: String,
        /// Rows of a frame to print.
        #[arg(long, default_value_t = 10)]
        rows: usize,
        /// Write the artifact: a frame as .csv, .parquet, .json or .ndjson; a model or
        /// metrics as .json.
        #[arg(long, short, value_name = "PATH")]
        output: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
        format: OutputFormat,
        /// Cache directory (default: .aimass/cache next to the pipeline file).
        #[arg(long, env = "AIMASS_CACHE_DIR", value_name = "DIR")]
        cache_dir: Option<PathBuf>,
        #[command(flatten)]
        plugins: PluginArgs,
    },
    /// Write an HTML report of a run: the stage timeline, each evaluation's ROC, gains, lift
    /// and confusion matrix with its gates, each model's feature importance or coefficients,
    /// each tune stage's trials, and the metrics against earlier results.
    Report {
        file: PathBuf,
        /// The run to report on (a record name in .aimass/runs/, without .json); default:
        /// the pipeline's latest run.
        #[arg(long, value_name = "ID")]
        run: Option<String>,
        /// Where to write the page.
        #[arg(long, short, value_name = "PATH", default_value = "report.html")]
        output: PathBuf,
        /// Cache directory (default: .aimass/cache next to the pipeline file).
        #[arg(long, env = "AIMASS_CACHE_DIR", value_name = "DIR")]
        cache_dir: Option<PathBuf>,
    },
    /// List the stage kinds, or describe one.
    Stages {
        /// A stage kind, e.g. `model` or `rfm.segment`.
        kind: Option<String>,
        /// Also list the plugin stages this pipeline declares.
        #[arg(long, value_name = "FILE")]
        pipeline: Option<PathBuf>,
        /// Also list the stages of this plugin library (repeatable), named after the plugin.
        #[arg(long = "plugin", value_name = "PATH")]
        plugins: Vec<PathBuf>,
    },
    /// Print a JSON Schema of the YAML form, for editors: the built-in stage kinds, plus a
    /// pipeline's plugins and `--plugin` libraries.
    Schema {
        /// Also describe the plugin stages this pipeline declares.
        #[arg(long, value_name = "FILE")]
        pipeline: Option<PathBuf>,
        /// Also describe the stages of this plugin library (repeatable).
        #[arg(long = "plugin", value_name = "PATH")]
        plugins: Vec<PathBuf>,
    },
    /// Inspect stage plugin libraries.
    Plugins {
        #[command(subcommand)]
        command: PluginsCommand,
    },
    /// Internal: serve one isolated plugin call (used by --isolate-plugins).
    #[command(name = "__plugin-host", hide = true)]
    PluginHost { request: PathBuf, response: PathBuf },
    /// Print the pipeline's DAG.
    Graph {
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
        format: GraphFormat,
    },
    /// Score rows with a deployed model bundle (what a `deploy` stage writes).
    Predict(PredictArgs),
    /// Compare rows with a bundle's training distribution: PSI and missing rate per input,
    /// and a verdict (exit 1 when a feature is above --alert).
    Drift {
        /// A bundle, as `predict` takes it.
        bundle: PathBuf,
        /// The rows to compare: CSV, Parquet, JSON or NDJSON.
        #[arg(long, short, value_name = "FILE")]
        input: PathBuf,
        #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
        format: OutputFormat,
        /// A PSI at or above this is a warning.
        #[arg(long, default_value_t = 0.1, value_name = "PSI")]
        warn: f64,
        /// A PSI above this is an alert, and the exit code is 1.
        #[arg(long, default_value_t = 0.25, value_name = "PSI")]
        alert: f64,
    },
    /// Serve a bundle over HTTP: /predict, health, /schema, /metrics with live drift, and
    /// the Open Inference Protocol v2; follows `latest` as new versions are deployed.
    Serve(aimass_serve::Args),
    /// Print the canonical .aim form of a pipeline file (.aim or YAML).
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

/// Options shared by `run` and `plan`.
#[derive(clap::Args, Clone)]
pub struct RunArgs {
    /// A .aim, .yaml or .yml pipeline file.
    pub file: PathBuf,
    /// Override a pipeline parameter (repeatable): --set depth=8.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub sets: Vec<String>,
    /// Only this stage, with whatever upstream it needs.
    #[arg(long, value_name = "STAGE")]
    pub only: Option<String>,
    /// Ignore the cache: run every stage.
    #[arg(long)]
    pub force: bool,
    /// Worker threads (default: all cores).
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
    /// After a failure, finish the branches that do not depend on it.
    #[arg(long)]
    pub keep_going: bool,
    /// Cache directory (default: .aimass/cache next to the pipeline file).
    #[arg(long, env = "AIMASS_CACHE_DIR", value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
    /// Output format of the summary.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
    /// No progress output.
    #[arg(long, short)]
    pub quiet: bool,
    #[command(flatten)]
    pub plugins: PluginArgs,
}

/// How the pipeline is loaded: where it may write, and how plugin libraries are loaded and
/// called.
#[derive(clap::Args, Clone, Default)]
pub struct PluginArgs {
    /// Run every plugin call in a child process: a plugin that crashes fails only its stage.
    #[arg(long, env = "AIMASS_ISOLATE_PLUGINS")]
    pub isolate_plugins: bool,
    /// Fail a stage that has not finished after this long (30s, 5m, 500ms), and a plugin
    /// call that has not returned: the run goes on without it, and exits 1.
    #[arg(long, value_name = "DURATION", value_parser = crate::duration::parse)]
    pub stage_timeout: Option<std::time::Duration>,
    /// Let the pipeline write outside its own directory (an absolute or `../` deploy `to`,
    /// or a symlink that leads out).
    #[arg(long, env = "AIMASS_ALLOW_OUTSIDE_PROJECT")]
    pub allow_outside_project: bool,
}

#[derive(Subcommand)]
pub enum PluginsCommand {
    /// Print what a plugin library provides: its stages, ports and parameters.
    Inspect {
        /// The library (.so, .dylib, .dll), or a bare name searched in AIMASS_PLUGIN_PATH.
        path: PathBuf,
        #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
        format: OutputFormat,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
}

#[derive(Subcommand)]
pub enum CacheCommand {
    /// Size and entry count of the cache.
    Status {
        /// A pipeline file: its cache (.aimass/cache next to it) is shown.
        file: Option<PathBuf>,
        /// Cache directory (default: next to FILE, or ./.aimass/cache).
        #[arg(long, env = "AIMASS_CACHE_DIR", value_name = "DIR")]
        cache_dir: Option<PathBuf>,
    },
    /// Remove entries that the given pipelines no longer reach (or older than --older-than).
    Gc {
        /// Pipeline files whose current and locked results are kept.
        files: Vec<PathBuf>,
        /// Only remove unreachable entries at least this old: 30s, 15m, 12h, 7d.
        #[arg(long, value_name = "AGE")]
        older_than: Option<String>,
        /// Cache directory (default: .aimass/cache next to the first pipeline file).
        #[arg(long, env = "AIMASS_CACHE_DIR", value_name = "DIR")]
        cache_dir: Option<PathBuf>,
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

#[derive(Clone, Copy, ValueEnum)]
pub enum PredictFormat {
    Csv,
    Json,
    Ndjson,
    Parquet,
}

/// `aimass predict`'s arguments.
#[derive(clap::Args)]
pub struct PredictArgs {
    /// A bundle: its version directory, its manifest.json, or `<to>/<name>` (the latest
    /// version).
    pub bundle: PathBuf,
    /// The rows to score: CSV, Parquet, JSON or NDJSON, with the columns the pipeline
    /// collected (the target may be absent).
    #[arg(long, short, value_name = "FILE")]
    pub input: PathBuf,
    /// Write the predictions here instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Output format (default: from --output's extension, else csv). Parquet needs --output.
    #[arg(long, value_enum)]
    pub format: Option<PredictFormat>,
    /// A binary classifier predicts the positive class above this probability.
    #[arg(long, default_value_t = 0.5, value_name = "P")]
    pub threshold: f64,
    /// Input columns to carry into the output, e.g. an id (repeatable, or comma-separated).
    #[arg(long, value_name = "COLUMN", value_delimiter = ',')]
    pub keep: Vec<String>,
    /// Only the best-ranked rows, best first: a count (5000) or a share (10%): the campaign
    /// list. Needs a binary classifier or a regressor.
    #[arg(long, value_name = "N|P%", value_parser = parse_top)]
    pub top: Option<aimass_stdlib::bundle::Top>,
    #[command(flatten)]
    pub plugins: PluginArgs,
}

/// `5000` or `10%`.
fn parse_top(s: &str) -> Result<aimass_stdlib::bundle::Top, String> {
    use aimass_stdlib::bundle::Top;
    let bad = || format!("expected a row count such as 5000 or a share such as 10%, not {s:?}");
    if let Some(p) = s.strip_suffix('%') {
        let p: f64 = p.trim().parse().map_err(|_| bad())?;
        if !(p > 0.0 && p <= 100.0) {
            return Err(format!(
                "a share must be above 0% and at most 100%, not {s}"
            ));
        }
        return Ok(Top::Fraction(p / 100.0));
    }
    match s.trim().parse::<usize>() {
        Ok(0) => Err("--top 0 keeps no row".to_string()),
        Ok(n) => Ok(Top::Rows(n)),
        Err(_) => Err(bad()),
    }
}
