//! JSON records to a frame of raw rows, with every bad field named.
//!
//! A record is a JSON object keyed by the raw column names the pipeline collected; fields
//! the model does not read (an id, the target) are ignored. Each input becomes a column of
//! the type `collect` gave it in training (the bundle's profile records it), so the
//! recipe sees what `aimass predict` would read from a file with the same rows.

use polars::prelude::*;
use serde_json::{Map, Value as Json};

use crate::api_error::{ApiError, Reason};
use crate::loaded::Field;
use aimass_stdlib::drift::{Bins, Profile};

/// The JSON type a field takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldType {
    Int,
    Float,
    Str,
    Bool,
    /// A bundle without a profile, for an input the estimator does not read directly:
    /// numbers become floats, text stays text.
    Any,
}

impl FieldType {
    pub fn dtype(self) -> DataType {
        match self {
            FieldType::Int => DataType::Int64,
            FieldType::Float | FieldType::Any => DataType::Float64,
            FieldType::Str => DataType::String,
            FieldType::Bool => DataType::Boolean,
        }
    }

    pub fn expected(self) -> &'static str {
        match self {
            FieldType::Int => "an integer",
            FieldType::Float => "a number",
            FieldType::Str => "a string",
            FieldType::Bool => "true or false",
            FieldType::Any => "a number or a string",
        }
    }
}

/// The body's records: one object, or a non-empty array of objects, at most `max`.
pub fn parse(body: &[u8], max: usize) -> Result<Vec<Map<String, Json>>, ApiError> {
    let json: Json = serde_json::from_slice(body).map_err(|e| {
        ApiError::new(
            Reason::MalformedJson,
            "body",
            format!(
                "the body is not JSON: {e} (line {}, column {})",
                e.line(),
                e.column()
            ),
            "a JSON object (one record) or an array of objects",
        )
    })?;
    let records = match json {
        Json::Object(m) => vec![m],
        Json::Array(items) => {
            if items.is_empty() {
                return Err(ApiError::new(
                    Reason::EmptyBatch,
                    "records",
                    "the array holds no records",
                    "at least one record",
                ));
            }
            if items.len() > max {
                return Err(ApiError::new(
                    Reason::TooManyRecords,
                    "records",
                    format!("{} records in one request; the limit is {max}", items.len()),
                    format!("at most {max} records (set by --max-records)"),
                ));
            }
            items
                .into_iter()
                .enumerate()
                .map(|(i, item)| match item {
                    Json::Object(m) => Ok(m),
                    other => Err(not_a_record(&other).record(i)),
                })
                .collect::<Result<_, _>>()?
        }
        other => return Err(not_a_record(&other)),
    };
    Ok(records)
}

fn not_a_record(v: &Json) -> ApiError {
    ApiError::new(
        Reason::NotARecord,
        "body",
        format!("a record is a JSON object, not {}", kind_of(v)),
        "a JSON object keyed by column name",
    )
}

pub fn kind_of(v: &Json) -> String {
    match v {
        Json::Null => "null".into(),
        Json::Bool(b) => format!("the boolean {b}"),
        Json::Number(n) => format!("the number {n}"),
        Json::String(s) => format!("the string {}", short(s)),
        Json::Array(_) => "an array".into(),
        Json::Object(_) => "an object".into(),
    }
}

fn short(s: &str) -> String {
    let cut: String = s.chars().take(40).collect();
    if cut.len() < s.len() {
        format!("{cut:?}...")
    } else {
        format!("{s:?}")
    }
}

/// The records as one frame, a column per field, in the fields' order.
pub fn to_frame(fields: &[Field], records: &[Map<String, Json>]) -> Result<DataFrame, ApiError> {
    let columns = fields
        .iter()
        .map(|f| {
            let values = records
                .iter()
                .enumerate()
                .map(|(i, r)| match r.get(&f.name) {
                    Some(v) => Ok(v),
                    None => Err(ApiError::new(
                        Reason::MissingField,
                        &f.name,
                        format!(
                            "the record has no field `{}`, which the model needs",
                            f.name
                        ),
                        f.ty.expected(),
                    )
                    .record(i)),
                })
                .collect::<Result<Vec<&Json>, _>>()?;
            column(f, &values)
        })
        .collect::<Result<Vec<Column>, _>>()?;
    DataFrame::new(records.len(), columns).map_err(|e| {
        ApiError::new(
            Reason::UnscorableRecord,
            "body",
            format!("the records do not make a frame: {e}"),
            "records with the model's input fields",
        )
    })
}

