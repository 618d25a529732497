//! The comments of a YAML pipeline, kept so that `aimass convert x.yaml --to aim` (and
//! back) loses none. saphyr reports no comments, so they are found by a scan of the text,
//! then attached to the IR's nodes by the same rules as `.aim`'s (see `aim::attach`): a
//! comment at the end of a node's last line trails it, any other leads the next node.

use crate::aim::attach::attach;
use crate::aim::lower::NodeRec;
use crate::aim::scan::Comment;
use crate::ir::{Comments, Entry, Pipeline, Segment, Span, Value, ValueKind};

/// The pipeline's comments, attached to its nodes (empty when the text has none).
pub(crate) fn comments(text: &str, p: &Pipeline) -> Comments {
    let found = scan(text);
    if found.is_empty() {
        return Comments::default();
    }
    let nodes = nodes(text, p);
    // `keep:  # why` above a block value: YAML puts a block entry's trailing comment on its
    // key's line, where no node ends (`.aim` has it after the closing bracket). Such a
    // comment trails the outermost node that starts on that line and goes on past it.
    let mut keyed = Vec::new();
    let mut rest = Vec::new();
    for c in found {
        let line_start = text[..c.offset].rfind('\n').map_or(0, |i| i + 1);
        let on_line = |at: usize| (line_start..=c.offset).contains(&at);
        let ends_here = nodes.iter().any(|n| on_line(end(n.span)));
        let opener = nodes
            .iter()
            .find(|n| on_line(n.span.offset) && end(n.span) > c.offset);
        match opener {
            Some(n) if !c.own_line && !ends_here => keyed.push((n.path.clone(), c.text)),
            _ => rest.push(c),
        }
    }
    let mut out = attach(text, &rest, &nodes);
    for (path, text) in keyed {
        out.entry(path).trailing = Some(text);
    }
    out
}

/// Every `#` comment: a `#` at the start of a line or after a blank, outside quoted
/// scalars and block scalars (`|`, `>`).
fn scan(text: &str) -> Vec<Comment> {
    let mut out = Vec::new();
    let mut offset = 0;
    // The indentation of a block scalar's header line while its body lasts.
    let mut block: Option<usize> = None;
    // YAML ends a line at `\n`, `\r\n` or a lone `\r`.
    let lines = text
        .split_inclusive('\n')
        .flat_map(|l| l.split_inclusive('\r'));
    for line in lines {
        let body = line.trim_end_matches(['\n', '\r']);
        let indent = body.len() - body.trim_start().len();
        if let Some(header) = block {
            if body.trim().is_empty() || indent > header {
                offset += line.len();
                continue;
            }
            block = None;
        }
        let (comment, opens_block) = comment_in(body);
        if let Some(at) = comment {
            out.push(Comment {
                offset: offset + at,
                text: body[at..].trim_end().to_owned(),
                own_line: body[..at].trim().is_empty(),
            });
        }
        if opens_block {
            block = Some(indent);
        }
        offset += line.len();
    }
    out
}

/// Where a line's comment starts, and whether the line opens a block scalar.
fn comment_in(line: &str) -> (Option<usize>, bool) {
    let bytes = line.as_bytes();
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        match quote {
            Some(b'"') if c == b'\\' => i += 1,
            // `''` inside single quotes is one quote, not the end.
            Some(b'\'') if c == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 1,
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == b'#' && (i == 0 || bytes[i - 1].is_ascii_whitespace()) => {
                return (Some(i), opens_block(&line[..i]));
            }
            // A quote opens a scalar only where a value starts.
            None if (c == b'"' || c == b'\'') && starts_value(&bytes[..i]) => quote = Some(c),
            None => {}
        }
        i += 1;
    }
    (None, quote.is_none() && opens_block(line))
}

fn starts_value(before: &[u8]) -> bool {
    match before.iter().rev().find(|b| !b.is_ascii_whitespace()) {
        None => true,
        Some(b) => matches!(b, b':' | b'-' | b'[' | b'{' | b',' | b'?'),
    }
}

/// `key: |`, `key: >-`, `- |2`: a block scalar's header.
fn opens_block(line: &str) -> bool {
    let value = line
        .trim_end()
        .rsplit_once(": ")
        .map(|(_, v)| v)
        .or_else(|| line.trim_start().strip_prefix("- "))
        .unwrap_or("");
    let mut chars = value.trim().chars();
    matches!(chars.next(), Some('|' | '>'))
        && chars.all(|c| matches!(c, '+' | '-') || c.is_ascii_digit())
}

