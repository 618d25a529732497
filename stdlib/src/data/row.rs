//! A recipe replayed on single rows, without a polars frame: what `aimass serve` does per
//! request, where building frames and running a dozen column operations on one row costs
//! far more than the model.
//!
//! This is a fast path, not a second implementation of the recipe's meaning. It handles the
//! common cases exactly as [`Recipe::apply`] does, and says `None` for anything else (an
//! expression, a cast, a type combination whose polars cast it would have to imitate, every
//! error). The caller then takes the frame path, which gives the answer or the diagnostic.
//! So this path may decline, but never disagrees: a test compares both bit for bit.

use std::collections::{BTreeSet, HashMap};

use super::recipe::{Fill, Recipe, Step, Unseen};

/// One value with the type of the column it would sit in (a null keeps its column's type,
/// because what a step does with it depends on that type).
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Int(Option<i64>),
    Float(Option<f64>),
    Str(Option<String>),
    Bool(Option<bool>),
}

impl Cell {
    /// The value as a model feature, as `to_matrix` reads it: numbers and booleans, never
    /// null, always finite.
    fn feature(&self) -> Option<f64> {
        let x = match self {
            Cell::Int(Some(i)) => *i as f64,
            Cell::Float(Some(x)) => *x,
            Cell::Bool(Some(b)) => f64::from(u8::from(*b)),
            _ => return None,
        };
        x.is_finite().then_some(x)
    }

    /// The numeric value `as_f64` gives, keeping nulls; `None` for a non-numeric column.
    fn numeric(&self) -> Option<Option<f64>> {
        match self {
            Cell::Int(v) => Some(v.map(|i| i as f64)),
            Cell::Float(v) => Some(*v),
            _ => None,
        }
    }
}

/// Named cells, in column order, as one row of a frame.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Row {
    pub names: Vec<String>,
    pub cells: Vec<Cell>,
}

impl Row {
    pub fn push(&mut self, name: impl Into<String>, cell: Cell) {
        self.names.push(name.into());
        self.cells.push(cell);
    }

    fn index(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }

    pub fn get(&self, name: &str) -> Option<&Cell> {
        self.index(name).map(|i| &self.cells[i])
    }
}

/// A level-to-code table built as the frame path builds its own: later entries win.
struct Codes(HashMap<String, usize>);

impl Codes {
    fn get(&self, level: &str) -> Option<usize> {
        self.0.get(level).copied()
    }
}

/// A step made ready for rows: the encoders' tables and the one-hot names built once.
enum RowStep {
    Plain(Step),
    Ordinal {
        column: String,
        codes: Codes,
        unseen: Unseen,
    },
    OneHot {
        column: String,
        names: Vec<String>,
        codes: Codes,
        unseen: Unseen,
    },
}

/// A recipe compiled for rows; see the module documentation.
pub struct RowRecipe {
    keep: BTreeSet<String>,
    steps: Vec<RowStep>,
}

impl RowRecipe {
    /// `None` when the recipe has a step this path does not replay (an expression or a
    /// cast) or a select that names a column twice.
    pub fn compile(recipe: &Recipe) -> Option<RowRecipe> {
        let steps = recipe
            .steps
            .iter()
            .map(compile_step)
            .collect::<Option<Vec<_>>>()?;
        Some(RowRecipe {
            keep: recipe.keep_set(),
            steps,
        })
    }

    /// The row as the recipe prepares it, or `None` where the frame path must decide.
    pub fn apply(&self, mut row: Row) -> Option<Row> {
        for step in &self.steps {
            row = self.apply_step(step, row)?;
        }
        Some(row)
    }

    /// The features in order, as the model's matrix row; `None` where `to_matrix` would
    /// refuse (a missing, null, non-numeric or non-finite feature).
    pub fn features(row: &Row, names: &[String]) -> Option<Vec<f64>> {
        names.iter().map(|n| row.get(n)?.feature()).collect()
    }

