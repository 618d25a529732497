//! Which raw columns a recipe needs: what a deployed model asks of the rows it scores.
//!
//! Applying a recipe to rows that lack a column fails at the first step that reads it, with
//! the step's name; a user scoring rows wants every missing column at once, named as in
//! their file. So the recipe is walked once, without data: a column a step reads that no
//! earlier step produced is a raw input, and so is a wanted output column (a model feature)
//! that no step produced. `keep` columns (the target) are never required.

use std::collections::BTreeSet;

use super::expr::parse;
use super::recipe::{Recipe, Step};

impl Recipe {
    /// The raw columns rows need so that applying the recipe yields every column of
    /// `outputs`, in the order first needed, without repeats.
    pub fn inputs_for(&self, outputs: &[String]) -> Vec<String> {
        let keep = self.keep_set();
        let mut needs = Needs {
            keep: &keep,
            made: BTreeSet::new(),
            raw: Vec::new(),
        };
        for step in &self.steps {
            needs.step(step);
        }
        for c in outputs {
            needs.read(c);
        }
        needs.raw
    }
}

struct Needs<'a> {
    keep: &'a BTreeSet<String>,
    /// Columns some earlier step made (or replaced), so not read from the rows.
    made: BTreeSet<String>,
    raw: Vec<String>,
}

impl Needs<'_> {
    fn read(&mut self, c: &str) {
        if !self.made.contains(c) && !self.keep.contains(c) && !self.raw.iter().any(|r| r == c) {
            self.raw.push(c.to_string());
        }
    }

    fn step(&mut self, step: &Step) {
        match step {
            Step::Select { columns } => columns.iter().for_each(|c| self.read(c)),
            Step::Drop { columns } => columns.iter().for_each(|c| {
                self.made.remove(c);
            }),
            Step::Rename { from, to } => {
                // A rename of a kept column may find it missing, like the column itself.
                if !self.keep.contains(to) {
                    self.read(from);
                }
                self.made.remove(from);
                self.made.insert(to.clone());
            }
            Step::Derive { column, expr } => {
                // An expression that does not parse fails when applied, whatever the rows.
                if let Ok(e) = parse(expr) {
                    let cols = e.columns();
                    // Derives that read a kept column are skipped when it is missing.
                    if !cols.iter().any(|c| self.keep.contains(c)) {
                        cols.iter().for_each(|c| self.read(c));
                    }
                }
                self.made.insert(column.clone());
            }
            Step::OneHot {
                column,
                levels,
                other,
                ..
            } => {
                self.read(column);
                self.made.remove(column);
                for l in levels {
                    self.made.insert(format!("{column}={l}"));
                }
                if !other.is_empty() {
                    let bucket = if levels.iter().any(|l| l == "other") {
                        "(other)"
                    } else {
                        "other"
                    };
                    self.made.insert(format!("{column}={bucket}"));
                }
            }
            Step::Cast { column, .. }
            | Step::Impute { column, .. }
            | Step::Clip { column, .. }
            | Step::Standardize { column, .. }
            | Step::MinMax { column, .. }
            | Step::Ordinal { column, .. } => {
                self.read(column);
                self.made.insert(column.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::data::recipe::{Fill, Unseen};

    fn s(v: &str) -> String {
        v.to_string()
    }

    #[test]
    fn raw_inputs_are_what_no_step_makes() {
        let recipe = Recipe {
            profile: None,
            version: 1,
            keep: vec![s("churn")],
            steps: vec![
                Step::Impute {
                    column: s("charges"),
                    value: Fill::Float(1.0),
                },
                Step::Derive {
                    column: s("per_month"),
                    expr: s("charges / (tenure + 1)"),
                },
                Step::Derive {
                    column: s("leak"),
                    expr: s("churn == \"Yes\""),
                },
                Step::Rename {
                    from: s("plan"),
                    to: s("contract"),
                },
                Step::OneHot {
                    column: s("contract"),
                    levels: vec![s("month"), s("year")],
                    other: vec![s("two")],
                    unseen: Unseen::Ignore,
                },
                Step::Standardize {
                    column: s("per_month"),
                    mean: 0.0,
                    scale: 1.0,
                },
                Step::Drop {
                    columns: vec![s("charges")],
                },
            ],
        };
        let features = [
            "per_month",
            "contract=month",
            "contract=other",
            "female",
            "charges",
        ]
        .map(s);
        assert_eq!(
            recipe.inputs_for(&features),
            ["charges", "tenure", "plan", "female"].map(s)
        );
        // Without a recipe the features are the inputs.
        assert_eq!(
            Recipe::new().inputs_for(&features[3..]),
            ["female", "charges"].map(s)
        );
    }
}
