//! `aimass show FILE STAGE[.PORT]`: look at what a stage produced in the last run, from the
//! cache: a frame's shape, schema and first rows; a model's algorithm, features, classes and
//! feature importance or coefficients;
//! metrics as a table; a tune stage's trials sorted by score. `--output` writes the artifact
//! in an open format (a frame as CSV, Parquet, JSON or NDJSON; a model or metrics as JSON),
//! so cleaned data can leave the cache for polars, pandas or duckdb.
//!
//! Exit codes: 0 shown; 1 nothing to show yet (the stage has not run, or its entry is gone);
//! 2 the pipeline, the stage, the port or the output path is wrong.

use std::path::{Path, PathBuf};

use aimass_engine::cache::Cache;
use aimass_engine::{Artifact, Frame, Model};
use aimass_stdlib::data::write::{rows_as_json, write_bytes, write_frame, FileFormat, EXTENSIONS};
use aimass_stdlib::estimator::importance::explain;
use aimass_stdlib::estimator::TrainedModel;
use serde_json::{json, Value as Json};

use crate::cli::{OutputFormat, PluginArgs};
use crate::load::{self, INVALID};

pub struct Args {
    pub file: PathBuf,
    pub target: String,
    pub rows: usize,
    pub output: Option<PathBuf>,
    pub format: OutputFormat,
    pub cache_dir: Option<PathBuf>,
    pub plugins: PluginArgs,
}

/// Nothing to show yet.
const NOT_YET: i32 = 1;

