//! `/staff`: an admin sees the practice's staff and sets the triage pools each works in (staff
//! see only the threads of their pools); `/users/{id}/disabled`: an admin turns an account
//! off or back on. Admins only; everyone else gets 403.

use axum::extract::{Path, State};
use axum::routing::{get, put};
use axum::{Json, Router};
use portal_api::{AccountDisabledRequest, AccountStatus, Role, StaffList, StaffMember, StaffPoolsRequest};

use super::json::ApiJson;
use super::openapi::responses::{JsonBody, SignedIn};
use super::query::path_id;
use crate::admin;
use crate::auth::{ClientAddr, CurrentSession};
use crate::domain::access::StaffPools;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::store::audit::{self, action, AuditEvent};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/staff", get(list_staff))
        .route("/staff/{id}/pools", put(set_pools))
        .route("/users/{id}/disabled", put(set_disabled))
}

const ADMINS_ONLY: &str = "the caller is not an admin (`forbidden`)";

/// The practice's staff and their triage pools. Admins only.
#[utoipa::path(get, path = "/api/v1/staff", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = StaffList), SignedIn,
              (status = 403, description = ADMINS_ONLY, body = portal_api::ApiErrorBody)))]
pub async fn list_staff(State(state): State<AppState>, session: CurrentSession) -> ApiResult<Json<StaffList>> {
    require_admin(&session)?;
    let members = admin::staff(&state.db).await.map_err(admin_error)?;
    Ok(Json(StaffList {
        members: members.iter().map(member).collect(),
    }))
}

/// Set the triage pools of a staff member (at least one). Admins only; takes effect at the
/// member's next request.
#[utoipa::path(put, path = "/api/v1/staff/{id}/pools", tag = "admin", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = StaffPoolsRequest,
    responses((status = 200, body = StaffMember), SignedIn, JsonBody,
              (status = 403, description = ADMINS_ONLY, body = portal_api::ApiErrorBody),
              (status = 404, description = "no staff member with this id (`not_found`)", body = portal_api::ApiErrorBody),
              (status = 422, description = "no pool given (`validation`)", body = portal_api::ApiErrorBody)))]
pub async fn set_pools(
    State(state): State<AppState>,
    addr: ClientAddr,
    session: CurrentSession,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<StaffPoolsRequest>,
) -> ApiResult<Json<StaffMember>> {
    require_admin(&session)?;
    let id = path_id(&id)?;
    let pools = StaffPools::of(request.pools);
    let updated = admin::set_staff_pools_of(&state.db, id, pools)
        .await
        .map_err(admin_error)?
        .ok_or(ApiError::NotFound)?;
    // The member's cached session carries their old pools: read it again at once.
    state.sessions.forget_user(id);
    let event = AuditEvent {
        actor_user_id: Some(session.user.id),
        subject_user_id: Some(id),
        action: action::STAFF_POOLS_SET,
        object: Some(format!("user:{id}/pools:{}", pools.to_text())),
        client_addr: &addr.to_text(),
    };
    audit::append(&state.db, &event, state.clock.now()).await?;
    Ok(Json(member(&updated)))
}

/// Turn an account off (it can no longer sign in; every session of it ends at once; nothing
/// in it is deleted) or back on. Admins only; an admin cannot turn off their own account.
#[utoipa::path(put, path = "/api/v1/users/{id}/disabled", tag = "admin", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = AccountDisabledRequest,
    responses((status = 200, body = AccountStatus), SignedIn, JsonBody,
              (status = 403, description = ADMINS_ONLY, body = portal_api::ApiErrorBody),
              (status = 404, description = "no account with this id (`not_found`)", body = portal_api::ApiErrorBody),
              (status = 422, description = "the admin's own account (`validation`)", body = portal_api::ApiErrorBody)))]
pub async fn set_disabled(
    State(state): State<AppState>,
    addr: ClientAddr,
    session: CurrentSession,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<AccountDisabledRequest>,
) -> ApiResult<Json<AccountStatus>> {
    require_admin(&session)?;
    let id = path_id(&id)?;
    let account = admin::AccountKey::Id(id);
    let now = state.clock.now();
    let addr = addr.to_text();
    let user = admin::set_account_disabled(&state.db, account, request.disabled, Some(session.user.id), &addr, now)
        .await
        .map_err(admin_error)?
        .ok_or(ApiError::NotFound)?;
    // Its cached sessions end here at once (other instances: within the cache's time).
    state.sessions.forget_user(id);
    Ok(Json(AccountStatus {
        id: user.id,
        disabled_at: user.disabled_at,
    }))
}

fn admin_error(error: admin::AdminError) -> ApiError {
    match error {
        admin::AdminError::Invalid(why) => ApiError::Validation(why),
        admin::AdminError::Store(e) => ApiError::Store(e),
        other => ApiError::Internal(other.to_string()),
    }
}

fn require_admin(session: &CurrentSession) -> ApiResult<()> {
    if session.user.role == Role::Admin {
        Ok(())
    } else {
        Err(ApiError::Forbidden)
    }
}

fn member(user: &crate::store::users::UserRecord) -> StaffMember {
    StaffMember {
        id: user.id,
        name: user.name.clone(),
        email: user.email.clone(),
        pools: user.staff_pools.pools(),
        disabled_at: user.disabled_at,
    }
}
