//! Grants to authorized persons as stored (`domain::grants` decides what they allow), each
//! change in one transaction with the mail it sends its person (queued in the outbox) and its
//! audit row.

use chrono::{DateTime, NaiveDate, Utc};
use portal_api::Role;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::account_changes::{self, Actor, CodeToSend, NewInvitation};
use super::audit::{begin_write, commit_with, AuditRow};
use super::db::{from_millis, to_millis, Db};
use super::error::{StoreError, StoreResult};
use super::managed_accounts;
use crate::domain::access::StaffPools;
use crate::domain::grants::{invitation_mail, withdraws_account_invitation, Grant, InvitationMail, Scopes};
use crate::domain::notices::{Language, Notice};
use crate::sealed_text::{Field, TextSealer};

/// A grant as stored.
#[derive(Debug, Clone)]
pub struct GrantRow {
    pub id: i64,
    pub chart_id: i64,
    pub grantee_email: String,
    pub grantee_name: String,
    pub grantee_user_id: Option<i64>,
    /// The account that gave it: the patient's, or a practice member's.
    pub created_by: i64,
    pub created_at: DateTime<Utc>,
    pub grant: Grant,
}

/// A grant to store.
#[derive(Debug, Clone)]
pub struct NewGrant<'a> {
    pub chart_id: i64,
    pub grantee_email: &'a str,
    pub grantee_name: &'a str,
    pub scopes: Scopes,
    pub last_day: Option<NaiveDate>,
    pub created_by: i64,
}

const COLUMNS: &str = "id, chart_id, grantee_email, grantee_name, grantee_user_id, scopes, last_day, \
                       created_by, created_at, accepted_at, declined_at, ended_at";

fn millis(row: &AnyRow, column: &str) -> StoreResult<Option<DateTime<Utc>>> {
    Ok(row.try_get::<Option<i64>, _>(column)?.map(from_millis))
}

fn from_row(row: &AnyRow) -> StoreResult<GrantRow> {
    let scopes: String = row.try_get("scopes")?;
    let last_day: Option<String> = row.try_get("last_day")?;
    Ok(GrantRow {
        id: row.try_get("id")?,
        chart_id: row.try_get("chart_id")?,
        grantee_email: row.try_get("grantee_email")?,
        grantee_name: row.try_get("grantee_name")?,
        grantee_user_id: row.try_get("grantee_user_id")?,
        created_by: row.try_get("created_by")?,
        created_at: from_millis(row.try_get("created_at")?),
        grant: Grant {
            scopes: Scopes::parse(&scopes).map_err(|_| StoreError::Unreadable("grants.scopes"))?,
            until: last_day
                .map(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d"))
                .transpose()
                .map_err(|_| StoreError::Unreadable("grants.last_day"))?,
            accepted_at: millis(row, "accepted_at")?,
            declined_at: millis(row, "declined_at")?,
            ended_at: millis(row, "ended_at")?,
        },
    })
}

/// How a new grant's person is invited.
pub struct Invite<'a> {
    /// The patient, as the mail names them.
    pub patient_name: &'a str,
    /// The language of the mail (and of an account it opens) when the address has no account;
    /// an account's own language otherwise.
    pub language: Language,
    /// A code that opens an account, sent only when the address has none
    /// (`domain::grants::invitation_mail`).
    pub code: CodeToSend,
    /// Who gives it, for the invitation row.
    pub by: Actor<'a>,
}

/// What the practice records when it sets up a grant (sealed at rest).
#[derive(Debug, Clone, Copy)]
pub struct PracticeRecord<'a> {
    pub reason: &'a str,
    pub document: &'a str,
}

