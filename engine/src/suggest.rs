//! "Did you mean" suggestions for misspelt names.

/// The candidate closest to `name`, if one is close enough to be a plausible typo.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let lower = name.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(&lower, &c.to_lowercase()), c))
        .filter(|(d, c)| {
            *d <= (c.len().max(name.len()) / 3).max(1) && *d > 0
                || c.eq_ignore_ascii_case(name) && c != &name
        })
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let names = ["raw", "parts", "tidy", "tree"];
        assert_eq!(did_you_mean("rwa", names), Some("raw".into()));
        assert_eq!(did_you_mean("prts", names), Some("parts".into()));
        assert_eq!(did_you_mean("Tidy", names), Some("tidy".into()));
        assert_eq!(did_you_mean("zzzzzz", names), None);
        assert_eq!(did_you_mean("raw", names), None);
    }
}
