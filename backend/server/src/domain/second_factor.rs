//! The second factor: time-based one-time codes (TOTP, RFC 6238: HMAC-SHA-1, 6 digits, a new
//! code every 30 seconds, what every authenticator app speaks) and one-time recovery codes.
//!
//! - A secret is 160 random bits (RFC 4226 §4), shown as base32 and as an `otpauth://`
//!   address (in a QR code) naming the practice and the person's email address.
//! - A code is accepted for the current 30-second step or one step either side (a clock a
//!   little off, a code typed as it changed), and only for a step later than the last one
//!   accepted: a code seen once (over a shoulder, in a log) cannot be used again.
//! - Recovery codes are 10 characters of lowercase base32 (50 bits), shown as `xxxxx-xxxxx`;
//!   each works once. Input is read without regard to case, spaces or hyphens. Only a keyed
//!   digest of each is stored ([`recovery_digest_input`]).
//!
//! Who must have one: [`enrolment_required`] (the care team and admins), and what they may
//! reach before they enrol: [`reachable_before_enrolment`].

use chrono::{DateTime, Utc};
use portal_api::Role;
use rand::RngCore;
use totp_rs::{Algorithm, Builder, Secret, Totp};

/// Seconds a code lasts.
pub const STEP_SECS: i64 = 30;
/// Digits in a code.
pub const DIGITS: usize = 6;
/// Bytes of a secret (160 bits, as RFC 4226 recommends).
pub const SECRET_BYTES: usize = 20;
/// Characters of a recovery code (without its hyphen).
pub const RECOVERY_CODE_CHARS: usize = 10;
/// The alphabet of recovery codes: lowercase base32 (no 0, 1, 8 or 9 to confuse with letters).
const BASE32_LOWER: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
/// The issuer shown in the authenticator app when the practice has no name yet.
const DEFAULT_ISSUER: &str = "Patient Portal";

/// A TOTP secret. Its `Debug` shows nothing of it.
#[derive(Clone, PartialEq, Eq)]
pub struct TotpSecret(Vec<u8>);

impl std::fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpSecret(<redacted>)")
    }
}

impl TotpSecret {
    /// A new random secret.
    pub fn generate() -> Self {
        let mut bytes = vec![0u8; SECRET_BYTES];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        Self(bytes)
    }

    /// Reads a secret written by [`to_base32`](Self::to_base32) (spaces and case ignored);
    /// `None` unless it decodes to at least 128 bits.
    pub fn from_base32(text: &str) -> Option<Self> {
        let compact: String = text
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let secret = Secret::try_from_base32(compact).ok()?;
        let bytes = secret.as_ref().to_vec();
        (bytes.len() >= 16).then_some(Self(bytes))
    }

    /// Base32 without padding, as stored (sealed) and as in the `otpauth://` address.
    pub fn to_base32(&self) -> String {
        Secret::from(self.0.clone()).to_base32()
    }