/// One field of every record as a typed column.
pub fn column(f: &Field, values: &[&Json]) -> Result<Column, ApiError> {
    let bad = |i: usize, v: &Json, expected: String| {
        ApiError::new(
            Reason::MistypedField,
            &f.name,
            format!("field `{}` is {}, not {expected}", f.name, kind_of(v)),
            expected,
        )
        .record(i)
    };
    for (i, v) in values.iter().enumerate() {
        if v.is_null() && !f.nullable {
            return Err(ApiError::new(
                Reason::MistypedField,
                &f.name,
                format!(
                    "field `{}` is null, but the model needs a value there (its recipe imputes none)",
                    f.name
                ),
                f.ty.expected(),
            )
            .record(i));
        }
        if let (Some(levels), Some(level)) = (&f.levels, level_of(v)) {
            if !levels.contains(&level) {
                let shown: Vec<String> = levels.iter().take(12).map(|l| format!("{l:?}")).collect();
                return Err(ApiError::new(
                    Reason::UnknownCategory,
                    &f.name,
                    format!(
                        "field `{}`: level {} was not seen in training, and the recipe's encoder has `unseen = error`",
                        f.name,
                        short(&level)
                    ),
                    format!("one of {}{}", shown.join(", "), if levels.len() > 12 { ", ..." } else { "" }),
                )
                .record(i));
            }
        }
    }
    let name: PlSmallStr = f.name.as_str().into();
    let ty = if f.ty == FieldType::Any {
        // Text if any value is text, else numbers.
        if values.iter().any(|v| v.is_string()) {
            FieldType::Str
        } else {
            FieldType::Float
        }
    } else {
        f.ty
    };
    let expected = || ty.expected().to_string();
    let series = match ty {
        FieldType::Int => {
            let v = values
                .iter()
                .enumerate()
                .map(|(i, v)| match v {
                    Json::Null => Ok(None),
                    Json::Number(n) => n.as_i64().map(Some).ok_or_else(|| bad(i, v, expected())),
                    _ => Err(bad(i, v, expected())),
                })
                .collect::<Result<Vec<Option<i64>>, _>>()?;
            Series::new(name, v)
        }
        FieldType::Float | FieldType::Any => {
            let v = values
                .iter()
                .enumerate()
                .map(|(i, v)| match v {
                    Json::Null => Ok(None),
                    Json::Number(n) => n.as_f64().map(Some).ok_or_else(|| bad(i, v, expected())),
                    _ => Err(bad(i, v, expected())),
                })
                .collect::<Result<Vec<Option<f64>>, _>>()?;
            Series::new(name, v)
        }
        FieldType::Str => {
            let v = values
                .iter()
                .enumerate()
                .map(|(i, v)| match v {
                    Json::Null => Ok(None),
                    Json::String(s) => Ok(Some(s.as_str())),
                    _ => Err(bad(i, v, expected())),
                })
                .collect::<Result<Vec<Option<&str>>, _>>()?;
            Series::new(name, v)
        }
        FieldType::Bool => {
            let v = values
                .iter()
                .enumerate()
                .map(|(i, v)| match v {
                    Json::Null => Ok(None),
                    Json::Bool(b) => Ok(Some(*b)),
                    _ => Err(bad(i, v, expected())),
                })
                .collect::<Result<Vec<Option<bool>>, _>>()?;
            Series::new(name, v)
        }
    };
    Ok(series.into_column())
}

