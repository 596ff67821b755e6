//! Pass-phrase rules after NIST SP 800-63B-4: length, not composition.
//!
//! - at least 15 characters when the pass-phrase is the only factor (8 with a second factor);
//! - up to 256 accepted; any Unicode, spaces included (normalised with NFKC so the same
//!   phrase typed on another keyboard still matches);
//! - no composition rules and no expiry;
//! - refused when it is a commonly used or breached password (an offline list shipped with the
//!   service), is made of one repeated character or sequence, or contains a word from the
//!   context: the practice's name, the portal's name, the person's email address.

use std::collections::HashSet;
use std::sync::OnceLock;

use unicode_normalization::UnicodeNormalization;
use zeroize::Zeroizing;

pub const MIN_CHARS_SINGLE_FACTOR: usize = 15;
pub const MIN_CHARS_WITH_SECOND_FACTOR: usize = 8;
pub const MAX_CHARS: usize = 256;

static BLOCKLIST_TEXT: &str = include_str!("../../data/passphrase-blocklist.txt");

fn blocklist() -> &'static HashSet<String> {
    static SET: OnceLock<HashSet<String>> = OnceLock::new();
    SET.get_or_init(|| {
        BLOCKLIST_TEXT
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(squash)
            .collect()
    })
}

/// Lower-case with spaces and punctuation removed: "Correct Horse-Battery" → "correcthorsebattery".
fn squash(text: &str) -> String {
    text.nfkc()
        .flat_map(char::to_lowercase)
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// What the rules need to know about the account.
#[derive(Debug, Clone, Default)]
pub struct PassphraseContext<'a> {
    pub email: Option<&'a str>,
    pub practice_name: Option<&'a str>,
    pub has_second_factor: bool,
}

/// A pass-phrase that met the rules, normalised, wiped from memory when dropped.
pub struct Passphrase(Zeroizing<String>);

impl std::fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Passphrase(<redacted>)")
    }
}

/// The normalised form used for both hashing and checking, so sign-in matches set-up.
pub fn normalize(raw: &str) -> Zeroizing<String> {
    Zeroizing::new(raw.nfkc().collect())
}

