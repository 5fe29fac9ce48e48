//! Scenario overlays: a small RON syntax tree that keeps where every value was written, merged
//! by the overlay rules and printed back with a source map.
//!
//! `ron::Value` forgets struct and variant names (`Days(14)` becomes `Seq([14])`), so overlays
//! cannot be merged as values and deserialized back. Instead each file is [`parse`]d into
//! [`Node`]s whose atoms (strings, numbers, identifiers, chars) keep their text verbatim, with
//! their line, column and file; [`Document::over`] merges an overlay into its base; [`print()`]
//! writes the result as RON and records, for every printed node, where it was written, so that a
//! position in the merged text maps back to a file, line and column ([`SourceMap::origin`]).
//!
//! # Merge rules
//!
//! The overlay's value for a field, key or id is merged into the base's as follows:
//!
//! - **structs** (`Name(field: value, ..)` or `(field: value, ..)`) merge field by field: a field
//!   the overlay writes is merged into the base's field of that name, or added if the base has
//!   none; the base's other fields and its field order are kept. Two structs merge only if neither
//!   is an enum variant written like a struct (see [`Rules`]) and, if both are named, their names
//!   are the same; the overlay's name is kept if it wrote one.
//! - **lists whose elements are all structs with an `id` field** (in both files, neither list
//!   empty) merge by id: an overlay element whose id a base element has is merged into it by
//!   these same rules; an element with a new id is appended; the base's order is kept.
//! - **maps** (`{ "key": value }`) merge by key, values by these same rules; new keys are
//!   appended.
//! - **anything else** replaces the base's value whole: numbers, strings, identifiers and unit
//!   variants, variants with contents (`Days(14)`, `SchoolEntry(month: 9, day: 1)`,
//!   `Some(..)`), tuples, `()`, lists without ids, an empty list (so `[]` clears a list), and any
//!   value whose kind differs from the base's.
//!
//! A field, key or id the overlay writes twice is merged once and then kept a second time, as a
//! plain file would have it, so that the scenario parser refuses the duplicate field, a map keeps
//! the last value and validation reports the duplicate id. Keys and ids compare by their content:
//! a string's text with escapes resolved, anything else as written (`r#` dropped).
//!
//! A merged struct, map or list takes the overlay's position (the overlay wrote it last); values
//! the overlay left alone keep the base's. `#![enable(..)]` attributes of both files are kept.

use std::collections::BTreeSet;
use std::ops::Range;

use crate::locate::Position;
use crate::locate::lex::{self, Tok, Token};

mod print;

pub use print::{Origin, Printed, SourceMap, print};

/// Which file a node was written in: an index into the caller's list of files.
pub type FileId = usize;

/// Deepest nesting read: more than `ron`'s own limit (128), so whatever `ron` reads parses.
const MAX_DEPTH: usize = 256;

/// A parsed RON file: its attributes and its one value.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The `#![enable(..)]` attributes before the value, verbatim, in order.
    pub attributes: Vec<String>,
    /// The value.
    pub root: Node,
}

/// A value and where it is written (a named group starts at its name).
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// What it is.
    pub value: Value,
    /// Line and column of its first char in its file.
    pub at: Position,
    /// Its bytes in its file's text, from its first char to just past its last (a group's
    /// closing bracket), comments and white space around it excluded: what an editor replaces to
    /// change it.
    pub span: Range<usize>,
    /// The file it was written in.
    pub file: FileId,
}

/// The kinds of RON value, as far as merging needs to tell them apart.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A string, number, char, identifier (`true`, `None`, a unit variant): its text as written.
    Atom {
        /// The text, verbatim.
        text: String,
        /// For a string literal, its content with escapes resolved.
        string: Option<String>,
    },
    /// `(field: value, ..)`, optionally named: a struct or a struct-like enum variant.
    Struct {
        /// The name before the parenthesis, if written.
        name: Option<String>,
        /// The fields in the order written; each key is an atom.
        fields: Vec<Pair>,
    },
    /// `(value, ..)`, optionally named (`Days(14)`, `Some(..)`), and the unit value `()`.
    Tuple {
        /// The name before the parenthesis, if written.
        name: Option<String>,
        /// The elements.
        items: Vec<Node>,
    },
    /// `[value, ..]`.
    List(Vec<Node>),
    /// `{key: value, ..}`.
    Map(Vec<Pair>),
}

/// A struct field or map entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Pair {
    /// The field name or map key.
    pub key: Node,
    /// Its value.
    pub value: Node,
}

impl Node {
    /// The content a key or id compares by: a string's content, or an atom's text without `r#`.
    pub fn identity(&self) -> Option<&str> {
        match &self.value {
            Value::Atom {
                string: Some(s), ..
            } => Some(s),
            Value::Atom { text, .. } => Some(text.strip_prefix("r#").unwrap_or(text)),
            _ => None,
        }
    }

