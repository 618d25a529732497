//! The parser of the expression language: precedence climbing over the tokens of `lex`.
//! The grammar is in `expr`.

use super::expr::{BinOp, Expr, Func, SyntaxError};
use super::lex::{err, lex, Tok, Token};

/// Parses an expression.
pub fn parse(src: &str) -> Result<Expr, SyntaxError> {
    let tokens = lex(src)?;
    let mut p = Parser {
        tokens,
        pos: 0,
        end: src.len(),
    };
    let e = p.or()?;
    if let Some(t) = p.tokens.get(p.pos) {
        return Err(err(
            "expected an operator or the end of the expression",
            t.offset,
            t.len,
        ));
    }
    Ok(e)
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    end: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.pos).map(|t| &t.tok)
    }

    fn is_word(&self, w: &str) -> bool {
        matches!(self.peek(), Some(Tok::Word(x)) if x == w)
    }

    fn is_sym(&self, s: &str) -> bool {
        matches!(self.peek(), Some(Tok::Sym(x)) if *x == s)
    }

    fn here(&self) -> (usize, usize) {
        self.tokens
            .get(self.pos)
            .map(|t| (t.offset, t.len))
            .unwrap_or((self.end, 1))
    }

    fn expect_sym(&mut self, s: &str) -> Result<(), SyntaxError> {
        if self.is_sym(s) {
            self.pos += 1;
            return Ok(());
        }
        let (o, l) = self.here();
        Err(err(format!("expected `{s}`"), o, l))
    }

    fn or(&mut self) -> Result<Expr, SyntaxError> {
        let mut e = self.and()?;
        while self.is_word("or") {
            self.pos += 1;
            e = Expr::Binary(BinOp::Or, Box::new(e), Box::new(self.and()?));
        }
        Ok(e)
    }

    fn and(&mut self) -> Result<Expr, SyntaxError> {
        let mut e = self.not()?;
        while self.is_word("and") {
            self.pos += 1;
            e = Expr::Binary(BinOp::And, Box::new(e), Box::new(self.not()?));
        }
        Ok(e)
    }

    fn not(&mut self) -> Result<Expr, SyntaxError> {
        if self.is_word("not") {
            self.pos += 1;
            return Ok(Expr::Not(Box::new(self.not()?)));
        }
        self.cmp()
    }

    fn cmp(&mut self) -> Result<Expr, SyntaxError> {
        let left = self.sum()?;
        if self.is_word("is") {
            self.pos += 1;
            let negated = self.is_word("not");
            if negated {
                self.pos += 1;
            }
            if !self.is_word("null") {
                let (o, l) = self.here();
                return Err(err("expected `null` after `is`", o, l));
            }
            self.pos += 1;
            return Ok(Expr::IsNull {
                expr: Box::new(left),
                negated,
            });
        }
        let op = match self.peek() {
            Some(Tok::Sym("==" | "=")) => BinOp::Eq,
            Some(Tok::Sym("!=")) => BinOp::Ne,
            Some(Tok::Sym("<")) => BinOp::Lt,
            Some(Tok::Sym("<=")) => BinOp::Le,
            Some(Tok::Sym(">")) => BinOp::Gt,
            Some(Tok::Sym(">=")) => BinOp::Ge,
            _ => return Ok(left),
        };
        self.pos += 1;
        Ok(Expr::Binary(op, Box::new(left), Box::new(self.sum()?)))
    }

    fn sum(&mut self) -> Result<Expr, SyntaxError> {
        let mut e = self.product()?;
        loop {
            let op = match self.peek() {
                Some(Tok::Sym("+")) => BinOp::Add,
                Some(Tok::Sym("-")) => BinOp::Sub,
                _ => return Ok(e),
            };
            self.pos += 1;
            e = Expr::Binary(op, Box::new(e), Box::new(self.product()?));
        }
    }

    fn product(&mut self) -> Result<Expr, SyntaxError> {
        let mut e = self.unary()?;
        loop {
            let op = match self.peek() {
                Some(Tok::Sym("*")) => BinOp::Mul,
                Some(Tok::Sym("/")) => BinOp::Div,
                _ => return Ok(e),
            };
            self.pos += 1;
            e = Expr::Binary(op, Box::new(e), Box::new(self.unary()?));
        }
    }

    fn unary(&mut self) -> Result<Expr, SyntaxError> {
        if self.is_sym("-") {
            self.pos += 1;
            return Ok(Expr::Neg(Box::new(self.unary()?)));
        }
        self.atom()
    }

    fn atom(&mut self) -> Result<Expr, SyntaxError> {
        let (offset, len) = self.here();
        let Some(tok) = self.peek().cloned() else {
            return Err(err("the expression ends too early", offset, len));
        };
        self.pos += 1;
        match tok {
            Tok::Num(v) => Ok(Expr::Num(v)),
            Tok::Str(s) => Ok(Expr::Str(s)),
            Tok::Quoted(c) => Ok(Expr::Column(c)),
            Tok::Sym("(") => {
                let e = self.or()?;
                self.expect_sym(")")?;
                Ok(e)
            }
            Tok::Word(w) => match w.as_str() {
                "true" => Ok(Expr::Bool(true)),
                "false" => Ok(Expr::Bool(false)),
                "and" | "or" | "not" | "is" | "null" => Err(err(
                    format!("`{w}` is a keyword here; write `` `{w}` `` for a column of that name"),
                    offset,
                    len,
                )),
                _ if self.is_sym("(") => self.call(&w, offset, len),
                _ => Ok(Expr::Column(w)),
            },
            Tok::Sym(s) => Err(err(format!("expected a value, found `{s}`"), offset, len)),
        }
    }

    fn call(&mut self, name: &str, offset: usize, len: usize) -> Result<Expr, SyntaxError> {
        let Some(&(_, func, arity)) = Func::ALL.iter().find(|(n, ..)| *n == name) else {
            let known: Vec<&str> = Func::ALL.iter().map(|(n, ..)| *n).collect();
            return Err(err(
                format!("unknown function `{name}` (known: {})", known.join(", ")),
                offset,
                len,
            ));
        };
        self.expect_sym("(")?;
        let mut args = vec![self.or()?];
        while self.is_sym(",") {
            self.pos += 1;
            args.push(self.or()?);
        }
        self.expect_sym(")")?;
        if args.len() != arity {
            return Err(err(
                format!("`{name}` takes {arity} argument(s), not {}", args.len()),
                offset,
                len,
            ));
        }
        Ok(Expr::Call(func, args))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col(c: &str) -> Box<Expr> {
        Box::new(Expr::Column(c.into()))
    }

    #[test]
    fn precedence_and_forms() {
        use BinOp::*;
        let cases: Vec<(&str, Expr)> = vec![
            (
                "a + b * 2",
                Expr::Binary(
                    Add,
                    col("a"),
                    Box::new(Expr::Binary(Mul, col("b"), Box::new(Expr::Num(2.0)))),
                ),
            ),
            (
                "not a or b",
                Expr::Binary(Or, Box::new(Expr::Not(col("a"))), col("b")),
            ),
            (
                "`x y` is not null",
                Expr::IsNull {
                    expr: col("x y"),
                    negated: true,
                },
            ),
            (
                "c = 'Yes'",
                Expr::Binary(Eq, col("c"), Box::new(Expr::Str("Yes".into()))),
            ),
            (
                "-log(a)",
                Expr::Neg(Box::new(Expr::Call(
                    Func::Log,
                    vec![Expr::Column("a".into())],
                ))),
            ),
            (
                "1e3 >= .5",
                Expr::Binary(Ge, Box::new(Expr::Num(1000.0)), Box::new(Expr::Num(0.5))),
            ),
        ];
        for (src, want) in cases {
            assert_eq!(parse(src), Ok(want), "{src}");
        }
    }

    #[test]
    fn errors_point_at_the_problem() {
        let cases = [
            ("a +", "the expression ends too early", 3),
            (
                "a b",
                "expected an operator or the end of the expression",
                2,
            ),
            (
                "foo(a)",
                "unknown function `foo` (known: abs, sqrt, log, exp, round, min, max)",
                0,
            ),
            ("min(a)", "`min` takes 2 argument(s), not 1", 0),
            ("a is 3", "expected `null` after `is`", 5),
            ("'abc", "this quote is never closed", 0),
            ("a # b", "unexpected `#`", 2),
            ("(a + b", "expected `)`", 6),
        ];
        for (src, msg, at) in cases {
            let e = parse(src).err();
            assert_eq!(
                e.as_ref().map(|e| (e.message.as_str(), e.offset)),
                Some((msg, at)),
                "{src}"
            );
        }
    }
}