impl Passphrase {
    pub fn parse(raw: &str, ctx: &PassphraseContext<'_>) -> Result<Self, String> {
        let phrase = normalize(raw);
        let chars = phrase.chars().count();
        let min = if ctx.has_second_factor {
            MIN_CHARS_WITH_SECOND_FACTOR
        } else {
            MIN_CHARS_SINGLE_FACTOR
        };
        if chars < min {
            return Err(format!(
                "Use at least {min} characters. A few unrelated words, such as \"copper kettle autumn river\", make a pass-phrase that is long and easy to remember."
            ));
        }
        if chars > MAX_CHARS {
            return Err(format!("Use at most {MAX_CHARS} characters."));
        }
        let squashed = Zeroizing::new(squash(&phrase));
        let distinct: HashSet<char> = squashed.chars().collect();
        if distinct.len() < 4 || is_sequence(&squashed) {
            return Err("This pass-phrase is too easy to guess: it repeats a few characters or follows a sequence. Try a few unrelated words.".into());
        }
        if blocklist().contains(squashed.as_str()) || is_blocked_variant(&squashed) {
            return Err(
                "This pass-phrase is on a list of commonly used or leaked passwords. Please choose another.".into(),
            );
        }
        let mut context_words: Vec<String> = vec!["patientportal".into(), "portal".into()];
        if let Some(name) = ctx.practice_name {
            context_words.push(squash(name));
            context_words.extend(name.split_whitespace().map(squash).filter(|w| w.len() >= 5));
        }
        if let Some(email) = ctx.email {
            context_words.push(squash(email));
            if let Some(local) = email.split('@').next() {
                context_words.extend(local.split(['.', '_', '-', '+']).map(squash).filter(|w| w.len() >= 4));
            }
        }
        let remainder = context_words
            .iter()
            .filter(|w| !w.is_empty())
            .fold(squashed.to_string(), |acc, w| acc.replace(w.as_str(), ""));
        if remainder.chars().count() < 8 {
            return Err("This pass-phrase is mostly made of your email address or the practice's or portal's name. Please choose words that are not about the account.".into());
        }
        Ok(Self(phrase))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// "abcdefghijklmnop", "123456789012345", "qwertyuiopasdfgh": one alphabet or keyboard run,
/// forwards or backwards.
fn is_sequence(s: &str) -> bool {
    const RUNS: [&str; 3] = ["abcdefghijklmnopqrstuvwxyz", "0123456789", "qwertyuiopasdfghjklzxcvbnm"];
    if s.len() < 8 {
        return false;
    }
    let reversed: String = s.chars().rev().collect();
    RUNS.iter().any(|run| {
        let cycle = run.repeat(s.len() / run.len() + 2);
        cycle.contains(s) || cycle.contains(reversed.as_str())
    })
}

/// A blocked word with digits around it ("password1234567"), or one short or blocked piece
/// said again and again ("passwordpassword", "wordwordwordword").
fn is_blocked_variant(s: &str) -> bool {
    let core = s.trim_matches(|c: char| c.is_ascii_digit());
    if core.len() < s.len() && (core.len() < 4 || blocklist().contains(core)) {
        return true;
    }
    (1..=s.len() / 2)
        .filter(|n| s.len().is_multiple_of(*n) && s.is_char_boundary(*n))
        .any(|n| {
            let unit = &s[..n];
            unit.repeat(s.len() / n) == s && (n < MIN_CHARS_WITH_SECOND_FACTOR || blocklist().contains(unit))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> PassphraseContext<'static> {
        PassphraseContext {
            email: Some("blair.conroy@example.com"),
            practice_name: Some("Dermatology Specialists of Kansas City"),
            has_second_factor: false,
        }
    }

    #[test]
    fn long_unrelated_words_are_accepted() {
        for ok in [
            "copper kettle autumn river",
            "ünïcödé ärë wëlcömë tôô",
            "mi perro come galletas azules",
            "correct staple horse battery lamp",
        ] {
            assert!(Passphrase::parse(ok, &ctx()).is_ok(), "{ok}");
        }
        assert!(
            Passphrase::parse(&"word ".repeat(20), &ctx()).is_err(),
            "repeats are too easy"
        );
        assert!(
            Passphrase::parse(&"plum tiger lake jam ".repeat(3), &ctx()).is_ok(),
            "60 characters is fine"
        );
    }

    #[test]
    fn short_pass_phrases_are_refused_with_advice() {
        let err = Passphrase::parse("Tr0ub4dor&3xyz", &ctx()).expect_err("14 characters");
        assert!(err.contains("at least 15"), "{err}");
        let with_2fa = PassphraseContext {
            has_second_factor: true,
            ..ctx()
        };
        assert!(Passphrase::parse("Tr0ub4dor&3xyz", &with_2fa).is_ok());
    }

    #[test]
    fn too_long_pass_phrases_are_refused() {
        assert!(Passphrase::parse(&"abcdefghij klmnop ".repeat(20), &ctx()).is_err());
    }

    #[test]
    fn common_and_breached_passwords_are_refused() {
        for bad in [
            "passwordpassword",
            "Password1234567",
            "correct horse battery staple",
            "iloveyouiloveyou",
            "qwertyuiopasdfgh",
            "123456789012345",
            "aaaaaaaaaaaaaaaaa",
            "abcdefghijklmnopq",
        ] {
            assert!(Passphrase::parse(bad, &ctx()).is_err(), "{bad}");
        }
    }

    #[test]
    fn context_words_are_refused() {
        for bad in [
            "Dermatology Specialists KC 1",
            "blair.conroy@example.com!!",
            "blairconroy blair 2026",
            "my patient portal 123",
        ] {
            assert!(Passphrase::parse(bad, &ctx()).is_err(), "{bad}");
        }
    }

    #[test]
    fn compatibility_forms_normalise_to_one_phrase() {
        // "ﬁ" (U+FB01) and "fi" hash the same after NFKC.
        assert_eq!(*normalize("\u{FB01}sh tank lamp"), "fish tank lamp");
    }

    #[test]
    fn debug_output_hides_the_phrase() {
        let p = Passphrase::parse("copper kettle autumn river", &ctx()).expect("valid");
        assert_eq!(format!("{p:?}"), "Passphrase(<redacted>)");
    }
}