/// A value as the level an encoder compares (text as is, numbers and booleans printed).
pub(crate) fn level_of(v: &Json) -> Option<String> {
    match v {
        Json::String(s) => Some(s.clone()),
        Json::Number(n) => Some(n.to_string()),
        Json::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// One typical record (the profile's most common level, a middle bin edge), as columns in
/// the fields' order; `None` without a profile.
pub fn probe_record(fields: &[Field], profile: Option<&Profile>) -> Option<Vec<Column>> {
    let profile = profile?;
    fields
        .iter()
        .map(|f| {
            let c = profile.column(&f.name)?;
            let v: Json = match (&c.bins, f.ty) {
                (Bins::Numeric { edges, .. }, FieldType::Int) => {
                    Json::from(edges.get(edges.len() / 2).copied().unwrap_or(0.0) as i64)
                }
                (Bins::Numeric { edges, .. }, _) => {
                    Json::from(edges.get(edges.len() / 2).copied().unwrap_or(0.0))
                }
                (Bins::Categorical { levels, .. }, FieldType::Bool) => {
                    Json::Bool(levels.first().is_none_or(|l| l == "true"))
                }
                (Bins::Categorical { levels, .. }, _) => {
                    Json::String(levels.first().cloned().unwrap_or_default())
                }
            };
            let probe = Field {
                nullable: true,
                levels: None,
                ..f.clone()
            };
            column(&probe, &[&v]).ok()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn field(name: &str, ty: FieldType) -> Field {
        Field {
            name: name.into(),
            ty,
            nullable: true,
            levels: None,
        }
    }

    #[test]
    fn bodies_that_are_not_records_are_refused_by_reason() {
        let e = parse(b"{\"a\": ", 10).unwrap_err();
        assert_eq!(
            (e.reason, e.field.as_str()),
            (Reason::MalformedJson, "body")
        );
        assert!(e.message.contains("line 1"), "{}", e.message);
        assert_eq!(parse(b"[]", 10).unwrap_err().reason, Reason::EmptyBatch);
        assert_eq!(
            parse(b"[{}, {}, {}]", 2).unwrap_err().reason,
            Reason::TooManyRecords
        );
        let e = parse(b"[{}, 3]", 10).unwrap_err();
        assert_eq!((e.reason, e.record), (Reason::NotARecord, Some(1)));
        assert_eq!(parse(b"{\"a\": 1}", 10).unwrap().len(), 1);
    }

    #[test]
    fn fields_become_typed_columns_and_bad_ones_are_named() {
        let fields = [field("n", FieldType::Int), field("s", FieldType::Str)];
        let recs = parse(
            br#"[{"n": 1, "s": "a"}, {"n": null, "s": "b", "extra": 0}]"#,
            10,
        )
        .unwrap();
        let df = to_frame(&fields, &recs).unwrap();
        assert_eq!(df.column("n").unwrap().dtype(), &DataType::Int64);
        assert_eq!(df.column("n").unwrap().null_count(), 1);
        assert_eq!(df.column("s").unwrap().dtype(), &DataType::String);

        let recs = parse(br#"[{"n": 1, "s": "a"}, {"n": 1.5, "s": "b"}]"#, 10).unwrap();
        let e = to_frame(&fields, &recs).unwrap_err();
        assert_eq!(
            (e.reason, e.field.as_str(), e.record),
            (Reason::MistypedField, "n", Some(1))
        );
        assert_eq!(e.message, "field `n` is the number 1.5, not an integer");

        let recs = parse(br#"{"n": 1}"#, 10).unwrap();
        let e = to_frame(&fields, &recs).unwrap_err();
        assert_eq!((e.reason, e.field.as_str()), (Reason::MissingField, "s"));

        let strict = Field {
            levels: Some(vec!["a".into(), "b".into()]),
            nullable: false,
            ..field("s", FieldType::Str)
        };
        let e = column(&strict, &[&Json::from("z")]).unwrap_err();
        assert_eq!(e.reason, Reason::UnknownCategory);
        let e = column(&strict, &[&Json::Null]).unwrap_err();
        assert_eq!(e.reason, Reason::MistypedField);
        assert!(e.message.contains("is null"), "{}", e.message);
    }
}
