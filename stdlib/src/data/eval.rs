//! Evaluating an [`Expr`] on a frame, column-wise.
//!
//! Values are numbers (every integer and float column is read as `f64`), text (string and
//! categorical columns) or booleans. Rules:
//! - Arithmetic and functions give numbers; a null operand gives null, and so does a result
//!   that is not finite (division by zero, `log(0)`, `sqrt(-1)`), so no NaN or infinity
//!   reaches a model. `round` rounds half away from zero; `min`/`max` of a null is null.
//! - Comparisons work between numbers, between texts (byte order) and, for `=`/`!=`, between
//!   booleans; comparing with a null gives null.
//! - `and`, `or`, `not` follow three-valued logic (`null and false` is false).
//! - `filter` keeps the rows where the condition is true (null counts as false).

use aimass_engine::StageError;
use polars::prelude::*;

use super::columns::{as_f64, as_str, column_names};
use super::errors::{unknown_column, EXPR_TYPE};
use super::expr::{BinOp, Expr, Func};

/// A column-length value.
pub enum Val {
    Num(Float64Chunked),
    Str(StringChunked),
    Bool(BooleanChunked),
}

impl Val {
    fn kind(&self) -> &'static str {
        match self {
            Val::Num(_) => "a number",
            Val::Str(_) => "text",
            Val::Bool(_) => "a boolean",
        }
    }

    /// The value as a named column.
    pub fn into_column(self, name: &str) -> Column {
        let name = PlSmallStr::from(name);
        match self {
            Val::Num(ca) => ca.with_name(name).into_column(),
            Val::Str(ca) => ca.with_name(name).into_column(),
            Val::Bool(ca) => ca.with_name(name).into_column(),
        }
    }
}

fn type_error(msg: String) -> StageError {
    StageError::new(msg).code(EXPR_TYPE)
}

/// Evaluates `e` on every row of `df`.
pub fn eval(e: &Expr, df: &DataFrame) -> Result<Val, StageError> {
    let n = df.height();
    Ok(match e {
        Expr::Num(v) => Val::Num(Float64Chunked::full("".into(), *v, n)),
        Expr::Str(s) => Val::Str(StringChunked::full("".into(), s, n)),
        Expr::Bool(b) => Val::Bool(BooleanChunked::full("".into(), *b, n)),
        Expr::Column(c) => column(df, c)?,
        Expr::Neg(inner) => Val::Num(num(eval(inner, df)?, "-")?.apply_values(|x| -x)),
        Expr::Not(inner) => Val::Bool(
            boolean(eval(inner, df)?, "not")?
                .iter()
                .map(|b| b.map(|b| !b))
                .collect(),
        ),
        Expr::IsNull { expr, negated } => {
            let v = eval(expr, df)?;
            let nulls = match &v {
                Val::Num(ca) => ca.is_null(),
                Val::Str(ca) => ca.is_null(),
                Val::Bool(ca) => ca.is_null(),
            };
            Val::Bool(if *negated { !&nulls } else { nulls })
        }
        Expr::Binary(op, a, b) => binary(*op, eval(a, df)?, eval(b, df)?)?,
        Expr::Call(f, args) => call(*f, args, df)?,
    })
}

/// Evaluates a condition: true rows are kept, false and null rows are not.
pub fn eval_mask(e: &Expr, df: &DataFrame) -> Result<BooleanChunked, StageError> {
    let v = eval(e, df)?;
    let ca = boolean(v, "filter")?;
    Ok(ca.iter().map(|b| Some(b == Some(true))).collect())
}

fn column(df: &DataFrame, name: &str) -> Result<Val, StageError> {
    let Ok(col) = df.column(name) else {
        let names = column_names(df);
        return Err(unknown_column(
            name,
            Default::default(),
            names.iter().map(String::as_str),
            "for the expression",
        ));
    };
    let dt = col.dtype();
    if dt.is_primitive_numeric() {
        Ok(Val::Num(as_f64(col)?))
    } else if dt.is_bool() {
        Ok(Val::Bool(
            col.bool()
                .map_err(|e| StageError::new(e.to_string()))?
                .rechunk()
                .into_owned(),
        ))
    } else if dt.is_string() || dt.is_categorical() || dt.is_enum() {
        Ok(Val::Str(as_str(col)?))
    } else {
        Err(type_error(format!(
            "column `{name}` holds {dt}, which expressions cannot use"
        )))
    }
}

fn num(v: Val, op: &str) -> Result<Float64Chunked, StageError> {
    match v {
        Val::Num(ca) => Ok(ca),
        other => Err(type_error(format!(
            "`{op}` needs a number, not {}",
            other.kind()
        ))),
    }
}

