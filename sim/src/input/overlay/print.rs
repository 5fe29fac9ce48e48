//! Printing a merged tree back to RON, recording where each printed value was written.

use super::{Document, FileId, Node, Value};
use crate::locate::Position;

/// A document printed as RON text, with where each part of the text came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Printed {
    /// The text.
    pub text: String,
    /// Where each printed node was written.
    pub map: SourceMap,
}

/// Maps positions in printed text back to where their values were written.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SourceMap {
    /// One span per printed node, in the order they start (a node before its children).
    spans: Vec<Span>,
}

/// Where one node was printed and where it was written.
#[derive(Debug, Clone, PartialEq)]
struct Span {
    /// First char of the node in the printed text.
    start: Position,
    /// Just past its last char.
    end: Position,
    /// Where it was written.
    origin: Origin,
    /// Whether it is an atom, printed verbatim (so positions inside it map char for char).
    verbatim: bool,
}

/// Where a value was written: a file and a line and column in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Origin {
    /// The file.
    pub file: FileId,
    /// The line and column in it.
    pub at: Position,
}

/// A position as a comparable pair.
fn key(p: Position) -> (usize, usize) {
    (p.line, p.col)
}

impl SourceMap {
    /// Where the text at `at` in the printed text was written: inside an atom, the same char in
    /// its file; elsewhere, the start of the innermost value containing `at`. `None` outside the
    /// printed value (e.g. in the attribute lines).
    pub fn origin(&self, at: Position) -> Option<Origin> {
        let k = key(at);
        let after = self.spans.partition_point(|s| key(s.start) <= k);
        let span = self.spans[..after].iter().rev().find(|s| k < key(s.end))?;
        if !span.verbatim || at == span.start {
            return Some(span.origin);
        }
        let (from, to) = (span.start, span.origin.at);
        let at = if at.line == from.line {
            Position {
                line: to.line,
                col: to.col + at.col.saturating_sub(from.col),
            }
        } else {
            Position {
                line: to.line + (at.line - from.line),
                col: at.col,
            }
        };
        Some(Origin {
            file: span.origin.file,
            at,
        })
    }
}

/// Writes `doc` as RON: attributes on their own lines, then the value, four spaces an indent;
/// a group of atoms only stays on one line.
pub fn print(doc: &Document) -> Printed {
    let mut p = Printer {
        text: String::new(),
        pos: Position { line: 1, col: 1 },
        spans: Vec::new(),
    };
    for a in &doc.attributes {
        p.write(a);
        p.write("\n");
    }
    p.node(&doc.root, 0);
    p.write("\n");
    Printed {
        text: p.text,
        map: SourceMap { spans: p.spans },
    }
}

/// Builds the printed text and its spans.
struct Printer {
    text: String,
    pos: Position,
    spans: Vec<Span>,
}

impl Printer {
    /// Appends `s`, keeping the position up to date.
    fn write(&mut self, s: &str) {
        for c in s.chars() {
            self.pos.col += 1;
            if c == '\n' {
                (self.pos.line, self.pos.col) = (self.pos.line + 1, 1);
            }
        }
        self.text.push_str(s);
    }

    /// Prints `n` at the current position, its nested lines indented `indent` levels.
    fn node(&mut self, n: &Node, indent: usize) {
        let k = self.spans.len();
        self.spans.push(Span {
            start: self.pos,
            end: self.pos,
            origin: Origin {
                file: n.file,
                at: n.at,
            },
            verbatim: matches!(n.value, Value::Atom { .. }),
        });
        match &n.value {
            Value::Atom { text, .. } => self.write(text),
            Value::Struct { name, fields } => {
                self.write(name.as_deref().unwrap_or(""));
                let entries = fields.iter().map(|f| (Some(&f.key), &f.value)).collect();
                self.group("(", ")", entries, indent);
            }
            Value::Tuple { name, items } => {
                self.write(name.as_deref().unwrap_or(""));
                if let [only] = &items[..] {
                    // `Some((..))`, `Split({..})`: the one element opens on the same line.
                    self.write("(");
                    self.node(only, indent);
                    self.write(")");
                } else {
                    self.group("(", ")", items.iter().map(|i| (None, i)).collect(), indent);
                }
            }
            Value::List(items) => {
                self.group("[", "]", items.iter().map(|i| (None, i)).collect(), indent);
            }
            Value::Map(pairs) => {
                let entries = pairs.iter().map(|p| (Some(&p.key), &p.value)).collect();
                self.group("{", "}", entries, indent);
            }
        }
        if let Some(span) = self.spans.get_mut(k) {
            span.end = self.pos;
        }
    }

    /// A bracketed group of `key: value` or plain entries.
    fn group(
        &mut self,
        open: &str,
        close: &str,
        entries: Vec<(Option<&Node>, &Node)>,
        indent: usize,
    ) {
        let atom = |n: &Node| matches!(n.value, Value::Atom { .. });
        let inline = entries.iter().all(|(k, v)| k.is_none_or(atom) && atom(v));
        self.write(open);
        for (i, (key, value)) in entries.iter().enumerate() {
            if inline {
                self.write(if i == 0 { "" } else { ", " });
            } else {
                self.write("\n");
                self.write(&"    ".repeat(indent + 1));
            }
            if let Some(key) = key {
                self.node(key, indent + 1);
                self.write(": ");
            }
            self.node(value, indent + 1);
            if !inline {
                self.write(",");
            }
        }
        if !inline {
            self.write("\n");
            self.write(&"    ".repeat(indent));
        }
        self.write(close);
    }
}
