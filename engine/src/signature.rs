//! What a stage kind declares about itself: input ports, output ports and parameters.
//!
//! Signatures are data, not code, so the same description serves `aimass check`, `aimass
//! stages`, the DAG builder and (later) plugins, whose signatures arrive as JSON.

use std::fmt;

use crate::param::ParamValue;

/// The type of a value travelling on a DAG edge.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ArtifactType {
    /// A table of rows (a polars DataFrame), with the recipe that prepared it.
    Frame,
    /// A fitted estimator with its feature schema, class labels and recipe.
    Model,
    /// Named scalars and tables.
    Metrics,
}

impl ArtifactType {
    pub fn name(self) -> &'static str {
        match self {
            ArtifactType::Frame => "Frame",
            ArtifactType::Model => "Model",
            ArtifactType::Metrics => "Metrics",
        }
    }
}

impl fmt::Display for ArtifactType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The declared type of a parameter (or of a part of one).
#[derive(Clone, Debug, PartialEq)]
pub enum Ty {
    Str,
    Int,
    /// A number; integers are accepted and widened.
    Float,
    /// A number in [0, 1], written `0.2` or `20%`.
    Fraction,
    Bool,
    /// A wall time: `30s`, `15m`, `12h` (in YAML also the string "30s").
    Duration,
    /// One of a fixed set of words, written bare (`median`) or quoted.
    Word(Vec<String>),
    List(Box<Ty>),
    /// The first alternative that accepts the value wins.
    OneOf(Vec<Ty>),
    /// A block with declared keys.
    Struct(Vec<ParamSig>),
    /// A block whose keys are free (column names, say) and whose values have one type.
    MapOf(Box<Ty>),
    /// One of several named calls, e.g. `random(trials = 50)`; a bare name is a call
    /// without arguments.
    Call(Vec<CallSig>),
    /// An inclusive numeric range `lo..hi` with ends of the given type.
    Range(Box<Ty>),
    /// A quality gate: `metric OP number`; the metric has the given type (words or calls).
    Gate(Box<Ty>),
    /// A reference to an output port of another stage.
    Input(ArtifactType),
    /// Anything; the stage checks it at run time.
    Any,
}

impl Ty {
    pub fn words(words: &[&str]) -> Ty {
        Ty::Word(words.iter().map(|w| w.to_string()).collect())
    }

    pub fn list(inner: Ty) -> Ty {
        Ty::List(Box::new(inner))
    }

    /// A column name or a list of them.
    pub fn columns() -> Ty {
        Ty::OneOf(vec![Ty::Str, Ty::list(Ty::Str)])
    }

    /// The artifact types this type refers to, if it is (a list of) references.
    pub fn input_type(&self) -> Option<ArtifactType> {
        match self {
            Ty::Input(t) => Some(*t),
            Ty::List(inner) => inner.input_type(),
            _ => None,
        }
    }
}

impl fmt::Display for Ty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ty::Str => f.write_str("string"),
            Ty::Int => f.write_str("integer"),
            Ty::Float => f.write_str("number"),
            Ty::Fraction => f.write_str("fraction (0.2 or 20%)"),
            Ty::Bool => f.write_str("boolean"),
            Ty::Duration => f.write_str("duration (30s, 15m, 12h)"),
            Ty::Word(words) => write!(f, "one of {}", words.join(" | ")),
            Ty::List(inner) => write!(f, "list of {inner}"),
            Ty::OneOf(alts) => {
                let parts: Vec<String> = alts.iter().map(|t| t.to_string()).collect();
                write!(f, "{}", parts.join(", or "))
            }
            Ty::Struct(fields) => {
                let keys: Vec<&str> = fields.iter().map(|p| p.name.as_str()).collect();
                write!(f, "block {{ {} }}", keys.join(", "))
            }
            Ty::MapOf(inner) => write!(f, "block of name = {inner}"),
            Ty::Call(calls) => {
                let names: Vec<String> = calls.iter().map(|c| c.to_string()).collect();
                write!(f, "{}", names.join(" | "))
            }
            Ty::Range(inner) => write!(f, "range of {inner} (lo..hi)"),
            Ty::Gate(_) => f.write_str("gate (metric >= number)"),
            Ty::Input(t) => write!(f, "reference to a {t}"),
            Ty::Any => f.write_str("any value"),
        }
    }
}

/// One named call a parameter accepts, e.g. `random(trials = 50)` or `lift(10%)`.
#[derive(Clone, Debug, PartialEq)]
pub struct CallSig {
    pub name: String,
    /// The type of a single positional argument, if the call takes one (`lift(10%)`).
    pub positional: Option<Ty>,
    pub params: Vec<ParamSig>,
}

