//! Which notices a person gets by email. Message and result notices may be turned off;
//! security notices (pass-phrase changed, a new device, an address change) always go.

use portal_api::NoticePreferences;

use crate::auth::{ClientAddr, CurrentSession};
use crate::error::ApiResult;
use crate::state::AppState;
use crate::store::account_changes::{self, Actor};

/// `GET /me/notices`.
pub async fn get(state: &AppState, session: &CurrentSession) -> ApiResult<NoticePreferences> {
    let (messages, results) = account_changes::notice_preferences(&state.db, session.user.id).await?;
    Ok(NoticePreferences { messages, results })
}

/// `PUT /me/notices`.
pub async fn set(
    state: &AppState,
    session: &CurrentSession,
    wanted: NoticePreferences,
    addr: ClientAddr,
) -> ApiResult<NoticePreferences> {
    let by = Actor {
        user_id: Some(session.user.id),
        client_addr: &addr.to_text(),
        at: state.clock.now(),
    };
    account_changes::set_notice_preferences(&state.db, session.user.id, wanted.messages, wanted.results, by).await?;
    Ok(wanted)
}
