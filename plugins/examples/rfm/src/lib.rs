//! `rfm.segment`: RFM scoring of customers from their transactions, the classic marketing
//! segmentation.
//!
//! For each customer: recency (days from the last purchase to `as_of`), frequency (number of
//! purchases) and monetary value (total spent); each scored 1..`bins` by quantile (`bins` =
//! 5 gives quintiles; 5 is best: most recent, most frequent, highest spend), and a segment
//! from the recency and frequency scores (champions, loyal customers, at risk, ...).
//!
//! Output `scores`: one row per customer. Output `summary`: customers per segment.

mod dates;
mod scoring;
mod segments;

use aimass_plugin_sdk::{
    Column, Error, Frame, Outputs, Param, Result, Transform, TransformCall, TransformSpec,
};
use serde_json::json;

pub use scoring::{quantile_scores, Customer};
pub use segments::segment;

/// An error about a column, reported against the parameter that names it.
fn blame(param: &'static str) -> impl Fn(Error) -> Error {
    move |e| Error::param(param, e.message())
}

#[derive(Default)]
pub struct Segment;

impl Transform for Segment {
    fn spec(&self) -> TransformSpec {
        TransformSpec::new("segment")
            .doc("RFM scores and segments per customer, from a frame of transactions.")
            .input("input", "transactions: one row per purchase")
            .output(
                "scores",
                "one row per customer: recency, frequency, monetary, their scores, the segment",
            )
            .metrics("summary", "customers per segment")
            .param(
                Param::column("customer")
                    .default("customer_id")
                    .doc("the customer column"),
            )
            .param(
                Param::column("date")
                    .default("date")
                    .doc("the purchase date: YYYY-MM-DD text, or a date column"),
            )
            .param(
                Param::column("amount")
                    .default("amount")
                    .doc("the purchase amount"),
            )
            .param(
                Param::int("bins")
                    .default(5)
                    .range(2, 10)
                    .doc("score levels (5: quintiles)"),
            )
            .param(
                Param::string("as_of").doc(
                    "the reference date, YYYY-MM-DD (default: the day after the last purchase)",
                ),
            )
    }

    fn run(&self, mut call: TransformCall) -> Result<Outputs> {
        let p = call.params();
        let (customer, date, amount) = (
            p.str("customer")?.to_owned(),
            p.str("date")?.to_owned(),
            p.str("amount")?.to_owned(),
        );
        let bins = p.usize("bins")?;
        let as_of = match p.opt_str("as_of")? {
            Some(text) => Some(dates::parse(text).ok_or_else(|| {
                Error::param("as_of", format!("`{text}` is not a date like 2026-12-01"))
            })?),
            None => None,
        };
        let frame = call.input("input")?;
        let ids = frame
            .column(&customer)
            .map_err(blame("customer"))?
            .to_string_vec()?;
        let days =
            dates::days(frame.column(&date).map_err(blame("date"))?).map_err(blame("date"))?;
        let spent = frame
            .column(&amount)
            .map_err(blame("amount"))?
            .to_f64_vec()?;
        let customers = scoring::aggregate(&ids, &days, &spent)?;
        if customers.is_empty() {
            return Err(Error::new(
                "there are no transactions with a customer, a date and an amount",
            ));
        }
        let as_of =
            as_of.unwrap_or_else(|| customers.iter().map(|c| c.last).max().unwrap_or(0) + 1);
        let scored = scoring::score(&customers, as_of, bins);

        let mut counts = std::collections::BTreeMap::<&str, usize>::new();
        for s in &scored {
            *counts.entry(s.segment).or_default() += 1;
        }
        let out = Frame::new()
            .with(
                customer.as_str(),
                Column::from_strings(customers.iter().map(|c| c.id.as_str())),
            )?
            .with(
                "recency_days",
                Column::from_i64(scored.iter().map(|s| s.recency).collect()),
            )?
            .with(
                "frequency",
                Column::from_i64(customers.iter().map(|c| c.purchases as i64).collect()),
            )?
            .with(
                "monetary",
                Column::from_f64(customers.iter().map(|c| c.spent).collect()),
            )?
            .with(
                "r_score",
                Column::from_i64(scored.iter().map(|s| s.r as i64).collect()),
            )?
            .with(
                "f_score",
                Column::from_i64(scored.iter().map(|s| s.f as i64).collect()),
            )?
            .with(
                "m_score",
                Column::from_i64(scored.iter().map(|s| s.m as i64).collect()),
            )?
            .with(
                "rfm",
                Column::from_strings(scored.iter().map(|s| format!("{}{}{}", s.r, s.f, s.m))),
            )?
            .with(
                "segment",
                Column::from_strings(scored.iter().map(|s| s.segment)),
            )?;
        let summary = json!({
            "customers": customers.len(),
            "as_of": dates::format(as_of),
            "bins": bins,
            "segments": counts,
        });
        Ok(Outputs::new()
            .frame("scores", out)
            .metrics("summary", summary))
    }
}

aimass_plugin_sdk::export_plugin! {
    name: "rfm",
    version: env!("CARGO_PKG_VERSION"),
    transforms: [Segment],
}
