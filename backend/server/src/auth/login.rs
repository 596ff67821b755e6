//! Signing in and out. A wrong pass-phrase and an unknown account are answered alike (same
//! status, body, and one Argon2 verification each); guesses are charged per email address
//! whether or not an account has it, before they are checked, and lock it for a while after
//! too many (`domain::sign_in_throttle`). A network the account signed in from before is
//! charged on its own, so a stranger's guesses do not lock the person out there.

use chrono::Duration;
use portal_api::LoginResponse;

use crate::domain::notices::Notice;
use crate::domain::passphrase;
use crate::domain::sessions::{new_device_notice_due, DeviceHistory, DeviceName};
use crate::domain::sign_in_throttle::{Bucket, Charge, Refusal, ThrottleRules};
use crate::domain::EmailAddress;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::store::account_changes;
use crate::store::audit::{self, action, AuditEvent};
use crate::store::users::UserRecord;
use crate::store::{sessions, sign_in_throttle, users};

use super::password::Verified;
use super::{token, ClientAddr, CurrentSession};

/// Longest pass-phrase input looked at (bytes); anything longer cannot be a valid one.
const MAX_PASSWORD_BYTES: usize = 1024;

pub async fn sign_in(
    state: &AppState,
    email: &str,
    password: &str,
    device: Option<&str>,
    addr: ClientAddr,
) -> ApiResult<LoginResponse> {
    let now = state.clock.now();
    let network = addr.network();
    state
        .login_limiter
        .check(network, now)
        .map_err(|retry_after_secs| ApiError::RateLimited { retry_after_secs })?;
    let email = EmailAddress::parse(email).map_err(ApiError::Validation)?;
    if password.is_empty() {
        return Err(ApiError::Validation("Please enter your pass-phrase.".into()));
    }
    let device = DeviceName::parse(device).map_err(ApiError::Validation)?;

    let user = users::find_by_email(&state.db, email.as_str()).await?;
    let network = network.to_string();
    let bucket = match &user {
        Some(user) if sign_in_throttle::is_known_network(&state.db, user.id, &network).await? => Bucket::KnownNetwork {
            email: email.as_str().to_owned(),
            network: network.clone(),
        },
        _ => Bucket::Account {
            email: email.as_str().to_owned(),
        },
    };
    // One guess at a time per account here; charged before the pass-phrase is checked, so a
    // burst of guesses (also across instances) cannot all be checked.
    let _turn = state.guesses.turn(&bucket.key()).await;
    let if_wrong = match sign_in_throttle::charge(&state.db, &bucket.key(), &throttle_rules(state), now).await? {
        Charge::Refused(refusal) => return Err(refused(refusal, now)),
        Charge::Allowed { if_wrong, .. } => if_wrong,
    };

    let verified = if password.len() > MAX_PASSWORD_BYTES {
        Verified::No
    } else {
        let phrase = passphrase::normalize(password);
        state
            .hasher
            .verify(&phrase, user.as_ref().map(|u| u.password_hash.as_str()))
            .await
            .map_err(|e| ApiError::Internal(e.to_string()))?
    };
    let user = match user {
        Some(user) if verified != Verified::No && user.disabled_at.is_none() => {
            if let Verified::YesRehashed(hash) = &verified {
                users::update_password_hash(&state.db, user.id, hash).await?;
            }
            user
        }
        // The right pass-phrase for an account the practice turned off: said plainly (only
        // someone who knows the pass-phrase learns it), and not counted as a wrong guess.
        Some(user) if verified != Verified::No => {
            sign_in_throttle::clear(&state.db, &bucket.key()).await?;
            let event = AuditEvent {
                subject_user_id: Some(user.id),
                action: action::SIGN_IN_FAILED,
                object: Some("account disabled".into()),
                client_addr: &addr.to_text(),
                ..Default::default()
            };
            audit::append(&state.db, &event, now).await?;
            return Err(ApiError::AccountDisabled);
        }
        user => {
            let event = AuditEvent {
                subject_user_id: user.map(|u| u.id),
                action: action::SIGN_IN_FAILED,
                client_addr: &addr.to_text(),
                ..Default::default()
            };
            audit::append(&state.db, &event, now).await?;
            return Err(match if_wrong {
                Some(refusal) => refused(refusal, now),
                None => ApiError::InvalidCredentials,
            });
        }
    };

    sign_in_throttle::clear(&state.db, &bucket.key()).await?;
    start_session(state, user, device.as_ref(), addr).await
}

