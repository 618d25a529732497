//! Reading a call's parameters with types.
//!
//! The host sends every declared parameter that has a value, defaults applied, so a plain
//! reader (`int`, `str`, ...) fails only for an optional parameter left unset (use the
//! `opt_*` reader for those) or a value of the wrong type. Every error names the parameter,
//! which lets the host point at the line of the pipeline file.

use serde_json::{Map, Value};

use crate::error::{Error, Result};

/// The `params` object of a call.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Params {
    values: Map<String, Value>,
}

impl Params {
    /// Parameters from a JSON object (`null` or absent: none).
    pub fn from_json(value: Value) -> Result<Params> {
        match value {
            Value::Null => Ok(Params::default()),
            Value::Object(values) => Ok(Params { values }),
            other => Err(Error::new(format!(
                "call params must be an object, not {other}"
            ))),
        }
    }

    /// The raw value, `None` when unset (or `null`).
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.values.get(name).filter(|v| !v.is_null())
    }

    /// Whether the parameter has a value.
    pub fn has(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    pub fn int(&self, name: &str) -> Result<i64> {
        required(name, self.opt_int(name)?)
    }

    pub fn opt_int(&self, name: &str) -> Result<Option<i64>> {
        self.read(name, "an integer", Value::as_i64)
    }

    /// A non-negative integer, as a count or an index.
    pub fn usize(&self, name: &str) -> Result<usize> {
        required(name, self.opt_usize(name)?)
    }

    pub fn opt_usize(&self, name: &str) -> Result<Option<usize>> {
        self.read(name, "a non-negative integer", |v| {
            v.as_u64().and_then(|v| usize::try_from(v).ok())
        })
    }

    /// A float (an integer value is accepted).
    pub fn float(&self, name: &str) -> Result<f64> {
        required(name, self.opt_float(name)?)
    }

    pub fn opt_float(&self, name: &str) -> Result<Option<f64>> {
        self.read(name, "a number", Value::as_f64)
    }

    /// A string, column name or word.
    pub fn str(&self, name: &str) -> Result<&str> {
        required(name, self.opt_str(name)?)
    }

    pub fn opt_str(&self, name: &str) -> Result<Option<&str>> {
        self.read(name, "a string", Value::as_str)
    }

    pub fn bool(&self, name: &str) -> Result<bool> {
        required(name, self.opt_bool(name)?)
    }

    pub fn opt_bool(&self, name: &str) -> Result<Option<bool>> {
        self.read(name, "true or false", Value::as_bool)
    }

    /// A `columns` parameter (one name or a list) or a list of strings.
    pub fn strings(&self, name: &str) -> Result<Vec<String>> {
        required(name, self.opt_strings(name)?)
    }

    pub fn opt_strings(&self, name: &str) -> Result<Option<Vec<String>>> {
        self.read(name, "a string or a list of strings", |v| match v {
            Value::String(s) => Some(vec![s.clone()]),
            Value::Array(items) => items
                .iter()
                .map(|i| i.as_str().map(str::to_owned))
                .collect(),
            _ => None,
        })
    }

    /// A list of integers.
    pub fn ints(&self, name: &str) -> Result<Vec<i64>> {
        required(name, self.opt_list(name, "integers", Value::as_i64)?)
    }

    /// A list of numbers.
    pub fn floats(&self, name: &str) -> Result<Vec<f64>> {
        required(name, self.opt_list(name, "numbers", Value::as_f64)?)
    }

    fn opt_list<T>(
        &self,
        name: &str,
        what: &str,
        item: impl Fn(&Value) -> Option<T>,
    ) -> Result<Option<Vec<T>>> {
        let expected = format!("a list of {what}");
        self.read(name, &expected, |v| {
            v.as_array()?.iter().map(&item).collect()
        })
    }

    fn read<'a, T>(
        &'a self,
        name: &str,
        expected: &str,
        convert: impl FnOnce(&'a Value) -> Option<T>,
    ) -> Result<Option<T>> {
        match self.get(name) {
            None => Ok(None),
            Some(value) => convert(value)
                .map(Some)
                .ok_or_else(|| Error::param(name, format!("expected {expected}, got {value}"))),
        }
    }
}

fn required<T>(name: &str, value: Option<T>) -> Result<T> {
    value.ok_or_else(|| Error::param(name, "has no value (and no default)"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn params() -> Params {
        Params::from_json(json!({
            "bins": 5, "alpha": 0.5, "name": "x", "on": true, "keys": ["a", "b"],
            "key": "a", "cuts": [1, 2.5], "counts": [1, 2], "gone": null, "neg": -3
        }))
        .expect("object")
    }

    #[test]
    fn typed_reads() {
        let p = params();
        assert_eq!(p.int("bins"), Ok(5));
        assert_eq!(p.usize("bins"), Ok(5));
        assert_eq!(p.float("alpha"), Ok(0.5));
        assert_eq!(p.float("bins"), Ok(5.0));
        assert_eq!(p.str("name"), Ok("x"));
        assert_eq!(p.bool("on"), Ok(true));
        assert_eq!(p.strings("keys"), Ok(vec!["a".to_owned(), "b".to_owned()]));
        assert_eq!(p.strings("key"), Ok(vec!["a".to_owned()]));
        assert_eq!(p.floats("cuts"), Ok(vec![1.0, 2.5]));
        assert_eq!(p.ints("counts"), Ok(vec![1, 2]));
        assert_eq!(p.opt_int("gone"), Ok(None));
        assert_eq!(p.opt_str("missing"), Ok(None));
    }

    #[test]
    fn errors_name_the_param() {
        let p = params();
        let wrong = p.int("name").expect_err("wrong type");
        assert_eq!(wrong.param_name(), Some("name"));
        assert_eq!(wrong.message(), "expected an integer, got \"x\"");
        let missing = p.float("missing").expect_err("missing");
        assert_eq!(missing.param_name(), Some("missing"));
        assert!(p.usize("neg").is_err());
        assert!(p.ints("cuts").is_err());
        assert!(Params::from_json(json!([1])).is_err());
    }
}