    /// Base32 in groups of four, for typing by hand into an authenticator app.
    pub fn grouped(&self) -> String {
        let text = self.to_base32();
        let chars: Vec<char> = text.chars().collect();
        chars
            .chunks(4)
            .map(|group| group.iter().collect::<String>())
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn totp(&self, issuer: Option<String>, account: String) -> Option<Totp> {
        Builder::new()
            .with_algorithm(Algorithm::SHA1)
            .with_digits(6)
            .with_skew(1)
            .with_step_duration(STEP_SECS.unsigned_abs())
            .with_secret(self.0.clone())
            .with_issuer(issuer)
            .with_account_name(account)
            .build()
            .ok()
    }

    fn plain(&self) -> Option<Totp> {
        self.totp(None, String::new())
    }

    /// The code an authenticator app shows for this secret at `at`.
    pub fn code_at(&self, at: DateTime<Utc>) -> String {
        self.code_for_step(step_of(at))
    }

    fn code_for_step(&self, step: i64) -> String {
        let time = u64::try_from(step.saturating_mul(STEP_SECS)).unwrap_or(0);
        self.plain()
            .map(|totp| totp.generate(time).to_string())
            .unwrap_or_default()
    }

    /// The `otpauth://totp/…` address an authenticator app reads (from the QR code): the
    /// practice as issuer, the person's email address as account.
    pub fn otpauth_uri(&self, practice_name: Option<&str>, email: &str) -> String {
        let issuer = issuer_name(practice_name);
        let account = email.replace(':', " ");
        self.totp(Some(issuer), account)
            .and_then(|totp| totp.to_url().ok())
            .unwrap_or_default()
    }
}

/// The issuer as an authenticator app shows it: the practice's name, without the colon that
/// separates issuer and account in the address.
fn issuer_name(practice_name: Option<&str>) -> String {
    let name = practice_name
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .unwrap_or(DEFAULT_ISSUER);
    name.replace(':', " ")
}

/// The 30-second step `at` falls in (Unix time / 30).
pub fn step_of(at: DateTime<Utc>) -> i64 {
    at.timestamp().max(0) / STEP_SECS
}

/// What a code given at `at` is worth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeCheck {
    /// Right, for `step`: record it as the last accepted step.
    Accepted { step: i64 },
    /// Right, but for a step already used (or earlier): refused.
    Replayed,
    /// Not a code of this secret at this time.
    Wrong,
}

