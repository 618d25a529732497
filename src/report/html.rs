//! The page around the plots: the stylesheet, tables and small formatting helpers. Plain
//! HTML and CSS, no script and nothing fetched, so the file opens anywhere, offline.

use super::svg::esc;

const STYLE: &str = r#"
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 24px auto; max-width: 1000px; color: #222; background: #fff; }
h1 { font-size: 24px; margin-bottom: 4px; }
h2 { font-size: 19px; border-bottom: 1px solid #ddd; padding-bottom: 4px; margin-top: 36px; }
h3 { font-size: 16px; margin: 22px 0 6px; }
p.meta, .muted { color: #666; }
table { border-collapse: collapse; margin: 8px 0 16px; font-size: 13px; }
th, td { border-bottom: 1px solid #e4e4e4; padding: 4px 10px; text-align: left; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.met { color: #2e7d32; font-weight: 600; }
.unmet { color: #c62828; font-weight: 600; }
.plots { display: flex; flex-wrap: wrap; gap: 12px; }
svg.plot { background: #fff; border: 1px solid #eee; }
svg .plot-title { font-size: 14px; font-weight: 600; fill: #222; }
svg .axis-title { font-size: 12px; fill: #444; }
svg .tick, svg .note, svg .legend-text, svg .label { font-size: 11px; fill: #333; }
svg .muted { font-size: 11px; fill: #777; }
svg .grid { stroke: #ececec; stroke-width: 1; }
svg .frame { fill: none; stroke: #bbb; }
svg .legend-box { fill: #fff; fill-opacity: 0.9; stroke: #ccc; }
svg .cell { font-size: 14px; fill: #222; }
svg .cell-dark { font-size: 14px; fill: #fff; }
svg .small { font-size: 11px; }
"#;

pub fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n",
        esc(title)
    )
}

/// A cell: its text (escaped here) and whether it is a number (right-aligned), with an
/// optional class.
pub struct Cell {
    pub text: String,
    pub num: bool,
    pub class: Option<&'static str>,
}

pub fn text(s: impl Into<String>) -> Cell {
    Cell {
        text: s.into(),
        num: false,
        class: None,
    }
}

pub fn num(s: impl Into<String>) -> Cell {
    Cell {
        text: s.into(),
        num: true,
        class: None,
    }
}

pub fn classed(s: impl Into<String>, class: &'static str) -> Cell {
    Cell {
        text: s.into(),
        num: false,
        class: Some(class),
    }
}

pub fn table(class: &str, headers: &[(&str, bool)], rows: Vec<Vec<Cell>>) -> String {
    let mut s = format!("<table class=\"{}\"><thead><tr>", esc(class));
    for (h, numeric) in headers {
        let c = if *numeric { " class=\"num\"" } else { "" };
        s.push_str(&format!("<th{c}>{}</th>", esc(h)));
    }
    s.push_str("</tr></thead><tbody>");
    for row in rows {
        s.push_str("<tr>");
        for cell in row {
            let mut classes = Vec::new();
            if cell.num {
                classes.push("num");
            }
            if let Some(c) = cell.class {
                classes.push(c);
            }
            let attr = if classes.is_empty() {
                String::new()
            } else {
                format!(" class=\"{}\"", classes.join(" "))
            };
            s.push_str(&format!("<td{attr}>{}</td>", esc(&cell.text)));
        }
        s.push_str("</tr>");
    }
    s.push_str("</tbody></table>");
    s
}

/// `512 KiB`, `1.4 GiB`.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut unit = 0;
    while v >= 1024.0 && unit + 1 < UNITS.len() {
        v /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[unit])
    }
}

/// A score to four decimals, or `-`.
pub fn score(v: Option<f64>) -> String {
    v.map(|x| format!("{x:.4}")).unwrap_or_else(|| "-".into())
}

/// Seconds since the epoch as `2026-12-02 04:35:19 UTC` (the civil calendar, from days
/// since 1970-01-01 by Howard Hinnant's algorithm).
pub fn utc(epoch: u64) -> String {
    let days = (epoch / 86_400) as i64;
    let secs = epoch % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(utc(1_709_251_199), "2024-02-29 23:59:59 UTC");
        assert_eq!(bytes(512), "512 B");
        assert_eq!(bytes(3 * 1024 * 1024 / 2), "1.5 MiB");
    }
}
