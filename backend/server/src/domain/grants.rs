//! Authorized persons (issue 12): a patient lets someone they trust read and write for them
//! (a parent, an adult child, a caregiver), each with their own sign-in, and takes it back.
//! What a grant allows ([`Scopes`]), where it stands at a given moment ([`GrantState`]) and
//! what it lets its holder do ([`Grant::allows`]), in plain Rust; the access model asks here.
//!
//! - A grant is given by the patient (or, for a patient who cannot, by the practice, with the
//!   reason and the document seen) to one person, named and addressed by email; it starts
//!   when that person accepts it.
//! - It allows only its scopes, and only until its last day (if it has one) or until the
//!   patient (or the practice) ends it; an ended or expired grant allows nothing.
//! - It is never inherited: acting for a patient, nobody may give a grant of theirs.
//! - Its person is told by email: invited (with a code to open an account when their address
//!   has none, [`invitation_mail`]), and when it ends ([`tells_of_end`]).
//! - The practice sets one up only at the front desk (`access::Viewer::practice_giving`), with a last day,
//!   the reason and the document seen ([`check_practice_record`]).

use chrono::{DateTime, NaiveDate, Utc};
use portal_api::GrantStatus;

pub use portal_api::GrantScope as Scope;

fn bit(scope: Scope) -> u8 {
    match scope {
        Scope::ReadMessages => 1,
        Scope::WriteMessages => 2,
        Scope::Record => 4,
        Scope::Results => 8,
    }
}

/// A set of scopes. Writing messages brings reading them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Scopes(u8);

impl Scopes {
    pub const NONE: Scopes = Scopes(0);

    pub fn of(scopes: impl IntoIterator<Item = Scope>) -> Self {
        let set = scopes.into_iter().fold(0, |set, s| set | bit(s));
        let set = if set & bit(Scope::WriteMessages) != 0 {
            set | bit(Scope::ReadMessages)
        } else {
            set
        };
        Scopes(set)
    }

    pub fn contains(self, scope: Scope) -> bool {
        self.0 & bit(scope) != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The scopes, in [`Scope::ALL`]'s order.
    pub fn scopes(self) -> Vec<Scope> {
        Scope::ALL.into_iter().filter(|s| self.contains(*s)).collect()
    }

    /// As stored: the names joined by commas.
    pub fn to_text(self) -> String {
        self.scopes().iter().map(|s| s.as_str()).collect::<Vec<_>>().join(",")
    }

    /// Reads [`to_text`](Self::to_text)'s form; `Err` names a word that is no scope.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut scopes = Vec::new();
        for word in text.split(',').map(str::trim).filter(|w| !w.is_empty()) {
            scopes.push(Scope::parse(word).ok_or_else(|| {
                format!("{word:?} is not something a grant allows (read_messages, write_messages, record, results)")
            })?);
        }
        Ok(Self::of(scopes))
    }
}

/// Where a grant stands at a moment (the wire's [`GrantStatus`]).
pub type GrantState = GrantStatus;

/// A grant as stored, with what decides its state.
#[derive(Debug, Clone)]
pub struct Grant {
    pub scopes: Scopes,
    /// The last day it allows anything (in the practice's calendar, UTC), if it has one.
    pub until: Option<NaiveDate>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub declined_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
}

impl Grant {
    /// Its state at `now`. An end or a refusal is final; then the last day; then acceptance.
    pub fn state(&self, now: DateTime<Utc>) -> GrantState {
        if self.ended_at.is_some_and(|at| at <= now) {
            return GrantState::Ended;
        }
        if self.declined_at.is_some() {
            return GrantState::Declined;
        }
        if self.until.is_some_and(|last| now.date_naive() > last) {
            return GrantState::Expired;
        }
        if self.accepted_at.is_some() {
            GrantState::Active
        } else {
            GrantState::Invited
        }
    }

    /// Whether it lets its holder do `scope` for the patient at `now`: only while active.
    pub fn allows(&self, scope: Scope, now: DateTime<Utc>) -> bool {
        self.state(now) == GrantState::Active && self.scopes.contains(scope)
    }
}

/// What acting for a patient comes to now, from the grants the person holds for them
/// (accepted ones).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Acting {
    /// Within these scopes (every active grant's).
    Allowed(Scopes),
    /// Every grant they held has ended or run out: they are told so.
    Ended,
    /// They never held one: answered like a patient that does not exist.
    Never,
}

/// Decides [`Acting`] from `held` at `now`.
pub fn acting_under<'a>(held: impl IntoIterator<Item = &'a Grant>, now: DateTime<Utc>) -> Acting {
    let mut scopes = 0u8;
    let mut ended = false;
    for grant in held {
        match grant.state(now) {
            GrantState::Active => scopes |= grant.scopes.0,
            GrantState::Ended | GrantState::Expired => ended = true,
            GrantState::Invited | GrantState::Declined => {}
        }
    }
    match (scopes, ended) {
        (0, true) => Acting::Ended,
        (0, false) => Acting::Never,
        (set, _) => Acting::Allowed(Scopes(set)),
    }
}

