//! Checks on what a sender gives us, before anything is stored: subject and body lengths,
//! the attachment list, and the idempotency key. Messages are plain text: they are stored as
//! given (after trimming) and the app shows them as text, never as HTML. Characters that
//! change how text is shown without being seen ([`portal_api::text`]) are refused, so a
//! subject in triage shows exactly what was sent. The OpenAPI document states the same rules
//! as patterns and lengths (tested to agree, below).

use portal_api::{MAX_ATTACHMENTS_PER_MESSAGE, MAX_BODY_CHARS, MAX_IDEMPOTENCY_KEY_LEN, MAX_SUBJECT_CHARS};

use crate::error::ApiError;

/// Rust's whitespace (`char::is_whitespace`, what `trim` removes), as a regex class body.
pub(crate) const WHITESPACE: &str = r"\u0009-\u000d\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000";
/// Control characters (`char::is_control`).
const CONTROL: &str = r"\u0000-\u001f\u007f-\u009f";
/// Control characters a message may not hold (all but tab, line feed, carriage return).
const CONTROL_BUT_LINES: &str = r"\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f";

/// [`subject`] as a JSON Schema pattern: text with something other than whitespace, and no
/// control character except in the whitespace around it (which is trimmed).
pub fn subject_pattern() -> String {
    let hidden = portal_api::text::hidden_pattern_class();
    format!(
        "^[{WHITESPACE}]*[^{WHITESPACE}{CONTROL}{hidden}](?:[^{CONTROL}{hidden}]*[^{WHITESPACE}{CONTROL}{hidden}])?[{WHITESPACE}]*$"
    )
}

/// [`body`] as a JSON Schema pattern: line breaks first (trimmed), then text ending in
/// something other than whitespace with no control character but tab and line breaks, then
/// any whitespace (trimmed).
pub fn body_pattern() -> String {
    let hidden = portal_api::text::hidden_pattern_class();
    format!(
        "^[\\n\\r]*(?:[^{CONTROL_BUT_LINES}{hidden}\\n\\r][^{CONTROL_BUT_LINES}{hidden}]*)?[^{WHITESPACE}{CONTROL}{hidden}][{WHITESPACE}]*$"
    )
}

/// [`idempotency_key`] as a JSON Schema pattern (HTTP removes spaces around a header value).
pub const IDEMPOTENCY_KEY_PATTERN: &str = "^[!-~]+$";

/// Lengths count the characters sent, spaces around included (as JSON Schema's `maxLength`).
pub fn subject(sent: &str) -> Result<String, ApiError> {
    let text = sent.trim();
    if text.is_empty() {
        return Err(ApiError::Validation("Please write a subject.".into()));
    }
    if sent.chars().count() > MAX_SUBJECT_CHARS {
        return Err(ApiError::Validation(format!(
            "The subject is too long: at most {MAX_SUBJECT_CHARS} characters."
        )));
    }
    if text.chars().any(char::is_control) {
        return Err(ApiError::Validation("The subject must be one line of text.".into()));
    }
    refuse_hidden(text, "subject")?;
    Ok(text.to_owned())
}

pub fn body(sent: &str) -> Result<String, ApiError> {
    let text = sent.trim_end();
    let text = text.trim_start_matches(['\n', '\r']);
    if text.trim().is_empty() {
        return Err(ApiError::Validation("Please write a message.".into()));
    }
    if sent.chars().count() > MAX_BODY_CHARS {
        return Err(ApiError::Validation(format!(
            "The message is too long: at most {MAX_BODY_CHARS} characters. Please shorten it or split it into two messages."
        )));
    }
    if text.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        return Err(ApiError::Validation(
            "The message contains characters that cannot be sent.".into(),
        ));
    }
    refuse_hidden(text, "message")?;
    Ok(text.to_owned())
}

