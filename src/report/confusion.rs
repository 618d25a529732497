//! The confusion matrix of an evaluate stage: rows are the true classes, columns the
//! predicted ones; each cell's shade is its share of its row (the recall of that class on
//! the diagonal).

use std::fmt::Write;

use serde_json::Value as Json;

use super::svg::{self, esc};

pub fn render(stage: &str, metrics: &Json) -> Option<String> {
    let confusion = &metrics["confusion"];
    let labels: Vec<String> = confusion["labels"]
        .as_array()?
        .iter()
        .map(|l| match l.as_str() {
            Some(s) => s.to_string(),
            None => l.to_string(),
        })
        .collect();
    let matrix: Vec<Vec<u64>> = confusion["matrix"]
        .as_array()?
        .iter()
        .map(|r| {
            r.as_array()
                .map(|c| c.iter().filter_map(Json::as_u64).collect())
        })
        .collect::<Option<_>>()?;
    let k = labels.len();
    if k == 0 || matrix.len() != k || matrix.iter().any(|r| r.len() != k) {
        return None;
    }
    let cell = (260.0 / k as f64).clamp(30.0, 110.0);
    let (left, top) = (120.0, 70.0);
    let width = left + cell * k as f64 + 30.0;
    let height = top + cell * k as f64 + 60.0;
    let mut s = svg::open(
        &format!("confusion-{}", svg::id_part(stage)),
        "confusion",
        width,
        height,
        &format!("Confusion matrix: {stage}"),
    );
    let threshold = metrics["threshold"]
        .as_f64()
        .filter(|_| k == 2)
        .map(|t| format!(" (threshold {t})"))
        .unwrap_or_default();
    let _ = write!(
        s,
        r#"<text x="{:.1}" y="{:.1}" class="axis-title" text-anchor="middle">Predicted{}</text>"#,
        left + cell * k as f64 / 2.0,
        top - 24.0,
        esc(&threshold)
    );
    let cy = top + cell * k as f64 / 2.0;
    let _ = write!(
        s,
        r#"<text x="16" y="{cy:.1}" class="axis-title" text-anchor="middle" transform="rotate(-90 16 {cy:.1})">Actual</text>"#
    );
    for (j, l) in labels.iter().enumerate() {
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{:.1}" class="label" text-anchor="middle">{}</text><text x="{:.1}" y="{:.1}" class="label" text-anchor="end">{}</text>"#,
            left + cell * (j as f64 + 0.5),
            top - 6.0,
            esc(l),
            left - 8.0,
            top + cell * (j as f64 + 0.5) + 4.0,
            esc(l)
        );
    }
    for (i, row) in matrix.iter().enumerate() {
        let total: u64 = row.iter().sum();
        for (j, &n) in row.iter().enumerate() {
            let share = if total > 0 {
                n as f64 / total as f64
            } else {
                0.0
            };
            let (x, y) = (left + cell * j as f64, top + cell * i as f64);
            let fill = if i == j { svg::BLUE } else { svg::ORANGE };
            let text_class = if share > 0.55 { "cell-dark" } else { "cell" };
            let _ = write!(
                s,
                r#"<g class="cell"><title>actual {}, predicted {}: {n} rows ({:.1}% of actual {})</title><rect x="{x:.1}" y="{y:.1}" width="{cell:.1}" height="{cell:.1}" fill="{fill}" fill-opacity="{:.2}" stroke="white"/><text x="{:.1}" y="{:.1}" class="{text_class}" text-anchor="middle">{n}</text><text x="{:.1}" y="{:.1}" class="{text_class} small" text-anchor="middle">{:.0}%</text></g>"#,
                esc(&labels[i]),
                esc(&labels[j]),
                100.0 * share,
                esc(&labels[i]),
                0.12 + 0.88 * share,
                x + cell / 2.0,
                y + cell / 2.0,
                x + cell / 2.0,
                y + cell / 2.0 + 16.0,
                100.0 * share
            );
        }
    }
    s.push_str("</svg>");
    Some(s)
}
