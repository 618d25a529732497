//! Segment names from the recency and frequency scores, on the usual 5 x 5 RFM grid:
//!
//! | R \ F | 1-2          | 3-4                 | 5            |
//! |-------|--------------|---------------------|--------------|
//! | 5     | new customers (F1), potential loyalists (F2-3) | champions (F4-5) | champions |
//! | 4     | promising (F1), potential loyalists (F2-3)      | loyal customers (F4-5) | loyal customers |
//! | 3     | about to sleep (F1-2) | need attention (F3), loyal customers (F4-5) | loyal customers |
//! | 1-2   | hibernating  | at risk             | can't lose   |
//!
//! Scores on other scales (`bins` other than 5) are mapped onto 1..=5 first.

/// The score on a 1..=5 scale.
fn five(score: usize, bins: usize) -> usize {
    if bins <= 1 {
        return 3;
    }
    let s = (score.saturating_sub(1)) as f64 * 4.0 / (bins - 1) as f64;
    s.round() as usize + 1
}

pub fn segment(r: usize, f: usize, bins: usize) -> &'static str {
    match (five(r, bins), five(f, bins)) {
        (1..=2, 1..=2) => "hibernating",
        (1..=2, 3..=4) => "at risk",
        (1..=2, _) => "can't lose",
        (3, 1..=2) => "about to sleep",
        (3, 3) => "need attention",
        (3..=4, 4..=5) => "loyal customers",
        (4, 1) => "promising",
        (5, 1) => "new customers",
        (4..=5, 2..=3) => "potential loyalists",
        _ => "champions",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_grid() {
        assert_eq!(segment(5, 5, 5), "champions");
        assert_eq!(segment(5, 4, 5), "champions");
        assert_eq!(segment(4, 5, 5), "loyal customers");
        assert_eq!(segment(3, 3, 5), "need attention");
        assert_eq!(segment(5, 1, 5), "new customers");
        assert_eq!(segment(4, 1, 5), "promising");
        assert_eq!(segment(1, 5, 5), "can't lose");
        assert_eq!(segment(2, 3, 5), "at risk");
        assert_eq!(segment(1, 1, 5), "hibernating");
        assert_eq!(segment(3, 1, 5), "about to sleep");
        assert_eq!(segment(4, 2, 5), "potential loyalists");
        // Other scales map onto the same grid.
        assert_eq!(segment(3, 3, 3), "champions");
        assert_eq!(segment(1, 1, 3), "hibernating");
    }
}
