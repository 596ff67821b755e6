//! How many pass-phrase guesses an account allows, and when (NIST SP 800-63B-4 §3.2.2).
//!
//! A guess is *charged before it is checked*: the attempt is counted first, the pass-phrase is
//! verified after, and a right one clears the count. So however many sign-ins arrive at once,
//! at most [`ThrottleRules::guesses_per_round`] of them are ever checked against the hash in a
//! round; the rest are told the account is locked.
//!
//! - A round allows `guesses_per_round` guesses. The guess that fills the round locks the
//!   account for `lock_for` (if it is right, the sign-in clears the lock at once).
//! - When the lock runs out a new round starts; the count of consecutive failures goes on.
//! - After `max_consecutive_failures` failures in a row without a success the account is
//!   *held*: locked until the person proves who they are another way (an operator's
//!   `portal-server user unlock`, later a pass-phrase reset). NIST's ceiling is 100.
//!
//! The rules are plain values in, plain values out; `store::sign_in_throttle` loads and writes
//! them, and `auth::login` decides which bucket a sign-in is counted in (see [`Bucket`]).

use chrono::{DateTime, Duration, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottleRules {
    pub guesses_per_round: u32,
    pub lock_for: Duration,
    pub max_consecutive_failures: u32,
}

/// What the store keeps for one bucket. A bucket with no row is `ThrottleState::default()`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ThrottleState {
    /// Guesses charged in this round (checked or being checked).
    pub round_guesses: u32,
    /// Guesses charged since the last success, across rounds.
    pub consecutive_failures: u32,
    /// The round's lock, once it is full.
    pub locked_until: Option<DateTime<Utc>>,
    /// Held until unlocked by an operator or a reset (see the module doc).
    pub held: bool,
}

/// Why a guess is not checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Locked for a while: try again after `until`.
    LockedUntil(DateTime<Utc>),
    /// Locked until the person is let back in another way.
    Held,
}

/// The answer to "may one more guess be checked now?".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Charge {
    /// Check the guess; store `state` first. If the guess turns out wrong, the account is
    /// then refused as `if_wrong` says (`None`: not locked yet).
    Allowed {
        state: ThrottleState,
        if_wrong: Option<Refusal>,
    },
    /// Do not check it; nothing to store.
    Refused(Refusal),
}

impl ThrottleRules {
    /// Charge one guess against `state` at `now`.
    pub fn charge(&self, state: ThrottleState, now: DateTime<Utc>) -> Charge {
        if state.held {
            return Charge::Refused(Refusal::Held);
        }
        let mut state = state;
        match state.locked_until {
            Some(until) if until > now => return Charge::Refused(Refusal::LockedUntil(until)),
            Some(_) => {
                state.round_guesses = 0;
                state.locked_until = None;
            }
            None => {}
        }
        if state.round_guesses >= self.guesses_per_round {
            // A full round without a lock: only a store written by an older version, or a
            // crash between charge and lock. Lock from now.
            let until = now + self.lock_for;
            return Charge::Refused(Refusal::LockedUntil(until));
        }
        state.round_guesses += 1;
        state.consecutive_failures = state.consecutive_failures.saturating_add(1);
        let if_wrong = if state.consecutive_failures >= self.max_consecutive_failures {
            state.held = true;
            Some(Refusal::Held)
        } else if state.round_guesses >= self.guesses_per_round {
            let until = now + self.lock_for;
            state.locked_until = Some(until);
            Some(Refusal::LockedUntil(until))
        } else {
            None
        };
        Charge::Allowed { state, if_wrong }
    }

    /// Takes back one charged guess that turned out not to be a guess: the right pass-phrase
    /// given without the second factor's code, which is asked for next. The count goes back
    /// down and a lock or hold that guess set is lifted; the failures before it still count
    /// (so asking again for the code cannot be used to wipe wrong codes off the count).
    pub fn refund(&self, state: ThrottleState) -> ThrottleState {
        let mut state = state;
        state.round_guesses = state.round_guesses.saturating_sub(1);
        state.consecutive_failures = state.consecutive_failures.saturating_sub(1);
        if state.round_guesses < self.guesses_per_round {
            state.locked_until = None;
        }
        if state.consecutive_failures < self.max_consecutive_failures {
            state.held = false;
        }
        state
    }
}