/// Checks what a patient (or the practice) asks for in a new grant: at least one scope, and a
/// last day that is not already past.
pub fn check_new(scopes: Scopes, until: Option<NaiveDate>, now: DateTime<Utc>) -> Result<(), String> {
    if scopes.is_empty() {
        return Err("Choose at least one thing this person may do for you.".into());
    }
    if until.is_some_and(|last| last < now.date_naive()) {
        return Err("The last day of the access has already passed: choose a later day, or none.".into());
    }
    Ok(())
}

/// Whether someone signed in as `caller` (acting for someone else, or not) may give, see or
/// end a grant of `patient`'s: only the patient, acting for themselves. A grant is never
/// inherited.
pub fn may_give(caller: i64, acting_for_someone: bool, patient: i64) -> bool {
    caller == patient && !acting_for_someone
}

/// Which invitation mail a new grant sends to its address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvitationMail {
    /// Sign in with this address and open Invitations.
    SignIn,
    /// The same, with a one-time code that opens an account (a patient's, without a chart:
    /// no date of birth is asked) for an address that has none.
    WithCode,
}

/// The invitation mail for an address with an account or not, and with an invitation of the
/// practice's (to a patient's chart, or to the team) still open or not: that one's code must
/// keep working (a new code to the address would end it), so the mail then carries none, and
/// the person, once their account is open, finds the grant under Invitations.
pub fn invitation_mail(account_exists: bool, practice_invitation_open: bool) -> InvitationMail {
    if account_exists || practice_invitation_open {
        InvitationMail::SignIn
    } else {
        InvitationMail::WithCode
    }
}

/// Whether ending a grant withdraws the code its mail sent to open an account: when it was
/// never accepted and no other grant is still offered to its address (someone the patient
/// invited by mistake cannot open an account once the patient takes it back).
pub fn withdraws_account_invitation(accepted: bool, others_still_offered: i64) -> bool {
    !accepted && others_still_offered == 0
}

/// Whether ending a grant that stood at `state` tells its person: yes while it was offered or
/// held; not after they declined it, or once it had run out (nothing changes for them).
pub fn tells_of_end(state: GrantState) -> bool {
    matches!(state, GrantState::Invited | GrantState::Active)
}

/// The most characters of the reason the practice records for a grant it sets up.
pub const MAX_PRACTICE_REASON: usize = 500;
/// The most characters of the document it names.
pub const MAX_PRACTICE_DOCUMENT: usize = 200;

