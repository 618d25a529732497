//! One module per subcommand; each returns the process exit code.

mod cache;
mod check;
mod convert;
mod drift;
mod fmt;
mod graph;
mod metrics;
mod plan;
mod plugins;
mod predict;
mod report;
mod run;
mod show;
mod stages;

use crate::cli::{Cli, Command};

pub fn dispatch(cli: Cli) -> i32 {
    match cli.command {
        Command::Check {
            file,
            sets,
            plugins,
        } => check::run(&file, &sets, &plugins),
        Command::Run(args) => run::run(&args),
        Command::Plan(args) => plan::run(&args),
        Command::Cache { command } => cache::run(command),
        Command::Metrics {
            file,
            diff,
            format,
            cache_dir,
        } => metrics::run(&file, diff, format, cache_dir.as_deref()),
        Command::Show {
            file,
            target,
            rows,
            output,
            format,
            cache_dir,
            plugins,
        } => show::run(&show::Args {
            file,
            target,
            rows,
            output,
            format,
            cache_dir,
            plugins,
        }),
        Command::Drift {
            bundle,
            input,
            format,
            warn,
            alert,
        } => drift::run(&drift::Args {
            bundle,
            input,
            json: matches!(format, crate::cli::OutputFormat::Json),
            thresholds: aimass_stdlib::drift::Thresholds { warn, alert },
        }),
        Command::Serve(args) => aimass_serve::run(args),
        Command::Predict(args) => predict::run(&args),
        Command::Report {
            file,
            run,
            output,
            cache_dir,
        } => report::run(&report::Args {
            file,
            run,
            output,
            cache_dir,
        }),
        Command::Stages {
            kind,
            pipeline,
            plugins,
        } => stages::run(kind.as_deref(), pipeline.as_deref(), &plugins),
        Command::Schema { pipeline, plugins } => stages::schema(pipeline.as_deref(), &plugins),
        Command::Plugins { command } => plugins::run(command),
        Command::PluginHost { request, response } => {
            aimass_plugin_host::isolate::serve::serve(&request, &response)
        }
        Command::Graph { file, format } => graph::run(&file, format),
        Command::Fmt { file, write, check } => fmt::run(&file, write, check),
        Command::Convert { file, to, output } => convert::run(&file, to, output.as_deref()),
    }
}

/// A table of scores: one row per stage, one column per metric (in first-seen order).
pub fn metrics_table(metrics: &std::collections::BTreeMap<String, serde_json::Value>) -> String {
    let mut columns: Vec<String> = Vec::new();
    for scores in metrics.values() {
        if let Some(obj) = scores.as_object() {
            for k in obj.keys() {
                if !columns.contains(k) {
                    columns.push(k.clone());
                }
            }
        }
    }
    let w = metrics.keys().map(String::len).max().unwrap_or(5).max(5);
    let mut out = format!("\n{:w$}", "stage");
    for c in &columns {
        out.push_str(&format!("  {:>10}", c));
    }
    out.push('\n');
    for (stage, scores) in metrics {
        out.push_str(&format!("{stage:w$}"));
        for c in &columns {
            let cell = match scores.get(c).and_then(serde_json::Value::as_f64) {
                Some(v) => format!("{v:.4}"),
                None => "-".to_string(),
            };
            out.push_str(&format!("  {:>10}", cell));
        }
        out.push('\n');
    }
    out
}

/// The project's run records, newest first; each file that is not a readable record is a
/// warning, then ignored (a damaged record must not hide the others, nor pass unnoticed).
pub fn run_records(project: &std::path::Path) -> Vec<aimass_engine::run::StoredRun> {
    let dir = project.join(".aimass").join("runs");
    aimass_engine::run::StoredRun::list_reporting(&dir, &mut |path, why| {
        eprintln!(
            "warning: {} is not a readable run record ({why}); it is ignored",
            path.display()
        );
    })
}
