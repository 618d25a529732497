//! Durations written on the command line: `500ms`, `30s`, `15m`, `12h`, `7d`; a bare number
//! is seconds. The same literal as a pipeline's `budget = 30s` ([`aimass_dsl::duration`]).

use std::time::Duration;

pub fn parse(text: &str) -> Result<Duration, String> {
    aimass_dsl::duration::Duration::parse(text, true).map(|d| d.to_std())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bare_number_is_seconds() {
        assert_eq!(parse("30"), Ok(Duration::from_secs(30)));
        assert_eq!(parse("15m"), Ok(Duration::from_secs(900)));
        assert!(parse("3w").unwrap_err().contains("unknown unit `w`"));
    }
}
