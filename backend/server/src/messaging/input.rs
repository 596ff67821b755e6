//! Checks on what a sender gives us, before anything is stored: subject and body lengths,
//! the attachment list, and the idempotency key. Messages are plain text: they are stored as
//! given (after trimming) and the app shows them as text, never as HTML.

use portal_api::{MAX_ATTACHMENTS_PER_MESSAGE, MAX_BODY_CHARS, MAX_SUBJECT_CHARS};

use crate::error::ApiError;

/// Longest idempotency key accepted.
const MAX_KEY_LEN: usize = 128;

pub fn subject(text: &str) -> Result<String, ApiError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(ApiError::Validation("Please write a subject.".into()));
    }
    if text.chars().count() > MAX_SUBJECT_CHARS {
        return Err(ApiError::Validation(format!(
            "The subject is too long: at most {MAX_SUBJECT_CHARS} characters."
        )));
    }
    if text.chars().any(char::is_control) {
        return Err(ApiError::Validation("The subject must be one line of text.".into()));
    }
    Ok(text.to_owned())
}

pub fn body(text: &str) -> Result<String, ApiError> {
    let text = text.trim_end();
    let text = text.trim_start_matches(['\n', '\r']);
    if text.trim().is_empty() {
        return Err(ApiError::Validation("Please write a message.".into()));
    }
    if text.chars().count() > MAX_BODY_CHARS {
        return Err(ApiError::Validation(format!(
            "The message is too long: at most {MAX_BODY_CHARS} characters. Please shorten it or split it into two messages."
        )));
    }
    if text.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        return Err(ApiError::Validation(
            "The message contains characters that cannot be sent.".into(),
        ));
    }
    Ok(text.to_owned())
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
    if key.len() > MAX_KEY_LEN || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(ApiError::Validation(format!(
            "The Idempotency-Key header must be 1 to {MAX_KEY_LEN} printable ASCII characters."
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
