//! Column builders for query results: values arrive row by row from the driver and leave
//! as one polars column each, in aimass's four types (int, float, str, bool).

use polars::prelude::{Column, DataType, IntoColumn, NamedFrom, Series};

/// One result column being filled.
pub enum Builder {
    Int(Vec<Option<i64>>),
    Float(Vec<Option<f64>>),
    Str(Vec<Option<String>>),
    Bool(Vec<Option<bool>>),
}

impl Builder {
    pub fn with_capacity(ty: &DataType, n: usize) -> Builder {
        match ty {
            DataType::Int64 => Builder::Int(Vec::with_capacity(n)),
            DataType::Float64 => Builder::Float(Vec::with_capacity(n)),
            DataType::Boolean => Builder::Bool(Vec::with_capacity(n)),
            _ => Builder::Str(Vec::with_capacity(n)),
        }
    }

    pub fn push_null(&mut self) {
        match self {
            Builder::Int(v) => v.push(None),
            Builder::Float(v) => v.push(None),
            Builder::Str(v) => v.push(None),
            Builder::Bool(v) => v.push(None),
        }
    }

    pub fn finish(self, name: &str) -> Column {
        let s = match self {
            Builder::Int(v) => Series::new(name.into(), v),
            Builder::Float(v) => Series::new(name.into(), v),
            Builder::Str(v) => Series::new(name.into(), v),
            Builder::Bool(v) => Series::new(name.into(), v),
        };
        s.into_column()
    }
}
