//! The run's timeline, Gantt-style: one row per stage in start order, a bar from its start
//! to its end, so stages that ran in parallel overlap in time. A stage found in the cache
//! took no time: it is a hollow diamond at the moment it was looked up.

use std::fmt::Write;

use aimass_engine::run::StageRecord;

use super::svg::{self, esc, Area, Key};

const ROW: f64 = 24.0;
const LABELS: f64 = 170.0;

fn colour(status: &str) -> &'static str {
    match status {
        "done" => svg::BLUE,
        "failed" => svg::RED,
        "cached" => svg::GREEN,
        _ => svg::GREY,
    }
}

/// Stages in the order they started (name on ties, for a stable picture).
pub fn ordered(stages: &[StageRecord]) -> Vec<&StageRecord> {
    let mut sorted: Vec<&StageRecord> = stages.iter().collect();
    sorted.sort_by(|a, b| a.start_ms.total_cmp(&b.start_ms).then(a.name.cmp(&b.name)));
    sorted
}

/// Milliseconds as `820 ms` or `3.41 s`.
pub fn duration(ms: f64) -> String {
    if ms < 1000.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{:.2} s", ms / 1000.0)
    }
}

pub fn render(stages: &[StageRecord], run_wall_ms: f64) -> String {
    let sorted = ordered(stages);
    let end_ms = sorted
        .iter()
        .map(|s| s.end_ms)
        .fold(run_wall_ms, f64::max)
        .max(1.0);
    let width = 960.0;
    let height = 90.0 + ROW * sorted.len() as f64 + 40.0;
    let mut area = Area::new(width, height, (0.0, end_ms / 1000.0), (0.0, 1.0));
    area.left = LABELS;
    area.right = 110.0;
    area.top = 70.0;
    area.bottom = 50.0;
    let mut s = svg::open(
        "timeline",
        "timeline",
        width,
        height,
        &format!(
            "Stage timeline ({} stages, {} wall)",
            stages.len(),
            duration(run_wall_ms)
        ),
    );
    s.push_str(&x_axis(&area));
    for (i, st) in sorted.iter().enumerate() {
        let y = area.top + 6.0 + ROW * i as f64;
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{:.1}" class="label" text-anchor="end">{} <tspan class="muted">{}</tspan></text>"#,
            LABELS - 8.0,
            y + ROW * 0.55,
            esc(&st.name),
            esc(&st.kind)
        );
        let tip = format!(
            "{} ({}): {}, wall {}, CPU {}, peak memory {}",
            st.name,
            st.kind,
            st.status,
            duration(st.wall_ms),
            duration(st.cpu_ms),
            super::html::bytes(st.peak_rss_bytes)
        );
        let x0 = area.sx(st.start_ms / 1000.0);
        let mid = y + ROW * 0.4;
        if st.cached || st.end_ms <= st.start_ms {
            let _ = write!(
                s,
                r#"<g class="bar {}"><title>{}</title><path d="M{x0:.1},{:.1} l6,6 l-6,6 l-6,-6 z" fill="white" stroke="{}" stroke-width="2"/><text x="{:.1}" y="{:.1}" class="note">{}</text></g>"#,
                esc(st.status.word()),
                esc(&tip),
                mid - 6.0,
                colour(st.status.word()),
                x0 + 10.0,
                mid + 4.0,
                esc(st.status.word())
            );
        } else {
            let x1 = area.sx(st.end_ms / 1000.0).max(x0 + 2.0);
            let _ = write!(
                s,
                r#"<g class="bar {}"><title>{}</title><rect x="{x0:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{}" rx="2"/><text x="{:.1}" y="{:.1}" class="note">{}</text></g>"#,
                esc(st.status.word()),
                esc(&tip),
                y,
                x1 - x0,
                ROW * 0.8,
                colour(st.status.word()),
                x1 + 5.0,
                mid + 4.0,
                duration(st.wall_ms)
            );
        }
    }
    let keys = [
        Key {
            colour: svg::BLUE,
            label: "ran".into(),
            dashed: false,
        },
        Key {
            colour: svg::GREEN,
            label: "cached".into(),
            dashed: false,
        },
        Key {
            colour: svg::RED,
            label: "failed".into(),
            dashed: false,
        },
        Key {
            colour: svg::GREY,
            label: "skipped".into(),
            dashed: false,
        },
    ];
    s.push_str(&svg::legend(width - 100.0, 30.0, &keys));
    s.push_str("</svg>");
    s
}

/// The time axis (seconds since the run started) with vertical grid lines.
fn x_axis(area: &Area) -> String {
    let mut s = String::new();
    let bottom = area.height - area.bottom;
    for t in svg::ticks(area.x.0, area.x.1, 8) {
        let px = area.sx(t);
        let _ = write!(
            s,
            r#"<line x1="{px:.1}" y1="{:.1}" x2="{px:.1}" y2="{bottom:.1}" class="grid"/><text x="{px:.1}" y="{:.1}" class="tick" text-anchor="middle">{}</text>"#,
            area.top,
            bottom + 16.0,
            svg::tick_label(t)
        );
    }
    let _ = write!(
        s,
        r#"<text x="{:.1}" y="{:.1}" class="axis-title" text-anchor="middle">seconds since the run started</text>"#,
        (area.x0() + area.x1()) / 2.0,
        area.height - 12.0
    );
    s
}
