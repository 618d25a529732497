//! Declaring parameters: a small builder that emits the descriptor's parameter JSON.
//!
//! `Param::int("bins").default(5).range(2, 10).doc("...")` gives
//! `{"name": "bins", "type": "int", "default": 5, "min": 2, "max": 10, "required": false,
//! "doc": "..."}`. [`Param::check`] catches declarations the host would reject or that
//! contradict themselves (a default of the wrong type, outside the range, not one of the
//! words), so a plugin author finds them in a unit test rather than when aimass loads it.

use serde_json::{json, Value};

use crate::error::{Error, Result};

/// A parameter's type, as the descriptor spells it.
#[derive(Clone, Debug, PartialEq)]
pub enum ParamType {
    String,
    Int,
    Float,
    /// A float in [0, 1].
    Fraction,
    Bool,
    /// The name of a column of an input.
    Column,
    /// One column name or a list of them.
    Columns,
    /// One of the given words.
    Words(Vec<String>),
    /// A list of values of one type.
    List(Box<ParamType>),
}

impl ParamType {
    /// `"int"`, `{"words": [...]}`, `{"list": ...}`.
    pub fn to_json(&self) -> Value {
        match self {
            ParamType::String => "string".into(),
            ParamType::Int => "int".into(),
            ParamType::Float => "float".into(),
            ParamType::Fraction => "fraction".into(),
            ParamType::Bool => "bool".into(),
            ParamType::Column => "column".into(),
            ParamType::Columns => "columns".into(),
            ParamType::Words(words) => json!({ "words": words }),
            ParamType::List(item) => json!({ "list": item.to_json() }),
        }
    }

    /// Whether `value` is a value of this type (the type's own constraints included).
    pub fn accepts(&self, value: &Value) -> bool {
        match self {
            ParamType::String | ParamType::Column => value.is_string(),
            ParamType::Int => value.is_i64() || value.is_u64(),
            ParamType::Float => value.is_number(),
            ParamType::Fraction => value.as_f64().is_some_and(|v| (0.0..=1.0).contains(&v)),
            ParamType::Bool => value.is_boolean(),
            ParamType::Columns => {
                value.is_string()
                    || value
                        .as_array()
                        .is_some_and(|items| items.iter().all(Value::is_string))
            }
            ParamType::Words(words) => value.as_str().is_some_and(|v| words.iter().any(|w| w == v)),
            ParamType::List(item) => value
                .as_array()
                .is_some_and(|items| items.iter().all(|v| item.accepts(v))),
        }
    }

    fn numeric(&self) -> bool {
        matches!(
            self,
            ParamType::Int | ParamType::Float | ParamType::Fraction
        )
    }
}

/// A declared parameter of a stage.
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    name: String,
    ty: ParamType,
    default: Option<Value>,
    min: Option<Value>,
    max: Option<Value>,
    required: bool,
    doc: String,
}

impl Param {
    /// A parameter of any type.
    pub fn new(name: impl Into<String>, ty: ParamType) -> Param {
        Param {
            name: name.into(),
            ty,
            default: None,
            min: None,
            max: None,
            required: false,
            doc: String::new(),
        }
    }

    pub fn string(name: impl Into<String>) -> Param {
        Param::new(name, ParamType::String)
    }

    pub fn int(name: impl Into<String>) -> Param {
        Param::new(name, ParamType::Int)
    }

    pub fn float(name: impl Into<String>) -> Param {
        Param::new(name, ParamType::Float)
    }

    /// A float in [0, 1].
    pub fn fraction(name: impl Into<String>) -> Param {
        Param::new(name, ParamType::Fraction)
    }

    pub fn bool(name: impl Into<String>) -> Param {
        Param::new(name, ParamType::Bool)
    }

    /// A column name.
    pub fn column(name: impl Into<String>) -> Param {
        Param::new(name, ParamType::Column)
    }

    /// One column name or a list of them (read with [`crate::Params::strings`]).
    pub fn columns(name: impl Into<String>) -> Param {
        Param::new(name, ParamType::Columns)
    }

    /// One of `words`.
    pub fn words(name: impl Into<String>, words: &[&str]) -> Param {
        let words = words.iter().map(|w| (*w).to_owned()).collect();
        Param::new(name, ParamType::Words(words))
    }

    /// A list of values of type `item` (`Param::list("cuts", ParamType::Float)`).
    pub fn list(name: impl Into<String>, item: ParamType) -> Param {
        Param::new(name, ParamType::List(Box::new(item)))
    }

    /// The value the host applies when the pipeline gives none.
    pub fn default(mut self, value: impl Into<Value>) -> Param {
        self.default = Some(value.into());
        self
    }

