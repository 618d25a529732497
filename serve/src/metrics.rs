//! `/metrics`: counters kept in atomics (no lock on the request path) and rendered in the
//! Prometheus text format at scrape time.
//!
//! | metric | type | what |
//! |---|---|---|
//! | `aimass_requests_total{endpoint,code}` | counter | requests by endpoint and status |
//! | `aimass_request_errors_total{endpoint,code}` | counter | the 4xx and 5xx among them |
//! | `aimass_bad_requests_total{reason}` | counter | refused input by kind |
//! | `aimass_request_duration_seconds{endpoint}` | histogram | latency of /predict and OIP infer |
//! | `aimass_rows_scored_total` | counter | records scored |
//! | `aimass_predicted_probability` | histogram | the positive (or top) class's probability |
//! | `aimass_model_info{name,version,algorithm}` | gauge | 1 for the model being served |
//! | `aimass_reloads_total{result}` | counter | reloads that succeeded or failed |
//! | `aimass_reload_failed` | gauge | 1 while the latest deployed version failed to load |
//! | `aimass_feature_psi{feature}` | gauge | live PSI of the records since the model loaded |
//! | `aimass_feature_missing_rate{feature,window}` | gauge | missing share, training vs live |
//! | `aimass_drift_rows` | gauge | records counted into the live PSI |
//! | `aimass_drift_available` | gauge | 0 for a bundle without a training profile |
//! | `process_cpu_seconds_total`, `process_resident_memory_bytes` | | from /proc |

use std::fmt::Write;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use aimass_stdlib::drift::{FeatureDrift, Thresholds};

use crate::api_error::Reason;
use crate::loaded::Loaded;

pub const ENDPOINTS: [&str; 9] = [
    "predict", "infer", "health", "ready", "model", "schema", "metrics", "oip", "other",
];
const CODES: [u16; 10] = [200, 400, 404, 405, 413, 415, 422, 500, 503, 0];
/// Latency buckets, seconds.
const LATENCY: [f64; 12] = [
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0,
];
const PROBA: [f64; 10] = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0];

pub struct Histogram {
    bounds: &'static [f64],
    /// Per bucket (not cumulative); the last is +Inf.
    counts: Vec<AtomicU64>,
    /// Sum in millionths.
    sum_micro: AtomicU64,
}

impl Histogram {
    fn new(bounds: &'static [f64]) -> Self {
        Histogram {
            bounds,
            counts: (0..=bounds.len()).map(|_| AtomicU64::new(0)).collect(),
            sum_micro: AtomicU64::new(0),
        }
    }

    pub fn observe(&self, x: f64) {
        let i = self.bounds.partition_point(|b| *b < x);
        self.counts[i].fetch_add(1, Ordering::Relaxed);
        self.sum_micro
            .fetch_add((x.max(0.0) * 1e6).round() as u64, Ordering::Relaxed);
    }

    fn render(&self, out: &mut String, name: &str, labels: &str) {
        let mut cumulative = 0;
        let sep = if labels.is_empty() { "" } else { "," };
        for (i, c) in self.counts.iter().enumerate() {
            cumulative += c.load(Ordering::Relaxed);
            let le = self
                .bounds
                .get(i)
                .map_or("+Inf".to_string(), |b| b.to_string());
            let _ = writeln!(
                out,
                "{name}_bucket{{{labels}{sep}le=\"{le}\"}} {cumulative}"
            );
        }
        let braces = if labels.is_empty() {
            String::new()
        } else {
            format!("{{{labels}}}")
        };
        let sum = self.sum_micro.load(Ordering::Relaxed) as f64 / 1e6;
        let _ = writeln!(out, "{name}_sum{braces} {sum}");
        let _ = writeln!(out, "{name}_count{braces} {cumulative}");
    }
}

pub struct Metrics {
    requests: Vec<Vec<AtomicU64>>,
    bad: Vec<AtomicU64>,
    latency: Vec<Histogram>,
    rows: AtomicU64,
    proba: Histogram,
    reloads_ok: AtomicU64,
    reloads_failed: AtomicU64,
    reload_failed: AtomicBool,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics {
            requests: ENDPOINTS
                .iter()
                .map(|_| CODES.iter().map(|_| AtomicU64::new(0)).collect())
                .collect(),
            bad: Reason::ALL.iter().map(|_| AtomicU64::new(0)).collect(),
            latency: (0..2).map(|_| Histogram::new(&LATENCY)).collect(),
            rows: AtomicU64::new(0),
            proba: Histogram::new(&PROBA),
            reloads_ok: AtomicU64::new(0),
            reloads_failed: AtomicU64::new(0),
            reload_failed: AtomicBool::new(false),
        }
    }
}

