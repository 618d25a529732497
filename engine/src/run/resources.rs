//! CPU time and peak memory, read from /proc (Linux); zero where unavailable.
//!
//! Both are process-wide: a stage's CPU time is the process's CPU time spent while it ran,
//! which includes its own parallel work but also that of stages running at the same time;
//! peak memory is the process's high-water mark when the stage ended. Both are exact for a
//! stage that ran alone (e.g. `--jobs 1`, or the only ready stage).

use std::time::Duration;

/// User + system CPU time of the whole process so far.
pub fn process_cpu_time() -> Duration {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
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
    let Ok(status) = std::fs::read_to_string("/proc/self/status") else {
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