    /// The value of the struct field `name`, if this is a struct that has it.
    pub fn field(&self, name: &str) -> Option<&Node> {
        match &self.value {
            Value::Struct { fields, .. } => fields
                .iter()
                .find(|f| f.key.identity() == Some(name))
                .map(|f| &f.value),
            _ => None,
        }
    }

    /// The content of a string literal, or of one inside `Some(..)`.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Atom { string, .. } => string.as_deref(),
            Value::Tuple {
                name: Some(name),
                items,
            } if name == "Some" && items.len() == 1 => items.first().and_then(Node::as_str),
            _ => None,
        }
    }

    /// The id of a struct with an `id` field whose value is an atom.
    fn id(&self) -> Option<&str> {
        self.field("id").and_then(Node::identity)
    }
}

impl Document {
    /// The top-level `extends` field's path and where it is written, if it is a string.
    pub fn extends(&self) -> Option<(&str, Position)> {
        let node = self.root.field("extends")?;
        Some((node.as_str()?, node.at))
    }

    /// The first map key (in reading order) written twice in one map: its content, where it is
    /// written again, and where it was first written. RON keeps the last value silently, so a
    /// planner who pasted a district twice would run with the second without knowing.
    pub fn duplicate_key(&self) -> Option<(&str, Position, Position)> {
        fn walk(node: &Node) -> Option<(&str, Position, Position)> {
            match &node.value {
                Value::Atom { .. } => None,
                Value::Map(pairs) => {
                    for (i, p) in pairs.iter().enumerate() {
                        let Some(key) = p.key.identity() else {
                            continue;
                        };
                        if let Some(first) =
                            pairs[..i].iter().find(|q| q.key.identity() == Some(key))
                        {
                            return Some((key, p.key.at, first.key.at));
                        }
                    }
                    pairs
                        .iter()
                        .find_map(|p| walk(&p.key).or_else(|| walk(&p.value)))
                }
                Value::Struct { fields, .. } => fields.iter().find_map(|p| walk(&p.value)),
                Value::Tuple { items, .. } | Value::List(items) => items.iter().find_map(walk),
            }
        }
        walk(&self.root)
    }

    /// Removes every top-level `extends` field.
    pub fn remove_extends(&mut self) {
        if let Value::Struct { fields, .. } = &mut self.root.value {
            fields.retain(|f| f.key.identity() != Some("extends"));
        }
    }

    /// This document (an overlay) merged into `base` by the module's rules.
    pub fn over(self, base: Document, rules: &Rules) -> Document {
        let mut attributes = base.attributes;
        for a in self.attributes {
            if !attributes.contains(&a) {
                attributes.push(a);
            }
        }
        let root = merge(base.root, self.root, rules);
        Document { attributes, root }
    }
}

/// What the merge must know of the schema: which names are enum variants written like structs
/// (`SchoolEntry(month: 9, day: 1)`), which replace rather than merge.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rules {
    struct_variants: BTreeSet<String>,
}

impl Rules {
    /// Rules treating `struct_variants` as the names of struct-like enum variants.
    pub fn new<S: Into<String>>(struct_variants: impl IntoIterator<Item = S>) -> Self {
        let struct_variants = struct_variants.into_iter().map(Into::into).collect();
        Rules { struct_variants }
    }

    /// Rules for files of type `T`: its struct-like variants, read from its schema
    /// ([`crate::scenario::schema::Schema::struct_variants`]).
    pub fn for_type<T: schemars::JsonSchema>() -> Self {
        Self::new(crate::scenario::schema::Schema::of::<T>().struct_variants())
    }

    /// Whether `name` is an enum variant written like a struct.
    pub fn is_struct_variant(&self, name: &str) -> bool {
        self.struct_variants.contains(name)
    }

    /// Whether structs named `base` and `overlay` (if named) merge rather than replace.
    fn merges(&self, base: Option<&str>, overlay: Option<&str>) -> bool {
        let variant = |n: Option<&str>| n.is_some_and(|n| self.is_struct_variant(n));
        !variant(base)
            && !variant(overlay)
            && (base.is_none() || overlay.is_none() || base == overlay)
    }
}

/// `overlay` merged into `base` by the module's rules.
pub fn merge(base: Node, overlay: Node, rules: &Rules) -> Node {
    let Node {
        value,
        at,
        span,
        file,
    } = overlay;
    let value = match (base.value, value) {
        (
            Value::Struct {
                name: b,
                fields: bf,
            },
            Value::Struct {
                name: o,
                fields: of,
            },
        ) if rules.merges(b.as_deref(), o.as_deref()) => Value::Struct {
            name: o.or(b),
            fields: merge_entries(bf, of, rules, |p| p.key.identity()),
        },
        (Value::Map(b), Value::Map(o)) => {
            Value::Map(merge_entries(b, o, rules, |p| p.key.identity()))
        }
        (Value::List(b), Value::List(o)) if by_id(&b) && by_id(&o) => {
            Value::List(merge_entries(b, o, rules, Node::id))
        }
        (_, overlay) => overlay,
    };
    Node {
        value,
        at,
        span,
        file,
    }
}

