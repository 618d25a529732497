//! saphyr's event stream to a tree of nodes that know their byte span in the file.
//!
//! The tree is built with an explicit stack, not recursion, and refuses nesting deeper than
//! [`MAX_DEPTH`] so that the lowering (which does recurse) is bounded. Aliases are resolved by
//! copying the anchored node, within a budget of nodes so that a "billion laughs" file fails
//! instead of exhausting memory.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError};

use super::offsets::Offsets;
use crate::aim::MAX_DEPTH;
use crate::errors::SyntaxError;
use crate::ir::Span;

/// How many nodes alias expansion may create in all.
const ALIAS_BUDGET: usize = 1_000_000;

#[derive(Debug, Clone)]
pub(crate) enum NodeKind {
    Scalar { text: String, style: ScalarStyle },
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub kind: NodeKind,
    pub span: Span,
}

impl Node {
    /// A short noun for diagnostics.
    pub fn describe(&self) -> &'static str {
        match &self.kind {
            NodeKind::Scalar { .. } => "a single value",
            NodeKind::Seq(_) => "a list",
            NodeKind::Map(_) => "a mapping",
        }
    }

    fn size(&self) -> usize {
        match &self.kind {
            NodeKind::Scalar { .. } => 1,
            NodeKind::Seq(items) => 1 + items.iter().map(Node::size).sum::<usize>(),
            NodeKind::Map(pairs) => {
                1 + pairs
                    .iter()
                    .map(|(k, v)| k.size() + v.size())
                    .sum::<usize>()
            }
        }
    }
}

/// A container being read.
struct Frame {
    start: usize,
    anchor: usize,
    kind: FrameKind,
}

enum FrameKind {
    Seq(Vec<Node>),
    Map {
        pairs: Vec<(Node, Node)>,
        key: Option<Node>,
    },
}

/// Builds the tree of a one-document YAML text. `Ok(None)` for a text with no document.
/// Errors that do not stop reading (tags) are collected in `errors`; the others end it.
pub(crate) fn build(text: &str, errors: &mut Vec<SyntaxError>) -> Option<Node> {
    let mut builder = Builder {
        offsets: Offsets::new(text),
        stack: Vec::new(),
        anchors: HashMap::new(),
        root: None,
        documents: 0,
        budget: ALIAS_BUDGET,
    };
    let mut parser = Parser::new_from_str(text);
    while let Some(event) = parser.next_event() {
        let step = match event {
            Ok((event, span)) => {
                let start = builder.offsets.byte(span.start.index());
                let end = builder.offsets.byte(span.end.index());
                builder.event(event, Span::new(start, end.saturating_sub(start)), errors)
            }
            Err(e) => Err(builder.scan_error(&e)),
        };
        if let Err(e) = step {
            errors.push(e);
            return None;
        }
    }
    builder.root
}

struct Builder<'t> {
    offsets: Offsets<'t>,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Node>,
    root: Option<Node>,
    documents: usize,
    budget: usize,
}

