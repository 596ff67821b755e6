//! The second factor of the signed-in person: enrol (a pending secret, shown as a QR code and
//! as text), confirm it with a first code (then it counts, and recovery codes are given),
//! turn it off (where the role allows) and replace the recovery codes; and the check at
//! sign-in. The rules are in `domain::second_factor`; the secret is sealed at rest under the
//! service's key, bound to the account (`sealed_text::Field::TotpSecret`).

use chrono::{DateTime, Utc};
use portal_api::{RecoveryCodes, TotpEnrolment, RECOVERY_CODE_COUNT};
use qrcode::render::svg;
use qrcode::QrCode;

use crate::accounts::passphrase::confirm_current;
use crate::domain::second_factor::{self as rules, CodeCheck, GivenFactor, TotpSecret};
use crate::error::{ApiError, ApiResult};
use crate::sealed_text::Field;
use crate::state::AppState;
use crate::store::audit::{action, AuditRow};
use crate::store::second_factor::{self as store, Confirmation, StoredSecondFactor};
use crate::store::to_millis;
use crate::store::users::UserRecord;

use super::{ClientAddr, CurrentSession};

/// `POST /me/totp`: a new pending secret (replacing one not confirmed yet). 409 if the
/// account already has a second factor.
pub async fn enrol(state: &AppState, session: &CurrentSession) -> ApiResult<TotpEnrolment> {
    let user = &session.user;
    let secret = TotpSecret::generate();
    let sealed = seal(state, user.id, &secret)?;
    if !store::set_pending(&state.db, user.id, &sealed).await? {
        return Err(ApiError::Conflict(
            "This account has a second factor already. To set up a new one, turn the current one off first.".into(),
        ));
    }
    let practice = crate::store::practice::get(&state.db).await?;
    let uri = secret.otpauth_uri(practice.as_ref().map(|p| p.name.as_str()), &user.email);
    Ok(TotpEnrolment {
        secret: secret.grouped(),
        qr_svg: qr_svg(&uri)?,
        otpauth_uri: uri,
    })
}

/// `POST /me/totp/confirm`: the first code from the pending secret makes it the account's
/// second factor; the answer holds the recovery codes (shown once).
pub async fn confirm(
    state: &AppState,
    session: &CurrentSession,
    code: &str,
    addr: &ClientAddr,
) -> ApiResult<RecoveryCodes> {
    let user = &session.user;
    let now = state.clock.now();
    let stored = load(state, user.id).await?;
    if stored.secret.is_some() {
        return Err(ApiError::Conflict("This account has a second factor already.".into()));
    }
    let Some(pending) = stored.pending_secret else {
        return Err(ApiError::Conflict(
            "No second factor is being set up: start again to get a new QR code.".into(),
        ));
    };
    let secret = open(state, user.id, &pending)?;
    let CodeCheck::Accepted { step } = rules::check_code(&secret, code, now, None) else {
        return Err(ApiError::InvalidCode);
    };
    let (codes, digests) = recovery_codes(state, user.id);
    let confirmation = Confirmation {
        user_id: user.id,
        pending_secret: &pending,
        step,
        now,
        recovery_digests: &digests,
    };
    if !store::confirm(
        &state.db,
        &confirmation,
        audit_row(user, action::SECOND_FACTOR_ENABLED, addr, now),
    )
    .await?
    {
        return Err(ApiError::Conflict(
            "The second factor changed meanwhile: start again to get a new QR code.".into(),
        ));
    }
    // The sessions cached with the account as it was (without a second factor) are read again.
    state.sessions.forget_user(user.id);
    Ok(RecoveryCodes { codes })
}

/// `DELETE /me/totp`: turns the second factor off, confirmed by the pass-phrase; only for an
/// account whose role does not require one. 409 if it has none.
pub async fn disable(state: &AppState, session: &CurrentSession, password: &str, addr: &ClientAddr) -> ApiResult<()> {
    let user = &session.user;
    if user.role.requires_second_factor() {
        return Err(ApiError::Forbidden);
    }
    // Nothing to turn off: said before the pass-phrase is asked, so it costs no guess.
    if user.totp_enabled_at.is_none() {
        return Err(no_second_factor());
    }
    confirm_current(state, user, password).await?;
    let now = state.clock.now();
    if store::disable(
        &state.db,
        user.id,
        audit_row(user, action::SECOND_FACTOR_DISABLED, addr, now),
    )
    .await?
    {
        state.sessions.forget_user(user.id);
    }
    Ok(())
}