/// Whether a list merges by id: not empty, and every element a struct with an id.
fn by_id(items: &[Node]) -> bool {
    !items.is_empty() && items.iter().all(|n| n.id().is_some())
}

/// Something held in a merged sequence: a field, a map entry or a list element.
trait Mergeable: Sized {
    /// `overlay` merged into `self`.
    fn merge(self, overlay: Self, rules: &Rules) -> Self;
}

impl Mergeable for Node {
    fn merge(self, overlay: Self, rules: &Rules) -> Self {
        merge(self, overlay, rules)
    }
}

impl Mergeable for Pair {
    fn merge(self, overlay: Self, rules: &Rules) -> Self {
        let value = merge(self.value, overlay.value, rules);
        Pair {
            key: overlay.key,
            value,
        }
    }
}

/// `overlay`'s entries merged into `base`'s by `key`: each into the first base entry with its
/// key that no earlier overlay entry merged into, otherwise appended.
fn merge_entries<T: Mergeable>(
    base: Vec<T>,
    overlay: Vec<T>,
    rules: &Rules,
    key: impl Fn(&T) -> Option<&str>,
) -> Vec<T> {
    let base_len = base.len();
    let mut out: Vec<Option<T>> = base.into_iter().map(Some).collect();
    let mut merged = vec![false; base_len];
    for o in overlay {
        let found = key(&o).and_then(|k| {
            (0..base_len).find(|&i| !merged[i] && out[i].as_ref().and_then(&key) == Some(k))
        });
        match found.and_then(|i| Some((i, out[i].take()?))) {
            Some((i, b)) => {
                out[i] = Some(b.merge(o, rules));
                merged[i] = true;
            }
            None => out.push(Some(o)),
        }
    }
    out.into_iter().flatten().collect()
}

/// Why a text could not be read as RON, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// Where the problem is.
    pub at: Position,
    /// What was expected.
    pub message: String,
}

/// Parses RON `src` (comments and white space dropped) into a document whose nodes are marked
/// as written in `file`. Never panics.
pub fn parse(src: &str, file: FileId) -> Result<Document, SyntaxError> {
    let toks = lex::tokens(src);
    let mut p = Parser {
        src,
        toks,
        i: 0,
        file,
    };
    let mut attributes = Vec::new();
    while let Some(Tok::Word(w)) = p.tok()
        && w.starts_with('#')
    {
        attributes.push(p.attribute()?);
    }
    let root = p.value(0)?;
    if p.i < p.toks.len() {
        return Err(p.expected("the end of the text after the value"));
    }
    Ok(Document { attributes, root })
}

/// A recursive-descent reader over the tokens of one file.
struct Parser<'a> {
    src: &'a str,
    toks: Vec<Token>,
    i: usize,
    file: FileId,
}