/// Checks `code` (digits; spaces ignored) against `secret` at `at`, one step either side,
/// refusing a step not later than `last_step`.
pub fn check_code(secret: &TotpSecret, code: &str, at: DateTime<Utc>, last_step: Option<i64>) -> CodeCheck {
    let Some(code) = normalize_totp_code(code) else {
        return CodeCheck::Wrong;
    };
    let now = step_of(at);
    let mut replayed = false;
    for step in [now - 1, now, now + 1] {
        if step < 0 || !constant_time_eq(secret.code_for_step(step).as_bytes(), code.as_bytes()) {
            continue;
        }
        if last_step.is_some_and(|last| step <= last) {
            replayed = true;
            continue;
        }
        return CodeCheck::Accepted { step };
    }
    if replayed {
        CodeCheck::Replayed
    } else {
        CodeCheck::Wrong
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// `code` as six digits, spaces removed; `None` if it is not that.
pub fn normalize_totp_code(code: &str) -> Option<String> {
    let digits: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    (digits.len() == DIGITS && digits.bytes().all(|b| b.is_ascii_digit())).then_some(digits)
}

/// A new set of `count` recovery codes, as shown to the person (`xxxxx-xxxxx`).
pub fn generate_recovery_codes(count: u32) -> Vec<String> {
    (0..count)
        .map(|_| {
            let mut bytes = [0u8; RECOVERY_CODE_CHARS];
            rand::rngs::OsRng.fill_bytes(&mut bytes);
            // 32 divides 256: taking the low five bits keeps every letter equally likely.
            let chars: String = bytes
                .iter()
                .map(|b| char::from(BASE32_LOWER[usize::from(b & 31)]))
                .collect();
            format!("{}-{}", &chars[..5], &chars[5..])
        })
        .collect()
}

/// A recovery code as typed (any case, spaces, hyphens) in the form its digest is made of;
/// `None` if it cannot be one.
pub fn normalize_recovery_code(input: &str) -> Option<String> {
    let code: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    (code.len() == RECOVERY_CODE_CHARS && code.bytes().all(|b| BASE32_LOWER.contains(&b))).then_some(code)
}

/// What the keyed digest of a recovery code is made of: bound to its account, so a digest
/// copied to another account does not match there.
pub fn recovery_digest_input(user_id: i64, normalized_code: &str) -> String {
    format!("recovery/{user_id}/{normalized_code}")
}

/// What a second factor given at sign-in looks like.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GivenFactor {
    /// Six digits from the authenticator app.
    Code(String),
    /// A recovery code, normalized.
    Recovery(String),
    /// Neither: wrong whatever the account.
    Unreadable,
}

/// Reads what was typed as the second factor.
pub fn read_given_factor(input: &str) -> GivenFactor {
    if let Some(code) = normalize_totp_code(input) {
        GivenFactor::Code(code)
    } else if let Some(code) = normalize_recovery_code(input) {
        GivenFactor::Recovery(code)
    } else {
        GivenFactor::Unreadable
    }
}

/// Whether a person with `role` and (or without) a confirmed second factor must enrol one
/// before reaching anything else.
pub fn enrolment_required(role: Role, has_second_factor: bool) -> bool {
    role.requires_second_factor() && !has_second_factor
}

/// The routes a person who must enrol may reach before they have (`path` below the API
/// prefix, e.g. `/me`): who they are, the practice, the limits, the policy, signing out, and
/// enrolling.
pub fn reachable_before_enrolment(method: &str, path: &str) -> bool {
    let path = path.trim_end_matches('/');
    match (method, path) {
        ("GET", "/me" | "/practice" | "/limits" | "/policy") => true,
        ("POST", "/auth/logout" | "/me/totp" | "/me/totp/confirm") => true,
        ("POST", p) => p.starts_with("/policy/") && p.ends_with("/accept"),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(secs: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(secs, 0).single().expect("time")
    }

    /// RFC 6238 appendix B's SHA-1 secret ("12345678901234567890").
    fn rfc_secret() -> TotpSecret {
        TotpSecret(b"12345678901234567890".to_vec())
    }

    #[test]
    fn codes_match_the_rfc_6238_test_vectors() {
        // Appendix B gives 8 digits; authenticator apps show the last 6.
        for (time, eight) in [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (2_000_000_000, "69279037"),
        ] {
            assert_eq!(rfc_secret().code_at(at(time)), &eight[2..], "{time}");
        }
    }

    #[test]
    fn a_secret_is_160_bits_and_reads_back_from_its_base32() {
        let secret = TotpSecret::generate();
        assert_eq!(secret.0.len(), 20);
        assert_eq!(secret.to_base32().len(), 32);
        assert_eq!(TotpSecret::from_base32(&secret.to_base32()), Some(secret.clone()));
        assert_eq!(
            TotpSecret::from_base32(&secret.grouped().to_lowercase()),
            Some(secret.clone())
        );
        assert_eq!(secret.grouped().split(' ').count(), 8);
        assert_ne!(TotpSecret::generate(), secret);
        assert_eq!(TotpSecret::from_base32("not base32!"), None);
        assert_eq!(TotpSecret::from_base32("ABCDEFGH"), None, "too short");
        assert!(!format!("{secret:?}").contains(&secret.to_base32()));
    }

    #[test]
    fn the_otpauth_address_names_the_practice_and_the_account() {
        let secret = TotpSecret::generate();
        let uri = secret.otpauth_uri(Some("Dermatology: Kansas City"), "dr.okafor@dskc.example");
        assert!(uri.starts_with("otpauth://totp/"), "{uri}");
        assert!(uri.contains(&format!("secret={}", secret.to_base32())), "{uri}");
        assert!(uri.contains("issuer=Dermatology"), "{uri}");
        assert!(
            uri.contains("dr.okafor%40dskc.example") || uri.contains("dr.okafor@dskc.example"),
            "{uri}"
        );
        assert!(secret.otpauth_uri(None, "a@example.com").contains("Patient%20Portal"));
    }

    #[test]
    fn a_code_is_accepted_one_step_either_side_and_not_further() {
        let secret = rfc_secret();
        let now = at(1_000_000_020);
        let step = step_of(now);
        for offset in [-1, 0, 1] {
            let code = secret.code_for_step(step + offset);
            assert_eq!(
                check_code(&secret, &code, now, None),
                CodeCheck::Accepted { step: step + offset },
                "{offset}"
            );
        }
        for offset in [-2, 2] {
            let code = secret.code_for_step(step + offset);
            assert_eq!(check_code(&secret, &code, now, None), CodeCheck::Wrong, "{offset}");
        }
        let spaced = format!("{} {}", &secret.code_at(now)[..3], &secret.code_at(now)[3..]);
        assert_eq!(check_code(&secret, &spaced, now, None), CodeCheck::Accepted { step });
        assert_eq!(check_code(&secret, "12345", now, None), CodeCheck::Wrong);
        assert_eq!(check_code(&secret, "abcdef", now, None), CodeCheck::Wrong);
    }

    #[test]
    fn a_code_is_accepted_only_for_a_step_after_the_last_accepted_one() {
        let secret = rfc_secret();
        let now = at(1_000_000_020);
        let step = step_of(now);
        let code = secret.code_at(now);
        assert_eq!(
            check_code(&secret, &code, now, Some(step - 1)),
            CodeCheck::Accepted { step }
        );
        assert_eq!(check_code(&secret, &code, now, Some(step)), CodeCheck::Replayed);
        // The next step's code, given early, is still new.
        let next = secret.code_for_step(step + 1);
        assert_eq!(
            check_code(&secret, &next, now, Some(step)),
            CodeCheck::Accepted { step: step + 1 }
        );
        assert_eq!(check_code(&secret, &code, now, Some(step + 1)), CodeCheck::Replayed);
    }

    #[test]
    fn recovery_codes_are_ten_base32_letters_shown_in_two_groups() {
        let codes = generate_recovery_codes(10);
        assert_eq!(codes.len(), 10);
        for code in &codes {
            assert_eq!(code.len(), 11, "{code}");
            assert_eq!(&code[5..6], "-");
            let normalized = normalize_recovery_code(code).expect("reads back");
            assert_eq!(normalized, code.replace('-', ""));
        }
        let mut unique = codes.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), codes.len());
    }

    #[test]
    fn recovery_codes_are_read_without_regard_to_case_spaces_or_hyphens() {
        assert_eq!(normalize_recovery_code(" AbCdE - 23456 "), Some("abcde23456".into()));
        assert_eq!(normalize_recovery_code("abcde23456"), Some("abcde23456".into()));
        assert_eq!(normalize_recovery_code("abcde2345"), None, "too short");
        assert_eq!(normalize_recovery_code("abcde-23450"), None, "0 is not base32");
        assert_eq!(recovery_digest_input(7, "abcde23456"), "recovery/7/abcde23456");
    }

    #[test]
    fn a_given_factor_is_read_as_a_code_or_a_recovery_code() {
        assert_eq!(read_given_factor("123 456"), GivenFactor::Code("123456".into()));
        assert_eq!(
            read_given_factor("ABCDE-fghij"),
            GivenFactor::Recovery("abcdefghij".into())
        );
        assert_eq!(read_given_factor("12345"), GivenFactor::Unreadable);
        assert_eq!(read_given_factor(""), GivenFactor::Unreadable);
    }

    #[test]
    fn the_care_team_and_admins_enrol_before_anything_else_patients_never_must() {
        for role in [Role::Physician, Role::Staff, Role::Admin] {
            assert!(enrolment_required(role, false), "{role:?}");
            assert!(!enrolment_required(role, true), "{role:?}");
        }
        assert!(!enrolment_required(Role::Patient, false));
    }

    #[test]
    fn before_enrolment_only_the_account_the_practice_the_policy_and_enrolment_are_reachable() {
        for (method, path) in [
            ("GET", "/me"),
            ("GET", "/practice"),
            ("GET", "/limits"),
            ("GET", "/policy"),
            ("POST", "/policy/3/accept"),
            ("POST", "/auth/logout"),
            ("POST", "/me/totp"),
            ("POST", "/me/totp/confirm"),
        ] {
            assert!(reachable_before_enrolment(method, path), "{method} {path}");
        }
        for (method, path) in [
            ("GET", "/threads"),
            ("POST", "/threads"),
            ("GET", "/me/sessions"),
            ("DELETE", "/me/totp"),
            ("POST", "/me/recovery-codes"),
            ("GET", "/patients/1/record"),
            ("PUT", "/practice/result-release"),
            ("GET", "/staff"),
        ] {
            assert!(!reachable_before_enrolment(method, path), "{method} {path}");
        }
    }
}
