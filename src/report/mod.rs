//! `aimass report`'s page: one self-contained HTML file with inline SVG plots of a run.
//!
//! The command (`commands/report.rs`) gathers a [`Report`] from the run record and the
//! cache; this module only renders it. Every plot is an `<svg class="plot KIND">` with an id
//! naming its stage (`roc-tree_eval`), so tests and readers can find it:
//!
//! | section | plots | from |
//! |---|---|---|
//! | timeline | `timeline` | the run record's per-stage start, end, CPU and memory |
//! | comparison | table | `aimass metrics --diff`'s rows |
//! | evaluate | `roc`, `gains`, `lift`, `confusion`; metrics and gates table | its Metrics (`curves`, `gains`, `confusion`, `scores`, `gates`) |
//! | model | `importance` or `coefficients` | the Model, through `estimator::importance` |
//! | tune | `trials`; top configurations table | its `trials` Metrics |

mod confusion;
mod gains;
pub mod html;
mod importance;
mod roc;
mod svg;
mod timeline;
mod trials;

use aimass_engine::run::StageRecord;
use aimass_stdlib::estimator::importance::Explanation;
use serde_json::Value as Json;

use html::{classed, num, table, text, Cell};
use svg::esc;

/// Everything the page shows.
pub struct Report {
    pub pipeline: String,
    pub file: String,
    pub run_id: String,
    pub started: u64,
    pub wall_ms: f64,
    pub jobs: usize,
    pub success: bool,
    pub stages: Vec<StageRecord>,
    pub sections: Vec<Section>,
    pub comparison: Vec<Comparison>,
}

/// One stage's part of the page.
pub enum Section {
    Evaluate {
        stage: String,
        metrics: Json,
    },
    Model {
        stage: String,
        summary: String,
        explained: Result<Explanation, String>,
    },
    Tune {
        stage: String,
        trials: Json,
    },
    /// A stage whose output the page would show but that is no longer in the cache.
    Missing {
        stage: String,
        why: String,
    },
}

/// One line of the comparison with earlier results (`aimass metrics --diff`).
pub struct Comparison {
    pub stage: String,
    pub metric: String,
    pub old: Option<f64>,
    pub new: Option<f64>,
    pub change: Option<f64>,
}

pub fn render(r: &Report) -> String {
    let mut body = String::new();
    body.push_str(&format!(
        "<h1>{}</h1>\n<p class=\"meta\">{} &middot; run <code id=\"run-id\">{}</code> &middot; started {} &middot; {} wall on {} jobs &middot; <span class=\"{}\">{}</span></p>\n",
        esc(&r.pipeline),
        esc(&r.file),
        esc(&r.run_id),
        html::utc(r.started),
        timeline::duration(r.wall_ms),
        r.jobs,
        if r.success { "met" } else { "unmet" },
        if r.success { "succeeded" } else { "failed" }
    ));
    body.push_str("<h2 id=\"timeline-section\">Timeline</h2>\n");
    body.push_str(&timeline::render(&r.stages, r.wall_ms));
    body.push_str(&stage_table(&r.stages));
    body.push_str(&comparison(&r.comparison));
    let heading = |s: &Section| match s {
        Section::Evaluate { .. } => "Evaluations",
        Section::Model { .. } => "Models",
        Section::Tune { .. } => "Tuning",
        Section::Missing { .. } => "Not in the cache",
    };
    for group in ["Evaluations", "Models", "Tuning", "Not in the cache"] {
        let members: Vec<&Section> = r.sections.iter().filter(|s| heading(s) == group).collect();
        if members.is_empty() {
            continue;
        }
        body.push_str(&format!("<h2>{group}</h2>\n"));
        for s in members {
            body.push_str(&section(s));
        }
    }
    html::page(&format!("{}: run {}", r.pipeline, r.run_id), &body)
}

