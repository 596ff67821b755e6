//! `GET …/access-log`: who else looked at a patient's chart and conversations, newest first,
//! for the patient themselves (anyone else: 404). Each look is read back from the audit log
//! (`domain::records::access_log`); reading the log is audited too, and is not listed.

use portal_api::{AccessLog, PageQuery, DEFAULT_RECORD_PAGE, MAX_RECORD_PAGE, MIN_RECORD_PAGE};

use crate::domain::access::Viewer;
use crate::domain::records::access_log::{entry, Look, LookKind};
use crate::error::{ApiError, ApiResult};
use crate::messaging::reading::record;
use crate::state::AppState;
use crate::store::audit::action;
use crate::store::{chart_grants, charts, looks};

/// The audit actions that are looks at a patient's data, and what each is.
const LOOKS: [(&str, LookKind); 6] = [
    (action::RECORD_READ, LookKind::ChartRead),
    (action::RECORD_READ_UNDER_GRANT, LookKind::ChartReadUnderGrant),
    (action::RECORD_BREAK_THE_GLASS, LookKind::BrokeTheGlass),
    (action::THREADS_LISTED, LookKind::ConversationsListed),
    (action::THREAD_READ, LookKind::ConversationRead),
    (action::ATTACHMENT_READ, LookKind::AttachmentRead),
];

/// The most digits a cursor (an audit row's id) has.
const MAX_CURSOR_DIGITS: usize = 19;

/// A cursor as the OpenAPI document states it.
pub fn cursor_pattern() -> String {
    format!("^[0-9]{{1,{MAX_CURSOR_DIGITS}}}$")
}

pub async fn access_log(
    state: &AppState,
    viewer: Viewer,
    client_addr: String,
    chart_id: i64,
    page: &PageQuery,
) -> ApiResult<AccessLog> {
    let limit = page.limit.unwrap_or(DEFAULT_RECORD_PAGE);
    if !(MIN_RECORD_PAGE..=MAX_RECORD_PAGE).contains(&limit) {
        return Err(ApiError::Validation(format!(
            "limit must be between {MIN_RECORD_PAGE} and {MAX_RECORD_PAGE}."
        )));
    }
    let before = match page.cursor.as_deref() {
        Some(text) => Some(decode(text).ok_or_else(|| ApiError::Validation("The cursor is not valid.".into()))?),
        None => None,
    };
    let chart = charts::by_id(&state.db, chart_id)
        .await?
        .filter(|chart| viewer.reads_access_log_of(chart.user_id))
        .ok_or(ApiError::NotFound)?;
    let patient = chart.user_id.ok_or(ApiError::NotFound)?;
    let actions = LOOKS.map(|(action, _)| action);
    let mut rows = looks::about(&state.db, patient, &actions, before, limit + 1).await?;
    let next_cursor = match rows.len() > limit as usize {
        true => {
            rows.truncate(limit as usize);
            rows.last().map(|row| row.id.to_string())
        }
        false => None,
    };
    let under_grant = [action::RECORD_READ_UNDER_GRANT, action::RECORD_BREAK_THE_GLASS];
    let grants = match rows.iter().any(|r| under_grant.contains(&r.action.as_str())) {
        true => chart_grants::of_chart(&state.db, &state.text_sealer, chart_id).await?,
        false => Vec::new(),
    };
    let entries = rows
        .into_iter()
        .filter_map(|row| {
            let kind = LOOKS.iter().find(|(a, _)| *a == row.action)?.1;
            let look = Look {
                at: row.at,
                actor_id: row.actor_id,
                who: row.name,
                role: row.role,
                kind,
                object: row.object,
            };
            entry(chart_id, &look, &grants)
        })
        .collect();
    record(
        state,
        viewer,
        Some(patient),
        action::ACCESS_LOG_READ,
        format!("chart:{chart_id}/access-log"),
        client_addr,
    )
    .await?;
    Ok(AccessLog { entries, next_cursor })
}

fn decode(text: &str) -> Option<i64> {
    let digits = (1..=MAX_CURSOR_DIGITS).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit());
    digits.then(|| text.parse().ok()).flatten()
}
