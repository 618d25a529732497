//! Showing a run as it happens: a live bar on a terminal, one plain line per stage event
//! otherwise (CI logs), nothing with `--quiet` or `--format json`.

use std::collections::BTreeSet;
use std::io::IsTerminal;
use std::time::Duration;

use aimass_engine::run::{Event, EventSink, StageStatus};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub enum Progress {
    Quiet,
    Plain,
    Live {
        bar: ProgressBar,
        running: BTreeSet<String>,
        queued: BTreeSet<String>,
    },
}

impl Progress {
    pub fn new(quiet: bool) -> Self {
        if quiet {
            return Progress::Quiet;
        }
        if !std::io::stderr().is_terminal() {
            return Progress::Plain;
        }
        let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
        let style = ProgressStyle::with_template("{spinner} [{pos}/{len}] {elapsed:>4} {wide_msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner());
        bar.set_style(style);
        bar.enable_steady_tick(Duration::from_millis(120));
        Progress::Live {
            bar,
            running: BTreeSet::new(),
            queued: BTreeSet::new(),
        }
    }

    pub fn finish(&self) {
        if let Progress::Live { bar, .. } = self {
            bar.finish_and_clear();
        }
    }
}

fn line(e: &Event<'_>) -> String {
    let time = match e.status {
        StageStatus::Done | StageStatus::Failed if !e.elapsed.is_zero() => {
            format!(" in {}", seconds(e.elapsed))
        }
        _ => String::new(),
    };
    format!("{:>8}  {} ({}){}", e.status.word(), e.stage, e.kind, time)
}

pub fn seconds(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s < 1.0 {
        format!("{:.0} ms", s * 1000.0)
    } else {
        format!("{s:.2} s")
    }
}

impl EventSink for Progress {
    fn event(&mut self, e: Event<'_>) {
        match self {
            Progress::Quiet => {}
            Progress::Plain => eprintln!("{}", line(&e)),
            Progress::Live {
                bar,
                running,
                queued,
            } => {
                bar.set_length(e.total as u64);
                match e.status {
                    StageStatus::Queued => {
                        queued.insert(e.stage.to_string());
                    }
                    StageStatus::Running => {
                        queued.remove(e.stage);
                        running.insert(e.stage.to_string());
                    }
                    _ => {
                        queued.remove(e.stage);
                        running.remove(e.stage);
                        bar.inc(1);
                        bar.println(line(&e));
                    }
                }
                let list = |set: &BTreeSet<String>| {
                    set.iter()
                        .map(String::as_str)
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                let mut parts = Vec::new();
                if !running.is_empty() {
                    parts.push(format!("running: {}", list(running)));
                }
                if !queued.is_empty() {
                    parts.push(format!("queued: {}", list(queued)));
                }
                bar.set_message(parts.join("; "));
            }
        }
    }

    fn interrupted(&mut self, running: usize) {
        let text = if running == 0 {
            "interrupted: stopping".to_string()
        } else {
            format!(
                "interrupted: letting {running} running stage{} finish, so {} cached; press Ctrl-C again to abandon {}",
                if running == 1 { "" } else { "s" },
                if running == 1 { "its result is" } else { "their results are" },
                if running == 1 { "it" } else { "them" },
            )
        };
        // Said even with --quiet: whoever sent the signal should see it was taken.
        match self {
            Progress::Quiet | Progress::Plain => eprintln!("{text}"),
            Progress::Live { bar, .. } => bar.println(text),
        }
    }
}
