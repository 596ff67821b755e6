//! Signing in and out. A wrong pass-phrase and an unknown account are answered alike (same
//! status, body, and one Argon2 verification each); guesses are charged per email address
//! whether or not an account has it, before they are checked, and lock it for a while after
//! too many (`domain::sign_in_throttle`). A network the account signed in from before is
//! charged on its own, so a stranger's guesses do not lock the person out there.
//!
//! An account with a second factor needs a code too (`totp`: a current code from the
//! authenticator app, or an unused recovery code). Without one, the right pass-phrase is
//! answered 401 `second_factor_required` and the guess is taken back (asking is not a
//! failure); a wrong, replayed or used code is a failed guess like a wrong pass-phrase, so
//! codes cannot be tried one after another.

use chrono::Duration;
use portal_api::LoginResponse;

use crate::domain::notices::Notice;
use crate::domain::passphrase;
use crate::domain::sessions::{new_device_notice_due, DeviceHistory, DeviceName};
use crate::domain::sign_in_throttle::Charge;
use crate::domain::EmailAddress;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::store::account_changes;
use crate::store::audit::{self, action, AuditEvent};
use crate::store::users::UserRecord;
use crate::store::{sessions, sign_in_throttle, users};

use super::guesses::{bucket_of, refused, throttle_rules, MAX_PASSWORD_BYTES};
use super::password::Verified;
use super::second_factor::{self, SignInFactor};
use super::{token, ClientAddr, CurrentSession};

/// Longest second-factor code accepted (the schema's `maxLength`; recovery codes are shorter).
const MAX_CODE_CHARS: usize = 64;

/// What a sign-in gives.
#[derive(Clone, Copy)]
pub struct Credentials<'a> {
    pub email: &'a str,
    pub password: &'a str,
    /// The second factor (a code or a recovery code), for an account that has one.
    pub totp: Option<&'a str>,
    pub device: Option<&'a str>,
}

pub async fn sign_in(state: &AppState, credentials: Credentials<'_>, addr: ClientAddr) -> ApiResult<LoginResponse> {
    let Credentials {
        email,
        password,
        totp,
        device,
    } = credentials;
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
    if totp.is_some_and(|code| code.chars().count() > MAX_CODE_CHARS) {
        return Err(ApiError::Validation(format!(
            "A code has at most {MAX_CODE_CHARS} characters."
        )));
    }

    // Nobody signs in to an account the practice keeps for a patient: it answers exactly like
    // an address with no account (`domain::managed_accounts`).
    let user = users::find_by_email(&state.db, email.as_str())
        .await?
        .filter(|user| !user.managed);
    let network = network.to_string();
    let bucket = bucket_of(state, email.as_str(), user.as_ref(), &network).await?;
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

    let mut used_recovery_code = false;
    if user.totp_enabled_at.is_some() {
        let given = totp.map(str::trim).filter(|t| !t.is_empty());
        let Some(given) = given else {
            // Not a guess: the app asks for the code and signs in again with it.
            sign_in_throttle::refund(&state.db, &bucket.key(), &throttle_rules(state)).await?;
            return Err(ApiError::SecondFactorRequired);
        };
        match second_factor::check_at_sign_in(state, user.id, given, now).await? {
            SignInFactor::Code => {}
            SignInFactor::RecoveryCode => used_recovery_code = true,
            SignInFactor::Wrong => {
                let event = AuditEvent {
                    subject_user_id: Some(user.id),
                    action: action::SIGN_IN_FAILED,
                    object: Some("wrong second factor".into()),
                    client_addr: &addr.to_text(),
                    ..Default::default()
                };
                audit::append(&state.db, &event, now).await?;
                return Err(match if_wrong {
                    Some(refusal) => refused(refusal, now),
                    None => ApiError::WrongSecondFactor,
                });
            }
        }
    }

    sign_in_throttle::clear(&state.db, &bucket.key()).await?;
    let how = used_recovery_code.then_some("with a recovery code");
    start_session(state, user, device.as_ref(), addr, how).await
}

/// Opens a session for `user`, who just proved who they are (a sign-in, an activation), on
/// `device` from `addr`; `how` notes in the audit log anything unusual about it (a recovery
/// code used).
pub(crate) async fn start_session(
    state: &AppState,
    user: UserRecord,
    device: Option<&DeviceName>,
    addr: ClientAddr,
    how: Option<&'static str>,
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
        object: how.map(str::to_owned),
        client_addr: &addr.to_text(),
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