/// Stores `grant` (and `practice`'s record, if the practice sets it up), queues its invitation
/// mail (with an account's code when the address has none: a patient's account without a
/// chart, opened by `POST /auth/activate`), with its audit row; its id.
pub async fn create(
    db: &Db,
    sealer: &TextSealer,
    grant: &NewGrant<'_>,
    invite: Invite<'_>,
    practice: Option<PracticeRecord<'_>>,
    audit: impl FnOnce(i64) -> AuditRow,
) -> StoreResult<i64> {
    let mut tx = begin_write(db).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO grants (chart_id, grantee_email, grantee_name, scopes, last_day, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(grant.chart_id)
    .bind(grant.grantee_email)
    .bind(grant.grantee_name)
    .bind(grant.scopes.to_text())
    .bind(grant.last_day.map(|d| d.format("%Y-%m-%d").to_string()))
    .bind(grant.created_by)
    .bind(to_millis(invite.by.at))
    .fetch_one(&mut *tx)
    .await?;
    if let Some(record) = practice {
        // The patient's conversations need an account: one the practice keeps, if the chart
        // has none (`domain::managed_accounts`).
        managed_accounts::keep_for_chart(&mut tx, grant.chart_id, invite.patient_name, invite.by.at).await?;
        let seal = |field, text: &str| {
            sealer
                .seal(field, id, text)
                .map_err(|_| StoreError::Inconsistent("a practice grant's record could not be sealed"))
        };
        sqlx::query("INSERT INTO practice_grants (grant_id, reason, document) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(seal(Field::PracticeGrantReason, record.reason)?)
            .bind(seal(Field::PracticeGrantDocument, record.document)?)
            .execute(&mut *tx)
            .await?;
    }
    let mail = invitation_in(&mut tx, grant, invite).await?;
    account_changes::queue(&mut tx, db.engine, sealer, &[mail.as_ref()], mail.at).await?;
    commit_with(tx, db.engine, audit(id)).await?;
    Ok(id)
}

/// A mail to queue: to, in, what, when.
pub struct GrantMail {
    pub to: String,
    pub language: Language,
    pub notice: Notice,
    pub at: DateTime<Utc>,
}

impl GrantMail {
    fn as_ref(&self) -> (&str, Language, Notice) {
        (self.to.as_str(), self.language, self.notice.clone())
    }
}

/// The invitation mail of `grant`, opening an invitation to an account (with its code) when
/// the address has none.
async fn invitation_in(conn: &mut AnyConnection, grant: &NewGrant<'_>, invite: Invite<'_>) -> StoreResult<GrantMail> {
    let at = invite.by.at;
    let account: Option<String> = sqlx::query_scalar("SELECT language FROM users WHERE email = $1")
        .bind(grant.grantee_email)
        .fetch_optional(&mut *conn)
        .await?;
    // An invitation of the practice's (to a chart, or to the team) whose code still works.
    let practice_open: Option<i64> = sqlx::query_scalar(
        "SELECT c.id FROM account_codes c JOIN invitations i ON i.id = c.invitation_id \
         WHERE c.purpose = 'activation' AND c.email = $1 AND c.used_at IS NULL AND c.expires_at > $2 \
         AND i.user_id IS NULL AND (i.chart_id IS NOT NULL OR i.role <> 'patient') LIMIT 1",
    )
    .bind(grant.grantee_email)
    .bind(to_millis(at))
    .fetch_optional(&mut *conn)
    .await?;
    let language = account
        .as_deref()
        .map(|stored| Language::parse(stored).map_err(|_| StoreError::Unreadable("users.language")))
        .transpose()?
        .unwrap_or(invite.language);
    let patient = invite.patient_name.to_owned();
    let notice = match invitation_mail(account.is_some(), practice_open.is_some()) {
        InvitationMail::SignIn => Notice::GrantInvitation { patient },
        InvitationMail::WithCode => {
            let invitation = NewInvitation {
                email: grant.grantee_email,
                name: grant.grantee_name,
                role: Role::Patient,
                staff_pools: StaffPools::NONE,
                chart_id: None,
                language,
            };
            let (_, _, code) = account_changes::open_invitation_in(conn, &invitation, invite.code, invite.by).await?;
            Notice::GrantInvitationWithCode { patient, code }
        }
    };
    Ok(GrantMail {
        to: grant.grantee_email.to_owned(),
        language,
        notice,
        at,
    })
}

/// The reason and the document recorded for grant `id`, opened, if the practice set it up.
pub async fn practice_record(db: &Db, sealer: &TextSealer, id: i64) -> StoreResult<Option<(String, String)>> {
    let row = sqlx::query("SELECT reason, document FROM practice_grants WHERE grant_id = $1")
        .bind(id)
        .fetch_optional(&db.pool)
        .await?;
    let Some(row) = row else { return Ok(None) };
    let open = |field, column: &'static str| -> StoreResult<String> {
        let sealed: String = row.try_get(column)?;
        sealer
            .open(field, id, &sealed)
            .map_err(|_| StoreError::Unreadable("practice_grants"))
    };
    Ok(Some((
        open(Field::PracticeGrantReason, "reason")?,
        open(Field::PracticeGrantDocument, "document")?,
    )))
}

/// Chart `chart_id`'s grants, the newest first.
pub async fn of_chart(db: &Db, chart_id: i64) -> StoreResult<Vec<GrantRow>> {
    let sql = format!("SELECT {COLUMNS} FROM grants WHERE chart_id = $1 ORDER BY id DESC");
    let rows = sqlx::query(&sql).bind(chart_id).fetch_all(&db.pool).await?;
    rows.iter().map(from_row).collect()
}

/// The grants given to account `user_id` (accepted) or addressed to `email` (not yet
/// answered), the newest first.
pub async fn received_by(db: &Db, user_id: i64, email: &str) -> StoreResult<Vec<GrantRow>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM grants WHERE grantee_user_id = $1 \
         OR (grantee_user_id IS NULL AND grantee_email = $2) ORDER BY id DESC"
    );
    let rows = sqlx::query(&sql).bind(user_id).bind(email).fetch_all(&db.pool).await?;
    rows.iter().map(from_row).collect()
}