    /// The smallest value allowed (numeric types).
    pub fn min(mut self, value: impl Into<Value>) -> Param {
        self.min = Some(value.into());
        self
    }

    /// The largest value allowed (numeric types).
    pub fn max(mut self, value: impl Into<Value>) -> Param {
        self.max = Some(value.into());
        self
    }

    /// `min` and `max` at once, both inclusive.
    pub fn range(self, min: impl Into<Value>, max: impl Into<Value>) -> Param {
        self.min(min).max(max)
    }

    /// The pipeline must give a value.
    pub fn required(mut self) -> Param {
        self.required = true;
        self
    }

    pub fn doc(mut self, doc: impl Into<String>) -> Param {
        self.doc = doc.into();
        self
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn ty(&self) -> &ParamType {
        &self.ty
    }

    /// The descriptor entry.
    pub fn to_json(&self) -> Value {
        let mut object = serde_json::Map::new();
        object.insert("name".into(), self.name.clone().into());
        object.insert("type".into(), self.ty.to_json());
        for (key, value) in [
            ("default", &self.default),
            ("min", &self.min),
            ("max", &self.max),
        ] {
            if let Some(value) = value {
                object.insert(key.into(), value.clone());
            }
        }
        object.insert("required".into(), self.required.into());
        object.insert("doc".into(), self.doc.clone().into());
        Value::Object(object)
    }

    /// An error (naming the parameter) when the declaration contradicts itself.
    pub fn check(&self) -> Result<()> {
        let fail = |message: String| Err(Error::param(&self.name, message));
        if !crate::spec::is_identifier(&self.name) {
            return fail(format!("`{}` is not a valid parameter name", self.name));
        }
        if let ParamType::Words(words) = &self.ty {
            if words.is_empty() {
                return fail("a words parameter needs at least one word".into());
            }
        }
        for (what, bound) in [("min", &self.min), ("max", &self.max)] {
            if let Some(bound) = bound {
                if !self.ty.numeric() {
                    return fail(format!("`{what}` applies to numeric parameters only"));
                }
                if !bound.is_number() {
                    return fail(format!("`{what}` must be a number, not {bound}"));
                }
            }
        }
        let bounds = (
            self.min.as_ref().and_then(Value::as_f64),
            self.max.as_ref().and_then(Value::as_f64),
        );
        if let (Some(min), Some(max)) = bounds {
            if min > max {
                return fail(format!("min {min} is above max {max}"));
            }
        }
        if let Some(default) = &self.default {
            if self.required {
                return fail("a required parameter cannot have a default".into());
            }
            if !self.ty.accepts(default) {
                let ty = self.ty.to_json();
                return fail(format!("default {default} is not a value of type {ty}"));
            }
            if let Some(value) = default.as_f64() {
                let below = bounds.0.is_some_and(|min| value < min);
                let above = bounds.1.is_some_and(|max| value > max);
                if below || above {
                    return fail(format!("default {default} is outside the range"));
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emits_the_documented_shape() {
        let param = Param::int("bins")
            .default(5)
            .range(2, 10)
            .doc("Bins per score.");
        assert_eq!(
            param.to_json(),
            json!({"name": "bins", "type": "int", "default": 5, "min": 2, "max": 10,
                   "required": false, "doc": "Bins per score."})
        );
        assert_eq!(param.check(), Ok(()));
        let words = Param::words("weights", &["uniform", "distance"]).required();
        assert_eq!(
            words.to_json(),
            json!({"name": "weights", "type": {"words": ["uniform", "distance"]},
                   "required": true, "doc": ""})
        );
        let list = Param::list("cuts", ParamType::Float);
        assert_eq!(list.to_json()["type"], json!({"list": "float"}));
        let nested = Param::list("groups", ParamType::Columns);
        assert_eq!(nested.to_json()["type"], json!({"list": "columns"}));
    }

    #[test]
    fn contradictions_are_errors_naming_the_param() {
        let cases = [
            Param::int("bins").default("five"),
            Param::int("bins").default(12).range(2, 10),
            Param::int("bins").range(10, 2),
            Param::string("prefix").min(1),
            Param::fraction("share").default(1.5),
            Param::words("mode", &["a", "b"]).default("c"),
            Param::words("mode", &[]),
            Param::bool("flag").default(true).required(),
            Param::int("bad name"),
        ];
        for param in cases {
            let error = param.check().expect_err("contradiction");
            assert_eq!(error.param_name(), Some(param.name()), "{error}");
        }
        assert_eq!(
            Param::columns("keys").default(json!(["a", "b"])).check(),
            Ok(())
        );
        assert_eq!(Param::columns("keys").default("a").check(), Ok(()));
        assert_eq!(Param::float("alpha").default(1).check(), Ok(()));
    }
}
