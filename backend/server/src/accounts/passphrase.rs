//! Changing one's pass-phrase (the current one and a new one by the same rules): every other
//! session ends at once and a notice goes to the verified address. Also what the other
//! flows share: checking the current pass-phrase before a change to the account (a wrong one
//! counts toward the sign-in throttle, so a borrowed session cannot be used to guess it) and
//! hashing a new one by the rules.

use portal_api::{PassphraseChangeRequest, PassphraseChanged};

use crate::auth::guesses::{refused, throttle_rules, MAX_PASSWORD_BYTES};
use crate::auth::password::Verified;
use crate::auth::{ClientAddr, CurrentSession};
use crate::domain::passphrase;
use crate::domain::sign_in_throttle::{Bucket, Charge};
use crate::domain::{Passphrase, PassphraseContext};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::store::account_changes::{self, Actor, ChangeError, SessionsToEnd};
use crate::store::users::UserRecord;
use crate::store::{practice, sign_in_throttle, users};

/// Checks `typed` is `user`'s current pass-phrase: `wrong_passphrase` if not (counted like a
/// wrong sign-in), `account_locked` once too many were wrong.
pub async fn confirm_current(state: &AppState, user: &UserRecord, typed: &str) -> ApiResult<()> {
    // No pass-phrase at all is a malformed request, not a guess: it is not counted.
    if typed.is_empty() {
        return Err(ApiError::Validation("Please enter your current pass-phrase.".into()));
    }
    let now = state.clock.now();
    let bucket = Bucket::Account {
        email: user.email.clone(),
    }
    .key();
    let _turn = state.guesses.turn(&bucket).await;
    let if_wrong = match sign_in_throttle::charge(&state.db, &bucket, &throttle_rules(state), now).await? {
        Charge::Refused(refusal) => return Err(refused(refusal, now)),
        Charge::Allowed { if_wrong, .. } => if_wrong,
    };
    let verified = if typed.len() > MAX_PASSWORD_BYTES {
        Verified::No
    } else {
        let phrase = passphrase::normalize(typed);
        state
            .hasher
            .verify(&phrase, Some(&user.password_hash))
            .await
            .map_err(|e| ApiError::Internal(e.to_string()))?
    };
    if verified == Verified::No {
        return Err(match if_wrong {
            Some(refusal) => refused(refusal, now),
            None => ApiError::WrongPassphrase,
        });
    }
    // The right pass-phrase from someone signed in is not a guess; it does not wipe the
    // count either (wrong second-factor codes from elsewhere stay counted).
    sign_in_throttle::refund(&state.db, &bucket, &throttle_rules(state)).await?;
    Ok(())
}

/// The hash of `raw` if it meets the rules for the account with `email` (shorter with a
/// second factor); `weak_passphrase` saying why if not.
pub async fn new_hash(state: &AppState, email: &str, has_second_factor: bool, raw: &str) -> ApiResult<String> {
    let practice = practice::get(&state.db).await?;
    let ctx = PassphraseContext {
        email: Some(email),
        practice_name: practice.as_ref().map(|p| p.name.as_str()),
        has_second_factor,
    };
    let phrase = Passphrase::parse(raw, &ctx).map_err(ApiError::WeakPassphrase)?;
    state
        .hasher
        .hash(phrase.expose())
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))
}

/// `POST /auth/password`.
pub async fn change(
    state: &AppState,
    session: &CurrentSession,
    request: &PassphraseChangeRequest,
    addr: ClientAddr,
) -> ApiResult<PassphraseChanged> {
    // The account as stored now (the session's copy may be a few seconds old).
    if request.new_password.is_empty() {
        return Err(ApiError::Validation("Please enter your new pass-phrase.".into()));
    }
    let user = users::find_by_id(&state.db, session.user.id)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    confirm_current(state, &user, &request.current_password).await?;
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
        at: state.clock.now(),
    };
    let ended = account_changes::set_passphrase(
        &state.db,
        &state.text_sealer,
        &user,
        &hash,
        SessionsToEnd::AllBut(session.session_id),
        None,
        by,
    )
    .await
    .map_err(change_error)?;
    for id in &ended {
        state.sessions.forget_session(*id);
    }
    Ok(PassphraseChanged {
        sessions_ended: u32::try_from(ended.len()).unwrap_or(u32::MAX),
    })
}

/// A change the store refused, as the API answers it.
pub(super) fn change_error(error: ChangeError) -> ApiError {
    match error {
        ChangeError::CodeUsed => ApiError::InvalidCode,
        ChangeError::EmailTaken => ApiError::Conflict("An account with this email address already exists.".into()),
        ChangeError::ChartTaken => ApiError::Conflict("This patient's chart already has an account.".into()),
        ChangeError::NoChart => ApiError::NotFound,
        ChangeError::Store(e) => ApiError::Store(e),
    }
}