impl CallSig {
    pub fn new(name: &str) -> Self {
        Self {
            name: name.to_string(),
            positional: None,
            params: Vec::new(),
        }
    }

    pub fn positional(mut self, ty: Ty) -> Self {
        self.positional = Some(ty);
        self
    }

    pub fn param(mut self, p: ParamSig) -> Self {
        self.params.push(p);
        self
    }
}

impl fmt::Display for CallSig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut args: Vec<String> = Vec::new();
        if let Some(t) = &self.positional {
            args.push(t.to_string());
        }
        args.extend(self.params.iter().map(|p| format!("{} = {}", p.name, p.ty)));
        if args.is_empty() {
            f.write_str(&self.name)
        } else {
            write!(f, "{}({})", self.name, args.join(", "))
        }
    }
}

/// A parameter: its name, type, whether it is required, its default and its doc line.
#[derive(Clone, Debug, PartialEq)]
pub struct ParamSig {
    pub name: String,
    pub ty: Ty,
    pub required: bool,
    pub default: Option<ParamValue>,
    /// Inclusive numeric bounds, checked for Int and Float values.
    pub bounds: Option<(f64, f64)>,
    pub doc: String,
}

impl ParamSig {
    pub fn required(name: &str, ty: Ty, doc: &str) -> Self {
        Self {
            name: name.to_string(),
            ty,
            required: true,
            default: None,
            bounds: None,
            doc: doc.to_string(),
        }
    }

    pub fn optional(name: &str, ty: Ty, doc: &str) -> Self {
        Self {
            required: false,
            ..Self::required(name, ty, doc)
        }
    }

    pub fn with_default(name: &str, ty: Ty, default: ParamValue, doc: &str) -> Self {
        Self {
            default: Some(default),
            ..Self::optional(name, ty, doc)
        }
    }

    pub fn bounds(mut self, lo: f64, hi: f64) -> Self {
        self.bounds = Some((lo, hi));
        self
    }
}

/// An output port.
#[derive(Clone, Debug, PartialEq)]
pub struct PortSig {
    pub name: String,
    pub ty: ArtifactType,
    pub doc: String,
}

/// Everything the engine knows about a stage kind without running it.
#[derive(Clone, Debug, PartialEq)]
pub struct Signature {
    pub kind: String,
    pub doc: String,
    /// Parameters, including those that are input ports (`Ty::Input`).
    pub params: Vec<ParamSig>,
    pub outputs: Vec<PortSig>,
    /// The output a bare reference (`raw` rather than `raw.port`) means. `None` when a stage
    /// has several outputs and none is the obvious one: the user must name the port.
    pub default_output: Option<String>,
}

impl Signature {
    pub fn new(kind: &str, doc: &str) -> Self {
        Self {
            kind: kind.to_string(),
            doc: doc.to_string(),
            params: Vec::new(),
            outputs: Vec::new(),
            default_output: None,
        }
    }

    /// A required input port.
    pub fn input(self, name: &str, ty: ArtifactType, doc: &str) -> Self {
        self.param(ParamSig::required(name, Ty::Input(ty), doc))
    }

    /// A required list of input ports.
    pub fn inputs(self, name: &str, ty: ArtifactType, doc: &str) -> Self {
        self.param(ParamSig::required(name, Ty::list(Ty::Input(ty)), doc))
    }

    pub fn param(mut self, p: ParamSig) -> Self {
        self.params.push(p);
        self
    }

    /// An output port; the first one declared is the default output.
    pub fn output(mut self, name: &str, ty: ArtifactType, doc: &str) -> Self {
        if self.outputs.is_empty() {
            self.default_output = Some(name.to_string());
        }
        self.outputs.push(PortSig {
            name: name.to_string(),
            ty,
            doc: doc.to_string(),
        });
        self
    }

    /// Declares that a bare reference is ambiguous: the user must name a port.
    pub fn no_default_output(mut self) -> Self {
        self.default_output = None;
        self
    }

    pub fn param_sig(&self, name: &str) -> Option<&ParamSig> {
        self.params.iter().find(|p| p.name == name)
    }

    pub fn output_port(&self, name: &str) -> Option<&PortSig> {
        self.outputs.iter().find(|p| p.name == name)
    }

    /// The parameters that are input ports.
    pub fn input_params(&self) -> impl Iterator<Item = &ParamSig> {
        self.params.iter().filter(|p| p.ty.input_type().is_some())
    }
}
