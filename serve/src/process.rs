//! Process CPU time and resident memory, read from /proc (Linux; absent elsewhere).

pub struct Stats {
    pub cpu_seconds: Option<f64>,
    pub resident_bytes: Option<u64>,
}

pub fn stats() -> Stats {
    Stats {
        cpu_seconds: cpu_seconds(),
        resident_bytes: resident_bytes(),
    }
}

/// Clock ticks per second: 100 on every Linux architecture aimass builds for (the kernel's
/// USER_HZ, which /proc reports in).
const TICKS: f64 = 100.0;

fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split(' ').collect();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / TICKS)
}

fn resident_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split(' ').nth(1)?.parse().ok()?;
    // 4 KiB pages, the page size of the Linux targets aimass is built for.
    Some(pages * 4096)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    #[test]
    #[cfg(target_os = "linux")]
    fn proc_is_read() {
        let s = super::stats();
        assert!(s.resident_bytes.unwrap() > 0);
        assert!(s.cpu_seconds.unwrap() >= 0.0);
    }
}
