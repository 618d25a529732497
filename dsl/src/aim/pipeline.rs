//! The top level of a `.aim` file: the `pipeline` header, `plugin` and `stage` declarations.

use pest::iterators::Pair;

use super::lower::{ident, raw_span, Lower};
use super::parser::Rule;
use crate::errors::SyntaxError;
use crate::ir::{
    Comments, Entry, Ident, KindRef, Pipeline, PluginDecl, Segment, Span, Spanned, StageDecl,
    Value, ValueKind,
};
use crate::keys::check_duplicate_names;

/// The `pipeline "name" { ... }` header, lowered.
struct Header {
    name: Ident,
    description: Option<Spanned<String>>,
    seed: Option<Spanned<i64>>,
    params: Vec<Entry>,
}

/// Lowers the `file` pair. Errors are left in `lower.errors`.
pub(crate) fn pipeline(lower: &mut Lower<'_>, file: Pair<'_, Rule>) -> Option<Pipeline> {
    let file_span = lower.span(&file);
    let mut header: Option<(Header, Span)> = None;
    let mut first_item: Option<Span> = None;
    let mut plugins = Vec::new();
    let mut stages = Vec::new();
    for item in file.into_inner() {
        let span = lower.span(&item);
        match item.as_rule() {
            Rule::header => {
                if let Some((_, first)) = &header {
                    lower.errors.push(SyntaxError::DuplicateHeader {
                        span: span.into(),
                        first: (*first).into(),
                    });
                } else if let Some(first) = first_item {
                    lower.errors.push(SyntaxError::MisplacedHeader {
                        span: span.into(),
                        first: first.into(),
                    });
                }
                let lowered = lower.within(|| Segment::Header, span, |l| self::header(l, item));
                if header.is_none() {
                    header = lowered.map(|h| (h, span));
                }
            }
            Rule::plugin => {
                if let Some(p) = plugin(lower, item) {
                    plugins.push(p);
                }
            }
            Rule::stage => {
                if let Some(s) = stage(lower, item) {
                    stages.push(s);
                }
            }
            _ => continue,
        }
        first_item.get_or_insert(span);
    }
    check_duplicate_names(
        "plugin",
        plugins.iter().map(|p: &PluginDecl| &p.name),
        &mut lower.errors,
    );
    // Duplicate stage names are the checker's to report, together with every other problem
    // of a syntactically valid file (YAML reports them as duplicate keys, which they are).
    let Some((header, _)) = header else {
        let at = first_item.map_or(file_span.offset, |s| s.offset);
        lower.errors.insert(
            0,
            SyntaxError::MissingHeader {
                span: Span::new(at, 0).into(),
            },
        );
        return None;
    };
    Some(Pipeline {
        name: header.name,
        description: header.description,
        seed: header.seed,
        params: header.params,
        plugins,
        stages,
        comments: Comments::default(),
    })
}

fn header(lower: &mut Lower<'_>, pair: Pair<'_, Rule>) -> Option<Header> {
    let mut name = None;
    let mut body = None;
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::string => {
                let span = lower.span(&p);
                name = Some(Ident::new(lower.string(p), span));
            }
            Rule::block => body = Some(lower.block(p)),
            _ => {}
        }
    }
    let name = name?;
    let mut header = Header {
        name,
        description: None,
        seed: None,
        params: Vec::new(),
    };
    let settings = entries_or_report(lower, body?, "the pipeline header", "settings");
    for entry in settings {
        setting(lower, &mut header, entry);
    }
    Some(header)
}

