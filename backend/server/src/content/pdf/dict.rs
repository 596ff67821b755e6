//! The top level of a dictionary, read leniently as readers do (a key that is not a name is
//! skipped). Nested arrays and dictionaries are kept as token ranges and read again only when
//! needed, so hostile nesting costs no recursion.

use std::ops::Range;

use super::lexer::{decode_name, word_int, DecodedName, Kind, Token};

#[derive(Clone)]
pub enum Value {
    /// A name (`None`: longer than any name looked for).
    Name(Option<DecodedName>),
    Int(u64),
    /// `num gen R`.
    Ref(u64, u64),
    /// Token indices of an array, brackets included.
    Array(Range<usize>),
    /// Token indices of a dictionary, brackets included.
    Dict(Range<usize>),
    String,
    Other,
}

#[derive(Clone)]
pub struct Entry {
    pub key: Option<DecodedName>,
    pub value: Value,
    /// Bytes from the key's slash to the end of the value.
    pub span: Range<usize>,
}

impl Entry {
    pub fn is(&self, key: &[u8]) -> bool {
        self.key.is_some_and(|k| k.as_bytes() == key)
    }
}

pub struct Dict {
    pub entries: Vec<Entry>,
}

impl Dict {
    pub fn get(&self, key: &[u8]) -> Option<&Entry> {
        self.entries.iter().find(|e| e.is(key))
    }

    pub fn name_is(&self, key: &[u8], name: &[u8]) -> bool {
        matches!(self.get(key).map(|e| &e.value), Some(Value::Name(Some(n))) if n.as_bytes() == name)
    }

    pub fn int(&self, key: &[u8]) -> Option<u64> {
        match self.get(key)?.value {
            Value::Int(n) => Some(n),
            _ => None,
        }
    }
}

/// The index just past the bracket that closes the one at `open` (or the end of `tokens`).
pub fn close_of(tokens: &[Token], open: usize) -> usize {
    let mut depth = 0usize;
    for (i, token) in tokens.iter().enumerate().skip(open) {
        match token.kind {
            Kind::DictOpen | Kind::ArrayOpen => depth += 1,
            Kind::DictClose | Kind::ArrayClose => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
    }
    tokens.len()
}

/// Reads the value at `tokens[i]`; returns it and the index after it.
pub fn value_at(buf: &[u8], tokens: &[Token], i: usize) -> (Value, usize) {
    let Some(token) = tokens.get(i) else {
        return (Value::Other, i);
    };
    match token.kind {
        Kind::DictOpen => {
            let end = close_of(tokens, i);
            (Value::Dict(i..end), end)
        }
        Kind::ArrayOpen => {
            let end = close_of(tokens, i);
            (Value::Array(i..end), end)
        }
        Kind::Name => (Value::Name(decode_name(&buf[token.span.clone()])), i + 1),
        Kind::LiteralString | Kind::HexString => (Value::String, i + 1),
        Kind::Word => {
            let word = |j: usize| {
                tokens
                    .get(j)
                    .filter(|t| t.kind == Kind::Word)
                    .map(|t| &buf[t.span.clone()])
            };
            match word_int(&buf[token.span.clone()]) {
                Some(num) => match (word(i + 1).and_then(word_int), word(i + 2)) {
                    (Some(gen), Some(b"R")) => (Value::Ref(num, gen), i + 3),
                    _ => (Value::Int(num), i + 1),
                },
                None => (Value::Other, i + 1),
            }
        }
        Kind::DictClose | Kind::ArrayClose | Kind::Stray => (Value::Other, i + 1),
    }
}

/// The entries of the dictionary whose `<<` is `tokens[open]`.
pub fn read(buf: &[u8], tokens: &[Token], open: usize) -> Dict {
    let end = close_of(tokens, open);
    let mut entries = Vec::new();
    let mut i = open + 1;
    while i < end {
        let token = &tokens[i];
        if token.kind != Kind::Name {
            i += 1;
            continue;
        }
        let key = decode_name(&buf[token.span.clone()]);
        if tokens.get(i + 1).is_none_or(|t| t.kind == Kind::DictClose) {
            break;
        }
        let (value, next) = value_at(buf, tokens, i + 1);
        let last = &tokens[next.min(tokens.len()).saturating_sub(1).max(i + 1)];
        entries.push(Entry {
            key,
            value,
            span: token.span.start..last.span.end,
        });
        i = next;
    }
    Dict { entries }
}

#[cfg(test)]
mod tests {
    use super::super::lexer::Lexer;
    use super::*;

    #[test]
    fn reads_the_top_level_entries() {
        let buf = b"<< /Type /ObjStm /N 3 /First 12 /Length 5 0 R /Filter [/FlateDecode] 7 /D << /P 12 >> /Empty >>";
        let tokens: Vec<Token> = Lexer::new(buf, 0).collect();
        let dict = read(buf, &tokens, 0);
        assert!(dict.name_is(b"Type", b"ObjStm"));
        assert_eq!((dict.int(b"N"), dict.int(b"First")), (Some(3), Some(12)));
        assert!(matches!(dict.get(b"Length").map(|e| &e.value), Some(Value::Ref(5, 0))));
        let filter = dict.get(b"Filter").expect("filter");
        assert_eq!(&buf[filter.span.clone()], b"/Filter [/FlateDecode]");
        let Some(Value::Dict(inner)) = dict.get(b"D").map(|e| e.value.clone()) else {
            panic!("nested dictionary")
        };
        assert_eq!(read(buf, &tokens, inner.start).int(b"P"), Some(12));
        assert!(dict.get(b"Empty").is_none());
    }
}
