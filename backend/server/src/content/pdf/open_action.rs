//! `/OpenAction` runs when the document is opened. A destination (which page to show, at
//! which zoom) is ordinary; an action is refused unless it only goes to a page of the document.

use super::dict::{self, Value};
use super::lexer::{Kind, Lexer, Token};
use super::refusals::{ACTIVE, UNCHECKABLE};
use super::scan::{Scan, Source};
use crate::content::error::ContentError;

/// Tokens read for one action dictionary at most.
const MAX_TOKENS: usize = 10_000;

pub fn check(pdf: &[u8], scan: &Scan) -> Result<(), ContentError> {
    for &(source, pos) in &scan.open_actions {
        match value_at(scan.bytes(pdf, source), pos)? {
            Seen::Ref(num, gen) => {
                let plain = scan
                    .objects
                    .iter()
                    .filter(|o| o.id == Some((num, gen)))
                    .map(|o| (Source::File, o.body.start));
                let packed = scan.packed.iter().enumerate().flat_map(|(i, p)| {
                    p.objects
                        .iter()
                        .filter(move |(n, _)| *n == num && gen == 0)
                        .map(move |(_, range)| (Source::Packed(i), range.start))
                });
                for (source, at) in plain.chain(packed) {
                    if let Seen::Ref(..) = value_at(scan.bytes(pdf, source), at)? {
                        return Err(ACTIVE);
                    }
                }
            }
            Seen::Harmless => {}
        }
    }
    Ok(())
}

enum Seen {
    Harmless,
    Ref(u64, u64),
}

/// The value at `pos`: a destination, a go-to action or a reference; refuses other actions.
fn value_at(buf: &[u8], pos: usize) -> Result<Seen, ContentError> {
    let mut lexer = Lexer::new(buf, pos);
    let mut tokens: Vec<Token> = lexer.by_ref().take(3).collect();
    match tokens.first().map(|t| t.kind) {
        Some(Kind::DictOpen) => {
            let mut depth = 0usize;
            for (i, token) in tokens.clone().into_iter().chain(lexer).enumerate() {
                if i >= MAX_TOKENS {
                    return Err(UNCHECKABLE);
                }
                if i >= 3 {
                    tokens.push(token.clone());
                }
                match token.kind {
                    Kind::DictOpen | Kind::ArrayOpen => depth += 1,
                    Kind::DictClose | Kind::ArrayClose => depth = depth.saturating_sub(1),
                    _ => {}
                }
                if depth == 0 {
                    break;
                }
            }
            let action = dict::read(buf, &tokens, 0);
            if action.name_is(b"S", b"GoTo") && action.get(b"Next").is_none() {
                Ok(Seen::Harmless)
            } else {
                Err(ACTIVE)
            }
        }
        Some(Kind::Word) => match dict::value_at(buf, &tokens, 0).0 {
            Value::Ref(num, gen) => Ok(Seen::Ref(num, gen)),
            _ => Ok(Seen::Harmless),
        },
        _ => Ok(Seen::Harmless),
    }
}
