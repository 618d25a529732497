//! Attaching comments to the nodes they describe.
//!
//! - A comment at the end of a line that a node ends on is that node's `trailing` comment (the
//!   outermost such node: `stage a: k { x = 1 }  # c` belongs to the stage, not to `x`).
//! - Any other comment is a `leading` comment of the next node of the innermost node that
//!   encloses it; when no node follows inside it, an `inner` comment of the enclosing node
//!   (printed before its closing bracket; for the file, at its end).
//!
//! Comments inside nodes that carry none (call arguments, comparison operands) move to the
//! enclosing entry: moved, never lost.

use std::collections::BTreeMap;

use super::lower::NodeRec;
use super::scan::Comment;
use crate::ir::{Comments, Span};

/// `nodes` are in pre-order (a node before its children, siblings in source order), which is
/// also the order of their start offsets.
pub(crate) fn attach(text: &str, comments: &[Comment], nodes: &[NodeRec]) -> Comments {
    let mut out = Comments::default();
    let root = NodeRec {
        path: Vec::new(),
        span: Span::new(0, text.len()),
    };
    // The outermost node ending at each offset: the first one in pre-order.
    let mut ends: BTreeMap<usize, usize> = BTreeMap::new();
    for (i, n) in nodes.iter().enumerate() {
        ends.entry(end(n.span)).or_insert(i);
    }
    let mut stack: Vec<&NodeRec> = vec![&root];
    let mut next = 0usize;
    for comment in comments {
        let at = comment.offset;
        let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        if !comment.own_line {
            if let Some((_, &i)) = ends.range(line_start..=at).next_back() {
                out.entry(nodes[i].path.clone()).trailing = Some(comment.text.clone());
                continue;
            }
        }
        // Open every node that starts before the comment, keeping only those that enclose it.
        while let Some(n) = nodes.get(next).filter(|n| n.span.offset < at) {
            pop_ended(&mut stack, n.span.offset);
            stack.push(n);
            next += 1;
        }
        pop_ended(&mut stack, at);
        let container = stack.last().copied().unwrap_or(&root);
        match nodes
            .get(next)
            .filter(|n| end(n.span) <= end(container.span))
        {
            Some(following) => out
                .entry(following.path.clone())
                .leading
                .push(comment.text.clone()),
            None => out
                .entry(container.path.clone())
                .inner
                .push(comment.text.clone()),
        }
    }
    out
}

fn end(span: Span) -> usize {
    span.offset + span.len
}

/// Drops the nodes that end at or before `at` (the root never ends).
fn pop_ended(stack: &mut Vec<&NodeRec>, at: usize) {
    while stack.len() > 1 && stack.last().is_some_and(|n| end(n.span) <= at) {
        stack.pop();
    }
}