/// The endpoint label of a path.
pub fn endpoint_of(path: &str) -> usize {
    let name = match path {
        "/predict" => "predict",
        "/health" => "health",
        "/ready" => "ready",
        "/model" => "model",
        "/schema" => "schema",
        "/metrics" => "metrics",
        p if p.starts_with("/v2/models/") && p.ends_with("/infer") => "infer",
        p if p == "/v2" || p.starts_with("/v2/") => "oip",
        _ => "other",
    };
    ENDPOINTS
        .iter()
        .position(|e| *e == name)
        .unwrap_or(ENDPOINTS.len() - 1)
}

impl Metrics {
    pub fn request(&self, endpoint: usize, status: u16, reason: Option<Reason>, took: Duration) {
        let code = CODES
            .iter()
            .position(|c| *c == status)
            .unwrap_or(CODES.len() - 1);
        self.requests[endpoint][code].fetch_add(1, Ordering::Relaxed);
        if let Some(r) = reason {
            if let Some(i) = Reason::ALL.iter().position(|x| *x == r) {
                self.bad[i].fetch_add(1, Ordering::Relaxed);
            }
        }
        if endpoint < 2 {
            self.latency[endpoint].observe(took.as_secs_f64());
        }
    }

    pub fn scored(&self, rows: usize, probabilities: impl Iterator<Item = f64>) {
        self.rows.fetch_add(rows as u64, Ordering::Relaxed);
        for p in probabilities {
            self.proba.observe(p);
        }
    }

    pub fn reload(&self, ok: bool) {
        if ok {
            self.reloads_ok.fetch_add(1, Ordering::Relaxed);
        } else {
            self.reloads_failed.fetch_add(1, Ordering::Relaxed);
        }
        self.reload_failed.store(!ok, Ordering::Relaxed);
    }

    /// The exposition text.
    pub fn render(&self, model: &Loaded) -> String {
        let mut out = String::new();
        let head = |out: &mut String, name: &str, kind: &str, help: &str| {
            let _ = writeln!(out, "# HELP {name} {help}");
            let _ = writeln!(out, "# TYPE {name} {kind}");
        };
        head(
            &mut out,
            "aimass_requests_total",
            "counter",
            "HTTP requests by endpoint and status code.",
        );
        let code_label = |c: u16| {
            if c == 0 {
                "other".to_string()
            } else {
                c.to_string()
            }
        };
        for (e, row) in self.requests.iter().enumerate() {
            for (c, n) in row.iter().enumerate() {
                let n = n.load(Ordering::Relaxed);
                if n > 0 {
                    let _ = writeln!(
                        out,
                        "aimass_requests_total{{endpoint=\"{}\",code=\"{}\"}} {n}",
                        ENDPOINTS[e],
                        code_label(CODES[c])
                    );
                }
            }
        }
        head(
            &mut out,
            "aimass_request_errors_total",
            "counter",
            "HTTP requests answered with a 4xx or 5xx status.",
        );
        for (e, row) in self.requests.iter().enumerate() {
            for (c, n) in row.iter().enumerate() {
                let n = n.load(Ordering::Relaxed);
                if n > 0 && (CODES[c] >= 400 || CODES[c] == 0) {
                    let _ = writeln!(
                        out,
                        "aimass_request_errors_total{{endpoint=\"{}\",code=\"{}\"}} {n}",
                        ENDPOINTS[e],
                        code_label(CODES[c])
                    );
                }
            }
        }
        head(
            &mut out,
            "aimass_bad_requests_total",
            "counter",
            "Requests refused for their input, by reason.",
        );
        for (r, n) in Reason::ALL.iter().zip(&self.bad) {
            let _ = writeln!(
                out,
                "aimass_bad_requests_total{{reason=\"{}\"}} {}",
                r.word(),
                n.load(Ordering::Relaxed)
            );
        }
        head(
            &mut out,
            "aimass_request_duration_seconds",
            "histogram",
            "Time to answer a scoring request.",
        );
        for (e, h) in self.latency.iter().enumerate() {
            h.render(
                &mut out,
                "aimass_request_duration_seconds",
                &format!("endpoint=\"{}\"", ENDPOINTS[e]),
            );
        }
        head(
            &mut out,
            "aimass_rows_scored_total",
            "counter",
            "Records scored.",
        );
        let _ = writeln!(
            out,
            "aimass_rows_scored_total {}",
            self.rows.load(Ordering::Relaxed)
        );
        head(
            &mut out,
            "aimass_predicted_probability",
            "histogram",
            "Probability of the positive class (the most probable class for more than two).",
        );
        self.proba
            .render(&mut out, "aimass_predicted_probability", "");
        head(
            &mut out,
            "aimass_model_info",
            "gauge",
            "The model being served.",
        );
        let _ = writeln!(
            out,
            "aimass_model_info{{name=\"{}\",version=\"{}\",algorithm=\"{}\"}} 1",
            escape(model.name()),
            escape(model.version()),
            escape(&model.bundle.manifest.algorithm)
        );
        head(
            &mut out,
            "aimass_reloads_total",
            "counter",
            "Reloads of a newly deployed version, by result.",
        );
        let _ = writeln!(
            out,
            "aimass_reloads_total{{result=\"ok\"}} {}",
            self.reloads_ok.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            out,
            "aimass_reloads_total{{result=\"failed\"}} {}",
            self.reloads_failed.load(Ordering::Relaxed)
        );
        head(
            &mut out,
            "aimass_reload_failed",
            "gauge",
            "1 while the latest deployed version failed to load (the previous one is served).",
        );
        let _ = writeln!(
            out,
            "aimass_reload_failed {}",
            u8::from(self.reload_failed.load(Ordering::Relaxed))
        );
        render_drift(&mut out, model);
        render_process(&mut out);
        out
    }
}

