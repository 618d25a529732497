//! The row path: records scored without a polars frame (see `aimass_stdlib::bundle::
//! RowScorer`). A request takes it when every record is well-formed and the recipe can be
//! replayed per row; anything else (a bad field, an unseen level, an expression in the
//! recipe) goes the frame path, which scores it the same way or words the error. The
//! answers are the same bit for bit: tests/cli/serve_rows.rs compares both paths.

use aimass_stdlib::bundle::RowScorer;
use aimass_stdlib::data::row::{Cell, Row};
use aimass_stdlib::drift::{bin_column, numeric_bin, Bins, ColumnProfile, Counts};
use aimass_stdlib::estimator::trained::Predictions;
use aimass_stdlib::estimator::{ClassifiedRows, Label};
use polars::prelude::{Column, IntoColumn, NamedFrom, Series};
use serde_json::{Map, Value as Json};

use crate::loaded::{Field, Loaded};
use crate::records::FieldType;
use crate::response::number;

/// What the row path made of a request: the response's predictions and, for /metrics,
/// the probability each row adds to the histogram.
pub struct Scored {
    pub predictions: Vec<Json>,
    pub probabilities: Vec<f64>,
}

/// The records scored by rows, with the drift counted; `None` to take the frame path.
pub fn score(model: &Loaded, scorer: &RowScorer, records: &[Map<String, Json>]) -> Option<Scored> {
    let (rows, columns) = to_rows(&model.fields, records)?;
    let threshold = model.threshold;
    let predicted = scorer.predict(&model.bundle.model, rows)?;
    let scored = to_json(model, predicted, threshold)?;
    model.count_drift_cells(&columns);
    Some(scored)
}

/// The records as rows of typed cells (and the same cells per field, for drift), typed as
/// `records::column` types them; `None` for anything it would refuse.
fn to_rows(fields: &[Field], records: &[Map<String, Json>]) -> Option<(Vec<Row>, Vec<Vec<Cell>>)> {
    let columns: Vec<Vec<Cell>> = fields
        .iter()
        .map(|f| {
            let values: Vec<&Json> = records
                .iter()
                .map(|r| r.get(&f.name))
                .collect::<Option<_>>()?;
            let ty = match f.ty {
                // Text if any value is text, else numbers: as the frame path decides.
                FieldType::Any if values.iter().any(|v| v.is_string()) => FieldType::Str,
                FieldType::Any => FieldType::Float,
                ty => ty,
            };
            values.into_iter().map(|v| cell(f, ty, v)).collect()
        })
        .collect::<Option<_>>()?;
    let rows = (0..records.len())
        .map(|i| {
            let mut row = Row::default();
            for (f, col) in fields.iter().zip(&columns) {
                row.push(f.name.clone(), col[i].clone());
            }
            row
        })
        .collect();
    Some((rows, columns))
}

fn cell(f: &Field, ty: FieldType, v: &Json) -> Option<Cell> {
    if v.is_null() && !f.nullable {
        return None;
    }
    if let (Some(levels), Some(level)) = (&f.levels, crate::records::level_of(v)) {
        if !levels.contains(&level) {
            return None;
        }
    }
    Some(match (ty, v) {
        (FieldType::Int, Json::Null) => Cell::Int(None),
        (FieldType::Int, Json::Number(n)) => Cell::Int(Some(n.as_i64()?)),
        (FieldType::Float | FieldType::Any, Json::Null) => Cell::Float(None),
        (FieldType::Float | FieldType::Any, Json::Number(n)) => Cell::Float(Some(n.as_f64()?)),
        (FieldType::Str, Json::Null) => Cell::Str(None),
        (FieldType::Str, Json::String(s)) => Cell::Str(Some(s.clone())),
        (FieldType::Bool, Json::Null) => Cell::Bool(None),
        (FieldType::Bool, Json::Bool(b)) => Cell::Bool(Some(*b)),
        _ => return None,
    })
}

