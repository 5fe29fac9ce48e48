//! Where a value sits in a RON source text, found by its field path.
//!
//! The `ron` crate gives positions only for syntax errors, so a problem the validator names by
//! path (`districts[3].births_per_year`) could not be shown at its place in the file. This small,
//! tolerant scanner tokenizes the text and follows the path through the brackets; on bad input it
//! answers with the nearest position it has, and never panics.

use std::fmt;

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
    let doc = Doc::new(Lexer::tokens(src));
    let mut at = doc.root()?;
    for segment in path.segments() {
        let Some(next) = doc.child(at, segment) else {
            break;
        };
        at = next;
    }
    doc.toks.get(at).map(|t| t.1)
}

/// What a token is: just enough of RON to find values and their keys.
#[derive(Debug, PartialEq)]
enum Tok {
    /// `(`, `[` or `{`.
    Open(char),
    /// Any closing bracket; not checked against its opener, to stay tolerant.
    Close,
    /// `,`, which separates elements.
    Comma,
    /// `:`, which follows a field name or map key.
    Colon,
    /// A string literal's content, escapes resolved, so keys compare as the validator spells them.
    Str(String),
    /// Anything else, as written: identifiers, numbers, char literals, stray symbols.
    Word(String),
}

/// A token and where it starts.
type Token = (Tok, Position);

/// Splits text into tokens, skipping whitespace and comments and tracking line and column.
struct Lexer {
    chars: Vec<char>,
    i: usize,
    pos: Position,
}

impl Lexer {
    /// All tokens of `src`; unterminated strings and comments simply run to the end.
    fn tokens(src: &str) -> Vec<Token> {
        let (chars, pos) = (src.chars().collect(), Position { line: 1, col: 1 });
        let mut lexer = Lexer { chars, i: 0, pos };
        std::iter::from_fn(|| lexer.next_token()).collect()
    }

    /// The char `ahead` places on, if any.
    fn peek(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.i + ahead).copied()
    }

    /// Whether the text continues with `s`.
    fn at(&self, s: &str) -> bool {
        s.chars().enumerate().all(|(k, c)| self.peek(k) == Some(c))
    }

    /// Consumes one char, keeping the position up to date.
    fn bump(&mut self) -> Option<char> {
        let c = self.peek(0)?;
        self.i += 1;
        self.pos.col += 1;
        if c == '\n' {
            (self.pos.line, self.pos.col) = (self.pos.line + 1, 1);
        }
        Some(c)
    }

    /// Consumes up to `n` chars.
    fn skip(&mut self, n: usize) {
        for _ in 0..n {
            self.bump();
        }
    }

    /// Skips whitespace, `//` comments and `/* */` comments, which nest in RON.
    fn skip_trivia(&mut self) {
        loop {
            if self.peek(0).is_some_and(char::is_whitespace) {
                self.skip(1);
            } else if self.at("//") {
                while self.peek(0).is_some_and(|c| c != '\n') {
                    self.skip(1);
                }
            } else if self.at("/*") {
                self.skip(2);
                let mut depth = 1;
                while depth > 0 && self.peek(0).is_some() {
                    let (open, close) = (self.at("/*"), self.at("*/"));
                    depth = depth + usize::from(open) - usize::from(close);
                    self.skip(if open || close { 2 } else { 1 });
                }
            } else {
                return;
            }
        }
    }

    /// The next token, or `None` at the end of the text.
    fn next_token(&mut self) -> Option<Token> {
        self.skip_trivia();
        let (pos, start) = (self.pos, self.i);
        let tok = if let Some((len, hashes)) = self.string_prefix() {
            self.skip(len);
            Tok::Str(self.literal('"', hashes))
        } else {
            match self.bump()? {
                c @ ('(' | '[' | '{') => Tok::Open(c),
                ')' | ']' | '}' => Tok::Close,
                ',' => Tok::Comma,
                ':' => Tok::Colon,
                c => {
                    if c == '\'' {
                        self.literal('\'', None);
                    }
                    while c != '\'' && self.in_word() {
                        self.skip(1);
                    }
                    Tok::Word(self.chars[start..self.i].iter().collect())
                }
            }
        };
        Some((tok, pos))
    }

    /// If a string literal starts here (`"`, `b"`, `r"`, `r#"`, `br##"`, ...): the length of its
    /// opening, and for a raw string its number of `#`s.
    fn string_prefix(&self) -> Option<(usize, Option<usize>)> {
        let b = usize::from(self.at("b"));
        if self.peek(b) == Some('r') {
            let hashes = (b + 1..).take_while(|&k| self.peek(k) == Some('#')).count();
            if self.peek(b + 1 + hashes) == Some('"') {
                return Some((b + hashes + 2, Some(hashes)));
            }
        }
        (self.peek(b) == Some('"')).then_some((b + 1, None))
    }

    /// Whether the next char continues a bare word (identifier, number, symbol run).
    fn in_word(&self) -> bool {
        let delimiter = |c: char| c.is_whitespace() || "()[]{},:\"'".contains(c);
        !(self.peek(0).is_none_or(delimiter) || self.at("//") || self.at("/*"))
    }

    /// The content of a literal up to `close` (followed by `raw` `#`s for a raw string, in which
    /// escapes are not special); the closing quote is consumed.
    fn literal(&mut self, close: char, raw: Option<usize>) -> String {
        let (mut out, hashes) = (String::new(), raw.unwrap_or(0));
        while let Some(c) = self.bump() {
            match c {
                '\\' if raw.is_none() => out.extend(self.escape()),
                c if c == close && (0..hashes).all(|k| self.peek(k) == Some('#')) => {
                    self.skip(hashes);
                    break;
                }
                c => out.push(c),
            }
        }
        out
    }

    /// The char an escape stands for, after its `\`; `None` if it is malformed.
    fn escape(&mut self) -> Option<char> {
        let c = self.bump()?;
        if c != 'x' && c != 'u' {
            let plain = [('n', '\n'), ('t', '\t'), ('r', '\r'), ('0', '\0')];
            return Some(plain.iter().find(|p| p.0 == c).map_or(c, |p| p.1));
        }
        self.skip(usize::from(self.at("{")));
        let (max, mut digits) = (if c == 'x' { 2 } else { 6 }, String::new());
        while digits.len() < max
            && let Some(d) = self.peek(0).filter(char::is_ascii_hexdigit)
        {
            digits.push(d);
            self.skip(1);
        }
        self.skip(usize::from(self.at("}")));
        char::from_u32(u32::from_str_radix(&digits, 16).ok()?)
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
            match t.0 {
                Tok::Open(_) => open.push(i),
                Tok::Close => open.pop().into_iter().for_each(|o| ends[o] = i + 1),
                _ => {}
            }
        }
        Doc { toks, ends }
    }

    /// The token at `i`, if any.
    fn kind(&self, i: usize) -> Option<&Tok> {
        self.toks.get(i).map(|t| &t.0)
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
            None | Some(Tok::Close | Tok::Comma) => i,
            Some(_) => self.group_at(i).map_or(i + 1, |open| self.ends[open]),
        }
    }

    /// The entries of the group opened at `open`; missing commas are tolerated.
    fn elements(&self, open: usize) -> Vec<Element> {
        let (mut out, mut j) = (Vec::new(), open + 1);
        while let Some(tok) = self.kind(j)
            && *tok != Tok::Close
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
