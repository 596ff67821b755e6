//! The portal policy's texts: which one a person reads, and how an acceptance names the text
//! it accepted.

use portal_api::Language;
use ring::digest::{digest, SHA256};

/// One language's title and text of a policy version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyText {
    pub language: Language,
    pub title: String,
    pub body: String,
}

/// The text a person who asks for `asked` reads: the version's text in their language when it
/// has one (`translation`), else its English text (every version has one).
pub fn text_for(asked: Language, english: PolicyText, translation: Option<PolicyText>) -> PolicyText {
    match translation {
        Some(text) if asked != Language::English && text.language == asked => text,
        _ => english,
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
        let text = |language, title: &str| PolicyText {
            language,
            title: title.into(),
            body: "…".into(),
        };
        let english = || text(English, "Portal policy");
        let spanish = || Some(text(Spanish, "Política del portal"));
        assert_eq!(
            text_for(Spanish, english(), spanish()),
            text(Spanish, "Política del portal")
        );
        assert_eq!(text_for(Spanish, english(), None), english());
        assert_eq!(text_for(English, english(), spanish()), english());
    }

    #[test]
    fn the_digest_tells_texts_apart_even_where_title_and_body_meet() {
        assert_eq!(text_digest("A", "b"), text_digest("A", "b"));
        assert_ne!(text_digest("A", "b"), text_digest("A", "c"));
        assert_ne!(text_digest("Ab", "c"), text_digest("A", "bc"));
        assert_eq!(text_digest("A", "b").len(), 64);
    }
}
