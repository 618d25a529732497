//! A model's feature importance (bars from zero, largest first) or coefficients (bars either
//! side of zero, by magnitude), from [`aimass_stdlib::estimator::importance::explain`].

use std::fmt::Write;

use aimass_stdlib::estimator::importance::{Explanation, WeightKind, WeightSet};

use super::svg::{self, esc};

/// Features drawn per model; the rest are counted under the plot.
pub const SHOWN: usize = 15;

pub fn render(stage: &str, e: &Explanation) -> String {
    e.sets
        .iter()
        .enumerate()
        .map(|(i, set)| render_set(stage, i, e, set))
        .collect()
}

fn render_set(stage: &str, index: usize, e: &Explanation, set: &WeightSet) -> String {
    let shown: Vec<_> = set.weights.iter().take(SHOWN).collect();
    let (kind, noun) = match e.kind {
        WeightKind::Importance => ("importance", "Feature importance"),
        WeightKind::Coefficient => ("coefficients", "Coefficients"),
    };
    let of_class = set
        .class
        .as_ref()
        .map(|c| format!(", class {c}"))
        .unwrap_or_default();
    let row = 20.0;
    let (left, right, top) = (230.0, 90.0, 56.0);
    let width = 720.0;
    let height = top + row * shown.len().max(1) as f64 + 56.0;
    let id = if e.sets.len() > 1 {
        format!("{kind}-{}-{index}", svg::id_part(stage))
    } else {
        format!("{kind}-{}", svg::id_part(stage))
    };
    let mut s = svg::open(
        &id,
        kind,
        width,
        height,
        &format!("{noun}: {stage}{of_class}"),
    );
    let max = shown
        .iter()
        .map(|w| w.value.abs())
        .fold(0.0, f64::max)
        .max(f64::MIN_POSITIVE);
    let signed = e.kind == WeightKind::Coefficient && shown.iter().any(|w| w.value < 0.0);
    let (lo, hi) = if signed { (-max, max) } else { (0.0, max) };
    let plot_w = width - left - right;
    let sx = |v: f64| left + (v - lo) / (hi - lo) * plot_w;
    let bottom = top + row * shown.len().max(1) as f64;
    for t in svg::ticks(lo, hi, 6) {
        let px = sx(t);
        let _ = write!(
            s,
            r#"<line x1="{px:.1}" y1="{top:.1}" x2="{px:.1}" y2="{bottom:.1}" class="grid"/><text x="{px:.1}" y="{:.1}" class="tick" text-anchor="middle">{}</text>"#,
            bottom + 16.0,
            svg::tick_label(t)
        );
    }
    let _ = write!(
        s,
        r#"<text x="{:.1}" y="{:.1}" class="axis-title" text-anchor="middle">{}</text>"#,
        left + plot_w / 2.0,
        height - 14.0,
        esc(&e.measure)
    );
    for (i, w) in shown.iter().enumerate() {
        let y = top + row * i as f64;
        let (a, b) = (sx(0.0_f64.max(lo)), sx(w.value));
        let (x, bw) = (a.min(b), (a - b).abs().max(1.0));
        let colour = if w.value < 0.0 {
            svg::ORANGE
        } else {
            svg::BLUE
        };
        let splits = w
            .splits
            .map(|n| format!(", {n} splits"))
            .unwrap_or_default();
        let _ = write!(
            s,
            r#"<g class="bar"><title>{}: {:.4}{splits}</title><text x="{:.1}" y="{:.1}" class="label" text-anchor="end">{}</text><rect x="{x:.1}" y="{:.1}" width="{bw:.1}" height="{:.1}" fill="{colour}"/><text x="{:.1}" y="{:.1}" class="note">{}</text></g>"#,
            esc(&w.feature),
            w.value,
            left - 8.0,
            y + row * 0.65,
            esc(&shorten(&w.feature, 34)),
            y + 3.0,
            row - 6.0,
            a.max(b) + 5.0,
            y + row * 0.65,
            esc(&value_text(e.kind, w.value))
        );
    }
    let mut notes = Vec::new();
    if set.weights.len() > shown.len() {
        notes.push(format!(
            "{} more features not shown",
            set.weights.len() - shown.len()
        ));
    }
    if let Some(b) = set.intercept {
        notes.push(format!("intercept {b:.4}"));
    }
    if !notes.is_empty() {
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="42" class="muted" text-anchor="middle">{}</text>"#,
            width / 2.0,
            esc(&notes.join("; "))
        );
    }
    s.push_str("</svg>");
    s
}

fn value_text(kind: WeightKind, v: f64) -> String {
    match kind {
        WeightKind::Importance => format!("{:.1}%", 100.0 * v),
        WeightKind::Coefficient => format!("{v:+.3}"),
    }
}

fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let head: String = s.chars().take(max - 1).collect();
    format!("{head}…")
}