/// The attachable nodes in pre-order, with the paths the printers use.
fn nodes(text: &str, p: &Pipeline) -> Vec<NodeRec> {
    let mut out = Vec::new();
    let line_start = |at: usize| text[..at.min(text.len())].rfind('\n').map_or(0, |i| i + 1);
    // The header: the `pipeline:` line through the last header setting.
    let header_start = line_start(p.name.span.offset);
    let mut settings: Vec<(String, Span)> = Vec::new();
    if let Some(d) = &p.description {
        settings.push(("description".into(), d.span));
    }
    if let Some(s) = &p.seed {
        settings.push(("seed".into(), s.span));
    }
    if let Some(first) = p.params.first() {
        // From the `params:` key's line (its span is not kept), so that a comment on it
        // trails it.
        let key = text[..first.key.span.offset]
            .rfind("params:")
            .map_or(first.key.span.offset, line_start);
        let all = join_all(first.key.span, &p.params);
        settings.push(("params".into(), Span::new(key, end(all) - key)));
    }
    let header_end = settings
        .iter()
        .map(|(_, s)| end(*s))
        .chain([end(p.name.span)])
        .max()
        .unwrap_or(0);
    let header = vec![Segment::Header];
    out.push(NodeRec {
        path: header.clone(),
        span: Span::new(header_start, header_end - header_start),
    });
    for (key, span) in settings {
        let path = [header.clone(), vec![Segment::Key(key.clone())]].concat();
        if key == "params" {
            out.push(NodeRec {
                path: path.clone(),
                span,
            });
            entries(&mut out, &path, &p.params);
        } else {
            let start = line_start(span.offset);
            out.push(NodeRec {
                path,
                span: Span::new(start, end(span) - start),
            });
        }
    }
    for plugin in &p.plugins {
        let start = plugin.name.span.offset;
        out.push(NodeRec {
            path: vec![Segment::Plugin(plugin.name.name.clone())],
            span: Span::new(start, end(plugin.path.span) - start),
        });
    }
    for stage in &p.stages {
        let path = vec![Segment::Stage(stage.name.name.clone())];
        let span_end = stage
            .entries
            .iter()
            .map(|e| end(entry_span(e)))
            .chain([end(stage.span)])
            .max()
            .unwrap_or(0);
        out.push(NodeRec {
            path: path.clone(),
            span: Span::new(stage.span.offset, span_end - stage.span.offset),
        });
        entries(&mut out, &path, &stage.entries);
    }
    out.sort_by_key(|n| n.span.offset);
    out
}

fn entries(out: &mut Vec<NodeRec>, parent: &[Segment], entries: &[Entry]) {
    for e in entries {
        let mut path = parent.to_vec();
        path.push(Segment::Key(e.key.name.clone()));
        out.push(NodeRec {
            path: path.clone(),
            span: entry_span(e),
        });
        children(out, &path, &e.value);
    }
}

fn children(out: &mut Vec<NodeRec>, path: &[Segment], v: &Value) {
    match &v.kind {
        ValueKind::Map(es) => entries(out, path, es),
        ValueKind::List(items) => {
            for (i, item) in items.iter().enumerate() {
                let mut p = path.to_vec();
                p.push(Segment::Item(i));
                out.push(NodeRec {
                    path: p.clone(),
                    span: item.span,
                });
                children(out, &p, item);
            }
        }
        _ => {}
    }
}

fn entry_span(e: &Entry) -> Span {
    let start = e.key.span.offset;
    Span::new(start, end(e.value.span).max(end(e.key.span)) - start)
}

fn join_all(first: Span, entries: &[Entry]) -> Span {
    let last = entries
        .iter()
        .map(|e| end(entry_span(e)))
        .max()
        .unwrap_or(end(first));
    Span::new(first.offset, last - first.offset)
}

fn end(s: Span) -> usize {
    s.offset + s.len
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_are_found_outside_quotes_and_block_scalars() {
        let text = "# top\na: \"x # not\" # yes\nb: 'it''s # no'\nc: it's # plain\nd: |\n  # body\ne: 1#no\n";
        let found: Vec<(String, bool)> = scan(text)
            .into_iter()
            .map(|c| (c.text, c.own_line))
            .collect();
        assert_eq!(
            found,
            [
                ("# top".to_string(), true),
                ("# yes".to_string(), false),
                ("# plain".to_string(), false),
            ]
        );
    }
}
