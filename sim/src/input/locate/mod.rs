//! Where a value sits in a RON source text, found by its field path.
//!
//! The `ron` crate gives positions only for syntax errors, so a problem the validator names by
//! path (`districts[3].births_per_year`) could not be shown at its place in the file. This small,
//! tolerant scanner tokenizes the text and follows the path through the brackets; on bad input it
//! answers with the nearest position it has, and never panics.
//!
//! Two kinds of path: [`FieldPath`], by position, which the validator writes and this module
//! finds; and [`LeverPath`], by id, which planners write on the command line and in `uncertain`.

use std::fmt;

use lex::{Tok, Token};

mod lever_path;
pub(crate) mod lex;

pub use lever_path::{Lever, LeverPath, MAX_POINTS, PathError, Step, grid};

/// One step of a path into a scenario document.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Segment {
    /// A named struct field: `.births_per_year`.
    Field(String),
    /// A position in a list (or tuple): `[3]`.
    Index(usize),
    /// A key in a map: `["health_visitor"]`.
    Key(String),
}

/// A path from the document root to one value, e.g. `districts[3].staff["health_visitor"]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct FieldPath(Vec<Segment>);

impl FieldPath {
    /// The empty path, naming the whole document; validators start here and descend.
    pub fn root() -> Self {
        Self::default()
    }

    /// A new path one step deeper; `self` is kept so siblings can share a parent.
    fn child(&self, segment: Segment) -> Self {
        let mut segments = self.0.clone();
        segments.push(segment);
        Self(segments)
    }

    /// A new path one field deeper (does not modify self).
    pub fn field(&self, name: &str) -> Self {
        self.child(Segment::Field(name.to_owned()))
    }

    /// A new path one list or tuple element deeper (does not modify self).
    pub fn index(&self, i: usize) -> Self {
        self.child(Segment::Index(i))
    }

    /// A new path one map entry deeper (does not modify self).
    pub fn key(&self, k: &str) -> Self {
        self.child(Segment::Key(k.to_owned()))
    }

    /// The steps from the root, outermost first, for callers that walk the path themselves.
    pub fn segments(&self) -> &[Segment] {
        &self.0
    }

    /// Whether this names the whole document, which has no field name of its own to print.
    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }
}

/// Writes `a.b[3].c["k"]` (no leading dot), or `(scenario)` for the root, so messages read well.
impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_root() {
            return f.write_str("(scenario)");
        }
        for (i, segment) in self.0.iter().enumerate() {
            match segment {
                Segment::Field(name) if i == 0 => f.write_str(name)?,
                Segment::Field(name) => write!(f, ".{name}")?,
                Segment::Index(n) => write!(f, "[{n}]")?,
                Segment::Key(k) => write!(f, "[{k:?}]")?,
            }
        }
        Ok(())
    }
}

/// A 1-based line and column (columns count chars, not bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// Line number, starting at 1.
    pub line: usize,
    /// Column in chars, starting at 1, as editors count them.
    pub col: usize,
}

/// Where `path` points in `src`: the start of the value at the path when it is written in the
/// text, otherwise the start of the value of the deepest ancestor that is (e.g. a field left out to
/// take its default points at the enclosing struct). `None` only if the text cannot be scanned at
/// all (then callers fall back to no position).
pub fn locate(src: &str, path: &FieldPath) -> Option<Position> {
    let doc = Doc::new(lex::tokens(src));
    let mut at = doc.root()?;
    for segment in path.segments() {
        let Some(next) = doc.child(at, segment) else {
            break;
        };
        at = next;
    }
    doc.toks.get(at).map(|t| t.at)
}

/// The string written at `path` in `src` (a string literal, or one inside `Some(..)`) and where
/// it starts; `None` if the path is not written in full or its value is not a string. Tolerant
/// like [`locate`]: it reads text that does not parse.
pub fn string_at(src: &str, path: &FieldPath) -> Option<(String, Position)> {
    let doc = Doc::new(lex::tokens(src));
    let mut at = doc.root()?;
    for segment in path.segments() {
        at = doc.child(at, segment)?;
    }
    if let Some(Tok::Word(w)) = doc.kind(at)
        && w == "Some"
    {
        at = doc.child(at, &Segment::Index(0))?;
    }
    match doc.toks.get(at)? {
        Token {
            tok: Tok::Str(s),
            at,
            ..
        } => Some((s.clone(), *at)),
        _ => None,
    }
}

