//! A forgotten pass-phrase: a reset code by email (15 minutes, one use), then a new
//! pass-phrase; every session of the account ends.
//!
//! Asking for a code answers the same, at once, whether or not the address has an account:
//! the work (finding the account, storing the code, queueing the mail) goes on after the
//! answer, so its time tells nothing either. Codes go only to a verified address of an
//! account that is not turned off.

use portal_api::ResetConfirmRequest;

use super::codes;
use super::passphrase::{change_error, new_hash};
use crate::auth::ClientAddr;
use crate::domain::one_time_code::Purpose;
use crate::domain::EmailAddress;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::store::account_changes::{self, Actor, SessionsToEnd};
use crate::store::{account_codes, sign_in_throttle, users};

/// `POST /auth/password-reset`: queues a reset code for `email` if it is an account's
/// verified address; the same answer either way.
pub async fn request(state: &AppState, email: &str, addr: ClientAddr) -> ApiResult<()> {
    let now = state.clock.now();
    state
        .login_limiter
        .check(addr.network(), now)
        .map_err(|retry_after_secs| ApiError::RateLimited { retry_after_secs })?;
    let email = EmailAddress::parse(email).map_err(ApiError::Validation)?;
    let state = state.clone();
    tokio::spawn(async move {
        if let Err(error) = send_code(&state, &email, addr).await {
            tracing::warn!(code = ?error.code(), "a reset code could not be queued");
        }
    });
    Ok(())
}

async fn send_code(state: &AppState, email: &EmailAddress, addr: ClientAddr) -> ApiResult<()> {
    let Some(user) = users::find_by_email(&state.db, email.as_str()).await? else {
        return Ok(());
    };
    if user.email_verified_at.is_none() || user.disabled_at.is_some() || user.managed {
        return Ok(());
    }
    let code = codes::new_code(&state.text_sealer, Purpose::Reset, &user.email);
    let by = Actor {
        user_id: None,
        client_addr: &addr.to_text(),
        at: state.clock.now(),
    };
    account_changes::send_reset_code(&state.db, &state.text_sealer, &user, code, by).await?;
    Ok(())
}

/// `POST /auth/password-reset/confirm`: the code from the mail and a new pass-phrase.
pub async fn confirm(state: &AppState, request: &ResetConfirmRequest, addr: ClientAddr) -> ApiResult<()> {
    let now = state.clock.now();
    state
        .login_limiter
        .check(addr.network(), now)
        .map_err(|retry_after_secs| ApiError::RateLimited { retry_after_secs })?;
    let email = EmailAddress::parse(&request.email).map_err(ApiError::Validation)?;
    let found = account_codes::latest_to(&state.db, Purpose::Reset, email.as_str()).await?;
    let code = codes::check(state, Purpose::Reset, found, &request.code).await?;
    let user = match code.user_id {
        Some(id) => users::find_by_id(&state.db, id).await?,
        None => None,
    };
    let Some(user) = user.filter(|u| u.email == code.email && u.disabled_at.is_none()) else {
        return Err(ApiError::InvalidCode);
    };
    let hash = new_hash(
        state,
        &user.email,
        user.totp_enabled_at.is_some(),
        &request.new_password,
    )
    .await?;
    let by = Actor {
        user_id: Some(user.id),
        client_addr: &addr.to_text(),
        at: now,
    };
    let ended = account_changes::set_passphrase(
        &state.db,
        &state.text_sealer,
        &user,
        &hash,
        SessionsToEnd::All,
        Some(code.id),
        by,
    )
    .await
    .map_err(change_error)?;
    state.sessions.forget_user(user.id);
    drop(ended);
    // Proving the address unlocks the account (a lock after wrong guesses was meant to stop
    // whoever guessed, not the person).
    sign_in_throttle::clear_all_for(&state.db, &user.email).await?;
    Ok(())
}
