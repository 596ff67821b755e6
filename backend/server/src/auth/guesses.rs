//! Guesses at an account's pass-phrase and second factor, counted by
//! `domain::sign_in_throttle`: which count a guess is charged to, the rules from the limits,
//! and what a refusal answers. Shared by sign-in (`login`) and the pass-phrase asked again to
//! confirm a change to the account (`accounts::passphrase::confirm_current`).

use chrono::{DateTime, Duration, Utc};

use crate::domain::sign_in_throttle::{Bucket, Refusal, ThrottleRules};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::store::sign_in_throttle;
use crate::store::users::UserRecord;

/// Longest pass-phrase input looked at (bytes); anything longer cannot be a valid one.
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// The count a guess at `email` from `network` is charged to (see `Bucket`).
pub async fn bucket_of(state: &AppState, email: &str, user: Option<&UserRecord>, network: &str) -> ApiResult<Bucket> {
    Ok(match user {
        Some(user) if sign_in_throttle::is_known_network(&state.db, user.id, network).await? => Bucket::KnownNetwork {
            email: email.to_owned(),
            network: network.to_owned(),
        },
        _ => Bucket::Account {
            email: email.to_owned(),
        },
    })
}

pub fn throttle_rules(state: &AppState) -> ThrottleRules {
    ThrottleRules {
        guesses_per_round: state.limits.lockout_threshold,
        lock_for: Duration::from_std(state.limits.lockout_duration).unwrap_or(Duration::MAX),
        max_consecutive_failures: state.limits.max_consecutive_failures,
    }
}

pub fn refused(refusal: Refusal, now: DateTime<Utc>) -> ApiError {
    match refusal {
        Refusal::LockedUntil(until) => {
            let secs = (until - now).num_seconds().max(1);
            ApiError::AccountLocked {
                until,
                retry_after_secs: u64::try_from(secs).unwrap_or(1),
            }
        }
        Refusal::Held => ApiError::AccountHeld,
    }
}