impl Builder<'_> {
    fn event(
        &mut self,
        event: Event<'_>,
        span: Span,
        errors: &mut Vec<SyntaxError>,
    ) -> Result<(), SyntaxError> {
        match event {
            Event::DocumentStart(_) => {
                self.documents += 1;
                if self.documents > 1 {
                    return Err(SyntaxError::Yaml {
                        message: "a second YAML document".to_owned(),
                        span: span.into(),
                        help: "a pipeline file holds one document: remove the `---` and what follows, or merge the two".to_owned(),
                    });
                }
            }
            Event::Scalar(text, style, anchor, tag) => {
                if tag.is_some() {
                    errors.push(SyntaxError::Tag { span: span.into() });
                }
                let node = Node {
                    kind: NodeKind::Scalar {
                        text: text.into_owned(),
                        style,
                    },
                    span,
                };
                self.finish(node, anchor)?;
            }
            Event::SequenceStart(anchor, ref tag) | Event::MappingStart(anchor, ref tag) => {
                if tag.is_some() {
                    errors.push(SyntaxError::Tag {
                        span: self.first_line(span).into(),
                    });
                }
                if self.stack.len() >= MAX_DEPTH {
                    return Err(SyntaxError::TooDeep {
                        span: span.into(),
                        limit: MAX_DEPTH,
                    });
                }
                let kind = if matches!(event, Event::SequenceStart(..)) {
                    FrameKind::Seq(Vec::new())
                } else {
                    FrameKind::Map {
                        pairs: Vec::new(),
                        key: None,
                    }
                };
                self.stack.push(Frame {
                    start: span.offset,
                    anchor,
                    kind,
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = self.stack.pop() else {
                    return Err(internal(span));
                };
                let anchor = frame.anchor;
                let node = close(frame, span);
                self.finish(node, anchor)?;
            }
            Event::Alias(id) => {
                let Some(anchored) = self.anchors.get(&id) else {
                    return Err(SyntaxError::Yaml {
                        message: "this alias refers to an unknown anchor".to_owned(),
                        span: span.into(),
                        help: "an alias `*name` must follow the `&name` anchor it repeats, outside of it".to_owned(),
                    });
                };
                let size = anchored.size();
                if size > self.budget {
                    return Err(SyntaxError::Yaml {
                        message: "aliases expand to too large a document".to_owned(),
                        span: span.into(),
                        help: "write the repeated values out, or repeat fewer of them".to_owned(),
                    });
                }
                self.budget -= size;
                let node = anchored.clone();
                self.finish(node, 0)?;
            }
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => {}
        }
        Ok(())
    }

    /// Places a completed node in its parent (or as the root).
    fn finish(&mut self, node: Node, anchor: usize) -> Result<(), SyntaxError> {
        if anchor != 0 {
            let size = node.size();
            if size > self.budget {
                return Err(SyntaxError::Yaml {
                    message: "anchored values are too large".to_owned(),
                    span: node.span.into(),
                    help: "write the repeated values out, or repeat fewer of them".to_owned(),
                });
            }
            self.budget -= size;
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut().map(|f| &mut f.kind) {
            None => self.root = Some(node),
            Some(FrameKind::Seq(items)) => items.push(node),
            Some(FrameKind::Map { pairs, key }) => match key.take() {
                None => *key = Some(node),
                Some(k) => pairs.push((k, node)),
            },
        }
        Ok(())
    }

    /// `span` cut at its first line break: a tagged block mapping's event spans its content.
    fn first_line(&self, span: Span) -> Span {
        let text = self.offsets.text();
        let len = text
            .get(span.offset..span.offset + span.len)
            .and_then(|s| s.find('\n'))
            .unwrap_or(span.len);
        Span::new(span.offset, len)
    }

    fn scan_error(&mut self, e: &ScanError) -> SyntaxError {
        let at = self.offsets.byte(e.marker().index());
        // saphyr bounds flow nesting on its own; say so in the words used for `.aim`.
        if e.info().contains("recursion limit") {
            return SyntaxError::TooDeep {
                span: Span::new(at, 1).into(),
                limit: MAX_DEPTH,
            };
        }
        let text = self.offsets.text();
        let at_eof = text.get(at..).is_none_or(|rest| rest.trim().is_empty());
        // miette shows no label past the last line: point just after the last token instead.
        let (at, where_) = if at_eof {
            (text.trim_end().len(), " at end of file")
        } else {
            (at, "")
        };
        SyntaxError::Yaml {
            message: format!("YAML syntax error{where_}: {}", e.info()),
            span: Span::new(at, 0).into(),
            help: scan_help(e.info(), at_eof).to_owned(),
        }
    }
}

/// What to do about one of saphyr's messages.
fn scan_help(info: &str, at_eof: bool) -> &'static str {
    if info.contains("unknown anchor") {
        "an alias `*name` repeats a value anchored earlier with `&name`: define the anchor first"
    } else if info.contains("escape") {
        "in a double-quoted YAML string write `\\\\` for a backslash, or use single quotes"
    } else if info.contains("mapping values are not allowed") {
        "a value containing `: ` must be quoted, e.g. `source: \"data: telco.csv\"`"
    } else if at_eof {
        "the file ends early: finish the last value and close every `[` and `{`"
    } else {
        "check the indentation and the `:` after each key; quote values that contain `: ` or ` #`"
    }
}

/// A finished container. Its span runs from its start to its closing bracket (flow style) or
/// its last child (block style, whose end event sits on the next line).
fn close(frame: Frame, end_event: Span) -> Node {
    let (kind, last_end) = match frame.kind {
        FrameKind::Seq(items) => {
            let last = items.last().map(|n| n.span.offset + n.span.len);
            (NodeKind::Seq(items), last)
        }
        FrameKind::Map { pairs, .. } => {
            let last = pairs.last().map(|(_, v)| v.span.offset + v.span.len);
            (NodeKind::Map(pairs), last)
        }
    };
    let end = if end_event.len > 0 {
        end_event.offset + end_event.len
    } else {
        last_end.unwrap_or(frame.start)
    };
    Node {
        kind,
        span: Span::new(frame.start, end.saturating_sub(frame.start)),
    }
}

fn internal(span: Span) -> SyntaxError {
    SyntaxError::Internal {
        message: "unbalanced YAML events".to_owned(),
        span: span.into(),
    }
}
