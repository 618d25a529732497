//! Random pipelines from a fixed-seed generator, for round-trip properties.

use aimass_dsl::ir::{
    Arg, Call, CmpOp, Comments, Entry, Ident, KindRef, Pipeline, PluginDecl, Span, Spanned,
    StageDecl, Value, ValueKind,
};

/// A fixed-seed linear congruential generator: reproducible without a dependency.
pub struct Lcg(pub u64);

impl Lcg {
    pub fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 11
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// What the generated values may contain.
#[derive(Clone, Copy)]
pub struct Options {
    /// Comparisons whose left side is a string, list or map: `.aim` only (see `emit_yaml`).
    pub odd_comparisons: bool,
}

const NAMES: &[&str] = &[
    "raw", "parts", "train", "median", "mode", "depth", "x", "_y", "roc_auc", "a1", "B_2", "lift",
    "stacking", "null_ish", "falsey", "inf", "NaN",
];

const TEXTS: &[&str] = &[
    "",
    "churn",
    "data/telco_churn.csv",
    "a \"quoted\" word",
    "back\\slash",
    "line\nbreak",
    "tab\there",
    "ünïcödé ☃ 💥",
    "a: b",
    "x #y",
    "#start",
    "- dash",
    "null",
    "true",
    "42",
    "{ not = a map }",
    "[1, 2]",
    "\u{1}\u{7f}\u{2028}",
    "  padded  ",
];

fn span() -> Span {
    Span::default()
}

fn ident(rng: &mut Lcg) -> Ident {
    Ident::new(rng.pick(NAMES), span())
}

fn v(kind: ValueKind) -> Value {
    Value::new(kind, span())
}

pub fn float(rng: &mut Lcg) -> f64 {
    loop {
        let f = match rng.below(4) {
            0 => f64::from_bits(rng.next() << 11 | rng.next() & 0x7ff),
            1 => (rng.below(2_000_000) as f64 - 1_000_000.0) / 1000.0,
            2 => [0.0, -0.0, 1.0, 0.1 + 0.2, 1e-7, 1e16, 1e300, 5e-324][rng.below(8)],
            _ => rng.below(100) as f64,
        };
        if f.is_finite() {
            return f;
        }
    }
}

fn number(rng: &mut Lcg) -> Value {
    if rng.below(2) == 0 {
        v(ValueKind::Int(
            rng.next() as i64 * if rng.below(2) == 0 { 1 } else { -1 },
        ))
    } else {
        v(ValueKind::Float(float(rng)))
    }
}

fn entries(rng: &mut Lcg, depth: usize, opts: Options, max: usize) -> Vec<Entry> {
    let mut out: Vec<Entry> = Vec::new();
    for _ in 0..rng.below(max + 1) {
        let key = ident(rng);
        if key.name == "kind" || out.iter().any(|e| e.key.name == key.name) {
            continue;
        }
        out.push(Entry {
            key,
            value: value(rng, depth, opts),
        });
    }
    out
}

/// An operand of a comparison: never itself a comparison.
fn operand(rng: &mut Lcg, depth: usize, opts: Options) -> Value {
    loop {
        let candidate = value(rng, depth, opts);
        let odd = matches!(
            candidate.kind,
            ValueKind::Str(_) | ValueKind::List(_) | ValueKind::Map(_)
        );
        if !matches!(candidate.kind, ValueKind::Compare(..)) && (opts.odd_comparisons || !odd) {
            return candidate;
        }
    }
}

pub fn value(rng: &mut Lcg, depth: usize, opts: Options) -> Value {
    let leaf = depth == 0;
    match rng.below(if leaf { 7 } else { 12 }) {
        0 => number(rng),
        1 => v(ValueKind::Str(rng.pick(TEXTS).to_owned())),
        2 => v(ValueKind::Percent(float(rng))),
        3 => v(ValueKind::Bool(rng.below(2) == 0)),
        4 => {
            let parts = (0..1 + rng.below(3)).map(|_| ident(rng)).collect();
            v(ValueKind::Path(parts))
        }
        5 => v(ValueKind::Range(
            Box::new(number(rng)),
            Box::new(number(rng)),
        )),
        6 if rng.below(2) == 0 => v(ValueKind::Duration(aimass_dsl::duration::Duration {
            amount: rng.below(1000) as u64,
            unit: aimass_dsl::duration::Unit::parse(rng.pick(&["ms", "s", "m", "h", "d"]))
                .unwrap_or(aimass_dsl::duration::Unit::Seconds),
        })),
        6 => v(ValueKind::Str(format!(
            "{}{}",
            rng.pick(TEXTS),
            rng.below(1000)
        ))),
        7 => {
            let items = (0..rng.below(5))
                .map(|_| value(rng, depth - 1, opts))
                .collect();
            v(ValueKind::List(items))
        }
        8 => v(ValueKind::Map(entries(rng, depth - 1, opts, 4))),
        9 => {
            let mut args: Vec<Arg> = (0..rng.below(3))
                .map(|_| Arg::Positional(value(rng, depth - 1, opts)))
                .collect();
            args.extend(entries(rng, depth - 1, opts, 2).into_iter().map(Arg::Named));
            v(ValueKind::Call(Call {
                name: ident(rng),
                args,
            }))
        }
        10 => {
            let op = [
                CmpOp::Ge,
                CmpOp::Gt,
                CmpOp::Le,
                CmpOp::Lt,
                CmpOp::Eq,
                CmpOp::Ne,
            ][rng.below(6)];
            v(ValueKind::Compare(
                Box::new(operand(rng, depth - 1, opts)),
                op,
                Box::new(operand(rng, depth - 1, opts)),
            ))
        }
        _ => {
            // A quality gate: a list of comparisons, printed as `key { ... }`.
            let items = (0..1 + rng.below(3))
                .map(|_| {
                    v(ValueKind::Compare(
                        Box::new(operand(rng, 0, opts)),
                        CmpOp::Ge,
                        Box::new(number(rng)),
                    ))
                })
                .collect();
            v(ValueKind::List(items))
        }
    }
}

pub fn pipeline(rng: &mut Lcg, opts: Options) -> Pipeline {
    let mut plugins: Vec<PluginDecl> = Vec::new();
    for i in 0..rng.below(3) {
        plugins.push(PluginDecl {
            name: Ident::new(format!("plug{i}"), span()),
            path: Spanned {
                value: rng.pick(TEXTS).to_owned(),
                span: span(),
            },
        });
    }
    let mut stages = Vec::new();
    for i in 0..rng.below(6) {
        let plugin = (!plugins.is_empty() && rng.below(3) == 0)
            .then(|| Ident::new(format!("plug{}", rng.below(plugins.len())), span()));
        stages.push(StageDecl {
            name: Ident::new(format!("s{i}"), span()),
            kind: KindRef {
                plugin,
                name: ident(rng),
                span: span(),
            },
            entries: entries(rng, 3, opts, 6),
            span: span(),
        });
    }
    Pipeline {
        name: Ident::new(rng.pick(TEXTS), span()),
        description: (rng.below(2) == 0).then(|| Spanned {
            value: rng.pick(TEXTS).to_owned(),
            span: span(),
        }),
        seed: (rng.below(2) == 0).then(|| Spanned {
            value: rng.next() as i64,
            span: span(),
        }),
        params: entries(rng, 2, opts, 4),
        plugins,
        stages,
        comments: Comments::default(),
    }
}
