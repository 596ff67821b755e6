//! `GET …/access-log`: who else looked at a patient's chart and conversations, newest first,
//! for the patient themselves (anyone else: 404). Each look is read back from the audit log
//! (`domain::records::access_log`, which tells one person's repeated looks once); reading the
//! log is audited too, and is not listed.

use portal_api::{AccessLog, AccessLogEntry, PageQuery, DEFAULT_RECORD_PAGE, MAX_RECORD_PAGE, MIN_RECORD_PAGE};

use crate::domain::access::Viewer;
use crate::domain::records::access_log::{entry, Entries, Grant, Look, LookKind};
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
    let (entries, next_cursor) = entries_before(state, chart_id, patient, before, limit as usize).await?;
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

/// Audit rows read at a time while a page is made.
const BATCH: u32 = 200;
/// The most audit rows one page reads: a page cut short by it says where to go on.
const MAX_ROWS_PER_PAGE: usize = 10_000;

/// Up to `limit` entries from the looks at patient `patient` (chart `chart_id`) older than row
/// `before`, repeated looks told once (`Entries`), and the cursor of the next page: the last
/// row the page took in.
async fn entries_before(
    state: &AppState,
    chart_id: i64,
    patient: i64,
    mut before: Option<i64>,
    limit: usize,
) -> ApiResult<(Vec<AccessLogEntry>, Option<String>)> {
    let actions = LOOKS.map(|(action, _)| action);
    let mut page = Entries::new(limit);
    let mut grants: Option<Vec<Grant>> = None;
    let mut read = 0;
    let more = 'rows: loop {
        let rows = looks::about(&state.db, patient, &actions, before, BATCH).await?;
        let under_grant = [action::RECORD_READ_UNDER_GRANT, action::RECORD_BREAK_THE_GLASS];
        if grants.is_none() && rows.iter().any(|r| under_grant.contains(&r.action.as_str())) {
            grants = Some(chart_grants::of_chart(&state.db, &state.text_sealer, chart_id).await?);
        }
        let last_batch = rows.len() < BATCH as usize;
        read += rows.len();
        for row in rows {
            let Some(kind) = LOOKS.iter().find(|(a, _)| *a == row.action).map(|(_, kind)| *kind) else {
                before = Some(row.id);
                continue;
            };
            let look = Look {
                at: row.at,
                actor_id: row.actor_id,
                who: row.name,
                role: row.role,
                kind,
                object: row.object,
            };
            if let Some(entry) = entry(chart_id, &look, grants.as_deref().unwrap_or_default()) {
                if !page.add(look.actor_id, entry) {
                    break 'rows true;
                }
            }
            before = Some(row.id);
        }
        if last_batch {
            break false;
        }
        if read >= MAX_ROWS_PER_PAGE {
            break true;
        }
    };
    let next_cursor = more.then(|| before.map(|id| id.to_string())).flatten();
    Ok((page.into_entries(), next_cursor))
}

fn decode(text: &str) -> Option<i64> {
    let digits = (1..=MAX_CURSOR_DIGITS).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit());
    digits.then(|| text.parse().ok()).flatten()
}