/// Opens a session for `user`, who just proved who they are (a sign-in, an activation), on
/// `device` from `addr`.
pub(crate) async fn start_session(
    state: &AppState,
    user: UserRecord,
    device: Option<&DeviceName>,
    addr: ClientAddr,
) -> ApiResult<LoginResponse> {
    let now = state.clock.now();
    let network = addr.network().to_string();
    let history = device_history(state, &user, device, &network).await?;
    sign_in_throttle::remember_network(&state.db, user.id, &network, now).await?;
    if new_device_notice_due(history) && user.email_verified_at.is_some() {
        account_changes::notify(&state.db, &state.text_sealer, &user, Notice::NewDevice, now).await?;
    }
    let token = token::generate().map_err(|_| ApiError::Internal("no randomness".into()))?;
    let lifetime = Duration::from_std(state.limits.absolute_lifetime).unwrap_or(Duration::MAX);
    let expires_at = now + lifetime;
    let client_addr = addr.to_text();
    let session = sessions::NewSession {
        user_id: user.id,
        now,
        expires_at,
        client_addr: &client_addr,
        device: device.map(DeviceName::as_str),
    };
    sessions::create(&state.db, &token::hash(&token), session).await?;
    let event = AuditEvent {
        actor_user_id: Some(user.id),
        subject_user_id: Some(user.id),
        action: action::SIGN_IN,
        client_addr: &addr.to_text(),
        ..Default::default()
    };
    audit::append(&state.db, &event, now).await?;
    Ok(LoginResponse {
        token,
        expires_at,
        user: user.to_api(),
    })
}

pub async fn sign_out(state: &AppState, session: &CurrentSession, addr: ClientAddr) -> ApiResult<()> {
    let now = state.clock.now();
    sessions::revoke(&state.db, session.session_id, now).await?;
    state.sessions.forget_session(session.session_id);
    let event = AuditEvent {
        actor_user_id: Some(session.user.id),
        subject_user_id: Some(session.user.id),
        action: action::SIGN_OUT,
        client_addr: &addr.to_text(),
        ..Default::default()
    };
    audit::append(&state.db, &event, now).await?;
    Ok(())
}

/// What is known of `device` (or, unnamed, of `network`) on `user`'s account before now.
async fn device_history(
    state: &AppState,
    user: &UserRecord,
    device: Option<&DeviceName>,
    network: &str,
) -> ApiResult<DeviceHistory> {
    let (signed_in_before, seen_before) = match device {
        Some(device) => sessions::device_history(&state.db, user.id, Some(device.as_str())).await?,
        None => {
            let (before, _) = sessions::device_history(&state.db, user.id, None).await?;
            (
                before,
                sign_in_throttle::is_known_network(&state.db, user.id, network).await?,
            )
        }
    };
    Ok(DeviceHistory {
        signed_in_before,
        seen_before,
    })
}

pub(crate) fn throttle_rules(state: &AppState) -> ThrottleRules {
    ThrottleRules {
        guesses_per_round: state.limits.lockout_threshold,
        lock_for: Duration::from_std(state.limits.lockout_duration).unwrap_or(Duration::MAX),
        max_consecutive_failures: state.limits.max_consecutive_failures,
    }
}

pub(crate) fn refused(refusal: Refusal, now: chrono::DateTime<chrono::Utc>) -> ApiError {
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
