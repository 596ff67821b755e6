//! Signing in and out. A wrong pass-phrase and an unknown account are answered alike (same
//! status, body, and one Argon2 verification each); failures count per e-mail address whether
//! or not an account has it, and lock it for a while after too many.

use chrono::Duration;
use portal_api::LoginResponse;

use crate::domain::passphrase;
use crate::domain::EmailAddress;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::store::audit::{self, action, AuditEvent};
use crate::store::{login_throttle, sessions, users};

use super::password::Verified;
use super::{token, ClientAddr, CurrentSession};

/// Longest pass-phrase input looked at (bytes); anything longer cannot be a valid one.
const MAX_PASSWORD_BYTES: usize = 1024;

pub async fn sign_in(state: &AppState, email: &str, password: &str, addr: ClientAddr) -> ApiResult<LoginResponse> {
    let now = state.clock.now();
    state
        .login_limiter
        .check(addr.0, now)
        .map_err(|retry_after_secs| ApiError::RateLimited { retry_after_secs })?;
    let email = EmailAddress::parse(email).map_err(ApiError::Validation)?;
    if password.is_empty() {
        return Err(ApiError::Validation("Please enter your pass-phrase.".into()));
    }
    if let Some(until) = login_throttle::locked_until(&state.db, email.as_str(), now).await? {
        return Err(locked(until, now));
    }

    let user = users::find_by_email(&state.db, email.as_str()).await?;
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
        user => {
            let lock_for = Duration::from_std(state.limits.lockout_duration).unwrap_or(Duration::MAX);
            let locked_now = login_throttle::record_failure(
                &state.db,
                email.as_str(),
                now,
                state.limits.lockout_threshold,
                lock_for,
            )
            .await?;
            let event = AuditEvent {
                subject_user_id: user.map(|u| u.id),
                action: action::SIGN_IN_FAILED,
                client_addr: &addr.to_text(),
                ..Default::default()
            };
            audit::append(&state.db, &event, now).await?;
            return Err(match locked_now {
                Some(until) => locked(until, now),
                None => ApiError::InvalidCredentials,
            });
        }
    };

    login_throttle::clear(&state.db, email.as_str()).await?;
    let token = token::generate().map_err(|_| ApiError::Internal("no randomness".into()))?;
    let lifetime = Duration::from_std(state.limits.absolute_lifetime).unwrap_or(Duration::MAX);
    let expires_at = now + lifetime;
    sessions::create(
        &state.db,
        &token::hash(&token),
        user.id,
        now,
        expires_at,
        &addr.to_text(),
    )
    .await?;
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

fn locked(until: chrono::DateTime<chrono::Utc>, now: chrono::DateTime<chrono::Utc>) -> ApiError {
    let secs = (until - now).num_seconds().max(1);
    ApiError::AccountLocked {
        until,
        retry_after_secs: u64::try_from(secs).unwrap_or(1),
    }
}
