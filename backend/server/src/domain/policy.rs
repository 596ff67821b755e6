//! The portal policy's texts: which one a person reads, and how an acceptance names the text
//! it accepted.

use portal_api::Language;
use ring::digest::{digest, SHA256};

/// The language a person who asks for `asked` reads version texts in: theirs when the version
/// has a text in it (`translated`), else English (every version has its English text).
pub fn text_language(asked: Language, translated: &[Language]) -> Language {
    if asked == Language::English || translated.contains(&asked) {
        asked
    } else {
        Language::English
    }
}

/// The SHA-256 (hex) of a text's title and body, kept with each acceptance: the exact words
/// a person agreed to, even if that language's text is replaced later.
pub fn text_digest(title: &str, body: &str) -> String {
    let mut bytes = Vec::with_capacity(title.len() + body.len() + 1);
    bytes.extend_from_slice(title.as_bytes());
    bytes.push(0);
    bytes.extend_from_slice(body.as_bytes());
    hex::encode(digest(&SHA256, &bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_person_reads_their_language_when_the_version_has_it_else_english() {
        use Language::{English, Spanish};
        assert_eq!(text_language(Spanish, &[Spanish]), Spanish);
        assert_eq!(text_language(Spanish, &[]), English);
        assert_eq!(text_language(English, &[Spanish]), English);
    }

    #[test]
    fn the_digest_tells_texts_apart_even_where_title_and_body_meet() {
        assert_eq!(text_digest("A", "b"), text_digest("A", "b"));
        assert_ne!(text_digest("A", "b"), text_digest("A", "c"));
        assert_ne!(text_digest("Ab", "c"), text_digest("A", "bc"));
        assert_eq!(text_digest("A", "b").len(), 64);
    }
}
