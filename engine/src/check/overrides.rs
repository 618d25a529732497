//! `--set KEY=VALUE`: overriding pipeline parameters from the command line.
//!
//! The value is read with the `.aim` value syntax and must be of the same type as the value
//! the file declares, so `--set depth=eight` fails here rather than deep inside a stage. The
//! override keeps the span of the declared value: later diagnostics point at the parameter
//! in the file.

use aimass_dsl::ir::{self, ValueKind};

use crate::suggest::did_you_mean;

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum OverrideError {
    #[error("`--set {arg}`: expected KEY=VALUE")]
    #[diagnostic(code(aimass::cli::set_syntax), help("for example: --set depth=8"))]
    Syntax { arg: String },

    #[error("`--set {key}`: the pipeline declares no parameter `{key}`")]
    #[diagnostic(code(aimass::cli::set_unknown))]
    Unknown {
        key: String,
        #[help]
        help: String,
    },

    #[error("`--set {key}={value}`: {reason}")]
    #[diagnostic(code(aimass::cli::set_value))]
    BadValue {
        key: String,
        value: String,
        reason: String,
    },
}

/// Returns the pipeline with the given `KEY=VALUE` overrides applied to its `params`.
pub fn apply_overrides(
    pipeline: &ir::Pipeline,
    sets: &[String],
) -> Result<ir::Pipeline, Vec<OverrideError>> {
    let mut out = pipeline.clone();
    let mut errors = Vec::new();
    for arg in sets {
        let Some((key, text)) = arg.split_once('=') else {
            errors.push(OverrideError::Syntax { arg: arg.clone() });
            continue;
        };
        let key = key.trim();
        let Some(entry) = out.params.iter_mut().find(|e| e.key.name == key) else {
            let help = match did_you_mean(key, pipeline.params.iter().map(|e| e.key.name.as_str()))
            {
                Some(s) => format!("did you mean `{s}`?"),
                None if pipeline.params.is_empty() => {
                    "the pipeline has no `params` block".to_string()
                }
                None => format!(
                    "declared parameters: {}",
                    pipeline
                        .params
                        .iter()
                        .map(|e| e.key.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            errors.push(OverrideError::Unknown {
                key: key.to_string(),
                help,
            });
            continue;
        };
        let bad = |reason: String| OverrideError::BadValue {
            key: key.to_string(),
            value: text.to_string(),
            reason,
        };
        let value = match aimass_dsl::parse_value(text.trim()) {
            Ok(v) => v,
            // An unparsable value for a string parameter is meant as the string itself.
            Err(_) if matches!(entry.value.kind, ValueKind::Str(_)) => {
                ir::Value::new(ValueKind::Str(text.to_string()), entry.value.span)
            }
            Err(e) => {
                errors.push(bad(format!("not a value ({e})")));
                continue;
            }
        };
        match coerce(&entry.value.kind, value.kind) {
            Ok(kind) => entry.value = ir::Value::new(kind, entry.value.span),
            Err(found) => errors.push(bad(format!(
                "the file declares {}, this is {found}",
                entry.value.kind.describe()
            ))),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// The override converted to the declared value's type, or what it was instead.
fn coerce(declared: &ValueKind, given: ValueKind) -> Result<ValueKind, &'static str> {
    use ValueKind as V;
    match (declared, given) {
        (V::Int(_), g @ V::Int(_)) => Ok(g),
        (V::Float(_), V::Int(i)) => Ok(V::Float(i as f64)),
        (V::Float(_), g @ V::Float(_)) => Ok(g),
        (V::Percent(_), g @ V::Percent(_)) => Ok(g),
        (V::Duration(_), g @ V::Duration(_)) => Ok(g),
        (V::Bool(_), g @ V::Bool(_)) => Ok(g),
        (V::Str(_), g @ V::Str(_)) => Ok(g),
        (V::Str(_), V::Path(p)) => Ok(V::Str(
            p.iter()
                .map(|i| i.name.as_str())
                .collect::<Vec<_>>()
                .join("."),
        )),
        (V::Str(_), V::Int(i)) => Ok(V::Str(i.to_string())),
        (V::Path(_), g @ V::Path(_)) => Ok(g),
        (V::List(_), g @ V::List(_)) => Ok(g),
        (V::Range(..), g @ V::Range(..)) => Ok(g),
        (V::Call(_), g @ (V::Call(_) | V::Path(_))) => Ok(g),
        (V::Path(_), g @ V::Call(_)) => Ok(g),
        (_, g) => Err(g.describe()),
    }
}