fn render_drift(out: &mut String, model: &Loaded) {
    let head = |out: &mut String, name: &str, help: &str| {
        let _ = writeln!(out, "# HELP {name} {help}");
        let _ = writeln!(out, "# TYPE {name} gauge");
    };
    head(
        out,
        "aimass_drift_available",
        "1 when the bundle has a training profile to measure drift against.",
    );
    let _ = writeln!(
        out,
        "aimass_drift_available {}",
        u8::from(model.profile.is_some())
    );
    let drift: Vec<(FeatureDrift, u64)> = model
        .drift
        .iter()
        .map(|f| {
            let counts = f.snapshot();
            (
                FeatureDrift::of_counts(&f.profile, &counts, Thresholds::default()),
                counts.rows,
            )
        })
        .collect();
    head(
        out,
        "aimass_drift_rows",
        "Records counted into the live drift since the model was loaded.",
    );
    let _ = writeln!(
        out,
        "aimass_drift_rows {}",
        drift.first().map_or(0, |d| d.1)
    );
    head(out, "aimass_feature_psi", "Population stability index of the records since the model was loaded, against the training rows.");
    for (d, _) in &drift {
        if let Some(p) = d.psi {
            let _ = writeln!(
                out,
                "aimass_feature_psi{{feature=\"{}\"}} {p}",
                escape(&d.feature)
            );
        }
    }
    head(
        out,
        "aimass_feature_missing_rate",
        "Share of missing values: in training and in the records since the model was loaded.",
    );
    for (d, rows) in &drift {
        let f = escape(&d.feature);
        let _ = writeln!(
            out,
            "aimass_feature_missing_rate{{feature=\"{f}\",window=\"training\"}} {}",
            d.missing_train
        );
        if *rows > 0 {
            let _ = writeln!(
                out,
                "aimass_feature_missing_rate{{feature=\"{f}\",window=\"live\"}} {}",
                d.missing_now
            );
        }
    }
}

fn render_process(out: &mut String) {
    let p = crate::process::stats();
    if let Some(cpu) = p.cpu_seconds {
        let _ = writeln!(
            out,
            "# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds."
        );
        let _ = writeln!(out, "# TYPE process_cpu_seconds_total counter");
        let _ = writeln!(out, "process_cpu_seconds_total {cpu}");
    }
    if let Some(rss) = p.resident_bytes {
        let _ = writeln!(
            out,
            "# HELP process_resident_memory_bytes Resident memory size in bytes."
        );
        let _ = writeln!(out, "# TYPE process_resident_memory_bytes gauge");
        let _ = writeln!(out, "process_resident_memory_bytes {rss}");
    }
}

/// A label value: backslash, quote and newline escaped, as the text format requires.
fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histograms_are_cumulative() {
        let h = Histogram::new(&PROBA);
        h.observe(0.05);
        h.observe(0.55);
        h.observe(0.95);
        let mut out = String::new();
        h.render(&mut out, "p", "");
        assert!(out.contains("p_bucket{le=\"0.1\"} 1\n"), "{out}");
        assert!(out.contains("p_bucket{le=\"0.6\"} 2\n"), "{out}");
        assert!(out.contains("p_bucket{le=\"+Inf\"} 3\n"), "{out}");
        assert!(out.contains("p_sum 1.55\n"), "{out}");
        assert!(out.contains("p_count 3\n"), "{out}");
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
