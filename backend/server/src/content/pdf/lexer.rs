//! PDF tokens (ISO 32000-1 §7.2–7.3), as the readers split them: names with their `#xx`
//! escapes, literal strings with nested parentheses and backslash escapes, hex strings,
//! comments, dictionary and array brackets, and "words" (numbers and keywords). A token never
//! reaches past the end of the input; an unterminated string simply ends there.

use std::ops::Range;

/// What a token is. Its bytes are found through its span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `/Name`; the span includes the slash, decode it with [`decode_name`].
    Name,
    /// `(…)`; the span includes the parentheses.
    LiteralString,
    /// `<…>`; the span includes the angle brackets.
    HexString,
    DictOpen,
    DictClose,
    ArrayOpen,
    ArrayClose,
    /// A number or a keyword (`obj`, `R`, `stream`, `true`…).
    Word,
    /// A delimiter that starts nothing here (`)`, a lone `>`, `{`, `}`).
    Stray,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub kind: Kind,
    pub span: Range<usize>,
}

pub fn is_whitespace(b: u8) -> bool {
    matches!(b, b'\0' | b'\t' | b'\n' | b'\x0C' | b'\r' | b' ')
}

pub fn is_delimiter(b: u8) -> bool {
    matches!(b, b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%')
}

/// A byte that continues a name or a word.
pub fn is_regular(b: u8) -> bool {
    !is_whitespace(b) && !is_delimiter(b)
}

/// Splits `buf` into tokens from `pos` on. Comments are skipped.
pub struct Lexer<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Lexer<'a> {
    pub fn new(buf: &'a [u8], pos: usize) -> Self {
        Self { buf, pos }
    }

    /// Continues after `pos` (used to step over stream data).
    pub fn seek(&mut self, pos: usize) {
        self.pos = pos.min(self.buf.len());
    }

    fn byte(&self, at: usize) -> Option<u8> {
        self.buf.get(at).copied()
    }

    fn run_while(&self, from: usize, keep: impl Fn(u8) -> bool) -> usize {
        self.buf[from..]
            .iter()
            .position(|&b| !keep(b))
            .map_or(self.buf.len(), |n| from + n)
    }

    fn literal_string_end(&self, start: usize) -> usize {
        let mut depth = 0usize;
        let mut i = start;
        while let Some(b) = self.byte(i) {
            match b {
                b'\\' => i += 1,
                b'(' => depth += 1,
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        return i + 1;
                    }
                }
                _ => {}
            }
            i += 1;
        }
        self.buf.len()
    }
}

impl Iterator for Lexer<'_> {
    type Item = Token;

    fn next(&mut self) -> Option<Token> {
        loop {
            self.pos = self.run_while(self.pos, is_whitespace);
            let start = self.pos;
            let b = self.byte(start)?;
            let (kind, end) = match b {
                b'%' => {
                    self.pos = self.run_while(start, |b| b != b'\r' && b != b'\n');
                    continue;
                }
                b'/' => (Kind::Name, self.run_while(start + 1, is_regular)),
                b'(' => (Kind::LiteralString, self.literal_string_end(start)),
                b'<' if self.byte(start + 1) == Some(b'<') => (Kind::DictOpen, start + 2),
                b'<' => {
                    let close = self.buf[start..].iter().position(|&b| b == b'>');
                    (Kind::HexString, close.map_or(self.buf.len(), |n| start + n + 1))
                }
                b'>' if self.byte(start + 1) == Some(b'>') => (Kind::DictClose, start + 2),
                b'[' => (Kind::ArrayOpen, start + 1),
                b']' => (Kind::ArrayClose, start + 1),
                b')' | b'>' | b'{' | b'}' => (Kind::Stray, start + 1),
                _ => (Kind::Word, self.run_while(start, is_regular)),
            };
            self.pos = end;
            return Some(Token { kind, span: start..end });
        }
    }
}

/// The longest name this module needs to recognise, decoded.
pub const NAME_CAP: usize = 24;

/// A decoded name, or `None` when it is longer than [`NAME_CAP`] (no name the checks look
/// for is that long). `raw` starts with the slash.
pub fn decode_name(raw: &[u8]) -> Option<DecodedName> {
    let mut out = DecodedName {
        bytes: [0; NAME_CAP],
        len: 0,
    };
    let mut i = 1;
    while i < raw.len() {
        let mut b = raw[i];
        if b == b'#' {
            if let (Some(hi), Some(lo)) = (raw.get(i + 1).and_then(hex_value), raw.get(i + 2).and_then(hex_value)) {
                b = hi << 4 | lo;
                i += 2;
            }
        }
        *out.bytes.get_mut(out.len)? = b;
        out.len += 1;
        i += 1;
    }
    Some(out)
}

fn hex_value(b: &u8) -> Option<u8> {
    (*b as char).to_digit(16).and_then(|d| u8::try_from(d).ok())
}

/// A short decoded name.
#[derive(Clone, Copy)]
pub struct DecodedName {
    bytes: [u8; NAME_CAP],
    len: usize,
}

impl DecodedName {
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

/// The value of a word that is a non-negative integer.
pub fn word_int(word: &[u8]) -> Option<u64> {
    if word.is_empty() || word.len() > 18 || !word.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(word).ok()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(buf: &[u8]) -> Vec<(Kind, &[u8])> {
        Lexer::new(buf, 0).map(|t| (t.kind, &buf[t.span])).collect()
    }

    #[test]
    fn splits_the_kinds_of_tokens() {
        let buf = b"1 0 obj<</A[(x(y)\\)z)<41 42>]/B#20c%comment /Hidden\r>>stream";
        assert_eq!(
            kinds(buf),
            [
                (Kind::Word, &b"1"[..]),
                (Kind::Word, b"0"),
                (Kind::Word, b"obj"),
                (Kind::DictOpen, b"<<"),
                (Kind::Name, b"/A"),
                (Kind::ArrayOpen, b"["),
                (Kind::LiteralString, b"(x(y)\\)z)"),
                (Kind::HexString, b"<41 42>"),
                (Kind::ArrayClose, b"]"),
                (Kind::Name, b"/B#20c"),
                (Kind::DictClose, b">>"),
                (Kind::Word, b"stream"),
            ]
        );
    }

    #[test]
    fn unterminated_tokens_end_at_the_end() {
        assert_eq!(kinds(b"(abc"), [(Kind::LiteralString, &b"(abc"[..])]);
        assert_eq!(kinds(b"<41"), [(Kind::HexString, &b"<41"[..])]);
        assert_eq!(kinds(b"%only a comment"), []);
        assert_eq!(kinds(b") > { }").len(), 4);
    }

    #[test]
    fn names_are_decoded_like_readers_do() {
        let name = |raw: &[u8]| decode_name(raw).map(|n| n.as_bytes().to_vec());
        assert_eq!(name(b"/J#61vaScript"), Some(b"JavaScript".to_vec()));
        assert_eq!(name(b"/#4A#53"), Some(b"JS".to_vec()));
        assert_eq!(name(b"/A#zz"), Some(b"A#zz".to_vec()), "not an escape");
        assert_eq!(name(b"/A#4"), Some(b"A#4".to_vec()));
        assert_eq!(name(b"/"), Some(Vec::new()));
        assert_eq!(name(&[b'/'; 30]), None, "too long to be one we look for");
    }

    #[test]
    fn integers() {
        assert_eq!(word_int(b"12"), Some(12));
        assert_eq!(word_int(b"-1"), None);
        assert_eq!(word_int(b"1.5"), None);
        assert_eq!(word_int(b""), None);
    }
}