/// The predictions as `response::predictions` writes a scored frame.
fn to_json(model: &Loaded, predicted: Predictions, threshold: f64) -> Option<Scored> {
    let trained = &model.bundle.model;
    Some(match predicted {
        Predictions::Classes { proba, .. } => {
            let rows = ClassifiedRows {
                truth: &[],
                proba: proba.view(),
                positive: trained.positive,
                threshold,
            };
            let labels: Vec<&Label> = rows
                .predicted()
                .into_iter()
                .map(|c| trained.classes.get(c))
                .collect::<Option<_>>()?;
            let label = label_json(&labels);
            let predictions = proba
                .rows()
                .into_iter()
                .zip(label)
                .map(|(p, label)| {
                    let by_class: Map<String, Json> = trained
                        .classes
                        .iter()
                        .zip(p)
                        .map(|(c, x)| (c.to_string(), number(*x)))
                        .collect();
                    let mut row = Map::new();
                    row.insert("prediction".into(), label);
                    row.insert("proba".into(), Json::Object(by_class));
                    Json::Object(row)
                })
                .collect();
            let positive = trained.positive.filter(|_| proba.ncols() == 2);
            let probabilities = proba
                .rows()
                .into_iter()
                .map(|p| match positive {
                    Some(k) => p[k],
                    None => p.iter().copied().fold(0.0, f64::max),
                })
                .collect();
            Scored {
                predictions,
                probabilities,
            }
        }
        Predictions::Values(v) => Scored {
            predictions: v.iter().map(|x| one("prediction", number(*x))).collect(),
            probabilities: Vec::new(),
        },
        Predictions::Segments(s) => Scored {
            predictions: s
                .into_iter()
                .map(|x| one("segment", Json::from(u32::try_from(x).unwrap_or(u32::MAX))))
                .collect(),
            probabilities: Vec::new(),
        },
    })
}

fn one(key: &str, v: Json) -> Json {
    let mut row = Map::new();
    row.insert(key.into(), v);
    Json::Object(row)
}

/// Labels as JSON of the column type `labels::to_series` gives them: booleans or integers
/// when all are, else text.
fn label_json(labels: &[&Label]) -> Vec<Json> {
    let all_bool = labels.iter().all(|l| matches!(l, Label::Bool(_)));
    let all_int = labels.iter().all(|l| matches!(l, Label::Int(_)));
    labels
        .iter()
        .map(|l| match l {
            Label::Bool(b) if all_bool => Json::Bool(*b),
            Label::Int(i) if all_int && !all_bool => Json::from(*i),
            other => Json::String(other.to_string()),
        })
        .collect()
}

/// One field's cells counted into a profile's bins, as `bin_column` counts its column.
pub fn counts(profile: &ColumnProfile, cells: &[Cell]) -> Counts {
    let mut out = Counts::zero(profile);
    out.rows = cells.len() as u64;
    for c in cells {
        match (&profile.bins, c) {
            (Bins::Numeric { edges, shares }, Cell::Int(_) | Cell::Float(_)) => {
                match c_numeric(c).filter(|x| !x.is_nan()) {
                    Some(x) if !shares.is_empty() => out.bins[numeric_bin(edges, x)] += 1,
                    Some(_) => {}
                    None => out.missing += 1,
                }
            }
            (Bins::Categorical { levels, .. }, Cell::Str(s)) => match s {
                Some(s) => {
                    let i = levels.iter().position(|l| l == s).unwrap_or(levels.len());
                    out.bins[i] += 1;
                }
                None => out.missing += 1,
            },
            // Other pairings count as polars casts them: take the column path.
            _ => return bin_column(profile, &column(&profile.name, cells)),
        }
    }
    out
}

fn c_numeric(c: &Cell) -> Option<f64> {
    match c {
        Cell::Int(v) => v.map(|i| i as f64),
        Cell::Float(v) => *v,
        _ => None,
    }
}

/// Cells of one type as a column (a field's cells share its type).
fn column(name: &str, cells: &[Cell]) -> Column {
    let name = name.into();
    let series = match cells.first() {
        Some(Cell::Int(_)) => Series::new(
            name,
            cells
                .iter()
                .map(|c| match c {
                    Cell::Int(v) => *v,
                    _ => None,
                })
                .collect::<Vec<_>>(),
        ),
        Some(Cell::Float(_)) => Series::new(
            name,
            cells
                .iter()
                .map(|c| match c {
                    Cell::Float(v) => *v,
                    _ => None,
                })
                .collect::<Vec<_>>(),
        ),
        Some(Cell::Bool(_)) => Series::new(
            name,
            cells
                .iter()
                .map(|c| match c {
                    Cell::Bool(v) => *v,
                    _ => None,
                })
                .collect::<Vec<_>>(),
        ),
        _ => Series::new(
            name,
            cells
                .iter()
                .map(|c| match c {
                    Cell::Str(v) => v.clone(),
                    _ => None,
                })
                .collect::<Vec<_>>(),
        ),
    };
    series.into_column()
}