/// One `key = value` of the header.
fn setting(lower: &mut Lower<'_>, header: &mut Header, entry: Entry) {
    let Entry { key, value } = entry;
    let span = value.span;
    let mismatch = |expected: &'static str, help: &str, value: &Value| SyntaxError::SettingType {
        key: key.name.clone(),
        expected,
        found: value.kind.describe(),
        span: value.span.into(),
        help: help.to_owned(),
    };
    match (key.name.as_str(), value.kind) {
        ("seed", ValueKind::Int(n)) => header.seed = Some(Spanned { value: n, span }),
        ("description", ValueKind::Str(s)) => {
            header.description = Some(Spanned { value: s, span });
        }
        ("params", ValueKind::Map(entries)) => header.params = entries,
        ("seed", kind) => lower.errors.push(mismatch(
            "an integer",
            "write a whole number, such as `seed = 42`",
            &Value::new(kind, span),
        )),
        ("description", kind) => lower.errors.push(mismatch(
            "a string",
            "quote the text: `description = \"...\"`",
            &Value::new(kind, span),
        )),
        ("params", kind) => lower.errors.push(mismatch(
            "a block",
            "write the parameters as a block: `params { depth = 6 }`",
            &Value::new(kind, span),
        )),
        (_, _) => lower.errors.push(SyntaxError::UnknownSetting {
            name: key.name.clone(),
            span: key.span.into(),
        }),
    }
}

fn plugin(lower: &mut Lower<'_>, pair: Pair<'_, Rule>) -> Option<PluginDecl> {
    let span = lower.span(&pair);
    let mut inner = pair.into_inner();
    let name = ident(&inner.find(|p| p.as_rule() == Rule::ident)?);
    let path_pair = inner.find(|p| p.as_rule() == Rule::string)?;
    let path_span = lower.span(&path_pair);
    let path = lower.within(
        || Segment::Plugin(name.name.clone()),
        span,
        |l| l.string(path_pair),
    );
    Some(PluginDecl {
        name,
        path: Spanned {
            value: path,
            span: path_span,
        },
    })
}

fn stage(lower: &mut Lower<'_>, pair: Pair<'_, Rule>) -> Option<StageDecl> {
    let span = lower.span(&pair);
    let mut inner = pair.into_inner();
    let name = ident(&inner.find(|p| p.as_rule() == Rule::ident)?);
    let kind = kind_ref(inner.find(|p| p.as_rule() == Rule::kind)?)?;
    let body = inner.find(|p| p.as_rule() == Rule::block)?;
    let entries = lower.within(
        || Segment::Stage(name.name.clone()),
        span,
        |l| {
            let body = l.block(body);
            entries_or_report(l, body, "a stage body", "parameters")
        },
    );
    for entry in entries.iter().filter(|e| e.key.name == "kind") {
        lower.errors.push(SyntaxError::ReservedKey {
            key: entry.key.name.clone(),
            span: entry.key.span.into(),
        });
    }
    Some(StageDecl {
        name,
        kind,
        entries,
        span,
    })
}

fn kind_ref(pair: Pair<'_, Rule>) -> Option<KindRef> {
    let span = raw_span(&pair);
    let mut idents = pair.into_inner().filter(|p| p.as_rule() == Rule::ident);
    let first = ident(&idents.next()?);
    Some(match idents.next() {
        Some(second) => KindRef {
            plugin: Some(first),
            name: ident(&second),
            span,
        },
        None => KindRef {
            plugin: None,
            name: first,
            span,
        },
    })
}

/// The entries of a body that must be `name = value` entries (header, stage), reporting a body
/// of comparisons. Duplicates were already reported by the block lowering.
fn entries_or_report(lower: &mut Lower<'_>, body: Value, what: &str, noun: &str) -> Vec<Entry> {
    match body.kind {
        ValueKind::Map(entries) => entries,
        ValueKind::List(items) => {
            if let Some(first) = items.first() {
                lower.errors.push(SyntaxError::Unexpected {
                    message: format!("{what} holds {noun}, not comparisons"),
                    span: first.span.into(),
                    expected: "expected `name = value`".to_owned(),
                    opened: None,
                    help: "comparisons belong in a block such as `require { roc_auc >= 0.8 }`"
                        .to_owned(),
                });
            }
            Vec::new()
        }
        _ => Vec::new(),
    }
}
