//! Authorized persons (issue 12): a patient gives a grant to someone they trust (named,
//! addressed by email, with what it allows and until when), sees their grants and ends any of
//! them; the person it is given to sees it once signed in with that (verified) address, and
//! accepts or declines it. What a grant allows is `domain::grants`'s to say.
//!
//! The practice's front desk sets one up for a patient who cannot (a parent of a child under
//! 12, a legal guardian), with a last day, the reason and the document seen; the patient's own
//! account, when there is one, may end it like any of theirs.
//!
//! The person is told by email: invited (with a code that opens an account when their
//! address has none), and when the grant ends. No mail holds health data: only the patient's
//! name and the practice's.
//!
//! Every grant id outside the caller's reach answers 404, exactly like one that does not
//! exist.

use chrono::{DateTime, NaiveDate, Utc};
use portal_api::{
    ActingFor, Grant as ApiGrant, GrantList, GrantReceived, GrantRequest, GrantScope, GrantsReceived,
    PracticeGrantRequest, Role,
};

use crate::accounts::codes;
use crate::auth::{ClientAddr, CurrentSession};
use crate::domain::access::PracticeGiving;
use crate::domain::grants::{check_new, check_practice_record, may_give, tells_of_end, GrantState, Scopes};
use crate::domain::notices::{Language, Notice};
use crate::domain::one_time_code::Purpose;
use crate::domain::{EmailAddress, PersonName};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::store::account_changes::Actor;
use crate::store::audit::{action, AuditRow};
use crate::store::grants::{self, Change, GrantMail, GrantRow, Invite, NewGrant, PracticeRecord};
use crate::store::{charts, to_millis, users};

/// The audit row of `what` done by the caller to grant `id` of the patient `patient_user_id`.
fn audit(
    session: &CurrentSession,
    addr: ClientAddr,
    patient_user_id: Option<i64>,
    what: &'static str,
    id: i64,
    now: chrono::DateTime<chrono::Utc>,
) -> AuditRow {
    AuditRow {
        at_ms: to_millis(now),
        actor_user_id: Some(session.user.id),
        subject_user_id: patient_user_id,
        action: what,
        object: Some(format!("grant:{id}")),
        client_addr: addr.to_text(),
    }
}

/// Chart `patient_id`, if it is the caller's own (a patient's, linked to their account).
async fn own_chart(state: &AppState, session: &CurrentSession, patient_id: i64) -> ApiResult<charts::ChartRow> {
    let chart = charts::by_id(&state.db, patient_id).await?.ok_or(ApiError::NotFound)?;
    let owner = chart.user_id.filter(|_| session.user.role == Role::Patient);
    let acting_for_someone = session.acting_for.is_some();
    if !owner.is_some_and(|owner| may_give(session.user.id, acting_for_someone, owner)) {
        return Err(ApiError::NotFound);
    }
    Ok(chart)
}

/// The patient of `chart` by the name the portal knows them by everywhere
/// (`charts::patient_name`).
async fn patient_name(state: &AppState, chart: &charts::ChartRow) -> ApiResult<String> {
    Ok(charts::patient_name(&state.db, chart).await?)
}

fn to_api(row: &GrantRow, patient: Option<i64>, now: chrono::DateTime<chrono::Utc>) -> ApiGrant {
    ApiGrant {
        by_practice: Some(row.created_by) != patient,
        id: row.id,
        patient_id: row.chart_id,
        grantee_name: row.grantee_name.clone(),
        grantee_email: row.grantee_email.clone(),
        scopes: row.grant.scopes.scopes(),
        until: row.grant.until,
        status: row.grant.state(now),
        created_at: row.created_at,
    }
}

/// `GET /patients/{patient_id}/grants`.
pub async fn list(state: &AppState, session: &CurrentSession, patient_id: i64) -> ApiResult<GrantList> {
    let chart = own_chart(state, session, patient_id).await?;
    let now = state.clock.now();
    let rows = grants::of_chart(&state.db, chart.id).await?;
    Ok(GrantList {
        grants: rows.iter().map(|r| to_api(r, chart.user_id, now)).collect(),
    })
}

/// The patient as the grant mails name them: as everywhere ([`patient_name`]), or "A patient"
/// for a chart without a name.
async fn patient_name_in_mail(state: &AppState, chart: &charts::ChartRow) -> ApiResult<String> {
    let name = patient_name(state, chart).await?;
    Ok(if name.trim().is_empty() {
        "A patient".into()
    } else {
        name
    })
}

/// What a new grant is: whom, for what, until when.
struct Asked<'a> {
    name: &'a str,
    email: &'a str,
    scopes: &'a [GrantScope],
    until: Option<NaiveDate>,
}