    fn apply_step(&self, step: &RowStep, mut row: Row) -> Option<Row> {
        let plain = match step {
            RowStep::Plain(s) => s,
            RowStep::Ordinal {
                column,
                codes,
                unseen,
            } => {
                let Some(at) = row.index(column) else {
                    return self.keep.contains(column).then_some(row);
                };
                let Cell::Str(v) = &row.cells[at] else {
                    return None;
                };
                let code = match v.as_deref().map(|v| codes.get(v)) {
                    None => None,
                    Some(Some(c)) => Some(c as f64),
                    Some(None) if *unseen == Unseen::Ignore => Some(-1.0),
                    Some(None) => return None,
                };
                row.cells[at] = Cell::Float(code);
                return Some(row);
            }
            RowStep::OneHot {
                column,
                names,
                codes,
                unseen,
            } => {
                let Some(at) = row.index(column) else {
                    return self.keep.contains(column).then_some(row);
                };
                if names.iter().any(|n| row.index(n).is_some()) {
                    return None;
                }
                let Cell::Str(v) = &row.cells[at] else {
                    return None;
                };
                let hot = match v.as_deref().map(|v| codes.get(v)) {
                    None => None,
                    Some(Some(j)) => Some(j),
                    Some(None) if *unseen == Unseen::Ignore => None,
                    Some(None) => return None,
                };
                let bits = (0..names.len()).map(|j| Cell::Bool(Some(Some(j) == hot)));
                row.cells.splice(at..=at, bits);
                row.names.splice(at..=at, names.iter().cloned());
                return Some(row);
            }
        };
        if let Some(col) = plain.column() {
            if row.index(col).is_none() {
                let renamed_kept =
                    matches!(plain, Step::Rename { to, .. } if self.keep.contains(to));
                return (self.keep.contains(col) || renamed_kept).then_some(row);
            }
        }
        match plain {
            Step::Select { columns } => {
                let mut out = Row::default();
                for c in columns {
                    match row.index(c) {
                        Some(i) => out.push(c.clone(), row.cells[i].clone()),
                        None if self.keep.contains(c) => {}
                        None => return None,
                    }
                }
                Some(out)
            }
            Step::Drop { columns } => {
                let mut out = Row::default();
                for (n, c) in row.names.into_iter().zip(row.cells) {
                    if !columns.contains(&n) {
                        out.push(n, c);
                    }
                }
                Some(out)
            }
            Step::Rename { from, to } => {
                if from != to && row.index(to).is_some() {
                    return None;
                }
                let at = row.index(from)?;
                row.names[at] = to.clone();
                Some(row)
            }
            Step::Impute { column, value } => {
                let at = row.index(column)?;
                row.cells[at] = impute(&row.cells[at], value)?;
                Some(row)
            }
            Step::Clip { column, lo, hi } => map(row, column, |x| x.clamp(*lo, *hi)),
            Step::Standardize {
                column,
                mean,
                scale,
            } => map(row, column, |x| (x - mean) / scale),
            Step::MinMax { column, min, range } => map(row, column, |x| (x - min) / range),
            // Compiled away: see `compile_step`.
            Step::Cast { .. }
            | Step::Derive { .. }
            | Step::Ordinal { .. }
            | Step::OneHot { .. } => None,
        }
    }
}

fn compile_step(step: &Step) -> Option<RowStep> {
    let codes = |levels: &[String], other: &[String]| {
        let mut map: HashMap<String, usize> = levels
            .iter()
            .enumerate()
            .map(|(i, l)| (l.clone(), i))
            .collect();
        map.extend(other.iter().map(|l| (l.clone(), levels.len())));
        Codes(map)
    };
    Some(match step {
        Step::Cast { .. } | Step::Derive { .. } => return None,
        Step::Select { columns } => {
            let distinct: BTreeSet<&String> = columns.iter().collect();
            if distinct.len() != columns.len() {
                return None;
            }
            RowStep::Plain(step.clone())
        }
        Step::Ordinal {
            column,
            levels,
            unseen,
        } => RowStep::Ordinal {
            column: column.clone(),
            codes: codes(levels, &[]),
            unseen: *unseen,
        },
        Step::OneHot {
            column,
            levels,
            other,
            unseen,
        } => RowStep::OneHot {
            column: column.clone(),
            names: super::encode::one_hot_names(column, levels, other),
            codes: codes(levels, other),
            unseen: *unseen,
        },
        other => RowStep::Plain(other.clone()),
    })
}