/// Refuses direction-changing and invisible characters, saying why in words.
fn refuse_hidden(text: &str, what: &str) -> Result<(), ApiError> {
    match portal_api::text::first_hidden(text) {
        Some(_) => Err(ApiError::Validation(format!(
            "The {what} contains invisible or direction-changing characters, which could make it show differently from what you wrote. This happens when text is copied from elsewhere: please type it again."
        ))),
        None => Ok(()),
    }
}

pub fn attachment_ids(ids: &[String]) -> Result<Vec<String>, ApiError> {
    if ids.len() > MAX_ATTACHMENTS_PER_MESSAGE {
        return Err(ApiError::Validation(format!(
            "At most {MAX_ATTACHMENTS_PER_MESSAGE} attachments can be sent with one message."
        )));
    }
    let mut unique: Vec<String> = Vec::with_capacity(ids.len());
    for id in ids {
        if !unique.contains(id) {
            unique.push(id.clone());
        }
    }
    Ok(unique)
}

pub fn idempotency_key(value: Option<&str>) -> Result<String, ApiError> {
    let key = value.map(str::trim).unwrap_or_default();
    if key.is_empty() {
        return Err(ApiError::Validation(
            "An Idempotency-Key header is required when sending, so a retried send is never duplicated.".into(),
        ));
    }
    if key.len() > MAX_IDEMPOTENCY_KEY_LEN || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(ApiError::Validation(format!(
            "The Idempotency-Key header must be 1 to {MAX_IDEMPOTENCY_KEY_LEN} printable ASCII characters."
        )));
    }
    Ok(key.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_and_bodies_are_checked() {
        assert_eq!(subject("  Rash  ").unwrap(), "Rash");
        assert!(subject(" ").is_err());
        assert!(subject("a\nb").is_err());
        assert!(subject(&"x".repeat(201)).is_err());
        assert_eq!(body("\n\nLine one\n  indented\n\n").unwrap(), "Line one\n  indented");
        assert!(body(" \n ").is_err());
        assert!(body(&"é".repeat(20_000)).is_ok());
        assert!(body(&"é".repeat(20_001)).is_err());
        assert!(body("bell \u{7}").is_err());
    }

    /// Characters that change how text is shown, or are not shown at all, would let a
    /// subject look different in triage from what was sent.
    #[test]
    fn direction_changing_and_invisible_characters_are_refused() {
        for hidden in [
            "\u{202E}",
            "\u{202A}",
            "\u{202D}",
            "\u{2066}",
            "\u{2067}",
            "\u{2069}",
            "\u{200E}",
            "\u{200F}",
            "\u{061C}",
            "\u{200B}",
            "\u{200C}",
            "\u{200D}",
            "\u{2060}",
            "\u{2064}",
            "\u{FEFF}",
            "\u{00AD}",
            "\u{180E}",
            "\u{FFF9}",
            "\u{E0041}",
            "\u{2028}",
            "\u{2029}",
            "\u{3164}",
        ] {
            let text = format!("Rash{hidden} on arm");
            let why = subject(&text).expect_err(&format!("{hidden:?} in a subject"));
            assert!(
                why.message().contains("invisible or direction-changing"),
                "{}",
                why.message()
            );
            let why = body(&text).expect_err(&format!("{hidden:?} in a body"));
            assert!(
                why.message().contains("invisible or direction-changing"),
                "{}",
                why.message()
            );
        }
        assert!(subject("Invoice \u{202E}fdp.exe").is_err());
    }

    /// Joiners are kept where writing needs them: emoji sequences (a health worker, a family)
    /// and scripts that use them (Persian, Hindi). Ordinary line breaks and tabs stay in bodies.
    #[test]
    fn joiners_in_emoji_and_scripts_that_need_them_are_kept() {
        for text in [
            "Thank you \u{1F469}\u{200D}\u{2695}\u{FE0F}",
            "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467} all sick",
            "\u{1F44D}\u{1F3FD}\u{200D}",
            "\u{0645}\u{06CC}\u{200C}\u{062E}\u{0648}\u{0627}\u{0647}\u{0645}",
            "\u{0915}\u{094D}\u{200D}\u{0937}",
            "\u{1F3F4}\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F}",
            "Caf\u{00E9} \u{05E9}\u{05DC}\u{05D5}\u{05DD} \u{0645}\u{0631}\u{062D}\u{0628}\u{0627}",
        ] {
            assert_eq!(subject(text).expect("subject"), text.trim());
            assert_eq!(body(text).expect("body"), text.trim_end());
        }
        assert_eq!(
            body("Line one\n\tindented\r\nthree").expect("body"),
            "Line one\n\tindented\r\nthree"
        );
        assert!(body("a \u{200D} b").is_err(), "a joiner between spaces joins nothing");
    }

    #[test]
    fn attachment_lists_and_keys_are_checked() {
        let six: Vec<String> = (0..6).map(|i| i.to_string()).collect();
        assert!(attachment_ids(&six).is_err());
        assert_eq!(attachment_ids(&["a".into(), "a".into()]).unwrap(), vec!["a"]);
        assert!(idempotency_key(None).is_err());
        assert!(idempotency_key(Some("has space")).is_err());
        assert_eq!(idempotency_key(Some("k-1")).unwrap(), "k-1");
    }
}

