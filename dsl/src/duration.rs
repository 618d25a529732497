//! Durations as written in a pipeline or on the command line: `500ms`, `30s`, `15m`, `12h`,
//! `7d`. A whole number and a unit, kept as written so that `aimass fmt` prints them back
//! unchanged; [`Duration::millis`] is the value.

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Unit {
    Millis,
    Seconds,
    Minutes,
    Hours,
    Days,
}

impl Unit {
    pub fn parse(text: &str) -> Option<Unit> {
        Some(match text {
            "ms" => Unit::Millis,
            "s" => Unit::Seconds,
            "m" => Unit::Minutes,
            "h" => Unit::Hours,
            "d" => Unit::Days,
            _ => return None,
        })
    }

    pub fn suffix(self) -> &'static str {
        match self {
            Unit::Millis => "ms",
            Unit::Seconds => "s",
            Unit::Minutes => "m",
            Unit::Hours => "h",
            Unit::Days => "d",
        }
    }

    fn millis(self) -> u64 {
        match self {
            Unit::Millis => 1,
            Unit::Seconds => 1000,
            Unit::Minutes => 60_000,
            Unit::Hours => 3_600_000,
            Unit::Days => 86_400_000,
        }
    }
}

/// `amount` `unit`, e.g. 30 seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Duration {
    pub amount: u64,
    pub unit: Unit,
}

/// What a malformed duration is told.
pub const EXPECTED: &str = "a duration like 500ms, 30s, 15m, 12h or 7d";

impl Duration {
    pub fn millis(self) -> u64 {
        self.amount.saturating_mul(self.unit.millis())
    }

    pub fn to_std(self) -> std::time::Duration {
        std::time::Duration::from_millis(self.millis())
    }

    /// The largest unit that writes `ms` exactly: 90000 -> `90s`, 3600000 -> `1h`.
    pub fn from_millis(ms: u64) -> Duration {
        let unit = [Unit::Days, Unit::Hours, Unit::Minutes, Unit::Seconds]
            .into_iter()
            .find(|u| ms > 0 && ms.is_multiple_of(u.millis()))
            .unwrap_or(Unit::Millis);
        Duration {
            amount: ms / unit.millis(),
            unit,
        }
    }

    /// `30s`; with `bare_seconds`, a unitless number is seconds (the command line's habit).
    pub fn parse(text: &str, bare_seconds: bool) -> Result<Duration, String> {
        let text = text.trim();
        let split = text
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(text.len());
        let (num, unit) = text.split_at(split);
        if num.is_empty() {
            return Err(format!("`{text}` is not {EXPECTED}"));
        }
        // All digits, so the only way to fail is a number beyond u64.
        let amount: u64 = num
            .parse()
            .map_err(|_| format!("`{text}` is too large for a duration"))?;
        let unit = match unit {
            "" if bare_seconds => Unit::Seconds,
            "" => return Err(format!("`{text}` has no unit: write {EXPECTED}")),
            u => Unit::parse(u)
                .ok_or_else(|| format!("unknown unit `{u}` in `{text}`: use ms, s, m, h or d"))?,
        };
        Ok(Duration { amount, unit })
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.amount, self.unit.suffix())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn parses_units_and_keeps_them() {
        let d = Duration::parse("15m", false).unwrap();
        assert_eq!(d.millis(), 900_000);
        assert_eq!(d.to_string(), "15m");
        assert_eq!(Duration::parse("500ms", false).unwrap().millis(), 500);
        assert_eq!(
            Duration::parse("7d", false).unwrap().millis(),
            7 * 86_400_000
        );
        assert_eq!(Duration::parse("30", true).unwrap().millis(), 30_000);
    }

    #[test]
    fn refuses_what_is_not_a_duration() {
        assert!(Duration::parse("30", false)
            .unwrap_err()
            .contains("no unit"));
        assert!(Duration::parse("3w", false)
            .unwrap_err()
            .contains("unknown unit `w`"));
        assert!(Duration::parse("soon", true).is_err());
        assert!(Duration::parse("-5s", true).is_err());
        assert!(Duration::parse("1.5h", true).is_err());
        assert!(Duration::parse("99999999999999999999999d", true)
            .unwrap_err()
            .contains("too large"));
        // The largest amount saturates to the largest duration rather than wrapping.
        let most = Duration::parse("18446744073709551615d", true).unwrap();
        assert_eq!(most.millis(), u64::MAX);
    }

    #[test]
    fn from_millis_picks_the_largest_exact_unit() {
        assert_eq!(Duration::from_millis(90_000).to_string(), "90s");
        assert_eq!(Duration::from_millis(3_600_000).to_string(), "1h");
        assert_eq!(Duration::from_millis(1500).to_string(), "1500ms");
        assert_eq!(Duration::from_millis(0).to_string(), "0ms");
    }
}