/// Gives the grant `asked` of `chart` as the caller: checks it, stores it with its invitation
/// mail (in `language` for an address without an account) and `practice`'s record, audits
/// `grant.given` (the caller the actor, the patient the subject).
#[allow(clippy::too_many_arguments)]
async fn give_as_caller(
    state: &AppState,
    session: &CurrentSession,
    addr: ClientAddr,
    chart: &charts::ChartRow,
    asked: Asked<'_>,
    language: Language,
    practice: Option<PracticeRecord<'_>>,
) -> ApiResult<ApiGrant> {
    let name = PersonName::parse(asked.name).map_err(ApiError::Validation)?;
    let email = EmailAddress::parse(asked.email).map_err(ApiError::Validation)?;
    let now = state.clock.now();
    let scopes = Scopes::of(asked.scopes.iter().copied());
    check_new(scopes, asked.until, now).map_err(ApiError::Validation)?;
    let patient = chart.user_id;
    let patient_account = match patient {
        Some(id) => users::find_by_id(&state.db, id).await?,
        None => None,
    };
    // Nobody gives access to themselves: not the patient, nor a member of the practice.
    if email.as_str() == session.user.email {
        return Err(ApiError::Conflict(
            "That is your own address: give access to someone else's.".into(),
        ));
    }
    if patient_account.as_ref().is_some_and(|p| p.email == email.as_str()) {
        return Err(ApiError::Conflict(
            "That is the patient's own address: give access to someone else's.".into(),
        ));
    }
    let grant = NewGrant {
        chart_id: chart.id,
        grantee_email: email.as_str(),
        grantee_name: name.as_str(),
        scopes,
        last_day: asked.until,
        created_by: session.user.id,
    };
    let client_addr = addr.to_text();
    let invite = Invite {
        patient_name: &patient_name_in_mail(state, chart).await?,
        language,
        code: codes::new_code(&state.text_sealer, Purpose::Activation, email.as_str()),
        by: Actor {
            user_id: Some(session.user.id),
            client_addr: &client_addr,
            at: now,
        },
    };
    let id = grants::create(&state.db, &state.text_sealer, &grant, invite, practice, |id| {
        audit(session, addr, patient, action::GRANT_GIVEN, id, now)
    })
    .await?;
    let row = grants::by_id(&state.db, id).await?.ok_or(ApiError::NotFound)?;
    Ok(to_api(&row, patient, now))
}

/// `POST /patients/{patient_id}/grants`.
pub async fn give(
    state: &AppState,
    session: &CurrentSession,
    addr: ClientAddr,
    patient_id: i64,
    request: &GrantRequest,
) -> ApiResult<ApiGrant> {
    let chart = own_chart(state, session, patient_id).await?;
    let asked = Asked {
        name: &request.name,
        email: &request.email,
        scopes: &request.scopes,
        until: request.until,
    };
    give_as_caller(state, session, addr, &chart, asked, session.user.language, None).await
}

/// `POST /patients/{patient_id}/grants/by-practice`: the front desk sets up a grant for a
/// patient who cannot (patients and those acting for one: 404; other members of the practice:
/// 403; a chart that does not exist: 404).
pub async fn give_by_practice(
    state: &AppState,
    session: &CurrentSession,
    addr: ClientAddr,
    patient_id: i64,
    request: &PracticeGrantRequest,
) -> ApiResult<ApiGrant> {
    match session.viewer().practice_giving() {
        PracticeGiving::Allowed => {}
        PracticeGiving::Forbidden => return Err(ApiError::Forbidden),
        PracticeGiving::Hidden => return Err(ApiError::NotFound),
    }
    let chart = charts::by_id(&state.db, patient_id).await?.ok_or(ApiError::NotFound)?;
    check_practice_record(&request.reason, &request.document).map_err(ApiError::Validation)?;
    let language = match chart.user_id {
        Some(id) => users::find_by_id(&state.db, id).await?.map(|p| p.language),
        None => None,
    };
    let asked = Asked {
        name: &request.name,
        email: &request.email,
        scopes: &request.scopes,
        until: Some(request.until),
    };
    let record = PracticeRecord {
        reason: request.reason.trim(),
        document: request.document.trim(),
    };
    let language = language.unwrap_or(Language::English);
    give_as_caller(state, session, addr, &chart, asked, language, Some(record)).await
}

/// The "your access has ended" mail of grant `row` of `chart`: to the account that accepted
/// it (at its verified address), or to the address it was sent to.
async fn ended_mail(
    state: &AppState,
    row: &GrantRow,
    chart: &charts::ChartRow,
    now: DateTime<Utc>,
) -> ApiResult<GrantMail> {
    let account = match row.grantee_user_id {
        Some(id) => users::find_by_id(&state.db, id).await?,
        None => users::find_by_email(&state.db, &row.grantee_email).await?,
    };
    let to = account
        .as_ref()
        .filter(|a| a.email_verified_at.is_some())
        .map_or(row.grantee_email.clone(), |a| a.email.clone());
    Ok(GrantMail {
        to,
        language: account.map_or(Language::English, |a| a.language),
        notice: Notice::GrantEnded {
            patient: patient_name_in_mail(state, chart).await?,
        },
        at: now,
    })
}

