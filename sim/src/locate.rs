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
mod tests {
    use super::*;

    const SAMPLE: &str = r##"#![enable(implicit_some)]
// Demonstration scenario: four districts, one review.
Scenario(
    name: "Demo (v2) [draft]",
    description: "Numbers from https://example.org/data // not a comment",
    calendar: (
        start: "2024-01-01",
        months: 24, /* two years /* nested */ still a comment */
        working_days: [Mon, Tue, Wed, Thu, Fri],
    ),
    population: (leave_at: SchoolEntry(month: 9, day: 1)),
    reviews: [
        (
            id: "new_birth",
            name: r#"New "birth" visit"#,
            opens: Days(10),
            on_time: Days(14),
            target: Some(0.9),
        ),
    ],
    districts: [
        (id: "north", births_per_year: 120.0, staff: {"health_visitor": 12.5}),
        (id: "south", births_per_year: 95.5, staff: {}), // no staff yet
        (id: "east", name: "Café ) ] \" (", births_per_year: 80, staff: {}),
        (
            id: "west",
            name: "Cwm Ystwyth",
            children_by_age: [310, 298, 305, 312, 290],
            births_per_year: -5.0,
            migration: Some((
                arrivals_per_year: 3.5,
                leave_rate: 0.02,
            )),
            staff: {
                "health_visitor": 6.0,
                "nursery\u{5f}nurse": 2.5,
            },
        ),
    ],
    allocation: RiskFirst,
)
"##;

    /// Paths into `SAMPLE` and the line and column `locate` must give for each.
    const CASES: [(&str, (usize, usize)); 27] = [
        ("", (3, 1)),
        ("name", (4, 11)),
        ("calendar", (6, 15)), // after a string holding `//`
        ("calendar.months", (8, 17)),
        ("population.leave_at.day", (11, 55)),
        ("reviews[0].name", (15, 19)),
        ("reviews[0].opens", (16, 20)),
        ("reviews[0].opens[0]", (16, 25)),
        ("reviews[0].target", (18, 21)),
        ("districts[0].staff[\"health_visitor\"]", (22, 73)),
        ("districts[2].births_per_year", (24, 62)), // after `) ] \" (` in a string
        ("districts[2].staff", (24, 73)),           // counted in chars, after `é`
        ("districts[3].births_per_year", (29, 30)),
        ("districts[3].children_by_age[4]", (28, 51)),
        ("districts[3].migration", (30, 24)),
        ("districts[3].migration.leave_rate", (32, 29)), // inside `Some(( .. ))`
        ("districts[3].staff[\"nursery_nurse\"]", (36, 39)),
        ("allocation", (40, 17)),
        // Not written: the deepest written ancestor.
        ("births_trend", (3, 1)),
        ("reviews[0].offered_share", (13, 9)),
        ("districts[1].births_trend", (23, 9)),
        ("districts[7].name", (21, 16)),
        ("districts[3].children_by_age[5]", (28, 30)),
        ("districts[0].staff[\"nursery_nurse\"]", (22, 54)),
        ("districts[3].migration.moves[\"north\"]", (30, 24)),
        ("calendar.months.extra", (8, 17)),
        ("reviews[0].target[3]", (18, 21)),
    ];

    /// Parses a test path such as `a[3].b["k"]` (keys hold no `.`, `[` or `]`).
    fn path(text: &str) -> FieldPath {
        let mut p = FieldPath::root();
        for part in text.split(['.', '[']).filter(|s| !s.is_empty()) {
            p = match part.strip_suffix(']') {
                None => p.field(part),
                Some(q) => match q.strip_prefix('"') {
                    Some(k) => p.key(k.strip_suffix('"').unwrap_or(k)),
                    None => p.index(q.parse().expect("test paths have numeric indices")),
                },
            };
        }
        p
    }

    fn check(src: &str, cases: &[(&str, (usize, usize))]) {
        for &(p, (line, col)) in cases {
            assert_eq!(
                locate(src, &path(p)),
                Some(Position { line, col }),
                "path {p}"
            );
        }
    }

    #[test]
    fn finds_values_or_their_deepest_written_ancestor() {
        check(SAMPLE, &CASES);
    }

