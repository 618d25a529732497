//! The expression language of `filter` and `derive`, parsed (here) and evaluated on columns
//! (`eval`).
//!
//! ```text
//! expr    := or
//! or      := and ("or" and)*
//! and     := not ("and" not)*
//! not     := "not" not | cmp
//! cmp     := sum (("==" | "=" | "!=" | "<" | "<=" | ">" | ">=") sum)?
//!          | sum "is" "not"? "null"
//! sum     := product (("+" | "-") product)*
//! product := unary (("*" | "/") unary)*
//! unary   := "-" unary | atom
//! atom    := number | "string" | 'string' | true | false | column | `any column`
//!          | function "(" expr ("," expr)* ")" | "(" expr ")"
//! ```
//!
//! Functions: `abs`, `sqrt`, `log` (natural), `exp`, `round` (one argument), `min`, `max`
//! (two). A bare word is a column; backquotes allow any column name (`` `monthly charges` ``).
//! Keywords are lowercase. Evaluation rules are documented in `eval`.

use std::fmt;

/// A parsed expression.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    Column(String),
    Num(f64),
    Str(String),
    Bool(bool),
    Neg(Box<Expr>),
    Not(Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    IsNull { expr: Box<Expr>, negated: bool },
    Call(Func, Vec<Expr>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Func {
    Abs,
    Sqrt,
    Log,
    Exp,
    Round,
    Min,
    Max,
}

impl Func {
    pub(super) const ALL: [(&'static str, Func, usize); 7] = [
        ("abs", Func::Abs, 1),
        ("sqrt", Func::Sqrt, 1),
        ("log", Func::Log, 1),
        ("exp", Func::Exp, 1),
        ("round", Func::Round, 1),
        ("min", Func::Min, 2),
        ("max", Func::Max, 2),
    ];
}

/// A syntax error at a byte range of the expression text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub message: String,
    pub offset: usize,
    pub len: usize,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl Expr {
    /// Every column the expression reads, in first-use order, without repeats.
    pub fn columns(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.visit(&mut |e| {
            if let Expr::Column(c) = e {
                if !out.contains(c) {
                    out.push(c.clone());
                }
            }
        });
        out
    }

    fn visit(&self, f: &mut impl FnMut(&Expr)) {
        f(self);
        match self {
            Expr::Neg(e) | Expr::Not(e) | Expr::IsNull { expr: e, .. } => e.visit(f),
            Expr::Binary(_, a, b) => {
                a.visit(f);
                b.visit(f);
            }
            Expr::Call(_, args) => args.iter().for_each(|a| a.visit(f)),
            _ => {}
        }
    }
}

pub use super::parse::parse;
