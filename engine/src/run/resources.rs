//! CPU time and peak memory, read from /proc (Linux); zero where unavailable.
//!
//! Both are process-wide: a stage's CPU time is the process's CPU time spent while it ran,
//! which includes its own parallel work but also that of stages running at the same time;
//! peak memory is the process's high-water mark when the stage ended. Both are exact for a
//! stage that ran alone (e.g. `--jobs 1`, or the only ready stage).

use std::cell::RefCell;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::time::Duration;

thread_local! {
    // Kept open per thread: re-reading an open /proc file is a seek and a read, where
    // opening it each time would dominate the bookkeeping of a small stage.
    static STAT: RefCell<Option<File>> = const { RefCell::new(None) };
    static STATUS: RefCell<Option<File>> = const { RefCell::new(None) };
}

/// The current text of a /proc file, through a handle kept open by this thread.
fn read_proc(
    cell: &'static std::thread::LocalKey<RefCell<Option<File>>>,
    path: &str,
) -> Option<String> {
    cell.with(|c| {
        let mut slot = c.borrow_mut();
        if slot.is_none() {
            *slot = File::open(path).ok();
        }
        let f = slot.as_mut()?;
        f.seek(SeekFrom::Start(0)).ok()?;
        let mut text = String::new();
        f.read_to_string(&mut text).ok()?;
        Some(text)
    })
}

/// User + system CPU time of the whole process so far.
pub fn process_cpu_time() -> Duration {
    let Some(stat) = read_proc(&STAT, "/proc/self/stat") else {
        return Duration::ZERO;
    };
    // Fields after the command name (which may contain spaces) start after the last ')'.
    let Some(rest) = stat.rfind(')').map(|i| &stat[i + 1..]) else {
        return Duration::ZERO;
    };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the full line, 12 and 13 here (0-based 11, 12).
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // Linux reports these in USER_HZ, which is 100 on every mainstream architecture.
    Duration::from_millis((ticks(11) + ticks(12)) * 10)
}

/// The process's peak resident set size in bytes (VmHWM).
pub fn peak_rss_bytes() -> u64 {
    let Some(status) = read_proc(&STATUS, "/proc/self/status") else {
        return 0;
    };
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<u64>().ok())
        .map(|kb| kb * 1024)
        .unwrap_or(0)
}