/// One entry of a bracketed group, as token indices: the key if written (`key: value`), and
/// the value (the key itself if no value follows it).
type Element = (Option<usize>, usize);

/// The tokens of a document, with each opener's matching end precomputed so that skipping a
/// group costs O(1) and deeply nested text cannot make a lookup quadratic.
struct Doc {
    toks: Vec<Token>,
    /// For an `Open` token, the index just past its matching close (or the end of the text).
    ends: Vec<usize>,
}

impl Doc {
    /// Indexes `toks`, matching brackets by nesting only (kinds are ignored).
    fn new(toks: Vec<Token>) -> Self {
        let mut ends = vec![toks.len(); toks.len()];
        let mut open = Vec::new();
        for (i, t) in toks.iter().enumerate() {
            match t.tok {
                Tok::Open(_) => open.push(i),
                Tok::Close(_) => open.pop().into_iter().for_each(|o| ends[o] = i + 1),
                _ => {}
            }
        }
        Doc { toks, ends }
    }

    /// The token at `i`, if any.
    fn kind(&self, i: usize) -> Option<&Tok> {
        self.toks.get(i).map(|t| &t.tok)
    }

    /// The index of the root value, after any `#![enable(...)]` attributes.
    fn root(&self) -> Option<usize> {
        let mut i = 0;
        while let Some(Tok::Word(w)) = self.kind(i)
            && w.starts_with('#')
        {
            i = self.skip_value(i + 1);
        }
        matches!(self.kind(i)?, Tok::Open(_) | Tok::Str(_) | Tok::Word(_)).then_some(i)
    }

    /// The index of the opener of the value at `i` (`(..)`, `[..]`, `{..}`, or `Name(..)`).
    fn group_at(&self, i: usize) -> Option<usize> {
        match self.kind(i)? {
            Tok::Open(_) => Some(i),
            Tok::Word(_) if self.kind(i + 1) == Some(&Tok::Open('(')) => Some(i + 1),
            _ => None,
        }
    }

    /// The index just past the value starting at `i`; `i` itself if no value starts there.
    fn skip_value(&self, i: usize) -> usize {
        match self.kind(i) {
            None | Some(Tok::Close(_) | Tok::Comma) => i,
            Some(_) => self.group_at(i).map_or(i + 1, |open| self.ends[open]),
        }
    }

    /// The entries of the group opened at `open`; missing commas are tolerated.
    fn elements(&self, open: usize) -> Vec<Element> {
        let (mut out, mut j) = (Vec::new(), open + 1);
        while let Some(tok) = self.kind(j)
            && !matches!(tok, Tok::Close(_))
        {
            let first_end = self.skip_value(j);
            if *tok == Tok::Comma {
                j += 1;
            } else if self.kind(first_end) == Some(&Tok::Colon) {
                let end = self.skip_value(first_end + 1);
                // A key with nothing after its colon stands in for its value.
                let value = Some(first_end + 1).filter(|&v| end > v).unwrap_or(j);
                out.push((Some(j), value));
                j = end;
            } else {
                out.push((None, j));
                j = first_end;
            }
        }
        out
    }

    /// The index of the value one `segment` below the value at `at`, if it is written.
    fn child(&self, at: usize, segment: &Segment) -> Option<usize> {
        let mut open = self.group_at(at)?;
        let mut elements = self.elements(open);
        // Serde paths do not name newtype wrappers such as `Some(( .. ))`: look through them.
        while self.kind(open) == Some(&Tok::Open('('))
            && let [(None, value)] = elements[..]
            && let Some(inner) = self.group_at(value)
        {
            open = inner;
            elements = self.elements(open);
        }
        // Fields and keys match either spelling, so a map entry named as a field is found too.
        let found = match segment {
            Segment::Index(n) => elements.get(*n),
            Segment::Field(name) | Segment::Key(name) => {
                elements.iter().find(|e| self.key_is(e.0, name))
            }
        };
        found.map(|e| e.1)
    }

    /// Whether the token at `key`, if any, spells the field name or map key `name`.
    fn key_is(&self, key: Option<usize>, name: &str) -> bool {
        matches!(key.and_then(|k| self.kind(k)), Some(Tok::Str(s) | Tok::Word(s)) if s == name)
    }
}

#[cfg(test)]
mod tests;
