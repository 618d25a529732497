//! `clean`'s parameters, read from the checked params into one plan with spans.
//!
//! Reading the plan also parses `filter` and `derive` expressions and checks the options
//! against each other, so `aimass check` reports these mistakes before any data is read.

use aimass_dsl::ir::Span;
use aimass_engine::{PKind, ParamValue, Params, StageError};

use super::columns::Named;
use super::dtype::ColType;
use super::errors::{CONFLICT, EXPR_SYNTAX};
use super::expr::{parse, Expr};
use super::impute::Rule;
use super::recipe::Unseen;
use super::scale::ClipRule;

/// `standardize`, `min_max`, `one_hot`: off, every column of the type, or these columns.
#[derive(Clone, Debug)]
pub enum Selection {
    Off,
    All(Span),
    Columns(Vec<Named>),
}

/// `dedupe`, `drop_missing`: off, over all columns, or over these.
#[derive(Clone, Debug)]
pub enum RowSel {
    Off,
    All,
    Columns(Vec<Named>),
}

#[derive(Clone, Debug)]
pub struct ExprParam {
    pub text: String,
    pub expr: Expr,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct ClipSpec {
    pub rule: ClipRule,
    pub columns: Option<Vec<Named>>,
    pub span: Span,
}

/// One `impute` entry: a type key (`numeric`, `categorical`) or a column.
#[derive(Clone, Debug)]
pub struct ImputeEntry {
    pub key: Named,
    pub rule: Rule,
}

#[derive(Clone, Debug)]
pub struct CleanSpec {
    pub select: Option<Vec<Named>>,
    pub drop: Vec<Named>,
    /// (old name at the new name's span, new name).
    pub rename: Vec<(Named, String)>,
    pub cast: Vec<(Named, ColType)>,
    pub derive: Vec<(String, ExprParam)>,
    pub filter: Option<ExprParam>,
    pub dedupe: RowSel,
    pub drop_missing: RowSel,
    pub impute: Vec<ImputeEntry>,
    pub clip: Option<ClipSpec>,
    pub standardize: Selection,
    pub min_max: Selection,
    pub ordinal: Vec<(Named, Option<Vec<String>>)>,
    pub one_hot: Selection,
    pub max_levels: usize,
    pub unseen: Unseen,
    pub keep: Vec<Named>,
}

/// The part of `span` (a string literal holding `text`) covering `offset..offset + len` of
/// the text; the whole span when the literal has escapes we cannot map.
pub fn sub_span(span: Span, text: &str, offset: usize, len: usize) -> Span {
    if span.len == text.len() + 2 {
        Span::new(span.offset + 1 + offset, len)
    } else if span.len == text.len() {
        Span::new(span.offset + offset, len)
    } else {
        span
    }
}

fn expr_param(p: &ParamValue, what: &str, errors: &mut Vec<StageError>) -> Option<ExprParam> {
    let text = p.as_str()?.to_string();
    match parse(&text) {
        Ok(expr) => Some(ExprParam {
            text,
            expr,
            span: p.span,
        }),
        Err(e) => {
            errors.push(
                StageError::new(format!("{what}: {}", e.message))
                    .code(EXPR_SYNTAX)
                    .at(sub_span(p.span, &text, e.offset, e.len), e.message.clone())
                    .help("see `aimass stages clean` for the expression syntax"),
            );
            None
        }
    }
}

fn entries(params: &Params, name: &str) -> Vec<(String, ParamValue)> {
    params
        .get(name)
        .and_then(ParamValue::as_map)
        .map(<[_]>::to_vec)
        .unwrap_or_default()
}

fn selection(params: &Params, name: &str) -> Selection {
    match params.get(name) {
        None => Selection::Off,
        Some(p) => match &p.kind {
            PKind::Bool(false) => Selection::Off,
            PKind::Bool(true) | PKind::Word(_) => Selection::All(p.span),
            _ => Selection::Columns(Named::list(p)),
        },
    }
}

fn row_sel(params: &Params, name: &str) -> RowSel {
    match params.get(name) {
        None => RowSel::Off,
        Some(p) => match &p.kind {
            PKind::Bool(false) => RowSel::Off,
            PKind::Bool(true) => RowSel::All,
            _ => RowSel::Columns(Named::list(p)),
        },
    }
}

fn impute_rule(p: &ParamValue) -> Rule {
    match &p.kind {
        PKind::Word(w) if w == "mean" => Rule::Mean,
        PKind::Word(w) if w == "median" => Rule::Median,
        PKind::Word(w) if w == "mode" => Rule::Mode,
        PKind::Str(s) | PKind::Word(s) => Rule::Text(s.clone()),
        _ => Rule::Number(p.as_float().unwrap_or(0.0)),
    }
}

fn clip(params: &Params) -> Option<ClipSpec> {
    let p = params.get("clip")?;
    let call = p.as_call()?;
    let num = |name: &str, default: f64| {
        call.arg(name)
            .and_then(ParamValue::as_float)
            .unwrap_or(default)
    };
    let rule = if call.name == "iqr" {
        ClipRule::Iqr { k: num("k", 1.5) }
    } else {
        ClipRule::Quantiles {
            lo: num("lo", 0.01),
            hi: num("hi", 0.99),
        }
    };
    Some(ClipSpec {
        rule,
        columns: call.arg("columns").map(Named::list),
        span: p.span,
    })
}

/// Reads the plan; every problem found without data is returned, not just the first.
pub fn read(params: &Params) -> Result<CleanSpec, Vec<StageError>> {
    let mut errors = Vec::new();
    let list = |name: &str| params.get(name).map(Named::list);
    let derive = entries(params, "derive")
        .into_iter()
        .filter_map(|(col, p)| {
            Some((
                col.clone(),
                expr_param(&p, &format!("derive `{col}`"), &mut errors)?,
            ))
        })
        .collect();
    let filter = params
        .get("filter")
        .and_then(|p| expr_param(p, "filter", &mut errors));
    let ordinal = match params.get("ordinal") {
        None => Vec::new(),
        Some(p) => match &p.kind {
            PKind::Map(m) => m
                .iter()
                .map(|(c, v)| (Named::new(c, v.span), v.as_strings()))
                .collect(),
            _ => Named::list(p).into_iter().map(|n| (n, None)).collect(),
        },
    };
    let spec = CleanSpec {
        select: list("select"),
        drop: list("drop").unwrap_or_default(),
        rename: entries(params, "rename")
            .into_iter()
            .map(|(old, v)| {
                (
                    Named::new(&old, v.span),
                    v.as_str().unwrap_or_default().to_string(),
                )
            })
            .collect(),
        cast: entries(params, "cast")
            .into_iter()
            .filter_map(|(c, v)| Some((Named::new(&c, v.span), ColType::from_word(v.as_str()?)?)))
            .collect(),
        derive,
        filter,
        dedupe: row_sel(params, "dedupe"),
        drop_missing: row_sel(params, "drop_missing"),
        impute: entries(params, "impute")
            .into_iter()
            .map(|(k, v)| ImputeEntry {
                key: Named::new(&k, v.span),
                rule: impute_rule(&v),
            })
            .collect(),
        clip: clip(params),
        standardize: selection(params, "standardize"),
        min_max: selection(params, "min_max"),
        ordinal,
        one_hot: selection(params, "one_hot"),
        max_levels: params.int("max_levels").unwrap_or(50).max(1) as usize,
        unseen: if params.str("unseen") == Some("error") {
            Unseen::Error
        } else {
            Unseen::Ignore
        },
        keep: list("keep").unwrap_or_default(),
    };
    errors.extend(conflicts(&spec));
    if errors.is_empty() {
        Ok(spec)
    } else {
        Err(errors)
    }
}

fn conflict(msg: String, span: Span, label: &str) -> StageError {
    StageError::new(msg).code(CONFLICT).at(span, label)
}

fn named_in(sel: &Selection) -> &[Named] {
    match sel {
        Selection::Columns(c) => c,
        _ => &[],
    }
}

/// Options that contradict each other.
fn conflicts(s: &CleanSpec) -> Vec<StageError> {
    let mut out = Vec::new();
    match (&s.standardize, &s.min_max) {
        (Selection::Off, _) | (_, Selection::Off) => {}
        (Selection::Columns(a), Selection::Columns(b)) => {
            for c in b.iter().filter(|c| a.iter().any(|x| x.name == c.name)) {
                out.push(conflict(
                    format!("`{}` is both standardized and min-max scaled", c.name),
                    c.span,
                    "scaled twice",
                ));
            }
        }
        (_, Selection::All(span)) | (Selection::All(span), _) => out.push(
            conflict(
                "`standardize` and `min_max` both apply to every numeric column".into(),
                *span,
                "scaled twice",
            )
            .help("choose one scaler, or list the columns of each"),
        ),
    }
    for c in named_in(&s.one_hot) {
        if s.ordinal.iter().any(|(o, _)| o.name == c.name) {
            out.push(conflict(
                format!("`{}` is both one-hot and ordinal encoded", c.name),
                c.span,
                "encoded twice",
            ));
        }
    }
    let fitted = s
        .impute
        .iter()
        .map(|e| &e.key)
        .chain(s.clip.iter().flat_map(|c| c.columns.iter().flatten()))
        .chain(named_in(&s.standardize))
        .chain(named_in(&s.min_max))
        .chain(s.ordinal.iter().map(|(n, _)| n))
        .chain(named_in(&s.one_hot));
    for c in fitted {
        if s.keep.iter().any(|k| k.name == c.name) {
            out.push(
                conflict(
                    format!(
                        "`{}` is listed in `keep`, so it is never transformed",
                        c.name
                    ),
                    c.span,
                    "kept column",
                )
                .help("remove it from `keep` or from this option"),
            );
        }
    }
    for e in &s.impute {
        let bad = match (e.key.name.as_str(), &e.rule) {
            ("categorical", Rule::Mean | Rule::Median | Rule::Number(_)) => {
                Some("categorical columns take `mode` or a text constant")
            }
            ("numeric", Rule::Text(_)) => {
                Some("numeric columns take `mean`, `median`, `mode` or a number")
            }
            _ => None,
        };
        if let Some(why) = bad {
            out.push(conflict(
                format!("impute {} = {}: {why}", e.key.name, e.rule.name()),
                e.key.span,
                "not for this type",
            ));
        }
    }
    out
}