/// `impute::apply` on one cell, for the type combinations it handles without a cast.
fn impute(cell: &Cell, value: &Fill) -> Option<Cell> {
    Some(match (value, cell) {
        (Fill::Float(v), c) => Cell::Float(Some(c.numeric()?.unwrap_or(*v))),
        (Fill::Int(v), Cell::Float(x)) => Cell::Float(Some(x.unwrap_or(*v as f64))),
        (Fill::Int(v), Cell::Int(x)) => Cell::Int(Some(x.unwrap_or(*v))),
        (Fill::Bool(v), Cell::Bool(x)) => Cell::Bool(Some(x.unwrap_or(*v))),
        (Fill::Str(v), Cell::Str(x)) => Cell::Str(Some(x.clone().unwrap_or_else(|| v.clone()))),
        _ => return None,
    })
}

/// `scale::map` on one cell: a number becomes a float through `f`; null stays null.
fn map(mut row: Row, column: &str, f: impl Fn(f64) -> f64) -> Option<Row> {
    let at = row.index(column)?;
    row.cells[at] = Cell::Float(row.cells[at].numeric()?.map(f));
    Some(row)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use polars::prelude::*;

    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    /// Every step the row path replays, over nulls, clipping, rare and unseen levels and a
    /// `keep` column the rows lack.
    fn recipe() -> Recipe {
        let mut r = Recipe::new();
        r.extend(
            &s(&["y"]),
            vec![
                Step::Rename {
                    from: "plan".into(),
                    to: "tier".into(),
                },
                Step::Impute {
                    column: "age".into(),
                    value: Fill::Float(40.5),
                },
                Step::Impute {
                    column: "visits".into(),
                    value: Fill::Int(3),
                },
                Step::Impute {
                    column: "tier".into(),
                    value: Fill::Str("basic".into()),
                },
                Step::Impute {
                    column: "y".into(),
                    value: Fill::Int(0),
                },
                Step::Clip {
                    column: "age".into(),
                    lo: 18.0,
                    hi: 90.0,
                },
                Step::Standardize {
                    column: "visits".into(),
                    mean: 2.5,
                    scale: 1.5,
                },
                Step::MinMax {
                    column: "spend".into(),
                    min: 10.0,
                    range: 90.0,
                },
                Step::Ordinal {
                    column: "size".into(),
                    levels: s(&["S", "M", "L"]),
                    unseen: Unseen::Ignore,
                },
                Step::OneHot {
                    column: "tier".into(),
                    levels: s(&["basic", "gold"]),
                    other: s(&["bronze", "plat"]),
                    unseen: Unseen::Ignore,
                },
                Step::Drop {
                    columns: s(&["id", "absent"]),
                },
                Step::Select {
                    columns: s(&[
                        "spend",
                        "age",
                        "visits",
                        "size",
                        "tier=basic",
                        "tier=gold",
                        "tier=other",
                        "y",
                    ]),
                },
            ],
        );
        r
    }

    fn raw() -> DataFrame {
        df!(
            "id" => [1i64, 2, 3, 4],
            "plan" => [Some("gold"), None, Some("plat"), Some("new")],
            "age" => [Some(12.0), None, Some(95.0), Some(33.0)],
            "visits" => [Some(1i64), None, Some(7), Some(2)],
            "spend" => [Some(10.0), Some(55.5), None, Some(100.0)],
            "size" => [Some("M"), Some("XL"), None, Some("S")]
        )
        .unwrap()
    }

    fn cell(v: AnyValue<'_>, dtype: &DataType) -> Cell {
        match (v, dtype) {
            (AnyValue::Int64(i), _) => Cell::Int(Some(i)),
            (AnyValue::Float64(x), _) => Cell::Float(Some(x)),
            (AnyValue::Boolean(b), _) => Cell::Bool(Some(b)),
            (AnyValue::String(t), _) => Cell::Str(Some(t.to_string())),
            (AnyValue::Null, DataType::Int64) => Cell::Int(None),
            (AnyValue::Null, DataType::Float64) => Cell::Float(None),
            (AnyValue::Null, DataType::Boolean) => Cell::Bool(None),
            (AnyValue::Null, DataType::String) => Cell::Str(None),
            (other, dt) => panic!("no cell for {other:?} ({dt})"),
        }
    }

    fn rows(df: &DataFrame) -> Vec<Row> {
        (0..df.height())
            .map(|i| {
                let mut row = Row::default();
                for c in df.columns() {
                    row.push(c.name().as_str(), cell(c.get(i).unwrap(), c.dtype()));
                }
                row
            })
            .collect()
    }

    #[test]
    fn rows_prepare_exactly_as_the_frame_does() {
        let r = recipe();
        let framed = rows(&r.apply(&raw()).unwrap());
        let compiled = RowRecipe::compile(&r).unwrap();
        let by_row: Vec<Row> = rows(&raw())
            .into_iter()
            .map(|row| compiled.apply(row).unwrap())
            .collect();
        assert_eq!(by_row, framed);
        // The clipped, imputed and encoded values, spelled out for the first two rows.
        assert_eq!(
            by_row[1].cells,
            [
                Cell::Float(Some((55.5 - 10.0) / 90.0)),
                Cell::Float(Some(40.5)),
                Cell::Float(Some((3.0 - 2.5) / 1.5)),
                Cell::Float(Some(-1.0)),
                Cell::Bool(Some(true)),
                Cell::Bool(Some(false)),
                Cell::Bool(Some(false)),
            ]
        );
        assert_eq!(by_row[0].get("age"), Some(&Cell::Float(Some(18.0))));
        let names = vec!["age".to_string(), "tier=gold".to_string()];
        assert_eq!(
            RowRecipe::features(&by_row[0], &names),
            Some(vec![18.0, 1.0])
        );
        // A null feature is the frame path's to refuse.
        assert_eq!(
            RowRecipe::features(&by_row[2], &["spend".to_string()]),
            None
        );
    }

    #[test]
    fn what_rows_cannot_replay_exactly_is_declined() {
        let mut with_derive = Recipe::new();
        with_derive.extend(
            &[],
            vec![Step::Derive {
                column: "z".into(),
                expr: "age * 2".into(),
            }],
        );
        assert!(RowRecipe::compile(&with_derive).is_none());

        let mut strict = Recipe::new();
        strict.extend(
            &[],
            vec![Step::OneHot {
                column: "size".into(),
                levels: s(&["S", "M"]),
                other: Vec::new(),
                unseen: Unseen::Error,
            }],
        );
        let compiled = RowRecipe::compile(&strict).unwrap();
        let row = |v: &str| {
            let mut r = Row::default();
            r.push("size", Cell::Str(Some(v.into())));
            r
        };
        assert!(compiled.apply(row("M")).is_some());
        assert!(
            compiled.apply(row("XL")).is_none(),
            "the frame path words the error"
        );
        assert!(strict.apply(&df!("size" => ["XL"]).unwrap()).is_err());

        // Text imputed into a number column: polars would cast; rows do not guess.
        let mut cast = Recipe::new();
        cast.extend(
            &[],
            vec![Step::Impute {
                column: "n".into(),
                value: Fill::Str("x".into()),
            }],
        );
        let mut r = Row::default();
        r.push("n", Cell::Int(None));
        assert!(RowRecipe::compile(&cast).unwrap().apply(r).is_none());
    }
}
