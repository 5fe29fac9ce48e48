//! The scenario text and its syntax tree, and edits made as splices of the text.
//!
//! The text is the one source of truth: the form reads the tree that `caseload::overlay::parse`
//! makes of it, and each form edit replaces, inserts or removes a span of the text. Everything
//! outside the span (comments, layout, the order of fields) stays as the author wrote it, which
//! re-printing the tree would lose.

use std::ops::Range;

use caseload::locate::{FieldPath, Position};
use caseload::overlay::{self, Document, Node, Value};

/// A change to the text: replace the bytes in `range` with `with`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Splice {
    /// Bytes replaced.
    pub range: Range<usize>,
    /// What replaces them.
    pub with: String,
}

impl Splice {
    /// Applies the splice to `text` (a range outside the text or off a char boundary is ignored).
    pub fn apply(&self, text: &mut String) {
        if text.get(self.range.clone()).is_some() {
            text.replace_range(self.range.clone(), &self.with);
        }
    }
}

/// A text parsed into a tree whose nodes carry their byte spans.
#[derive(Debug, Clone)]
pub struct Parsed {
    /// The syntax tree.
    pub doc: Document,
}

impl Parsed {
    /// Parses `text`; the error says where and what was expected.
    pub fn new(text: &str) -> Result<Self, overlay::SyntaxError> {
        Ok(Parsed {
            doc: overlay::parse(text, 0)?,
        })
    }

    /// Replaces `node` whole with `with`.
    pub fn replace(&self, node: &Node, with: String) -> Splice {
        Splice {
            range: node.span.clone(),
            with,
        }
    }

    /// Removes the element or entry that starts at `first` and ends with `last` (the same node
    /// for a list element; key and value for a field or map entry), with its comma, and its
    /// line if it stood alone on it.
    pub fn remove(&self, text: &str, first: &Node, last: &Node) -> Splice {
        let mut start = first.span.start;
        let mut end = last.span.end;
        let bytes = text.as_bytes();
        while bytes.get(end).is_some_and(|b| *b == b' ' || *b == b'\t') {
            end += 1;
        }
        if bytes.get(end) == Some(&b',') {
            end += 1;
            while bytes.get(end).is_some_and(|b| *b == b' ' || *b == b'\t') {
                end += 1;
            }
        }
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let rest_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
        if text[line_start..start].trim().is_empty() && text[end..rest_end].trim().is_empty() {
            start = line_start;
            end = (rest_end + 1).min(text.len());
        }
        Splice {
            range: start..end,
            with: String::new(),
        }
    }

    /// Appends `entry` (an element, `key: value` or `field: value`) to the group `container`
    /// (a list, map, struct or tuple), laid out like its last entry.
    pub fn append(&self, text: &str, container: &Node, entry: &str) -> Splice {
        let last = match &container.value {
            Value::Struct { fields, .. } => fields.last().map(|f| (&f.key, &f.value)),
            Value::Map(pairs) => pairs.last().map(|p| (&p.key, &p.value)),
            Value::List(items) | Value::Tuple { items, .. } => items.last().map(|i| (i, i)),
            Value::Atom { .. } => None,
        };
        let Some((first, last)) = last else {
            // Empty: insert just inside the opening bracket.
            let end = container.span.end;
            let at = end.saturating_sub(1);
            return Splice {
                range: at..at,
                with: entry.to_string(),
            };
        };
        let start = first.span.start;
        let mut at = last.span.end;
        let bytes = text.as_bytes();
        let mut p = at;
        while bytes.get(p).is_some_and(|b| *b == b' ' || *b == b'\t') {
            p += 1;
        }
        let comma = bytes.get(p) == Some(&b',');
        if comma {
            at = p + 1;
        }
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let indent = &text[line_start..start];
        let sep = if comma { "" } else { "," };
        let with = if indent.trim().is_empty() {
            format!("{sep}\n{indent}{entry},")
        } else {
            format!("{sep} {entry}")
        };
        Splice {
            range: at..at,
            with,
        }
    }

