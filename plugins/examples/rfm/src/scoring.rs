//! Per-customer aggregates and their quantile scores.

use std::collections::BTreeMap;

use aimass_plugin_sdk::{Error, Result};

use crate::segments::segment;

/// One customer's purchases.
#[derive(Clone, Debug, PartialEq)]
pub struct Customer {
    pub id: String,
    /// Day number of the last purchase.
    pub last: i64,
    pub purchases: usize,
    pub spent: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Scored {
    pub recency: i64,
    pub r: usize,
    pub f: usize,
    pub m: usize,
    pub segment: &'static str,
}

/// Groups transactions by customer (customers in order of id). A row missing any of the
/// three is skipped; a negative amount is a refund and counts against the total.
pub fn aggregate(
    ids: &[Option<String>],
    days: &[Option<i64>],
    spent: &[Option<f64>],
) -> Result<Vec<Customer>> {
    if ids.len() != days.len() || ids.len() != spent.len() {
        return Err(Error::new(
            "the customer, date and amount columns differ in length",
        ));
    }
    let mut by: BTreeMap<&str, Customer> = BTreeMap::new();
    for ((id, day), amount) in ids.iter().zip(days).zip(spent) {
        let (Some(id), Some(day), Some(amount)) = (id, day, amount) else {
            continue;
        };
        let c = by.entry(id.as_str()).or_insert_with(|| Customer {
            id: id.clone(),
            last: *day,
            purchases: 0,
            spent: 0.0,
        });
        c.last = c.last.max(*day);
        c.purchases += 1;
        c.spent += amount;
    }
    Ok(by.into_values().collect())
}

/// Scores 1..=`bins` by rank: the lowest values get 1. Ties are broken by position, as
/// pandas' `qcut(x.rank(method="first"), bins)` does, so every score is used evenly even
/// when many customers share a value (frequency 1 is common).
pub fn quantile_scores(values: &[f64], bins: usize) -> Vec<usize> {
    let n = values.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]).then(a.cmp(&b)));
    let mut out = vec![0; n];
    for (rank, &i) in order.iter().enumerate() {
        out[i] = rank * bins / n.max(1) + 1;
    }
    out
}

pub fn score(customers: &[Customer], as_of: i64, bins: usize) -> Vec<Scored> {
    let recency: Vec<i64> = customers.iter().map(|c| as_of - c.last).collect();
    // Recent is good: score the negated recency so the most recent get the highest score.
    let r = quantile_scores(
        &recency.iter().map(|&d| -(d as f64)).collect::<Vec<_>>(),
        bins,
    );
    let f = quantile_scores(
        &customers
            .iter()
            .map(|c| c.purchases as f64)
            .collect::<Vec<_>>(),
        bins,
    );
    let m = quantile_scores(&customers.iter().map(|c| c.spent).collect::<Vec<_>>(), bins);
    (0..customers.len())
        .map(|i| Scored {
            recency: recency[i],
            r: r[i],
            f: f[i],
            m: m[i],
            segment: segment(r[i], f[i], bins),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quintiles_split_evenly_and_break_ties_by_position() {
        let v: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(quantile_scores(&v, 5), vec![1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
        assert_eq!(quantile_scores(&[1.0; 5], 5), vec![1, 2, 3, 4, 5]);
        assert_eq!(quantile_scores(&[3.0, 1.0, 2.0], 3), vec![3, 1, 2]);
        assert_eq!(quantile_scores(&[], 5), Vec::<usize>::new());
    }

    #[test]
    fn aggregates_skip_incomplete_rows_and_count_refunds() {
        let s = |v: &str| Some(v.to_string());
        let ids = vec![s("b"), s("a"), s("b"), None, s("a")];
        let days = vec![Some(10), Some(3), Some(12), Some(1), None];
        let spent = vec![Some(5.0), Some(2.0), Some(-1.0), Some(9.0), Some(4.0)];
        let c = aggregate(&ids, &days, &spent).unwrap();
        assert_eq!(c.len(), 2);
        assert_eq!(
            c[0],
            Customer {
                id: "a".into(),
                last: 3,
                purchases: 1,
                spent: 2.0
            }
        );
        assert_eq!(
            c[1],
            Customer {
                id: "b".into(),
                last: 12,
                purchases: 2,
                spent: 4.0
            }
        );
    }

    #[test]
    fn the_most_recent_frequent_spender_is_a_champion() {
        let customers: Vec<Customer> = (0..10)
            .map(|i| Customer {
                id: format!("c{i}"),
                last: 100 + i,
                purchases: 1 + i as usize,
                spent: 10.0 * i as f64,
            })
            .collect();
        let s = score(&customers, 111, 5);
        assert_eq!(s[9].recency, 2);
        assert_eq!((s[9].r, s[9].f, s[9].m), (5, 5, 5));
        assert_eq!(s[9].segment, "champions");
        assert_eq!((s[0].r, s[0].f, s[0].m), (1, 1, 1));
        assert_eq!(s[0].segment, "hibernating");
    }
}
