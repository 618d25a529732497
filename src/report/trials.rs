//! A tune stage's trial trace: each trial's cross-validated score in the order it was tried,
//! and the best score so far as a step line. Halving's early rungs (scored on fewer rows)
//! are drawn hollow and do not count towards the best.

use std::fmt::Write;

use serde_json::Value as Json;

use super::svg::{self, Area, Key};

struct Point {
    trial: f64,
    score: f64,
    full: bool,
}

pub fn render(stage: &str, trials: &Json) -> Option<String> {
    let list = trials["trials"].as_array()?;
    let minimise = trials["goal"] == "minimise";
    let full_rows = list.iter().filter_map(|t| t["rows"].as_u64()).max();
    let pts: Vec<Point> = list
        .iter()
        .filter_map(|t| {
            Some(Point {
                trial: t["trial"].as_f64()?,
                score: t["mean"].as_f64()?,
                full: match (t["rows"].as_u64(), full_rows) {
                    (Some(r), Some(max)) => r == max,
                    _ => true,
                },
            })
        })
        .collect();
    if pts.is_empty() {
        return None;
    }
    let (lo, hi) = pts
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), p| {
            (l.min(p.score), h.max(p.score))
        });
    let pad = ((hi - lo) * 0.1).max(1e-3);
    let (first, last) = pts
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), p| {
            (l.min(p.trial), h.max(p.trial))
        });
    let area = Area::new(
        640.0,
        360.0,
        (first - 0.5, last + 0.5),
        (lo - pad, hi + pad),
    );
    let metric = trials["metric"].as_str().unwrap_or("score");
    let mut s = svg::open(
        &format!("trials-{}", svg::id_part(stage)),
        "trials",
        area.width,
        area.height,
        &format!(
            "Trials: {stage} ({}, {} trials)",
            trials["search"].as_str().unwrap_or("search"),
            list.len()
        ),
    );
    s.push_str(&area.axes(
        "Trial",
        &format!(
            "{metric}, mean over {} folds ({})",
            trials["cv"],
            if minimise {
                "lower is better"
            } else {
                "higher is better"
            }
        ),
    ));
    let mut best: Option<f64> = None;
    let mut steps = Vec::new();
    let mut ordered: Vec<&Point> = pts.iter().collect();
    ordered.sort_by(|a, b| a.trial.total_cmp(&b.trial));
    for p in &ordered {
        if p.full {
            let better = best.is_none_or(|b| if minimise { p.score < b } else { p.score > b });
            if better {
                if let Some(b) = best {
                    steps.push((p.trial, b));
                }
                best = Some(p.score);
            }
            if let Some(b) = best {
                steps.push((p.trial, b));
            }
        }
    }
    s.push_str(&area.line(&steps, svg::ORANGE, r#"class="best""#));
    for p in &ordered {
        let fill = if p.full { svg::BLUE } else { "white" };
        let _ = write!(
            s,
            r#"<circle cx="{:.1}" cy="{:.1}" r="4" fill="{fill}" stroke="{}" stroke-width="1.5"><title>trial {}: {:.4}</title></circle>"#,
            area.sx(p.trial),
            area.sy(p.score),
            svg::BLUE,
            p.trial,
            p.score
        );
    }
    let mut keys = vec![
        Key {
            colour: svg::BLUE,
            label: "trial score".into(),
            dashed: false,
        },
        Key {
            colour: svg::ORANGE,
            label: "best so far".into(),
            dashed: false,
        },
    ];
    if pts.iter().any(|p| !p.full) {
        keys.push(Key {
            colour: svg::GREY,
            label: "hollow: fewer rows (halving)".into(),
            dashed: true,
        });
    }
    let legend_y = if minimise {
        area.top + 8.0
    } else {
        area.sy(lo - pad) - 14.0 - 18.0 * keys.len() as f64
    };
    s.push_str(&svg::legend(area.x1() - 190.0, legend_y, &keys));
    s.push_str("</svg>");
    Some(s)
}
