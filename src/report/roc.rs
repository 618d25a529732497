//! The ROC curve of an evaluate stage, from the points it stored (`curves.roc`).

use serde_json::Value as Json;

use super::svg::{self, Area, Key};

/// `[{x, y}, ..]` as pairs; `None` unless every point is two numbers.
pub fn points(v: &Json) -> Option<Vec<(f64, f64)>> {
    v.as_array()?
        .iter()
        .map(|p| Some((p.get("x")?.as_f64()?, p.get("y")?.as_f64()?)))
        .collect()
}

/// `None` when the stage stored no ROC curve (a regression, more than two classes, or an
/// evaluation from before curves were stored).
pub fn render(stage: &str, metrics: &Json) -> Option<String> {
    let pts = points(&metrics["curves"]["roc"])?;
    let area = Area::new(420.0, 380.0, (0.0, 1.0), (0.0, 1.0));
    let mut s = svg::open(
        &format!("roc-{}", svg::id_part(stage)),
        "roc",
        area.width,
        area.height,
        &format!("ROC curve: {stage}"),
    );
    s.push_str(&area.axes("False positive rate", "True positive rate"));
    s.push_str(&area.line(
        &[(0.0, 0.0), (1.0, 1.0)],
        svg::GREY,
        r#"stroke-dasharray="5 4" class="baseline""#,
    ));
    s.push_str(&area.line(&pts, svg::BLUE, r#"class="curve""#));
    let auc = metrics["scores"]["roc_auc"]
        .as_f64()
        .map(|a| format!(" (AUC {a:.3})"))
        .unwrap_or_default();
    s.push_str(&svg::legend(
        area.sx(0.42),
        area.sy(0.22),
        &[
            Key {
                colour: svg::BLUE,
                label: format!("model{auc}"),
                dashed: false,
            },
            Key {
                colour: svg::GREY,
                label: "random".into(),
                dashed: true,
            },
        ],
    ));
    s.push_str("</svg>");
    Some(s)
}