fn stage_table(stages: &[StageRecord]) -> String {
    let rows = timeline::ordered(stages)
        .into_iter()
        .map(|s| {
            vec![
                text(&s.name),
                text(&s.kind),
                classed(
                    s.status.word(),
                    if s.status == aimass_engine::run::StageState::Failed {
                        "unmet"
                    } else {
                        "status"
                    },
                ),
                num(format!("{:.2}", s.start_ms / 1000.0)),
                num(timeline::duration(s.wall_ms)),
                num(timeline::duration(s.cpu_ms)),
                num(html::bytes(s.peak_rss_bytes)),
            ]
        })
        .collect();
    table(
        "stages",
        &[
            ("stage", false),
            ("kind", false),
            ("status", false),
            ("start (s)", true),
            ("wall", true),
            ("CPU", true),
            ("peak memory", true),
        ],
        rows,
    )
}

fn comparison(rows: &[Comparison]) -> String {
    let mut s = String::from("<h2 id=\"comparison\">Compared with earlier results</h2>\n");
    if rows.iter().all(|r| r.old.is_none()) {
        s.push_str("<p class=\"muted\">No earlier result of these stages to compare with: each metric below is its first.</p>\n");
    } else {
        s.push_str("<p class=\"muted\">Each stage's metrics against its previous distinct result (what <code>aimass metrics --diff</code> prints).</p>\n");
    }
    let cells = rows
        .iter()
        .map(|r| {
            vec![
                text(&r.stage),
                text(&r.metric),
                num(html::score(r.old)),
                num(html::score(r.new)),
                num(r
                    .change
                    .map(|c| format!("{c:+.4}"))
                    .unwrap_or_else(|| "-".into())),
            ]
        })
        .collect();
    s.push_str(&table(
        "comparison",
        &[
            ("stage", false),
            ("metric", false),
            ("before", true),
            ("now", true),
            ("change", true),
        ],
        cells,
    ));
    s
}

fn section(s: &Section) -> String {
    match s {
        Section::Evaluate { stage, metrics } => evaluate(stage, metrics),
        Section::Model {
            stage,
            summary,
            explained,
        } => {
            let mut out = format!(
                "<h3 id=\"model-{}\">{}</h3>\n<p class=\"muted\">{}</p>\n",
                svg::id_part(stage),
                esc(stage),
                esc(summary)
            );
            match explained {
                Ok(e) => out.push_str(&format!(
                    "<div class=\"plots\">{}</div>\n",
                    importance::render(stage, e)
                )),
                Err(why) => out.push_str(&format!("<p class=\"muted\">{}</p>\n", esc(why))),
            }
            out
        }
        Section::Tune { stage, trials } => tune(stage, trials),
        Section::Missing { stage, why } => {
            format!("<p><b>{}</b>: {}</p>\n", esc(stage), esc(why))
        }
    }
}

fn evaluate(stage: &str, m: &Json) -> String {
    let mut out = format!(
        "<h3 id=\"evaluate-{}\">{}</h3>\n<p class=\"muted\">{} on {} rows{}</p>\n",
        svg::id_part(stage),
        esc(stage),
        esc(m["model"].as_str().unwrap_or("a model")),
        m["rows"],
        m["target"]
            .as_str()
            .map(|t| format!(", target {t}"))
            .unwrap_or_default()
    );
    let plots: Vec<String> = [
        roc::render(stage, m),
        gains::render_gains(stage, m),
        gains::render_lift(stage, m),
        confusion::render(stage, m),
    ]
    .into_iter()
    .flatten()
    .collect();
    if plots.is_empty() && m["task"] == "classification" {
        out.push_str("<p class=\"muted\">No curves stored: the model has no positive class (more than two classes), or the rows hold one class only.</p>\n");
    }
    out.push_str(&format!("<div class=\"plots\">{}</div>\n", plots.concat()));
    let gates: Vec<&Json> = m["gates"]
        .as_array()
        .map(|g| g.iter().collect())
        .unwrap_or_default();
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    if let Some(scores) = m["scores"].as_object() {
        for (name, v) in scores {
            let on_it: Vec<&&Json> = gates
                .iter()
                .filter(|g| gate_metric(g) == Some(name.as_str()))
                .collect();
            let judged: Vec<String> = on_it
                .iter()
                .map(|g| {
                    format!(
                        "{}: {}",
                        g["gate"].as_str().unwrap_or("?"),
                        if g["passed"] == true {
                            "met"
                        } else {
                            "not met"
                        }
                    )
                })
                .collect();
            let class = match on_it.is_empty() {
                true => None,
                false if on_it.iter().all(|g| g["passed"] == true) => Some("met"),
                false => Some("unmet"),
            };
            rows.push(vec![
                text(name),
                num(html::score(v.as_f64())),
                cv_cell(m, name),
                Cell {
                    text: if judged.is_empty() {
                        "-".into()
                    } else {
                        judged.join("; ")
                    },
                    num: false,
                    class,
                },
            ]);
        }
    }
    if let Some(undefined) = m["undefined"].as_object() {
        for (name, why) in undefined {
            rows.push(vec![
                text(name),
                num("undefined"),
                num("-"),
                classed(why.as_str().unwrap_or("undefined"), "unmet"),
            ]);
        }
    }
    out.push_str(&table(
        "metrics",
        &[
            ("metric", false),
            ("value", true),
            ("cv mean ± std", true),
            ("gate", false),
        ],
        rows,
    ));
    out
}

