//! Purchase dates as day numbers (days since 1970-01-01): ISO text, Arrow dates and
//! timestamps. Civil-date arithmetic after Howard Hinnant's `days_from_civil`.

use aimass_plugin_sdk::{Column, DataType, Error, Result, TimeUnit};

/// Days since 1970-01-01 of a proleptic Gregorian date.
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// `2026-12-01` (a longer text such as `2026-12-01 10:30` is read by its date).
pub fn parse(text: &str) -> Option<i64> {
    let t = text.trim();
    let date = t.get(..10)?;
    let mut parts = date.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    let (y, m, d): (i64, i64, i64) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    if y < 1 || !(1..=12).contains(&m) || d < 1 || d > days_in_month(y, m) {
        return None;
    }
    Some(days_from_civil(y, m, d))
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

pub fn format(days: i64) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Each row's day number; `None` for a missing date. Text that is not a date is an error
/// naming the row, not a silent gap.
pub fn days(col: &Column) -> Result<Vec<Option<i64>>> {
    let per_day = |unit: &TimeUnit| match unit {
        TimeUnit::Second => 86_400,
        TimeUnit::Millisecond => 86_400_000,
        TimeUnit::Microsecond => 86_400_000_000,
        TimeUnit::Nanosecond => 86_400_000_000_000,
    };
    match col.dtype() {
        DataType::Date32 => col.to_i64_vec(),
        DataType::Timestamp(unit, _) => {
            let d = per_day(unit);
            Ok(col
                .to_i64_vec()?
                .into_iter()
                .map(|v| v.map(|t| t.div_euclid(d)))
                .collect())
        }
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => col
            .strs()?
            .iter()
            .enumerate()
            .map(|(i, v)| match v {
                None => Ok(None),
                Some(t) if t.trim().is_empty() => Ok(None),
                Some(t) => parse(t).map(Some).ok_or_else(|| {
                    Error::new(format!("row {i}: `{t}` is not a date like 2026-12-01"))
                }),
            })
            .collect(),
        other => Err(Error::new(format!(
            "dates must be text (YYYY-MM-DD) or a date column, not {other}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_days() {
        assert_eq!(parse("1970-01-01"), Some(0));
        assert_eq!(parse("2000-03-01"), Some(11_017));
        assert_eq!(parse("2026-12-01 08:00"), Some(20_788));
        assert_eq!(format(20_788), "2026-12-01");
        assert_eq!(parse("2025-02-29"), None);
        assert_eq!(
            parse("2024-02-29").map(format).as_deref(),
            Some("2024-02-29")
        );
        assert_eq!(parse("12/01/2026"), None);
        for d in [-1000, 0, 365, 20_000, 30_000] {
            assert_eq!(parse(&format(d)), Some(d));
        }
    }
}
