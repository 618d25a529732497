//! Cumulative gains (from `curves.gains`) and the lift chart by decile (from the `gains`
//! table) of an evaluate stage.

use std::fmt::Write;

use serde_json::Value as Json;

use super::svg::{self, esc, Area, Key};

/// The cumulative gains curve against random targeting and a perfect model.
pub fn render_gains(stage: &str, metrics: &Json) -> Option<String> {
    let pts = super::roc::points(&metrics["curves"]["gains"])?;
    let area = Area::new(420.0, 380.0, (0.0, 1.0), (0.0, 1.0));
    let mut s = svg::open(
        &format!("gains-{}", svg::id_part(stage)),
        "gains",
        area.width,
        area.height,
        &format!("Cumulative gains: {stage}"),
    );
    s.push_str(&area.axes(
        "Fraction of customers targeted (by score)",
        "Fraction of positives captured",
    ));
    s.push_str(&area.line(
        &[(0.0, 0.0), (1.0, 1.0)],
        svg::GREY,
        r#"stroke-dasharray="5 4" class="baseline""#,
    ));
    let mut keys = vec![Key {
        colour: svg::BLUE,
        label: "model".into(),
        dashed: false,
    }];
    // A perfect ranking puts every positive first: the positive rate is the last decile's.
    if let Some(rate) = base_rate(metrics) {
        s.push_str(&area.line(
            &[(0.0, 0.0), (rate, 1.0), (1.0, 1.0)],
            svg::GREEN,
            r#"stroke-dasharray="2 3" class="perfect""#,
        ));
        keys.push(Key {
            colour: svg::GREEN,
            label: "perfect".into(),
            dashed: true,
        });
    }
    keys.push(Key {
        colour: svg::GREY,
        label: "random".into(),
        dashed: true,
    });
    s.push_str(&area.line(&pts, svg::BLUE, r#"class="curve""#));
    s.push_str(&svg::legend(area.sx(0.6), area.sy(0.3), &keys));
    s.push_str("</svg>");
    Some(s)
}

/// Positives over rows, read from the full-population line of the decile table.
fn base_rate(metrics: &Json) -> Option<f64> {
    let last = metrics["gains"].as_array()?.last()?;
    let rows = last["rows"].as_f64()?;
    let pos = last["positives"].as_f64()?;
    (rows > 0.0 && pos > 0.0).then(|| pos / rows)
}

/// Cumulative lift per decile as bars, with random targeting's lift of 1.
pub fn render_lift(stage: &str, metrics: &Json) -> Option<String> {
    let table = metrics["gains"].as_array()?;
    let lifts: Vec<(u64, f64)> = table
        .iter()
        .filter_map(|r| Some((r["decile"].as_u64()?, r["lift"].as_f64()?)))
        .collect();
    if lifts.is_empty() {
        return None;
    }
    let top = lifts.iter().map(|l| l.1).fold(1.0, f64::max) * 1.15;
    let mut area = Area::new(420.0, 380.0, (0.5, lifts.len() as f64 + 0.5), (0.0, top));
    area.top = 40.0;
    let mut s = svg::open(
        &format!("lift-{}", svg::id_part(stage)),
        "lift",
        area.width,
        area.height,
        &format!("Cumulative lift by decile: {stage}"),
    );
    s.push_str(&area.axes("Decile (1 = top-scored tenth)", "Cumulative lift"));
    for &(decile, lift) in &lifts {
        let (x0, x1) = (area.sx(decile as f64 - 0.38), area.sx(decile as f64 + 0.38));
        let (y0, y1) = (area.sy(0.0), area.sy(lift));
        let _ = write!(
            s,
            r#"<g class="bar"><title>decile {decile}: lift {lift:.2}</title><rect x="{x0:.1}" y="{y1:.1}" width="{:.1}" height="{:.1}" fill="{}"/><text x="{:.1}" y="{:.1}" class="note" text-anchor="middle">{}</text></g>"#,
            x1 - x0,
            y0 - y1,
            svg::BLUE,
            (x0 + x1) / 2.0,
            y1 - 4.0,
            esc(&format!("{lift:.1}"))
        );
    }
    s.push_str(&area.line(
        &[(0.5, 1.0), (lifts.len() as f64 + 0.5, 1.0)],
        svg::RED,
        r#"stroke-dasharray="5 4" class="baseline""#,
    ));
    s.push_str(&svg::legend(
        area.sx(lifts.len() as f64 * 0.55),
        area.top + 8.0,
        &[
            Key {
                colour: svg::BLUE,
                label: "model".into(),
                dashed: false,
            },
            Key {
                colour: svg::RED,
                label: "random (lift 1)".into(),
                dashed: true,
            },
        ],
    ));
    s.push_str("</svg>");
    Some(s)
}