impl Parser<'_> {
    /// The current token, if any.
    fn tok(&self) -> Option<&Tok> {
        self.toks.get(self.i).map(|t| &t.tok)
    }

    /// The text of token `i`, verbatim.
    fn text(&self, i: usize) -> &str {
        let bytes = self.toks.get(i).map_or(0..0, |t| t.bytes.clone());
        self.src.get(bytes).unwrap_or("")
    }

    /// Where the current token starts, or the end of the text.
    fn here(&self) -> Position {
        match self.toks.get(self.i) {
            Some(t) => t.at,
            None => end_of(self.src),
        }
    }

    /// An error at the current token: `what` was expected and is not there.
    fn expected(&self, what: &str) -> SyntaxError {
        let found = match self.toks.get(self.i) {
            None => "the end of the text".to_string(),
            Some(_) => {
                let text: String = self.text(self.i).chars().take(40).collect();
                format!("`{text}`")
            }
        };
        SyntaxError {
            at: self.here(),
            message: format!("expected {what}, found {found}"),
        }
    }

    /// A `#![...]` attribute, verbatim.
    fn attribute(&mut self) -> Result<String, SyntaxError> {
        let start = self.toks.get(self.i).map_or(0, |t| t.bytes.start);
        self.i += 1;
        if self.tok() != Some(&Tok::Open('[')) {
            return Err(self.expected("`[` in an attribute `#![enable(..)]`"));
        }
        let mut depth = 0usize;
        while let Some(tok) = self.tok() {
            match tok {
                Tok::Open(_) => depth += 1,
                Tok::Close(_) => depth = depth.saturating_sub(1),
                _ => {}
            }
            let end = self.toks.get(self.i).map_or(start, |t| t.bytes.end);
            self.i += 1;
            if depth == 0 {
                return Ok(self.src.get(start..end).unwrap_or("").to_string());
            }
        }
        Err(self.expected("`]` closing the attribute"))
    }

    /// The value starting at the current token.
    fn value(&mut self, depth: usize) -> Result<Node, SyntaxError> {
        if depth > MAX_DEPTH {
            return Err(SyntaxError {
                at: self.here(),
                message: format!("values are nested more than {MAX_DEPTH} deep"),
            });
        }
        let at = self.here();
        let first = self.i;
        if self.toks.get(self.i).is_some_and(|t| !t.closed) {
            return Err(SyntaxError {
                at,
                message: "a string or char literal is not closed".into(),
            });
        }
        let value = match self.tok() {
            Some(Tok::Str(s)) => {
                let (string, text) = (Some(s.clone()), self.text(self.i).to_string());
                self.i += 1;
                Value::Atom { text, string }
            }
            Some(Tok::Word(w)) => {
                let w = w.clone();
                self.i += 1;
                if self.tok() == Some(&Tok::Open('(')) {
                    self.group(Some(w), depth)?
                } else {
                    Value::Atom {
                        text: w,
                        string: None,
                    }
                }
            }
            Some(Tok::Open('(')) => self.group(None, depth)?,
            Some(Tok::Open('[')) => {
                self.i += 1;
                Value::List(self.elements(']', |p| p.value(depth + 1))?)
            }
            Some(Tok::Open('{')) => {
                self.i += 1;
                Value::Map(self.elements('}', |p| p.pair(depth, false))?)
            }
            _ => return Err(self.expected("a value")),
        };
        Ok(Node {
            value,
            at,
            span: self.span(first),
            file: self.file,
        })
    }

    /// The bytes from token `first` to the last token read.
    fn span(&self, first: usize) -> Range<usize> {
        let start = self.toks.get(first).map_or(0, |t| t.bytes.start);
        let end = self
            .i
            .checked_sub(1)
            .and_then(|last| self.toks.get(last))
            .map_or(start, |t| t.bytes.end);
        start..end.max(start)
    }

    /// A parenthesised group, at its `(`: a struct if it starts with `name:`, else a tuple.
    fn group(&mut self, name: Option<String>, depth: usize) -> Result<Value, SyntaxError> {
        self.i += 1;
        let keyed = matches!(self.tok(), Some(Tok::Word(_)))
            && self.toks.get(self.i + 1).map(|t| &t.tok) == Some(&Tok::Colon);
        Ok(if keyed {
            let fields = self.elements(')', |p| p.pair(depth, true))?;
            Value::Struct { name, fields }
        } else {
            let items = self.elements(')', |p| p.value(depth + 1))?;
            Value::Tuple { name, items }
        })
    }

    /// `key: value`; a struct's key must be a field name.
    fn pair(&mut self, depth: usize, field: bool) -> Result<Pair, SyntaxError> {
        let key = match self.tok() {
            Some(Tok::Word(w)) if field => {
                let (text, at, first) = (w.clone(), self.here(), self.i);
                self.i += 1;
                Node {
                    value: Value::Atom { text, string: None },
                    at,
                    span: self.span(first),
                    file: self.file,
                }
            }
            _ if field => return Err(self.expected("a field name")),
            _ => self.value(depth + 1)?,
        };
        if self.tok() != Some(&Tok::Colon) {
            return Err(self.expected("`:`"));
        }
        self.i += 1;
        let value = self.value(depth + 1)?;
        Ok(Pair { key, value })
    }

    /// Comma-separated elements up to `close` (a trailing comma allowed), the opener consumed.
    fn elements<T>(
        &mut self,
        close: char,
        mut element: impl FnMut(&mut Self) -> Result<T, SyntaxError>,
    ) -> Result<Vec<T>, SyntaxError> {
        let mut out = Vec::new();
        loop {
            if self.tok() == Some(&Tok::Close(close)) {
                self.i += 1;
                return Ok(out);
            }
            out.push(element(self)?);
            match self.tok() {
                Some(Tok::Comma) => self.i += 1,
                Some(Tok::Close(c)) if *c == close => {}
                _ => return Err(self.expected(&format!("`,` or `{close}`"))),
            }
        }
    }
}

/// The position just past the end of `src`.
fn end_of(src: &str) -> Position {
    let line = 1 + src.matches('\n').count();
    let col = 1 + src.rsplit('\n').next().unwrap_or("").chars().count();
    Position { line, col }
}

#[cfg(test)]
mod tests;