/// The grants of chart `chart_id` that account `user_id` accepted (whatever their state now).
pub async fn held_by(db: &Db, user_id: i64, chart_id: i64) -> StoreResult<Vec<GrantRow>> {
    let sql = format!("SELECT {COLUMNS} FROM grants WHERE grantee_user_id = $1 AND chart_id = $2");
    let rows = sqlx::query(&sql)
        .bind(user_id)
        .bind(chart_id)
        .fetch_all(&db.pool)
        .await?;
    rows.iter().map(from_row).collect()
}

pub async fn by_id(db: &Db, id: i64) -> StoreResult<Option<GrantRow>> {
    let sql = format!("SELECT {COLUMNS} FROM grants WHERE id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_optional(&db.pool).await?;
    row.as_ref().map(from_row).transpose()
}

/// What an answer or an end changes.
#[derive(Debug, Clone, Copy)]
pub enum Change {
    /// Accepted by account `user_id`.
    Accept {
        user_id: i64,
    },
    Decline,
    /// Ended by account `by`.
    End {
        by: i64,
    },
}

/// After grant `id` ended: the code that opens an account for its address (sent with the
/// invitation when the address had none) stops working if no other grant is still offered
/// to that address (`domain::grants::withdraws_account_invitation`).
async fn withdraw_account_invitation(conn: &mut AnyConnection, id: i64, at: i64) -> StoreResult<()> {
    let row = sqlx::query("SELECT grantee_email, grantee_user_id FROM grants WHERE id = $1")
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
    let email: String = row.try_get("grantee_email")?;
    let accepted = row.try_get::<Option<i64>, _>("grantee_user_id")?.is_some();
    let still_offered: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM grants WHERE grantee_email = $1 AND grantee_user_id IS NULL \
         AND declined_at IS NULL AND ended_at IS NULL",
    )
    .bind(&email)
    .fetch_one(&mut *conn)
    .await?;
    if !withdraws_account_invitation(accepted, still_offered) {
        return Ok(());
    }
    // The invitations a grant's mail opens: a patient's account without a chart.
    sqlx::query(
        "UPDATE account_codes SET used_at = $1 WHERE purpose = 'activation' AND used_at IS NULL AND email = $2 \
         AND invitation_id IN (SELECT id FROM invitations WHERE role = 'patient' AND chart_id IS NULL \
         AND user_id IS NULL)",
    )
    .bind(at)
    .bind(&email)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Applies `change` to grant `id` if it is still open to it (an invitation to an answer, a
/// grant not ended to an end), with its audit row and `mail` (queued only if it did); whether
/// it did.
pub async fn change(
    db: &Db,
    sealer: &TextSealer,
    id: i64,
    change: Change,
    now: DateTime<Utc>,
    audit: AuditRow,
    mail: Option<GrantMail>,
) -> StoreResult<bool> {
    let mut tx = begin_write(db).await?;
    let at = to_millis(now);
    let done = match change {
        Change::Accept { user_id } => {
            sqlx::query(
                "UPDATE grants SET accepted_at = $1, grantee_user_id = $2 WHERE id = $3 \
                 AND accepted_at IS NULL AND declined_at IS NULL AND ended_at IS NULL",
            )
            .bind(at)
            .bind(user_id)
            .bind(id)
            .execute(&mut *tx)
            .await?
        }
        Change::Decline => {
            sqlx::query(
                "UPDATE grants SET declined_at = $1 WHERE id = $2 \
                 AND accepted_at IS NULL AND declined_at IS NULL AND ended_at IS NULL",
            )
            .bind(at)
            .bind(id)
            .execute(&mut *tx)
            .await?
        }
        Change::End { by } => {
            sqlx::query("UPDATE grants SET ended_at = $1, ended_by = $2 WHERE id = $3 AND ended_at IS NULL")
                .bind(at)
                .bind(by)
                .bind(id)
                .execute(&mut *tx)
                .await?
        }
    };
    if done.rows_affected() == 0 {
        tx.rollback().await?;
        return Ok(false);
    }
    if let Change::End { .. } = change {
        withdraw_account_invitation(&mut tx, id, at).await?;
    }
    if let Some(mail) = mail {
        account_changes::queue(&mut tx, db.engine, sealer, &[mail.as_ref()], mail.at).await?;
    }
    commit_with(tx, db.engine, audit).await?;
    Ok(true)
}
