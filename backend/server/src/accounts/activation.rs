//! Activating an invited account: the code from the invitation's mail, the address it came
//! to, for a patient invited by their chart the date of birth on it, and a pass-phrase the
//! person picks (so the practice never knows it). The account is made with its address
//! verified, linked to the chart, and signed in.
//!
//! Someone a patient authorized (issue 12) whose address had no account is invited by the
//! grant's mail: a patient's account without a chart, so no date of birth is asked (one sent
//! is ignored); signed in, they find the grant under `GET /me/grants` and accept it.

use portal_api::{ActivateRequest, LoginResponse, Role};

use super::codes;
use super::passphrase::{change_error, new_hash};
use crate::auth::login::start_session;
use crate::auth::ClientAddr;
use crate::domain::one_time_code::Purpose;
use crate::domain::sessions::DeviceName;
use crate::domain::EmailAddress;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::store::{account_changes, account_codes, charts};

/// `POST /auth/activate`.
pub async fn activate(state: &AppState, request: &ActivateRequest, addr: ClientAddr) -> ApiResult<LoginResponse> {
    let now = state.clock.now();
    state
        .login_limiter
        .check(addr.network(), now)
        .map_err(|retry_after_secs| ApiError::RateLimited { retry_after_secs })?;
    let email = EmailAddress::parse(&request.email).map_err(ApiError::Validation)?;
    let device = DeviceName::parse(request.device.as_deref()).map_err(ApiError::Validation)?;
    let found = account_codes::latest_to(&state.db, Purpose::Activation, email.as_str()).await?;
    let code = codes::check(state, Purpose::Activation, found, &request.code).await?;
    let invitation = match code.invitation_id {
        Some(id) => account_changes::invitation(&state.db, id).await?,
        None => None,
    };
    let invitation = invitation.ok_or(ApiError::InvalidCode)?;
    if let (Role::Patient, Some(chart_id)) = (invitation.role, invitation.chart_id) {
        let chart = charts::by_id(&state.db, chart_id).await?;
        let on_chart = chart.and_then(|c| c.birth_date);
        let given = request.date_of_birth.map(|d| d.format("%Y-%m-%d").to_string());
        if given.is_none() || on_chart != given {
            // Counted like a wrong code: the code and the date of birth are tried together.
            account_codes::count_wrong_try(&state.db, code.id).await?;
            return Err(ApiError::InvalidActivation);
        }
    }
    let hash = new_hash(state, email.as_str(), false, &request.password).await?;
    let user = account_changes::activate(&state.db, code.id, invitation.id, &hash, &addr.to_text(), now)
        .await
        .map_err(change_error)?;
    start_session(state, user, device.as_ref(), addr, None).await
}
