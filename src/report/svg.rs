//! The few SVG pieces every plot is made of: escaping, "nice" axis ticks, a plot area with
//! axes, grid and labels, and a legend. Written by hand rather than with a plotting crate:
//! the report needs lines, bars and text, and a crate would add compile time for little.

use std::fmt::Write;

/// Colours shared by the plots (colour-blind safe, Tableau 10).
pub const BLUE: &str = "#4e79a7";
pub const ORANGE: &str = "#f28e2b";
pub const RED: &str = "#e15759";
pub const GREEN: &str = "#59a14f";
pub const GREY: &str = "#9c9c9c";

/// Text safe inside HTML and SVG, elements and attributes alike.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A string usable in an id: letters, digits, `-` and `_`; anything else becomes `_`.
pub fn id_part(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// About `target` round tick values covering `[lo, hi]` (steps of 1, 2 or 5 times a power
/// of ten).
pub fn ticks(lo: f64, hi: f64, target: usize) -> Vec<f64> {
    if !(lo.is_finite() && hi.is_finite()) || hi <= lo {
        return vec![lo];
    }
    let raw = (hi - lo) / target.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    let first = (lo / step).ceil() as i64;
    let last = (hi / step + 1e-9).floor() as i64;
    (first..=last).map(|i| i as f64 * step).collect()
}

/// A tick label without float noise: `0.3`, not `0.30000000000000004`.
pub fn tick_label(v: f64) -> String {
    let r = (v * 1e6).round() / 1e6;
    if r == r.trunc() && r.abs() < 1e15 {
        format!("{}", r as i64)
    } else {
        format!("{r}")
    }
}

/// A plot's drawing area inside an SVG of `width` x `height`, with margins for axis labels,
/// and the data ranges mapped onto it.
pub struct Area {
    pub width: f64,
    pub height: f64,
    pub left: f64,
    pub right: f64,
    pub top: f64,
    pub bottom: f64,
    pub x: (f64, f64),
    pub y: (f64, f64),
}

impl Area {
    pub fn new(width: f64, height: f64, x: (f64, f64), y: (f64, f64)) -> Self {
        Self {
            width,
            height,
            left: 60.0,
            right: 20.0,
            top: 40.0,
            bottom: 50.0,
            x,
            y,
        }
    }

    pub fn x0(&self) -> f64 {
        self.left
    }
    pub fn x1(&self) -> f64 {
        self.width - self.right
    }
    pub fn y0(&self) -> f64 {
        self.height - self.bottom
    }
    pub fn y1(&self) -> f64 {
        self.top
    }

    /// Data x to pixels.
    pub fn sx(&self, v: f64) -> f64 {
        let span = (self.x.1 - self.x.0).max(f64::MIN_POSITIVE);
        self.x0() + (v - self.x.0) / span * (self.x1() - self.x0())
    }

    /// Data y to pixels (up is larger).
    pub fn sy(&self, v: f64) -> f64 {
        let span = (self.y.1 - self.y.0).max(f64::MIN_POSITIVE);
        self.y0() - (v - self.y.0) / span * (self.y0() - self.y1())
    }

    /// Grid lines, tick labels and the axis titles.
    pub fn axes(&self, x_title: &str, y_title: &str) -> String {
        let mut s = String::new();
        for t in ticks(self.x.0, self.x.1, 6) {
            let px = self.sx(t);
            let _ = write!(
                s,
                r#"<line x1="{px:.1}" y1="{:.1}" x2="{px:.1}" y2="{:.1}" class="grid"/><text x="{px:.1}" y="{:.1}" class="tick" text-anchor="middle">{}</text>"#,
                self.y0(),
                self.y1(),
                self.y0() + 16.0,
                tick_label(t)
            );
        }
        for t in ticks(self.y.0, self.y.1, 5) {
            let py = self.sy(t);
            let _ = write!(
                s,
                r#"<line x1="{:.1}" y1="{py:.1}" x2="{:.1}" y2="{py:.1}" class="grid"/><text x="{:.1}" y="{:.1}" class="tick" text-anchor="end">{}</text>"#,
                self.x0(),
                self.x1(),
                self.x0() - 6.0,
                py + 4.0,
                tick_label(t)
            );
        }
        let _ = write!(
            s,
            r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" class="frame"/>"#,
            self.x0(),
            self.y1(),
            self.x1() - self.x0(),
            self.y0() - self.y1()
        );
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{:.1}" class="axis-title" text-anchor="middle">{}</text>"#,
            (self.x0() + self.x1()) / 2.0,
            self.height - 12.0,
            esc(x_title)
        );
        let (cx, cy) = (16.0, (self.y0() + self.y1()) / 2.0);
        let _ = write!(
            s,
            r#"<text x="{cx}" y="{cy:.1}" class="axis-title" text-anchor="middle" transform="rotate(-90 {cx} {cy:.1})">{}</text>"#,
            esc(y_title)
        );
        s
    }

    /// A polyline through data points.
    pub fn line(&self, points: &[(f64, f64)], colour: &str, extra: &str) -> String {
        let d: Vec<String> = points
            .iter()
            .map(|&(x, y)| format!("{:.1},{:.1}", self.sx(x), self.sy(y)))
            .collect();
        format!(
            r#"<polyline points="{}" fill="none" stroke="{colour}" stroke-width="2" {extra}/>"#,
            d.join(" ")
        )
    }
}