    /// Like [`Parsed::append`], for a value printed at no indentation (by
    /// `caseload::overlay::print`): its later lines are indented as the container's entries are.
    pub fn append_printed(&self, text: &str, container: &Node, entry: &str) -> Splice {
        let first = match &container.value {
            Value::Struct { fields, .. } => fields.last().map(|f| &f.key),
            Value::Map(pairs) => pairs.last().map(|p| &p.key),
            Value::List(items) | Value::Tuple { items, .. } => items.last(),
            Value::Atom { .. } => None,
        };
        let indent = first.map_or("", |n| {
            let start = n.span.start;
            let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
            let indent = &text[line_start..start];
            if indent.trim().is_empty() { indent } else { "" }
        });
        let entry = entry.replace('\n', &format!("\n{indent}"));
        self.append(text, container, &entry)
    }

    /// Swaps the elements `i` and `i + 1` of `list`; `None` if it has no element `i + 1`. When
    /// each element stands on lines of its own, the lines move, so a comment above an element
    /// or after it on its line moves with it; otherwise only the two values trade places.
    pub fn swap(&self, text: &str, list: &Node, i: usize) -> Option<Splice> {
        let Value::List(items) = &list.value else {
            return None;
        };
        let (a, b) = (items.get(i)?, items.get(i.checked_add(1)?)?);
        if let Some(splice) = self.swap_lines(text, list, items, i) {
            return Some(splice);
        }
        let (a_start, a_end) = (a.span.start, a.span.end);
        let (b_start, b_end) = (b.span.start, b.span.end);
        let with = format!(
            "{}{}{}",
            text.get(b_start..b_end)?,
            text.get(a_end..b_start)?,
            text.get(a_start..a_end)?
        );
        Some(Splice {
            range: a_start..b_end,
            with,
        })
    }

    /// [`Parsed::swap`] by whole lines, if the two elements stand on lines of their own.
    fn swap_lines(&self, text: &str, list: &Node, items: &[Node], i: usize) -> Option<Splice> {
        let top = match i.checked_sub(1) {
            Some(before) => items.get(before)?.span.end,
            None => list.span.start + 1,
        };
        let (a, b) = (items.get(i)?, items.get(i + 1)?);
        let a_from = line_after(text, top)?;
        let (a_to, a_comma) = (line_after(text, a.span.end)?, has_comma(text, a.span.end));
        let (b_to, b_comma) = (line_after(text, b.span.end)?, has_comma(text, b.span.end));
        let block = |from: usize, node: &Node, to: usize, comma: bool| -> Option<String> {
            let start = node.span.start;
            let lead = text.get(from..start)?;
            let mut lines = lead.split('\n');
            let last = lines.next_back().unwrap_or_default();
            let only_comments = lines.all(|l| {
                let l = l.trim();
                l.is_empty() || l.starts_with("//")
            });
            if !only_comments || !last.trim().is_empty() {
                return None;
            }
            let mut out = text.get(from..to)?.to_string();
            let end = node.span.end.checked_sub(from)?;
            if !comma {
                out.is_char_boundary(end).then(|| out.insert(end, ','))?;
            }
            Some(out)
        };
        let first = block(a_from, a, a_to, a_comma)?;
        let second = block(a_to, b, b_to, b_comma)?;
        Some(Splice {
            range: a_from..b_to,
            with: second + &first,
        })
    }

    /// The path of the deepest node that starts at or before `at` and contains it, as the
    /// validator would name it.
    pub fn path_at(&self, at: Position) -> FieldPath {
        let key = |p: Position| (p.line, p.col);
        let mut path = FieldPath::root();
        let mut node = &self.doc.root;
        loop {
            let children = children(node);
            let Some((segment, child)) = children
                .into_iter()
                .rev()
                .find(|(_, c)| key(c.at) <= key(at))
            else {
                return path;
            };
            if let Some(s) = segment {
                path = s.extend(&path);
            }
            node = child;
        }
    }