pub fn run(args: &Args) -> i32 {
    let plugins = crate::cli::PluginArgs {
        allow_outside_project: true,
        ..args.plugins.clone()
    };
    let (_, _, workflow) = match load::checked(&args.file, &[], &plugins) {
        Ok(w) => w,
        Err(code) => return code,
    };
    let (stage, port) = match args.target.split_once('.') {
        Some((s, p)) => (s, Some(p)),
        None => (args.target.as_str(), None),
    };
    let Some(node) = workflow.node(stage) else {
        let hint = aimass_engine::did_you_mean(stage, workflow.stage_names())
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        eprintln!(
            "error: {} has no stage `{stage}`{hint}",
            args.file.display()
        );
        return INVALID;
    };
    let sig = workflow.graph()[node].kind.signature();
    let outputs: Vec<String> = sig.outputs.iter().map(|o| o.name.clone()).collect();
    let port = match port {
        Some(p) if outputs.iter().any(|o| o == p) => p.to_string(),
        Some(p) => {
            eprintln!(
                "error: stage `{stage}` has no output `{p}`; its outputs: {}",
                outputs.join(", ")
            );
            return INVALID;
        }
        // What a bare reference to the stage means in a pipeline.
        None if sig.default_output.is_some() => sig.default_output.clone().unwrap_or_default(),
        None if outputs.len() == 1 => outputs[0].clone(),
        None => {
            eprintln!(
                "error: stage `{stage}` has several outputs; name one: {}",
                outputs
                    .iter()
                    .map(|o| format!("{stage}.{o}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            return INVALID;
        }
    };
    let project = load::project_dir(&args.file);
    let cache = Cache::new(
        args.cache_dir
            .clone()
            .unwrap_or_else(|| project.join(".aimass").join("cache")),
    );
    let lock = load::lock_or_warn(&args.file);
    let run_first = || {
        eprintln!(
            "`{stage}` has no output yet: run `aimass run {}` first",
            args.file.display()
        );
        NOT_YET
    };
    let Some(locked) = lock.stages.get(stage) else {
        return run_first();
    };
    let Some(record) = cache
        .lookup(&locked.key)
        .and_then(|e| e.outputs.get(&port).cloned())
    else {
        return run_first();
    };
    let artifact = match cache.load(&record) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: cannot read `{stage}.{port}` from the cache: {e}");
            return NOT_YET;
        }
    };
    let label = format!("{stage}.{port}");
    if let Some(path) = &args.output {
        return match write_out(artifact, path) {
            Ok(what) => {
                eprintln!("wrote {label} ({what}) to {}", path.display());
                0
            }
            Err(e) => {
                eprintln!("error: {e}");
                INVALID
            }
        };
    }
    match (&artifact, args.format) {
        (Artifact::Frame(f), OutputFormat::Text) => print!("{}", frame_text(&label, f, args.rows)),
        (Artifact::Frame(f), OutputFormat::Json) => println!("{}", frame_json(f, args.rows)),
        (Artifact::Model(m), format) => match model_json(m) {
            Ok(j) if format == OutputFormat::Json => println!("{j}"),
            Ok(j) => print!("{}", model_text(&label, &j)),
            Err(e) => {
                eprintln!("error: cannot read the model `{label}`: {e}");
                return NOT_YET;
            }
        },
        (Artifact::Metrics(m), OutputFormat::Json) => println!("{m}"),
        (Artifact::Metrics(m), OutputFormat::Text) => print!("{}", metrics_text(&label, m)),
    }
    0
}

/// Writes the artifact to `path`; says what was written.
fn write_out(artifact: Artifact, path: &Path) -> Result<String, String> {
    let format = FileFormat::from_path(path);
    match artifact {
        Artifact::Frame(mut f) => {
            let format = format.ok_or_else(|| {
                format!(
                    "cannot tell the format of {}: end it in {EXTENSIONS}",
                    path.display()
                )
            })?;
            write_frame(&mut f.data, path, format)?;
            Ok(format!("{} rows", f.data.height()))
        }
        Artifact::Model(m) => {
            require_json(path, format)?;
            write_bytes(&m.bytes, path)?;
            Ok(format!("{} model", m.format))
        }
        Artifact::Metrics(m) => {
            require_json(path, format)?;
            let text = serde_json::to_vec_pretty(&m).map_err(|e| e.to_string())?;
            write_bytes(&text, path)?;
            Ok("metrics".to_string())
        }
    }
}

fn require_json(path: &Path, format: Option<FileFormat>) -> Result<(), String> {
    match format {
        Some(FileFormat::Json) => Ok(()),
        _ => Err(format!(
            "a model or metrics is written as JSON: end {} in .json",
            path.display()
        )),
    }
}

fn frame_text(label: &str, f: &Frame, rows: usize) -> String {
    let df = &f.data;
    let mut out = format!(
        "{label}: frame, {} rows x {} columns\n\n",
        df.height(),
        df.width()
    );
    let w = df
        .get_column_names()
        .iter()
        .map(|n| n.len())
        .max()
        .unwrap_or(6)
        .max(6);
    out.push_str(&format!("{:w$}  type\n", "column"));
    for c in df.columns() {
        let nulls = c.null_count();
        let missing = if nulls > 0 {
            format!("  ({nulls} missing)")
        } else {
            String::new()
        };
        out.push_str(&format!("{:w$}  {}{missing}\n", c.name(), c.dtype()));
    }
    if rows > 0 && df.height() > 0 {
        out.push_str(&format!("\nfirst {} rows:\n", rows.min(df.height())));
        out.push_str(&format!("{}\n", df.head(Some(rows))));
    }
    out
}

fn frame_json(f: &Frame, rows: usize) -> Json {
    let df = &f.data;
    let schema: Vec<Json> = df
        .columns()
        .iter()
        .map(|c| json!({ "name": c.name().as_str(), "type": c.dtype().to_string(), "missing": c.null_count() }))
        .collect();
    let rows_json = rows_as_json(&df.head(Some(rows))).unwrap_or(Json::Null);
    json!({ "type": "frame", "rows": df.height(), "columns": df.width(), "schema": schema, "head": rows_json })
}

/// What a model is, read from its bytes (aimass's own format), with its feature importance
/// or coefficients (the same numbers `aimass report` plots).
fn model_json(m: &Model) -> Result<Json, String> {
    let t = TrainedModel::from_artifact(m).map_err(|e| e.to_string())?;
    let explained = match explain(&t) {
        Ok(e) => json!(e),
        Err(why) => json!({ "unavailable": why }),
    };
    Ok(json!({
        "type": "model",
        "algorithm": t.spec.algorithm.name(),
        "summary": m.summary,
        "task": t.task.name(),
        "target": t.target,
        "classes": t.classes.iter().map(|c| c.to_string()).collect::<Vec<_>>(),
        "positive": t.positive.and_then(|p| t.classes.get(p)).map(|c| c.to_string()),
        "features": t.features.iter().map(|f| json!({ "name": f.name, "type": f.dtype })).collect::<Vec<_>>(),
        "training_rows": t.training_rows,
        "seed": t.seed,
        "has_recipe": !t.recipe.is_null(),
        "explained": explained,
    }))
}

fn model_text(label: &str, j: &Json) -> String {
    let s = |k: &str| j[k].as_str().unwrap_or("-").to_string();
    let mut out = format!(
        "{label}: {} model ({})\n  {}\n",
        s("algorithm"),
        s("task"),
        s("summary")
    );
    if let Some(target) = j["target"].as_str() {
        out.push_str(&format!("  target: {target}"));
        let classes: Vec<&str> = j["classes"]
            .as_array()
            .map(|c| c.iter().filter_map(Json::as_str).collect())
            .unwrap_or_default();
        if !classes.is_empty() {
            out.push_str(&format!(" (classes {}", classes.join(", ")));
            if let Some(p) = j["positive"].as_str() {
                out.push_str(&format!("; positive {p}"));
            }
            out.push(')');
        }
        out.push('\n');
    }
    let features: Vec<&str> = j["features"]
        .as_array()
        .map(|f| f.iter().filter_map(|x| x["name"].as_str()).collect())
        .unwrap_or_default();
    out.push_str(&format!(
        "  {} features: {}\n",
        features.len(),
        features.join(", ")
    ));
    out.push_str(&format!(
        "  trained on {} rows, seed {}{}\n",
        j["training_rows"],
        j["seed"],
        if j["has_recipe"] == true {
            "; carries its recipe"
        } else {
            ""
        }
    ));
    out.push_str(&explained_text(&j["explained"]));
    out
}

/// Features listed per weight set; `--format json` has them all.
const FEATURES_SHOWN: usize = 20;

/// The importance or coefficients, largest first, as a table under the model.
fn explained_text(e: &Json) -> String {
    if let Some(why) = e["unavailable"].as_str() {
        return format!("  no importance: {why}\n");
    }
    let coefficients = e["kind"] == "coefficient";
    let mut out = format!(
        "\n  {} ({}):\n",
        if coefficients {
            "coefficients"
        } else {
            "feature importance"
        },
        e["measure"].as_str().unwrap_or("-")
    );
    for set in e["sets"].as_array().into_iter().flatten() {
        if let Some(class) = set["class"].as_str() {
            out.push_str(&format!("  class {class}:\n"));
        }
        let weights = set["weights"].as_array().cloned().unwrap_or_default();
        let w = weights
            .iter()
            .take(FEATURES_SHOWN)
            .filter_map(|x| x["feature"].as_str())
            .map(str::len)
            .max()
            .unwrap_or(7)
            .max(7);
        for x in weights.iter().take(FEATURES_SHOWN) {
            let v = x["value"].as_f64().unwrap_or(f64::NAN);
            let cell = if coefficients {
                format!("{v:+10.4}")
            } else {
                format!("{:9.2}%", 100.0 * v)
            };
            let splits = x["splits"]
                .as_u64()
                .map(|n| format!("  {n} splits"))
                .unwrap_or_default();
            out.push_str(&format!(
                "    {:w$}  {cell}{splits}\n",
                x["feature"].as_str().unwrap_or("?")
            ));
        }
        if weights.len() > FEATURES_SHOWN {
            out.push_str(&format!(
                "    ... {} more (--format json lists them all)\n",
                weights.len() - FEATURES_SHOWN
            ));
        }
        if let Some(b) = set["intercept"].as_f64() {
            out.push_str(&format!("    {:w$}  {b:+10.4}\n", "(intercept)"));
        }
    }
    out
}

fn metrics_text(label: &str, m: &Json) -> String {
    if let Some(trials) = m["trials"].as_array() {
        return trials_text(label, m, trials);
    }
    let mut out = format!("{label}: metrics\n");
    if let Some(summary) = m["summary"].as_str() {
        out.push_str(&format!("  {summary}\n"));
    }
    match m["scores"].as_object() {
        Some(scores) => {
            let w = scores.keys().map(String::len).max().unwrap_or(6);
            for (k, v) in scores {
                let cell = v
                    .as_f64()
                    .map(|x| format!("{x:.4}"))
                    .unwrap_or_else(|| v.to_string());
                out.push_str(&format!("  {k:w$}  {cell:>10}\n"));
            }
        }
        None => {
            out.push_str(&serde_json::to_string_pretty(m).unwrap_or_default());
            out.push('\n');
        }
    }
    out
}

/// A tune stage's trials, best first (highest mean, or lowest for a minimised metric; trials
/// on fewer rows, halving's early rungs, after those on all rows).
fn trials_text(label: &str, m: &Json, trials: &[Json]) -> String {
    let minimise = m["goal"] == "minimise";
    let mut sorted: Vec<&Json> = trials.iter().collect();
    let rows = |t: &Json| t["rows"].as_u64().unwrap_or(u64::MAX);
    sorted.sort_by(|a, b| {
        let (x, y) = (a["mean"].as_f64(), b["mean"].as_f64());
        rows(b).cmp(&rows(a)).then(match (x, y) {
            (Some(x), Some(y)) if minimise => x.total_cmp(&y),
            (Some(x), Some(y)) => y.total_cmp(&x),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        })
    });
    let mut out = format!(
        "{label}: {} trials, {} of {} in {}-fold CV ({})\n",
        trials.len(),
        m["metric"].as_str().unwrap_or("?"),
        m["search"].as_str().unwrap_or("?"),
        m["cv"],
        if minimise {
            "lowest first"
        } else {
            "highest first"
        }
    );
    if let Some(summary) = m["summary"].as_str() {
        out.push_str(&format!("  {summary}\n"));
    }
    let halving = trials.iter().any(|t| t["rung"].is_number());
    out.push_str(&format!(
        "\n{:>6}  {:>8}  {:>8}{}  params\n",
        "trial",
        "mean",
        "std",
        if halving { "      rows" } else { "" }
    ));
    let num = |v: &Json| {
        v.as_f64()
            .map(|x| format!("{x:.4}"))
            .unwrap_or_else(|| "-".into())
    };
    for t in sorted {
        let params = t["params"]
            .as_object()
            .map(|p| {
                p.iter()
                    .map(|(k, v)| match v.as_str() {
                        Some(word) => format!("{k} = {word}"),
                        None => format!("{k} = {v}"),
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default();
        let rows = if halving {
            format!(
                "  {:>8}",
                t["rows"]
                    .as_u64()
                    .map(|r| r.to_string())
                    .unwrap_or_else(|| "all".into())
            )
        } else {
            String::new()
        };
        out.push_str(&format!(
            "{:>6}  {:>8}  {:>8}{rows}  {params}\n",
            t["trial"].to_string(),
            num(&t["mean"]),
            num(&t["std"])
        ));
    }
    out
}