/// Which count a sign-in is charged to. Guesses from anywhere share the account's count; a
/// network the person has signed in from before has a count of its own, so that a stranger
/// who keeps the account locked does not lock the real person out at their usual place
/// (NIST SP 800-63B-4: throttling must not become a way to deny service to the subscriber).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bucket {
    Account { email: String },
    KnownNetwork { email: String, network: String },
}

impl Bucket {
    /// The key the store keeps the count under.
    pub fn key(&self) -> String {
        match self {
            Self::Account { email } => email.clone(),
            Self::KnownNetwork { email, network } => format!("{email} from {network}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> ThrottleRules {
        ThrottleRules {
            guesses_per_round: 5,
            lock_for: Duration::minutes(15),
            max_consecutive_failures: 12,
        }
    }

    fn allowed(charge: Charge) -> (ThrottleState, Option<Refusal>) {
        match charge {
            Charge::Allowed { state, if_wrong } => (state, if_wrong),
            Charge::Refused(r) => panic!("refused: {r:?}"),
        }
    }

    #[test]
    fn the_guess_that_fills_a_round_locks_it_and_later_guesses_are_not_checked() {
        let now = Utc::now();
        let mut state = ThrottleState::default();
        for n in 1..=4 {
            let (next, if_wrong) = allowed(rules().charge(state, now));
            assert_eq!((next.round_guesses, if_wrong), (n, None));
            state = next;
        }
        let (state, if_wrong) = allowed(rules().charge(state, now));
        let until = now + Duration::minutes(15);
        assert_eq!(if_wrong, Some(Refusal::LockedUntil(until)));
        assert_eq!(state.locked_until, Some(until), "stored before the guess is checked");
        assert_eq!(rules().charge(state, now), Charge::Refused(Refusal::LockedUntil(until)));
    }

    #[test]
    fn a_lock_that_ran_out_starts_a_new_round_and_the_failures_add_up_to_a_hold() {
        let mut now = Utc::now();
        let mut state = ThrottleState::default();
        let mut last = None;
        for _ in 0..12 {
            if let Some(Refusal::LockedUntil(until)) = last {
                now = until;
            }
            let (next, if_wrong) = allowed(rules().charge(state, now));
            state = next;
            last = if_wrong;
        }
        assert_eq!(last, Some(Refusal::Held), "the 12th failure in a row holds the account");
        now += Duration::days(30);
        assert_eq!(rules().charge(state, now), Charge::Refused(Refusal::Held));
    }

    #[test]
    fn a_full_round_without_a_lock_is_locked_from_now() {
        let now = Utc::now();
        let state = ThrottleState {
            round_guesses: 5,
            consecutive_failures: 5,
            ..ThrottleState::default()
        };
        assert_eq!(
            rules().charge(state, now),
            Charge::Refused(Refusal::LockedUntil(now + Duration::minutes(15)))
        );
    }

    #[test]
    fn a_refund_takes_back_one_guess_and_the_lock_it_set_but_not_earlier_failures() {
        let now = Utc::now();
        let mut state = ThrottleState::default();
        for _ in 0..4 {
            state = allowed(rules().charge(state, now)).0;
        }
        let (locked, if_wrong) = allowed(rules().charge(state, now));
        assert!(if_wrong.is_some());
        let refunded = rules().refund(locked);
        assert_eq!(refunded, state, "as before the refunded guess");
        assert_eq!(refunded.consecutive_failures, 4, "the earlier failures still count");
        assert_eq!(rules().refund(ThrottleState::default()), ThrottleState::default());
    }

    #[test]
    fn buckets_have_distinct_keys() {
        let account = Bucket::Account {
            email: "a@example.com".into(),
        };
        let known = Bucket::KnownNetwork {
            email: "a@example.com".into(),
            network: "192.0.2.7".into(),
        };
        assert_ne!(account.key(), known.key());
    }
}
