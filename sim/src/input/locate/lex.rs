//! A tolerant RON tokenizer shared by the locator and by [`crate::overlay`]: it never fails and
//! never panics; unterminated strings and comments simply run to the end of the text.

use std::ops::Range;

use super::Position;

/// What a token is: just enough of RON to find values and their keys.
#[derive(Debug, PartialEq)]
pub(crate) enum Tok {
    /// `(`, `[` or `{`.
    Open(char),
    /// `)`, `]` or `}`; the locator does not check it against its opener, to stay tolerant.
    Close(char),
    /// `,`, which separates elements.
    Comma,
    /// `:`, which follows a field name or map key.
    Colon,
    /// A string literal's content, escapes resolved, so keys compare as the validator spells them.
    Str(String),
    /// Anything else, as written: identifiers, numbers, char literals, stray symbols.
    Word(String),
}

/// A token, where it starts, and the bytes of the text it was read from (so that callers can
/// copy it verbatim).
#[derive(Debug)]
pub(crate) struct Token {
    /// What it is.
    pub(crate) tok: Tok,
    /// Where it starts.
    pub(crate) at: Position,
    /// Its bytes in the source text, on char boundaries.
    pub(crate) bytes: Range<usize>,
    /// False for a string or char literal that runs to the end of the text unclosed.
    pub(crate) closed: bool,
}

/// All tokens of `src`, whitespace and comments skipped.
pub(crate) fn tokens(src: &str) -> Vec<Token> {
    let (chars, at) = (src.chars().collect(), Position { line: 1, col: 1 });
    let mut lexer = Lexer {
        chars,
        i: 0,
        byte: 0,
        pos: at,
    };
    std::iter::from_fn(|| lexer.next_token()).collect()
}

/// Splits text into tokens, skipping whitespace and comments and tracking line and column.
struct Lexer {
    chars: Vec<char>,
    /// Index of the next char.
    i: usize,
    /// Byte offset of the next char.
    byte: usize,
    pos: Position,
}

impl Lexer {
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
        self.byte += c.len_utf8();
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
        let (at, start, first_byte) = (self.pos, self.i, self.byte);
        let mut closed = true;
        let tok = if let Some((len, hashes)) = self.string_prefix() {
            self.skip(len);
            let (content, ended) = self.literal('"', hashes);
            closed = ended;
            Tok::Str(content)
        } else {
            match self.bump()? {
                c @ ('(' | '[' | '{') => Tok::Open(c),
                c @ (')' | ']' | '}') => Tok::Close(c),
                ',' => Tok::Comma,
                ':' => Tok::Colon,
                c => {
                    // A char literal, or a byte literal `b'x'`.
                    let quoted = c == '\'' || (c == 'b' && self.peek(0) == Some('\''));
                    if quoted {
                        self.skip(usize::from(c == 'b'));
                        closed = self.literal('\'', None).1;
                    }
                    while !quoted && self.in_word() {
                        self.skip(1);
                    }
                    Tok::Word(self.chars[start..self.i].iter().collect())
                }
            }
        };
        let bytes = first_byte..self.byte;
        Some(Token {
            tok,
            at,
            bytes,
            closed,
        })
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
    /// escapes are not special); the closing quote is consumed. Also whether there was one.
    fn literal(&mut self, close: char, raw: Option<usize>) -> (String, bool) {
        let (mut out, hashes) = (String::new(), raw.unwrap_or(0));
        while let Some(c) = self.bump() {
            match c {
                '\\' if raw.is_none() => out.extend(self.escape()),
                c if c == close && (0..hashes).all(|k| self.peek(k) == Some('#')) => {
                    self.skip(hashes);
                    return (out, true);
                }
                c => out.push(c),
            }
        }
        (out, false)
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