    /// The deepest written ancestor of `field` (itself if it is written).
    pub fn written_part(&self, field: &FieldPath) -> FieldPath {
        let mut path = FieldPath::root();
        let mut node = &self.doc.root;
        for segment in field.segments() {
            let next = children(node)
                .into_iter()
                .find(|(s, _)| s.as_ref().is_some_and(|s| s.matches(segment)));
            match next {
                Some((Some(s), child)) => {
                    path = s.extend(&path);
                    node = child;
                }
                _ => break,
            }
        }
        path
    }
}

/// One step from a node to a child, as validation paths name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// A struct field.
    Field(String),
    /// A list or tuple element.
    Index(usize),
    /// A map entry.
    Key(String),
}

impl Step {
    /// `path` one step deeper.
    pub fn extend(&self, path: &FieldPath) -> FieldPath {
        match self {
            Step::Field(f) => path.field(f),
            Step::Index(i) => path.index(*i),
            Step::Key(k) => path.key(k),
        }
    }

    fn matches(&self, segment: &caseload::locate::Segment) -> bool {
        use caseload::locate::Segment;
        match (self, segment) {
            (Step::Field(a), Segment::Field(b) | Segment::Key(b))
            | (Step::Key(a), Segment::Key(b) | Segment::Field(b)) => a == b,
            (Step::Index(a), Segment::Index(b)) => a == b,
            _ => false,
        }
    }
}

/// The children of `node` with the step to each; `None` for the content of a one-item tuple
/// (`Some(..)`, `Days(14)`), which validation paths do not name.
pub fn children(node: &Node) -> Vec<(Option<Step>, &Node)> {
    match &node.value {
        Value::Atom { .. } => Vec::new(),
        Value::Struct { fields, .. } => fields
            .iter()
            .map(|f| {
                let name = f.key.identity().unwrap_or_default().to_string();
                (Some(Step::Field(name)), &f.value)
            })
            .collect(),
        Value::Tuple { items, .. } if items.len() == 1 => vec![(None, &items[0])],
        Value::Tuple { items, .. } | Value::List(items) => items
            .iter()
            .enumerate()
            .map(|(i, n)| (Some(Step::Index(i)), n))
            .collect(),
        Value::Map(pairs) => pairs
            .iter()
            .map(|p| {
                let key = p.key.identity().unwrap_or_default().to_string();
                (Some(Step::Key(key)), &p.value)
            })
            .collect(),
    }
}

/// `from` past blanks (not newlines).
fn blanks(text: &str, mut from: usize) -> usize {
    let bytes = text.as_bytes();
    while bytes
        .get(from)
        .is_some_and(|b| matches!(b, b' ' | b'\t' | b'\r'))
    {
        from += 1;
    }
    from
}

/// Whether a comma follows `from` on its line, past blanks.
fn has_comma(text: &str, from: usize) -> bool {
    text.as_bytes().get(blanks(text, from)) == Some(&b',')
}