/// Checks the reason and the document the practice records: both stated (not blank), within
/// their lengths, on one line or a few (no other control characters).
pub fn check_practice_record(reason: &str, document: &str) -> Result<(), String> {
    for (text, what, max) in [
        (reason, "the reason the patient cannot do it", MAX_PRACTICE_REASON),
        (document, "the document seen", MAX_PRACTICE_DOCUMENT),
    ] {
        if text.trim().is_empty() {
            return Err(format!("Write {what}."));
        }
        if text.chars().count() > max {
            return Err(format!("Write {what} in at most {max} characters."));
        }
        if text
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
        {
            return Err(format!("Write {what} without control characters."));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, day, hour, 0, 0).unwrap()
    }

    fn grant(scopes: &[Scope]) -> Grant {
        Grant {
            scopes: Scopes::of(scopes.iter().copied()),
            until: None,
            accepted_at: None,
            declined_at: None,
            ended_at: None,
        }
    }

    #[test]
    fn scopes_round_trip_and_writing_brings_reading() {
        let write = Scopes::of([Scope::WriteMessages]);
        assert!(write.contains(Scope::ReadMessages));
        assert_eq!(write.to_text(), "read_messages,write_messages");
        assert_eq!(
            Scopes::parse("results, record").unwrap(),
            Scopes::of([Scope::Record, Scope::Results])
        );
        assert!(Scopes::parse("billing").unwrap_err().contains("\"billing\""));
        assert!(Scopes::parse("").unwrap().is_empty());
    }

    #[test]
    fn a_grant_allows_its_scopes_only_once_accepted_and_until_ended_or_expired() {
        let mut g = grant(&[Scope::ReadMessages, Scope::Results]);
        assert_eq!(g.state(at(1, 9)), GrantState::Invited);
        assert!(!g.allows(Scope::ReadMessages, at(1, 9)), "not before it is accepted");
        g.accepted_at = Some(at(1, 10));
        assert!(g.allows(Scope::ReadMessages, at(1, 11)));
        assert!(g.allows(Scope::Results, at(1, 11)));
        assert!(!g.allows(Scope::WriteMessages, at(1, 11)), "only its scopes");
        assert!(!g.allows(Scope::Record, at(1, 11)));

        let mut until = g.clone();
        until.until = Some(NaiveDate::from_ymd_opt(2026, 12, 3).unwrap());
        assert!(until.allows(Scope::Results, at(3, 23)), "the whole last day");
        assert_eq!(until.state(at(4, 0)), GrantState::Expired);
        assert!(!until.allows(Scope::Results, at(4, 0)));

        g.ended_at = Some(at(2, 8));
        assert!(g.allows(Scope::Results, at(2, 7)));
        assert_eq!(g.state(at(2, 8)), GrantState::Ended);
        assert!(!g.allows(Scope::Results, at(2, 8)), "ended at once");

        let mut declined = grant(&[Scope::Record]);
        declined.declined_at = Some(at(1, 10));
        assert_eq!(declined.state(at(1, 11)), GrantState::Declined);
    }

    #[test]
    fn a_new_grant_allows_something_and_does_not_end_in_the_past() {
        let now = at(10, 12);
        let some = Scopes::of([Scope::Record]);
        assert!(check_new(Scopes::NONE, None, now).is_err());
        assert!(check_new(some, Some(NaiveDate::from_ymd_opt(2026, 12, 9).unwrap()), now).is_err());
        assert!(check_new(some, Some(NaiveDate::from_ymd_opt(2026, 12, 10).unwrap()), now).is_ok());
        assert!(check_new(some, None, now).is_ok());
    }

    #[test]
    fn only_the_patient_acting_for_themselves_gives_a_grant() {
        assert!(may_give(7, false, 7));
        assert!(!may_give(8, false, 7), "another person");
        assert!(!may_give(8, true, 7), "a proxy acting for the patient: never inherited");
        assert!(
            !may_give(8, true, 8),
            "a proxy's own grants, while acting for someone else"
        );
    }

    #[test]
    fn acting_is_allowed_by_active_grants_told_when_ended_and_unknown_otherwise() {
        let now = at(10, 12);
        let mut read = grant(&[Scope::ReadMessages]);
        read.accepted_at = Some(at(1, 9));
        let mut record = grant(&[Scope::Record]);
        record.accepted_at = Some(at(1, 9));
        let mut ended = record.clone();
        ended.ended_at = Some(at(9, 9));
        let mut expired = read.clone();
        expired.until = Some(NaiveDate::from_ymd_opt(2026, 12, 9).unwrap());
        let invited = grant(&[Scope::Results]);

        assert_eq!(
            acting_under([&read, &record], now),
            Acting::Allowed(Scopes::of([Scope::ReadMessages, Scope::Record]))
        );
        assert_eq!(
            acting_under([&ended, &read], now),
            Acting::Allowed(Scopes::of([Scope::ReadMessages])),
            "a grant given again after one ended"
        );
        assert_eq!(acting_under([&ended], now), Acting::Ended);
        assert_eq!(acting_under([&expired], now), Acting::Ended);
        assert_eq!(acting_under([&invited], now), Acting::Never, "not accepted yet");
        assert_eq!(acting_under([], now), Acting::Never);
    }

    #[test]
    fn an_address_without_an_account_gets_a_code_unless_the_practice_invited_it() {
        assert_eq!(invitation_mail(true, false), InvitationMail::SignIn);
        assert_eq!(invitation_mail(false, false), InvitationMail::WithCode);
        assert_eq!(
            invitation_mail(false, true),
            InvitationMail::SignIn,
            "the practice's code keeps working"
        );
    }

    #[test]
    fn an_unaccepted_grant_takes_its_account_code_with_it_unless_another_is_offered() {
        assert!(withdraws_account_invitation(false, 0));
        assert!(
            !withdraws_account_invitation(false, 1),
            "another grant still waits for them"
        );
        assert!(
            !withdraws_account_invitation(true, 0),
            "accepted: their account is open"
        );
    }

    #[test]
    fn the_person_is_told_of_an_end_only_while_the_grant_was_offered_or_held() {
        assert!(tells_of_end(GrantState::Invited));
        assert!(tells_of_end(GrantState::Active));
        for state in [GrantState::Declined, GrantState::Ended, GrantState::Expired] {
            assert!(!tells_of_end(state), "{state:?}");
        }
    }

    #[test]
    fn the_practice_states_a_reason_and_a_document() {
        assert!(check_practice_record("Parent of a child under 12", "Birth certificate").is_ok());
        assert!(check_practice_record("Legal guardian\nsince 2024", "Court order 12/2024").is_ok());
        assert!(check_practice_record("  ", "Birth certificate")
            .unwrap_err()
            .contains("reason"));
        assert!(check_practice_record("Guardian", "").unwrap_err().contains("document"));
        assert!(check_practice_record(&"r".repeat(MAX_PRACTICE_REASON + 1), "x").is_err());
        assert!(check_practice_record(&"r".repeat(MAX_PRACTICE_REASON), "x").is_ok());
        assert!(check_practice_record("x", &"d".repeat(MAX_PRACTICE_DOCUMENT + 1)).is_err());
        assert!(check_practice_record("x\u{0}", "d").is_err());
    }
}