    #[test]
    fn handles_tuples_keys_wrappers_and_literals() {
        let src = "( pair: (1, (2, 3)), m: { a: 1, 7: 2, 'c': 3, \"\\u{e9}t\\\"\": 4 }, \
                   w: Wrap([10, 20]), u: (), t: Some(Days(5)), s: r##\"x\"# )\"##, after: 9 )";
        check(
            src,
            &[
                ("pair[1][0]", (1, 14)),
                ("m[\"a\"]", (1, 30)),
                ("m[\"7\"]", (1, 36)),
                ("m[\"'c'\"]", (1, 44)),
                ("m[\"\u{e9}t\"\"]", (1, 60)),
                ("w[1]", (1, 78)),
                ("u", (1, 87)),
                ("t[0]", (1, 104)),
                ("after", (1, 133)),
            ],
        );
        let src = "/* a /* nested */ comment ( */\n// (\n(\u{e9}\u{e9}: \"\u{1f600}\", x: 1)";
        check(src, &[("x", (3, 14)), ("\u{e9}\u{e9}", (3, 6))]);
        let src = "#![enable(implicit_some)]\r\n#![enable(unwrap_newtypes)] (a: 1)";
        check(src, &[("a", (2, 33))]);
    }

    #[test]
    fn unscannable_text_gives_none_and_broken_text_falls_back() {
        for src in [
            "",
            " // nothing\n/* here */",
            ") ]",
            ", x",
            "#![enable(x)]",
            "/* (a: 1)",
        ] {
            assert_eq!(locate(src, &path("districts[0]")), None, "source {src:?}");
        }
        let cut = "Scenario(name: \"x, districts: [ (id: \"a\", births_per_year: ";
        check(cut, &[("districts[0].births_per_year", (1, 1))]);
        let bad = "Scenario(districts: [ (id: \"a\", births_per_year: ] ) ) ) ]";
        check(
            bad,
            &[
                ("districts[0].births_per_year", (1, 33)),
                ("districts[0].id", (1, 28)),
            ],
        );
        check("(a: 1 b: 2 c 3)", &[("b", (1, 10))]);
    }

    #[test]
    fn displays_paths() {
        assert_eq!(FieldPath::root().to_string(), "(scenario)");
        assert!(FieldPath::root().is_root());
        let parent = FieldPath::root().field("districts").index(3);
        let p = parent.field("staff").key("health_visitor");
        assert_eq!(p.to_string(), "districts[3].staff[\"health_visitor\"]");
        assert_eq!(parent.to_string(), "districts[3]");
        assert_eq!(p.segments().len(), 4);
        assert_eq!(
            FieldPath::root().index(0).key("a\"b").to_string(),
            "[0][\"a\\\"b\"]"
        );
    }

    #[test]
    fn never_panics_on_truncated_or_mutated_text() {
        let paths: Vec<_> = CASES.iter().step_by(7).map(|c| path(c.0)).collect();
        let ok = |src: &str| {
            let lines = src.lines().count();
            for p in &paths {
                if let Some(at) = locate(src, p) {
                    assert!(
                        at.col >= 1 && (1..=lines).contains(&at.line),
                        "{at:?}, path {p}"
                    );
                }
            }
        };
        for (n, (i, _)) in SAMPLE.char_indices().enumerate() {
            ok(&SAMPLE[..i]);
            if n % 3 == 0 {
                ok(&SAMPLE[i..]);
            }
        }
        let alphabet = b"()[]{},:\"'\\/*#r!x0 \n\xc3\xff";
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        for _ in 0..1000 {
            let mut bytes = SAMPLE.as_bytes().to_vec();
            for _ in 0..1 + next(6) {
                let (i, b) = (next(bytes.len()), alphabet[next(alphabet.len())]);
                match next(3) {
                    0 => bytes[i] = b,
                    1 => _ = bytes.remove(i),
                    _ => bytes.insert(i, b),
                }
            }
            ok(&String::from_utf8_lossy(&bytes));
        }
        for deep in ["(", "Some(", "[", "{a:", "\"", "/*"] {
            ok(&deep.repeat(50_000));
        }
    }
}