/// The metric a judged gate is on: `roc_auc >= 0.8` -> `roc_auc`.
fn gate_metric(g: &Json) -> Option<&str> {
    g["gate"].as_str()?.split_whitespace().next()
}

fn cv_cell(m: &Json, name: &str) -> Cell {
    let mean = m["cv"]["mean"][name].as_f64();
    let std = m["cv"]["std"][name].as_f64();
    num(match (mean, std) {
        (Some(a), Some(b)) => format!("{a:.4} ± {b:.4}"),
        (Some(a), None) => format!("{a:.4}"),
        _ => "-".into(),
    })
}

/// Configurations shown under a tune stage's trace.
const TOP: usize = 5;

fn tune(stage: &str, t: &Json) -> String {
    let mut out = format!(
        "<h3 id=\"tune-{}\">{}</h3>\n<p class=\"muted\">{}</p>\n",
        svg::id_part(stage),
        esc(stage),
        esc(t["summary"].as_str().unwrap_or(""))
    );
    if let Some(plot) = trials::render(stage, t) {
        out.push_str(&format!("<div class=\"plots\">{plot}</div>\n"));
    }
    let minimise = t["goal"] == "minimise";
    let mut list: Vec<&Json> = t["trials"]
        .as_array()
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    let rows_of = |x: &Json| x["rows"].as_u64().unwrap_or(u64::MAX);
    list.sort_by(|a, b| {
        let (x, y) = (a["mean"].as_f64(), b["mean"].as_f64());
        rows_of(b).cmp(&rows_of(a)).then(match (x, y) {
            (Some(x), Some(y)) if minimise => x.total_cmp(&y),
            (Some(x), Some(y)) => y.total_cmp(&x),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        })
    });
    let rows = list
        .iter()
        .take(TOP)
        .enumerate()
        .map(|(rank, x)| {
            let params = x["params"]
                .as_object()
                .map(|p| {
                    p.iter()
                        .map(|(k, v)| match v.as_str() {
                            Some(w) => format!("{k} = {w}"),
                            None => format!("{k} = {v}"),
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default();
            vec![
                num((rank + 1).to_string()),
                num(x["trial"].to_string()),
                num(html::score(x["mean"].as_f64())),
                num(html::score(x["std"].as_f64())),
                text(params),
            ]
        })
        .collect();
    out.push_str(&format!(
        "<p>Top {} of {} configurations ({}):</p>\n",
        TOP.min(list.len()),
        list.len(),
        esc(t["metric"].as_str().unwrap_or("score"))
    ));
    out.push_str(&table(
        "top-configurations",
        &[
            ("rank", true),
            ("trial", true),
            ("mean", true),
            ("std", true),
            ("configuration", false),
        ],
        rows,
    ));
    out
}