/// Just past the newline that ends the line `from` is on, if only blanks, a comma and a line
/// comment stand between `from` and it.
fn line_after(text: &str, from: usize) -> Option<usize> {
    let mut at = blanks(text, from);
    if text.as_bytes().get(at) == Some(&b',') {
        at = blanks(text, at + 1);
    }
    if text.get(at..)?.starts_with("//") {
        at = text[at..].find('\n').map_or(text.len(), |n| at + n);
    }
    (text.as_bytes().get(at) == Some(&b'\n')).then_some(at + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "Scenario(\n    name: \"A\", // the name\n    list: [1, 2, /* c */ ],\n    \
                        map: {\n        \"a\": Days(3),\n    },\n    empty: [],\n)\n";

    fn field<'a>(p: &'a Parsed, name: &str) -> &'a Node {
        p.doc.root.field(name).expect("a field")
    }

    #[test]
    fn spans_cover_whole_values_and_keep_comments() {
        let p = Parsed::new(TEXT).unwrap();
        let span = |n: &Node| &TEXT[n.span.clone()];
        assert_eq!(span(field(&p, "name")), "\"A\"");
        assert_eq!(span(field(&p, "list")), "[1, 2, /* c */ ]");
        assert_eq!(span(field(&p, "map")), "{\n        \"a\": Days(3),\n    }");
        assert_eq!(span(field(&p, "empty")), "[]");
        assert_eq!(span(&p.doc.root), TEXT.trim_end());
    }

    #[test]
    fn removing_and_appending_keep_the_text_valid() {
        let p = Parsed::new(TEXT).unwrap();
        let Value::List(items) = &field(&p, "list").value else {
            panic!("a list")
        };
        let mut text = TEXT.to_string();
        p.remove(TEXT, &items[0], &items[0]).apply(&mut text);
        assert!(text.contains("list: [2, /* c */ ],"), "{text}");

        let mut text = TEXT.to_string();
        p.append(TEXT, field(&p, "empty"), "7").apply(&mut text);
        assert!(text.contains("empty: [7],"), "{text}");

        let mut text = TEXT.to_string();
        p.append(TEXT, &p.doc.root, "extra: 1").apply(&mut text);
        assert!(
            text.ends_with("    empty: [],\n    extra: 1,\n)\n"),
            "{text}"
        );
        assert!(text.contains("// the name"));

        let mut text = TEXT.to_string();
        let Value::Struct { fields, .. } = &p.doc.root.value else {
            panic!("a struct")
        };
        let map = &fields[2];
        p.remove(TEXT, &map.key, &map.value).apply(&mut text);
        assert!(
            text.contains("/* c */ ],\n    empty: [],"),
            "the map's lines are gone: {text}"
        );
        Parsed::new(&text).expect("still parses");
    }

    #[test]
    fn swapping_moves_lines_with_their_comments() {
        let text = "(\n    list: [\n        // about a\n        (id: \"a\"), // a's note\n        \
                    (id: \"b\")\n    ],\n    inline: [1, /* x */ 2, 3],\n)\n";
        let p = Parsed::new(text).unwrap();
        let mut once = text.to_string();
        p.swap(text, field(&p, "list"), 0).unwrap().apply(&mut once);
        assert_eq!(
            once,
            "(\n    list: [\n        (id: \"b\"),\n        // about a\n        \
             (id: \"a\"), // a's note\n    ],\n    inline: [1, /* x */ 2, 3],\n)\n"
        );
        // And back: the order and comments are restored (b keeps the comma it was given).
        let q = Parsed::new(&once).unwrap();
        let mut twice = once.clone();
        q.swap(&once, q.doc.root.field("list").unwrap(), 0)
            .unwrap()
            .apply(&mut twice);
        assert_eq!(twice, text.replace("(id: \"b\")\n", "(id: \"b\"),\n"));

        // On one line, only the values trade places.
        let mut inline = text.to_string();
        p.swap(text, field(&p, "inline"), 1)
            .unwrap()
            .apply(&mut inline);
        assert!(inline.contains("inline: [1, /* x */ 3, 2],"), "{inline}");
        assert_eq!(
            p.swap(text, field(&p, "inline"), 2),
            None,
            "no element after the last"
        );
        assert_eq!(p.swap(text, field(&p, "inline"), usize::MAX), None);
        assert_eq!(p.swap(text, &p.doc.root, 0), None, "not a list");
    }

    #[test]
    fn printed_values_are_indented_as_their_neighbours() {
        let p = Parsed::new(TEXT).unwrap();
        let mut text = TEXT.to_string();
        let entry = "extra: (\n    a: 1,\n)";
        p.append_printed(TEXT, &p.doc.root, entry).apply(&mut text);
        assert!(
            text.ends_with("    empty: [],\n    extra: (\n        a: 1,\n    ),\n)\n"),
            "{text}"
        );
    }

    #[test]
    fn positions_map_to_validation_paths() {
        let p = Parsed::new(TEXT).unwrap();
        let path = p.path_at(Position { line: 5, col: 20 });
        assert_eq!(path.to_string(), "map[\"a\"]");
        let written = p.written_part(&FieldPath::root().field("list").index(7));
        assert_eq!(written.to_string(), "list");
    }
}