fn boolean(v: Val, op: &str) -> Result<BooleanChunked, StageError> {
    match v {
        Val::Bool(ca) => Ok(ca),
        other => Err(type_error(format!(
            "`{op}` needs a condition (true/false), not {}",
            other.kind()
        ))),
    }
}

fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

fn zip_num(a: &Float64Chunked, b: &Float64Chunked, f: impl Fn(f64, f64) -> f64) -> Float64Chunked {
    a.iter()
        .zip(b.iter())
        .map(|(x, y)| finite(f(x?, y?)))
        .collect()
}

fn symbol(op: BinOp) -> &'static str {
    match op {
        BinOp::Add => "+",
        BinOp::Sub => "-",
        BinOp::Mul => "*",
        BinOp::Div => "/",
        BinOp::Eq => "=",
        BinOp::Ne => "!=",
        BinOp::Lt => "<",
        BinOp::Le => "<=",
        BinOp::Gt => ">",
        BinOp::Ge => ">=",
        BinOp::And => "and",
        BinOp::Or => "or",
    }
}

fn binary(op: BinOp, a: Val, b: Val) -> Result<Val, StageError> {
    use std::cmp::Ordering;
    let sym = symbol(op);
    let test = move |o: Ordering| match op {
        BinOp::Eq => o == Ordering::Equal,
        BinOp::Ne => o != Ordering::Equal,
        BinOp::Lt => o == Ordering::Less,
        BinOp::Le => o != Ordering::Greater,
        BinOp::Gt => o == Ordering::Greater,
        _ => o != Ordering::Less,
    };
    Ok(match (op, a, b) {
        (BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div, Val::Num(x), Val::Num(y)) => {
            Val::Num(match op {
                BinOp::Add => zip_num(&x, &y, |p, q| p + q),
                BinOp::Sub => zip_num(&x, &y, |p, q| p - q),
                BinOp::Mul => zip_num(&x, &y, |p, q| p * q),
                _ => zip_num(&x, &y, |p, q| p / q),
            })
        }
        (BinOp::And, a, b) => {
            let (x, y) = (boolean(a, sym)?, boolean(b, sym)?);
            Val::Bool(
                x.iter()
                    .zip(y.iter())
                    .map(|p| match p {
                        (Some(false), _) | (_, Some(false)) => Some(false),
                        (Some(true), Some(true)) => Some(true),
                        _ => None,
                    })
                    .collect(),
            )
        }
        (BinOp::Or, a, b) => {
            let (x, y) = (boolean(a, sym)?, boolean(b, sym)?);
            Val::Bool(
                x.iter()
                    .zip(y.iter())
                    .map(|p| match p {
                        (Some(true), _) | (_, Some(true)) => Some(true),
                        (Some(false), Some(false)) => Some(false),
                        _ => None,
                    })
                    .collect(),
            )
        }
        (BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div, a, b) => {
            return Err(type_error(format!(
                "cannot apply `{sym}` to {} and {}",
                a.kind(),
                b.kind()
            )))
        }
        (_, Val::Num(x), Val::Num(y)) => Val::Bool(
            x.iter()
                .zip(y.iter())
                .map(|(p, q)| Some(test(p?.partial_cmp(&q?)?)))
                .collect(),
        ),
        (_, Val::Str(x), Val::Str(y)) => Val::Bool(
            x.iter()
                .zip(y.iter())
                .map(|(p, q)| Some(test(p?.cmp(q?))))
                .collect(),
        ),
        (BinOp::Eq | BinOp::Ne, Val::Bool(x), Val::Bool(y)) => Val::Bool(
            x.iter()
                .zip(y.iter())
                .map(|(p, q)| Some(test(p?.cmp(&q?))))
                .collect(),
        ),
        (_, a, b) => {
            return Err(type_error(format!(
                "cannot compare {} with {} using `{sym}`",
                a.kind(),
                b.kind()
            )))
        }
    })
}

fn call(f: Func, args: &[Expr], df: &DataFrame) -> Result<Val, StageError> {
    let name = format!("{f:?}").to_lowercase();
    let mut vals = Vec::with_capacity(args.len());
    for a in args {
        vals.push(num(eval(a, df)?, &name)?);
    }
    let one =
        |g: fn(f64) -> f64| -> Float64Chunked { vals[0].iter().map(|x| finite(g(x?))).collect() };
    Ok(Val::Num(match f {
        Func::Abs => one(f64::abs),
        Func::Sqrt => one(f64::sqrt),
        Func::Log => one(f64::ln),
        Func::Exp => one(f64::exp),
        Func::Round => one(f64::round),
        Func::Min => zip_num(&vals[0], &vals[1], f64::min),
        Func::Max => zip_num(&vals[0], &vals[1], f64::max),
    }))
}
