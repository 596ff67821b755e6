//! One-time codes sent by email: activating an invited account, resetting a forgotten
//! pass-phrase, confirming a new address. What a code looks like, how long each kind lives,
//! and whether a stored code may still be used.
//!
//! A code is 8 characters of Crockford's base32 (40 bits), shown as `K7QM-4XPR`; typed back,
//! case, spaces and hyphens do not matter and the letters people confuse with digits (O, I,
//! L) read as those digits. A code is looked up by its purpose and address, never by its
//! value, and dies after [`MAX_WRONG_TRIES`] wrong ones: guessing 40 bits five at a time, and
//! only as fast as the per-address rate limit allows, does not get anywhere.

use chrono::{DateTime, TimeDelta, Utc};
use portal_api::{ACTIVATION_CODE_DAYS, EMAIL_CHANGE_CODE_MINUTES, RESET_CODE_MINUTES};
use rand::Rng;

/// Crockford's base32: no I, L, O or U.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const CODE_CHARS: usize = 8;

/// Wrong codes tried against one open code before it stops working.
pub const MAX_WRONG_TRIES: i64 = 5;

/// What a code is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Activation,
    Reset,
    EmailChange,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Activation => "activation",
            Self::Reset => "reset",
            Self::EmailChange => "email_change",
        }
    }

    /// How long a code of this kind works after it is sent.
    pub fn lifetime(self) -> TimeDelta {
        match self {
            Self::Activation => TimeDelta::days(i64::from(ACTIVATION_CODE_DAYS)),
            Self::Reset => TimeDelta::minutes(i64::from(RESET_CODE_MINUTES)),
            Self::EmailChange => TimeDelta::minutes(i64::from(EMAIL_CHANGE_CODE_MINUTES)),
        }
    }
}

/// A new random code, as it is shown (`K7QM-4XPR`).
pub fn generate() -> String {
    let mut rng = rand::rngs::OsRng;
    let chars: String = (0..CODE_CHARS)
        .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
        .collect();
    format!("{}-{}", &chars[..4], &chars[4..])
}

/// A code as typed, in its one canonical form; `None` when it cannot be a code at all.
pub fn normalize(typed: &str) -> Option<String> {
    let mut out = String::with_capacity(CODE_CHARS);
    for c in typed.chars() {
        let c = match c.to_ascii_uppercase() {
            ' ' | '-' | '\t' => continue,
            'O' => '0',
            'I' | 'L' => '1',
            c if c.is_ascii() && ALPHABET.contains(&(c as u8)) => c,
            _ => return None,
        };
        out.push(c);
    }
    (out.len() == CODE_CHARS).then_some(out)
}

/// What is stored of a code: what the keyed digest covers (the purpose, the address, the
/// canonical code), so a code sent for one purpose or address proves nothing for another.
pub fn digest_input(purpose: Purpose, email: &str, canonical: &str) -> Vec<u8> {
    format!("one-time-code/{}/{email}/{canonical}", purpose.as_str()).into_bytes()
}

/// A stored code's state, as read.
#[derive(Debug, Clone, Copy)]
pub struct StoredCode {
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
    pub wrong_tries: i64,
}

/// Whether a stored code may be tried `now`. A used, expired or exhausted code is refused
/// whatever is typed, with the same answer as a wrong one.
pub fn may_try(code: &StoredCode, now: DateTime<Utc>) -> bool {
    code.used_at.is_none() && now < code.expires_at && code.wrong_tries < MAX_WRONG_TRIES
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_eight_base32_characters_in_two_groups() {
        for _ in 0..200 {
            let code = generate();
            assert_eq!(code.len(), 9, "{code}");
            assert_eq!(&code[4..5], "-");
            assert_eq!(normalize(&code).as_deref(), Some(code.replace('-', "").as_str()));
        }
        assert_ne!(generate(), generate());
    }

    #[test]
    fn typed_codes_forgive_case_spacing_and_look_alike_letters() {
        assert_eq!(normalize(" k7qm 4xpr ").as_deref(), Some("K7QM4XPR"));
        assert_eq!(normalize("K7QM-4XPR").as_deref(), Some("K7QM4XPR"));
        assert_eq!(normalize("o1il-0000").as_deref(), Some("01110000"));
        assert_eq!(normalize("K7QM-4XP"), None, "too short");
        assert_eq!(normalize("K7QM-4XPRS"), None, "too long");
        assert_eq!(normalize("K7QM-4XPU"), None, "U is not in the alphabet");
        assert_eq!(normalize("K7QM-4XP\u{e9}"), None);
    }

    #[test]
    fn each_purpose_lives_as_long_as_the_issue_says() {
        assert_eq!(Purpose::Activation.lifetime(), TimeDelta::days(7));
        assert_eq!(Purpose::Reset.lifetime(), TimeDelta::minutes(15));
        assert_eq!(Purpose::EmailChange.lifetime(), TimeDelta::minutes(60));
    }

    #[test]
    fn a_code_may_be_tried_once_until_it_expires_or_too_many_wrong_tries() {
        let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let open = StoredCode {
            expires_at: now + TimeDelta::minutes(1),
            used_at: None,
            wrong_tries: 0,
        };
        assert!(may_try(&open, now));
        assert!(!may_try(&open, now + TimeDelta::minutes(1)), "expired");
        assert!(
            !may_try(
                &StoredCode {
                    used_at: Some(now),
                    ..open
                },
                now
            ),
            "used"
        );
        assert!(may_try(
            &StoredCode {
                wrong_tries: MAX_WRONG_TRIES - 1,
                ..open
            },
            now
        ));
        assert!(!may_try(
            &StoredCode {
                wrong_tries: MAX_WRONG_TRIES,
                ..open
            },
            now
        ));
    }

    #[test]
    fn the_digest_covers_purpose_and_address() {
        assert_ne!(
            digest_input(Purpose::Reset, "a@example.com", "K7QM4XPR"),
            digest_input(Purpose::Activation, "a@example.com", "K7QM4XPR")
        );
        assert_ne!(
            digest_input(Purpose::Reset, "a@example.com", "K7QM4XPR"),
            digest_input(Purpose::Reset, "b@example.com", "K7QM4XPR")
        );
    }
}