/// Opens an `<svg>` with its id and classes (`plot` and `kind`), an accessible title, and
/// the visible title centred at the top.
pub fn open(id: &str, kind: &str, width: f64, height: f64, title: &str) -> String {
    format!(
        r#"<svg id="{}" class="plot {kind}" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img"><title>{}</title><text x="{:.1}" y="22" class="plot-title" text-anchor="middle">{}</text>"#,
        esc(id),
        esc(title),
        width / 2.0,
        esc(title)
    )
}

/// One legend entry: colour, label, and whether its line is dashed.
pub struct Key<'a> {
    pub colour: &'a str,
    pub label: String,
    pub dashed: bool,
}

/// A legend box with its top-left corner at (x, y).
pub fn legend(x: f64, y: f64, keys: &[Key<'_>]) -> String {
    let width = 30.0
        + keys
            .iter()
            .map(|k| k.label.chars().count() as f64 * 6.6)
            .fold(0.0, f64::max);
    let mut s = format!(
        r#"<g class="legend"><rect x="{x:.1}" y="{y:.1}" width="{width:.1}" height="{:.1}" class="legend-box"/>"#,
        8.0 + 18.0 * keys.len() as f64
    );
    for (i, k) in keys.iter().enumerate() {
        let ly = y + 15.0 + 18.0 * i as f64;
        let dash = if k.dashed {
            r#" stroke-dasharray="5 4""#
        } else {
            ""
        };
        let _ = write!(
            s,
            r#"<line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="{}" stroke-width="3"{dash}/><text x="{:.1}" y="{:.1}" class="legend-text">{}</text>"#,
            x + 6.0,
            ly - 4.0,
            x + 22.0,
            ly - 4.0,
            k.colour,
            x + 27.0,
            ly,
            esc(&k.label)
        );
    }
    s.push_str("</g>");
    s
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round() {
        let labels: Vec<String> = ticks(0.0, 1.0, 5).into_iter().map(tick_label).collect();
        assert_eq!(labels, ["0", "0.2", "0.4", "0.6", "0.8", "1"]);
        assert_eq!(ticks(0.0, 7.3, 6), vec![0.0, 2.0, 4.0, 6.0]);
        assert_eq!(tick_label(0.6000000000000001), "0.6");
        assert_eq!(tick_label(4.0), "4");
    }

    #[test]
    fn escaping() {
        assert_eq!(esc(r#"<a & "b">"#), "&lt;a &amp; &quot;b&quot;&gt;");
        assert_eq!(id_part("lift@10%"), "lift_10_");
    }
}