/// `DELETE /patients/{patient_id}/grants/{id}`: ends it at once (again: nothing changes), and
/// tells its person if it was offered to or held by them.
pub async fn end(
    state: &AppState,
    session: &CurrentSession,
    addr: ClientAddr,
    patient_id: i64,
    id: i64,
) -> ApiResult<()> {
    let chart = own_chart(state, session, patient_id).await?;
    let row = grants::by_id(&state.db, id)
        .await?
        .filter(|g| g.chart_id == chart.id)
        .ok_or(ApiError::NotFound)?;
    let now = state.clock.now();
    let mail = if tells_of_end(row.grant.state(now)) {
        Some(ended_mail(state, &row, &chart, now).await?)
    } else {
        None
    };
    let row_audit = audit(session, addr, chart.user_id, action::GRANT_ENDED, row.id, now);
    grants::change(
        &state.db,
        &state.text_sealer,
        row.id,
        Change::End { by: session.user.id },
        now,
        row_audit,
        mail,
    )
    .await?;
    Ok(())
}

/// A grant given to the caller: accepted by them, or addressed to their verified address.
async fn received(state: &AppState, session: &CurrentSession, id: i64) -> ApiResult<GrantRow> {
    let row = grants::by_id(&state.db, id).await?.ok_or(ApiError::NotFound)?;
    let addressed = row.grantee_user_id.is_none()
        && session.user.email_verified_at.is_some()
        && row.grantee_email == session.user.email;
    if row.grantee_user_id == Some(session.user.id) || addressed {
        Ok(row)
    } else {
        Err(ApiError::NotFound)
    }
}

async fn received_to_api(
    state: &AppState,
    row: &GrantRow,
    now: chrono::DateTime<chrono::Utc>,
) -> ApiResult<GrantReceived> {
    let chart = charts::by_id(&state.db, row.chart_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(GrantReceived {
        id: row.id,
        patient_id: row.chart_id,
        patient_name: patient_name(state, &chart).await?,
        scopes: row.grant.scopes.scopes(),
        until: row.grant.until,
        status: row.grant.state(now),
    })
}

/// `GET /me/grants`: the grants given to the caller (a verified address sees the invitations
/// sent to it).
pub async fn list_received(state: &AppState, session: &CurrentSession) -> ApiResult<GrantsReceived> {
    let now = state.clock.now();
    let email = if session.user.email_verified_at.is_some() {
        session.user.email.as_str()
    } else {
        ""
    };
    let rows = grants::received_by(&state.db, session.user.id, email).await?;
    let mut grants = Vec::with_capacity(rows.len());
    for row in &rows {
        grants.push(received_to_api(state, row, now).await?);
    }
    Ok(GrantsReceived { grants })
}

/// The patients `session`'s user may act for now (`GET /me`): those of the grants they
/// accepted that are active, by name.
pub async fn acting_for(state: &AppState, session: &CurrentSession) -> ApiResult<Vec<ActingFor>> {
    let now = state.clock.now();
    let rows = grants::received_by(&state.db, session.user.id, "").await?;
    let mut patients: Vec<ActingFor> = Vec::new();
    for row in rows.iter().filter(|r| r.grant.state(now) == GrantState::Active) {
        let scopes = row.grant.scopes.scopes();
        if let Some(known) = patients.iter_mut().find(|p| p.patient_id == row.chart_id) {
            // Two active grants for one patient: what either allows.
            let both = Scopes::of(known.scopes.iter().chain(&scopes).copied());
            known.scopes = both.scopes();
            known.until = match (known.until, row.grant.until) {
                (Some(a), Some(b)) => Some(a.max(b)),
                _ => None,
            };
            continue;
        }
        let Some(chart) = charts::by_id(&state.db, row.chart_id).await? else {
            continue;
        };
        patients.push(ActingFor {
            patient_id: row.chart_id,
            patient_name: patient_name(state, &chart).await?,
            scopes,
            until: row.grant.until,
        });
    }
    patients.sort_by(|a, b| {
        a.patient_name
            .cmp(&b.patient_name)
            .then(a.patient_id.cmp(&b.patient_id))
    });
    Ok(patients)
}

/// `POST /grants/{id}/accept` and `/decline`: the answer of the person it was given to.
pub async fn answer(
    state: &AppState,
    session: &CurrentSession,
    addr: ClientAddr,
    id: i64,
    accept: bool,
) -> ApiResult<GrantReceived> {
    let row = received(state, session, id).await?;
    let now = state.clock.now();
    if row.grant.state(now) != GrantState::Invited {
        return Err(ApiError::Conflict(
            "This invitation was answered already, or has ended.".into(),
        ));
    }
    let chart = charts::by_id(&state.db, row.chart_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let (change, what) = if accept {
        (
            Change::Accept {
                user_id: session.user.id,
            },
            action::GRANT_ACCEPTED,
        )
    } else {
        (Change::Decline, action::GRANT_DECLINED)
    };
    let row_audit = audit(session, addr, chart.user_id, what, row.id, now);
    if !grants::change(&state.db, &state.text_sealer, row.id, change, now, row_audit, None).await? {
        return Err(ApiError::Conflict(
            "This invitation was answered already, or has ended.".into(),
        ));
    }
    let row = grants::by_id(&state.db, id).await?.ok_or(ApiError::NotFound)?;
    received_to_api(state, &row, now).await
}
