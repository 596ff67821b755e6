//! Changing one's email address: confirmed by the current pass-phrase, then by a code sent
//! to the new address (a notice goes to the old one). Nothing changes until the code is
//! given. An address another account has is answered like any other (nothing is sent to
//! it), so the answer tells nothing about who has an account.

use portal_api::{EmailChangePending, EmailChangeRequest, User};

use super::codes;
use super::passphrase::{change_error, confirm_current};
use crate::auth::{ClientAddr, CurrentSession};
use crate::domain::one_time_code::Purpose;
use crate::domain::EmailAddress;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::store::account_changes::{self, Actor};
use crate::store::{account_codes, users};

/// `PUT /me/email`.
pub async fn ask(
    state: &AppState,
    session: &CurrentSession,
    request: &EmailChangeRequest,
    addr: ClientAddr,
) -> ApiResult<EmailChangePending> {
    let new_email = EmailAddress::parse(&request.email).map_err(ApiError::Validation)?;
    let user = users::find_by_id(&state.db, session.user.id)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    confirm_current(state, &user, &request.password).await?;
    if new_email.as_str() == user.email {
        return Err(ApiError::Conflict("That is already your email address.".into()));
    }
    let now = state.clock.now();
    let taken = users::find_by_email(&state.db, new_email.as_str()).await?.is_some();
    let expires_at = if taken {
        now + Purpose::EmailChange.lifetime()
    } else {
        let code = codes::new_code(&state.text_sealer, Purpose::EmailChange, new_email.as_str());
        let by = Actor {
            user_id: Some(user.id),
            client_addr: &addr.to_text(),
            at: now,
        };
        account_changes::ask_email_change(&state.db, &state.text_sealer, &user, new_email.as_str(), code, by).await?
    };
    Ok(EmailChangePending {
        email: new_email.to_string(),
        expires_at,
    })
}

/// `POST /me/email/confirm`: the code sent to the new address.
pub async fn confirm(state: &AppState, session: &CurrentSession, code: &str, addr: ClientAddr) -> ApiResult<User> {
    let user_id = session.user.id;
    let found = account_codes::latest_for(&state.db, Purpose::EmailChange, user_id).await?;
    let code = codes::check(state, Purpose::EmailChange, found, code).await?;
    let by = Actor {
        user_id: Some(user_id),
        client_addr: &addr.to_text(),
        at: state.clock.now(),
    };
    account_changes::confirm_email_change(&state.db, user_id, &code.email, code.id, by)
        .await
        .map_err(change_error)?;
    state.sessions.forget_user(user_id);
    let user = users::find_by_id(&state.db, user_id)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    Ok(user.to_api())
}