/// `POST /me/recovery-codes`: a new set of recovery codes, confirmed by the pass-phrase; the
/// old ones stop working. 409 if the account has no second factor.
pub async fn replace_recovery_codes(
    state: &AppState,
    session: &CurrentSession,
    password: &str,
    addr: &ClientAddr,
) -> ApiResult<RecoveryCodes> {
    let user = &session.user;
    if user.totp_enabled_at.is_none() {
        return Err(no_second_factor());
    }
    confirm_current(state, user, password).await?;
    let now = state.clock.now();
    let (codes, digests) = recovery_codes(state, user.id);
    let audit = audit_row(user, action::RECOVERY_CODES_REPLACED, addr, now);
    if !store::replace_recovery_codes(&state.db, user.id, &digests, audit).await? {
        return Err(no_second_factor());
    }
    Ok(RecoveryCodes { codes })
}

fn no_second_factor() -> ApiError {
    ApiError::Conflict("This account has no second factor: set one up first.".into())
}

/// How a second factor given at sign-in went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInFactor {
    /// A current code, not used before.
    Code,
    /// An unused recovery code (used now).
    RecoveryCode,
    /// Wrong, replayed or used: counts as a failed guess.
    Wrong,
}

/// Checks `given` for account `user_id` at `now`, using it up if right (a code's step, a
/// recovery code) so it cannot be given again.
pub async fn check_at_sign_in(
    state: &AppState,
    user_id: i64,
    given: &str,
    now: DateTime<Utc>,
) -> ApiResult<SignInFactor> {
    let stored = load(state, user_id).await?;
    let Some(sealed) = stored.secret else {
        return Ok(SignInFactor::Wrong);
    };
    match rules::read_given_factor(given) {
        GivenFactor::Code(code) => {
            let secret = open(state, user_id, &sealed)?;
            match rules::check_code(&secret, &code, now, stored.last_step) {
                CodeCheck::Accepted { step } if store::accept_step(&state.db, user_id, step).await? => {
                    Ok(SignInFactor::Code)
                }
                _ => Ok(SignInFactor::Wrong),
            }
        }
        GivenFactor::Recovery(code) => {
            let digest = state
                .text_sealer
                .keyed_digest(rules::recovery_digest_input(user_id, &code).as_bytes());
            if store::use_recovery_code(&state.db, user_id, &digest, now).await? {
                Ok(SignInFactor::RecoveryCode)
            } else {
                Ok(SignInFactor::Wrong)
            }
        }
        GivenFactor::Unreadable => Ok(SignInFactor::Wrong),
    }
}

async fn load(state: &AppState, user_id: i64) -> ApiResult<StoredSecondFactor> {
    store::load(&state.db, user_id).await?.ok_or(ApiError::Unauthenticated)
}

fn seal(state: &AppState, user_id: i64, secret: &TotpSecret) -> ApiResult<String> {
    state
        .text_sealer
        .seal(Field::TotpSecret, user_id, &secret.to_base32())
        .map_err(|_| ApiError::Internal("the second factor's secret could not be sealed".into()))
}

fn open(state: &AppState, user_id: i64, sealed: &str) -> ApiResult<TotpSecret> {
    let text = state
        .text_sealer
        .open(Field::TotpSecret, user_id, sealed)
        .map_err(|_| ApiError::Internal("the second factor's secret could not be opened".into()))?;
    TotpSecret::from_base32(&text).ok_or_else(|| ApiError::Internal("the second factor's secret is unreadable".into()))
}

/// A new set of recovery codes as shown, and their keyed digests as stored.
fn recovery_codes(state: &AppState, user_id: i64) -> (Vec<String>, Vec<String>) {
    let codes = rules::generate_recovery_codes(RECOVERY_CODE_COUNT);
    let digests = codes
        .iter()
        .filter_map(|code| rules::normalize_recovery_code(code))
        .map(|code| {
            state
                .text_sealer
                .keyed_digest(rules::recovery_digest_input(user_id, &code).as_bytes())
        })
        .collect();
    (codes, digests)
}

/// The QR code holding `uri`, as an SVG document.
fn qr_svg(uri: &str) -> ApiResult<String> {
    let code = QrCode::new(uri.as_bytes()).map_err(|_| ApiError::Internal("the QR code could not be drawn".into()))?;
    Ok(code
        .render::<svg::Color<'_>>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build())
}

fn audit_row(user: &UserRecord, action: &'static str, addr: &ClientAddr, now: DateTime<Utc>) -> AuditRow {
    AuditRow {
        at_ms: to_millis(now),
        actor_user_id: Some(user.id),
        subject_user_id: Some(user.id),
        action,
        object: None,
        client_addr: addr.to_text(),
    }
}