/// The rules above as the OpenAPI document states them (JSON Schema `pattern` and lengths):
/// each pattern accepts exactly what its check accepts.
#[cfg(test)]
mod patterns_match_the_rules {
    use rand::{Rng, SeedableRng};
    use regex::Regex;

    use super::*;

    /// Characters at the edges of the rules: whitespace that is and is not a control
    /// character, controls a message may and may not hold, hidden characters (the joiners,
    /// allowed in some places only, are left to the check: a pattern cannot see context),
    /// and ordinary text.
    const ALPHABET: &[char] = &[
        'a', 'é', '𝄞', ' ', '\t', '\n', '\r', '\u{b}', '\u{c}', '\0', '\u{7}', '\u{1c}', '\u{1f}', '\u{7f}', '\u{85}',
        '\u{a0}', '\u{1680}', '\u{2000}', '\u{200b}', '\u{2028}', '\u{202f}', '\u{3000}', '\u{feff}', '\u{202e}',
        '\u{2066}', '\u{ad}',
    ];

    fn samples() -> impl Iterator<Item = String> {
        let mut rng = rand::rngs::StdRng::seed_from_u64(9);
        (0..40_000).map(move |_| {
            let len = rng.gen_range(0..7);
            (0..len).map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())]).collect()
        })
    }

    fn agree(pattern: &str, rule: impl Fn(&str) -> bool) {
        let re = Regex::new(pattern).expect("pattern");
        for text in samples() {
            assert_eq!(re.is_match(&text), rule(&text), "{pattern} on {text:?}");
        }
    }

    #[test]
    fn subject() {
        agree(&subject_pattern(), |t| super::subject(t).is_ok());
    }

    #[test]
    fn body() {
        agree(&body_pattern(), |t| super::body(t).is_ok());
    }

    #[test]
    fn idempotency_key() {
        agree(IDEMPOTENCY_KEY_PATTERN, |t| {
            super::idempotency_key(Some(t)).is_ok() && t.trim() == t
        });
    }

    /// `maxLength` counts what was sent, so the checks do too (spaces around included).
    #[test]
    fn lengths_count_what_was_sent() {
        assert!(super::subject(&"a".repeat(MAX_SUBJECT_CHARS)).is_ok());
        assert!(super::subject(&format!("{} ", "a".repeat(MAX_SUBJECT_CHARS))).is_err());
        assert!(super::body(&"a".repeat(MAX_BODY_CHARS)).is_ok());
        assert!(super::body(&format!("\n{}", "a".repeat(MAX_BODY_CHARS))).is_err());
        assert!(super::idempotency_key(Some(&"k".repeat(MAX_IDEMPOTENCY_KEY_LEN))).is_ok());
        assert!(super::idempotency_key(Some(&"k".repeat(MAX_IDEMPOTENCY_KEY_LEN + 1))).is_err());
    }
}
