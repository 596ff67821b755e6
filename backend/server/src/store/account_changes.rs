//! Changes to an account that a person (or the practice, for an invitation) makes with a
//! code or their pass-phrase, each in one transaction with its mails (queued in the outbox)
//! and its audit row: an invitation, its activation, a new pass-phrase (other sessions end),
//! a reset code, an email change asked for and confirmed.

use chrono::{DateTime, Utc};
use portal_api::Role;
use sqlx::{Any, AnyConnection, Row, Transaction};

use super::account_codes::{self, NewCode};
use super::audit::{begin_write, commit_with, AuditRow};
use super::db::{to_millis, Db, Engine};
use super::error::{is_unique_violation, StoreError, StoreResult};
use super::managed_accounts::chart_account;
use super::outbox::{self, NewMail};
use super::users::{self, UserRecord};
use crate::domain::access::StaffPools;
use crate::domain::managed_accounts::{self, ChartAccount};
use crate::domain::notices::{Language, Notice};
use crate::domain::one_time_code::Purpose;
use crate::sealed_text::TextSealer;

/// Why a change was not made (nothing of it is stored).
#[derive(Debug, thiserror::Error)]
pub enum ChangeError {
    #[error("an account with this email address already exists")]
    EmailTaken,
    #[error("the chart is linked to another account")]
    ChartTaken,
    #[error("no such chart")]
    NoChart,
    /// The code was used meanwhile (by another request).
    #[error("the code was used already")]
    CodeUsed,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for ChangeError {
    fn from(error: sqlx::Error) -> Self {
        Self::Store(error.into())
    }
}

/// Who did it and from where, for the audit row.
#[derive(Debug, Clone, Copy)]
pub struct Actor<'a> {
    pub user_id: Option<i64>,
    pub client_addr: &'a str,
    pub at: DateTime<Utc>,
}

impl Actor<'_> {
    fn audit(&self, subject: Option<i64>, action: &'static str, object: Option<String>) -> AuditRow {
        AuditRow {
            at_ms: to_millis(self.at),
            actor_user_id: self.user_id,
            subject_user_id: subject,
            action,
            object,
            client_addr: self.client_addr.to_owned(),
        }
    }
}

/// An invitation to open an account.
#[derive(Debug, Clone)]
pub struct NewInvitation<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub role: Role,
    pub staff_pools: StaffPools,
    pub chart_id: Option<i64>,
    pub language: Language,
}

/// A code to send: its digest to store and the code itself for the mail.
pub struct CodeToSend {
    pub digest: String,
    pub code: String,
}

impl std::fmt::Debug for CodeToSend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CodeToSend(<redacted>)")
    }
}

/// Queues `mails` (to, language, notice) on `conn`, inside the caller's transaction.
pub(crate) async fn queue(
    conn: &mut AnyConnection,
    engine: Engine,
    sealer: &TextSealer,
    mails: &[(&str, Language, Notice)],
    at: DateTime<Utc>,
) -> StoreResult<()> {
    if mails.is_empty() {
        return Ok(());
    }
    let practice = outbox::practice_name(&mut *conn).await?;
    let mails: Vec<NewMail> = mails
        .iter()
        .filter(|(recipient, ..)| managed_accounts::reaches_a_person(recipient))
        .map(|(recipient, language, notice)| NewMail {
            recipient: (*recipient).to_owned(),
            language: *language,
            notice: notice.clone(),
            practice: practice.clone(),
            at,
        })
        .collect();
    outbox::enqueue(conn, engine, sealer, &mails).await.map(drop)
}

/// Stores an invitation and its activation code, and queues the code's mail. Refused when an
/// account has the address, or the chart is linked to an account already. Returns the
/// invitation's id and when its code expires.
pub async fn invite(
    db: &Db,
    sealer: &TextSealer,
    invitation: &NewInvitation<'_>,
    code: CodeToSend,
    by: Actor<'_>,
) -> Result<(i64, DateTime<Utc>), ChangeError> {
    let mut tx = begin_write(db).await?;
    let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(invitation.email)
        .fetch_optional(&mut *tx)
        .await?;
    if taken.is_some() {
        return Err(ChangeError::EmailTaken);
    }
    if let Some(chart_id) = invitation.chart_id {
        let account = chart_account(&mut tx, chart_id).await?.ok_or(ChangeError::NoChart)?;
        if !account.open_to_the_patient() {
            return Err(ChangeError::ChartTaken);
        }
        // One open invitation per chart: the earlier one's code stops working.
        sqlx::query(
            "UPDATE account_codes SET used_at = $1 WHERE purpose = 'activation' AND used_at IS NULL \
             AND invitation_id IN (SELECT id FROM invitations WHERE chart_id = $2)",
        )
        .bind(to_millis(by.at))
        .bind(chart_id)
        .execute(&mut *tx)
        .await?;
    }
    let (id, expires_at, code) = open_invitation_in(&mut tx, invitation, code, by).await?;
    let mail = (invitation.email, invitation.language, Notice::ActivationCode(code));
    queue(&mut tx, db.engine, sealer, &[mail], by.at).await?;
    let audit = by.audit(
        None,
        super::audit::action::ACCOUNT_INVITED,
        Some(format!("invitation:{id}")),
    );
    commit_with(tx, db.engine, audit).await?;
    Ok((id, expires_at))
}

/// Stores `invitation` and its activation code inside the caller's transaction (the mail
/// carrying the code is the caller's: an invitation of its own, or a grant's); its id, when
/// the code expires, and the code to send.
pub(crate) async fn open_invitation_in(
    conn: &mut AnyConnection,
    invitation: &NewInvitation<'_>,
    code: CodeToSend,
    by: Actor<'_>,
) -> StoreResult<(i64, DateTime<Utc>, String)> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO invitations (email, name, role, staff_pools, chart_id, language, invited_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(invitation.email)
    .bind(invitation.name)
    .bind(invitation.role.as_str())
    .bind(invitation.staff_pools.to_text())
    .bind(invitation.chart_id)
    .bind(invitation.language.as_str())
    .bind(by.user_id)
    .bind(to_millis(by.at))
    .fetch_one(&mut *conn)
    .await?;
    let expires_at = account_codes::issue(
        &mut *conn,
        &NewCode {
            purpose: Purpose::Activation,
            email: invitation.email,
            user_id: None,
            invitation_id: Some(id),
            digest: code.digest,
            now: by.at,
        },
    )
    .await?;
    Ok((id, expires_at, code.code))
}

/// The invitation an activation code belongs to.
#[derive(Debug, Clone)]
pub struct Invitation {
    pub id: i64,
    pub role: Role,
    pub chart_id: Option<i64>,
}

pub async fn invitation(db: &Db, id: i64) -> StoreResult<Option<Invitation>> {
    let row = sqlx::query("SELECT id, role, chart_id FROM invitations WHERE id = $1 AND user_id IS NULL")
        .bind(id)
        .fetch_optional(&db.pool)
        .await?;
    row.map(|row| {
        let role: String = row.try_get("role")?;
        Ok(Invitation {
            id: row.try_get("id")?,
            role: role.parse().map_err(|e: String| sqlx::Error::Decode(e.into()))?,
            chart_id: row.try_get("chart_id")?,
        })
    })
    .transpose()
}

/// Turns invitation `invitation_id` into an account with `password_hash`, its address
/// verified, linked to the invitation's chart, using code `code_id`. Returns the account.
pub async fn activate(
    db: &Db,
    code_id: i64,
    invitation_id: i64,
    password_hash: &str,
    client_addr: &str,
    now: DateTime<Utc>,
) -> Result<UserRecord, ChangeError> {
    let mut tx = begin_write(db).await?;
    if !account_codes::use_up(&mut tx, code_id, now).await? {
        return Err(ChangeError::CodeUsed);
    }
    let row = sqlx::query(
        "SELECT email, name, role, staff_pools, chart_id, language FROM invitations WHERE id = $1 AND user_id IS NULL",
    )
    .bind(invitation_id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(ChangeError::CodeUsed)?;
    let chart_id: Option<i64> = row.try_get("chart_id")?;
    let at = to_millis(now);
    let kept = match chart_id {
        Some(chart_id) => chart_account(&mut tx, chart_id)
            .await?
            .and_then(ChartAccount::taken_over_by_the_patient),
        None => None,
    };
    // The patient takes over the account the practice kept for them (their conversations
    // with it), or a new one is made.
    let sql = match kept {
        Some(_) => {
            "UPDATE users SET email = $1, name = $2, role = $3, password_hash = $4, email_verified_at = $5, \
             staff_pools = $6, language = $7, managed_at = NULL WHERE id = $8 AND managed_at IS NOT NULL RETURNING id"
        }
        None => {
            "INSERT INTO users (email, name, role, password_hash, created_at, staff_pools, email_verified_at, language) \
             VALUES ($1, $2, $3, $4, $5, $6, $5, $7) RETURNING id"
        }
    };
    let mut query = sqlx::query(sql)
        .bind(row.try_get::<String, _>("email")?)
        .bind(row.try_get::<String, _>("name")?)
        .bind(row.try_get::<String, _>("role")?)
        .bind(password_hash)
        .bind(at)
        .bind(row.try_get::<Option<String>, _>("staff_pools")?)
        .bind(row.try_get::<String, _>("language")?);
    if let Some(id) = kept {
        query = query.bind(id);
    }
    let user_id: i64 = match query.fetch_one(&mut *tx).await {
        Ok(row) => row.try_get("id")?,
        Err(e) if is_unique_violation(&e) => return Err(ChangeError::EmailTaken),
        Err(sqlx::Error::RowNotFound) => return Err(ChangeError::ChartTaken),
        Err(e) => return Err(e.into()),
    };
    sqlx::query("UPDATE invitations SET user_id = $1 WHERE id = $2")
        .bind(user_id)
        .bind(invitation_id)
        .execute(&mut *tx)
        .await?;
    if let Some(chart_id) = chart_id {
        let linked = sqlx::query(
            "UPDATE charts SET user_id = $1, updated_at = $2 WHERE id = $3 AND (user_id IS NULL OR user_id = $1)",
        )
        .bind(user_id)
        .bind(at)
        .bind(chart_id)
        .execute(&mut *tx)
        .await?;
        if linked.rows_affected() != 1 {
            return Err(ChangeError::ChartTaken);
        }
    }
    let actor = Actor {
        user_id: Some(user_id),
        client_addr,
        at: now,
    };
    let audit = actor.audit(
        Some(user_id),
        super::audit::action::ACCOUNT_ACTIVATED,
        Some(format!("invitation:{invitation_id}")),
    );
    commit_with(tx, db.engine, audit).await?;
    users::find_by_id(db, user_id)
        .await?
        .ok_or(ChangeError::Store(StoreError::Inconsistent(
            "an activated account is missing",
        )))
}

/// What ends with a new pass-phrase.
#[derive(Debug, Clone, Copy)]
pub enum SessionsToEnd {
    /// Every session but the one that changed it.
    AllBut(i64),
    /// Every session (a reset).
    All,
}

/// Sets `user`'s pass-phrase hash, ends `sessions`, uses the reset code `code_id` if there is
/// one, and queues "your pass-phrase was changed" to a verified address. Returns the ids of
/// the sessions ended.
pub async fn set_passphrase(
    db: &Db,
    sealer: &TextSealer,
    user: &UserRecord,
    password_hash: &str,
    sessions: SessionsToEnd,
    code_id: Option<i64>,
    by: Actor<'_>,
) -> Result<Vec<i64>, ChangeError> {
    let mut tx = begin_write(db).await?;
    if let Some(code_id) = code_id {
        if !account_codes::use_up(&mut tx, code_id, by.at).await? {
            return Err(ChangeError::CodeUsed);
        }
    }
    sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(password_hash)
        .bind(user.id)
        .execute(&mut *tx)
        .await?;
    let keep = match sessions {
        SessionsToEnd::AllBut(id) => id,
        SessionsToEnd::All => -1,
    };
    let ended = end_sessions(&mut tx, user.id, keep, by.at).await?;
    if user.email_verified_at.is_some() {
        let mail = (user.email.as_str(), user.language, Notice::PassphraseChanged);
        queue(&mut tx, db.engine, sealer, &[mail], by.at).await?;
    }
    let action = match code_id {
        Some(_) => super::audit::action::PASSPHRASE_RESET,
        None => super::audit::action::PASSPHRASE_CHANGED,
    };
    commit_with(tx, db.engine, by.audit(Some(user.id), action, None)).await?;
    Ok(ended)
}

async fn end_sessions(
    tx: &mut Transaction<'static, Any>,
    user_id: i64,
    keep: i64,
    now: DateTime<Utc>,
) -> StoreResult<Vec<i64>> {
    let ids: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM sessions WHERE user_id = $1 AND id <> $2 AND revoked_at IS NULL")
            .bind(user_id)
            .bind(keep)
            .fetch_all(&mut **tx)
            .await?;
    sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND id <> $3 AND revoked_at IS NULL")
        .bind(to_millis(now))
        .bind(user_id)
        .bind(keep)
        .execute(&mut **tx)
        .await?;
    Ok(ids)
}

/// Stores a reset code for `user` and queues its mail to their (verified) address.
pub async fn send_reset_code(
    db: &Db,
    sealer: &TextSealer,
    user: &UserRecord,
    code: CodeToSend,
    by: Actor<'_>,
) -> StoreResult<()> {
    let mut tx = begin_write(db).await?;
    account_codes::issue(
        &mut tx,
        &NewCode {
            purpose: Purpose::Reset,
            email: &user.email,
            user_id: Some(user.id),
            invitation_id: None,
            digest: code.digest,
            now: by.at,
        },
    )
    .await?;
    let mail = (user.email.as_str(), user.language, Notice::ResetCode(code.code));
    queue(&mut tx, db.engine, sealer, &[mail], by.at).await?;
    commit_with(
        tx,
        db.engine,
        by.audit(Some(user.id), super::audit::action::RESET_REQUESTED, None),
    )
    .await
}

/// Stores the code confirming `new_email` for `user`, queues it to the new address and a
/// notice of the change to the old one (if verified). Returns when the code expires.
pub async fn ask_email_change(
    db: &Db,
    sealer: &TextSealer,
    user: &UserRecord,
    new_email: &str,
    code: CodeToSend,
    by: Actor<'_>,
) -> StoreResult<DateTime<Utc>> {
    let mut tx = begin_write(db).await?;
    let expires_at = account_codes::issue(
        &mut tx,
        &NewCode {
            purpose: Purpose::EmailChange,
            email: new_email,
            user_id: Some(user.id),
            invitation_id: None,
            digest: code.digest,
            now: by.at,
        },
    )
    .await?;
    let mut mails = vec![(new_email, user.language, Notice::EmailChangeCode(code.code))];
    if user.email_verified_at.is_some() {
        mails.push((user.email.as_str(), user.language, Notice::EmailBeingChanged));
    }
    queue(&mut tx, db.engine, sealer, &mails, by.at).await?;
    let audit = by.audit(Some(user.id), super::audit::action::EMAIL_CHANGE_ASKED, None);
    commit_with(tx, db.engine, audit).await?;
    Ok(expires_at)
}

/// Makes `new_email` (now verified) the address of account `user_id`, using code `code_id`.
pub async fn confirm_email_change(
    db: &Db,
    user_id: i64,
    new_email: &str,
    code_id: i64,
    by: Actor<'_>,
) -> Result<(), ChangeError> {
    let mut tx = begin_write(db).await?;
    if !account_codes::use_up(&mut tx, code_id, by.at).await? {
        return Err(ChangeError::CodeUsed);
    }
    let changed = sqlx::query("UPDATE users SET email = $1, email_verified_at = $2 WHERE id = $3")
        .bind(new_email)
        .bind(to_millis(by.at))
        .bind(user_id)
        .execute(&mut *tx)
        .await;
    match changed {
        Ok(_) => {}
        Err(e) if is_unique_violation(&e) => return Err(ChangeError::EmailTaken),
        Err(e) => return Err(e.into()),
    }
    let audit = by.audit(Some(user_id), super::audit::action::EMAIL_CHANGED, None);
    Ok(commit_with(tx, db.engine, audit).await?)
}

/// Which notices account `user_id` gets: (messages, results).
pub async fn notice_preferences(db: &Db, user_id: i64) -> StoreResult<(bool, bool)> {
    let row = sqlx::query("SELECT notify_messages, notify_results FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(&db.pool)
        .await?;
    Ok((
        row.try_get::<i64, _>("notify_messages")? != 0,
        row.try_get::<i64, _>("notify_results")? != 0,
    ))
}

pub async fn set_notice_preferences(
    db: &Db,
    user_id: i64,
    messages: bool,
    results: bool,
    by: Actor<'_>,
) -> StoreResult<()> {
    let mut tx = begin_write(db).await?;
    sqlx::query("UPDATE users SET notify_messages = $1, notify_results = $2 WHERE id = $3")
        .bind(i64::from(messages))
        .bind(i64::from(results))
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    let audit = by.audit(Some(user_id), super::audit::action::NOTICES_SET, None);
    commit_with(tx, db.engine, audit).await
}

/// Queues `notice` to `user`'s address on its own (a security notice: "a new device signed
/// in").
pub async fn notify(
    db: &Db,
    sealer: &TextSealer,
    user: &UserRecord,
    notice: Notice,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    let mut tx = begin_write(db).await?;
    notify_in(&mut tx, db.engine, sealer, user, notice, at).await?;
    Ok(tx.commit().await?)
}

/// Queues `notice` to `user`'s address inside the caller's transaction.
pub async fn notify_in(
    conn: &mut AnyConnection,
    engine: Engine,
    sealer: &TextSealer,
    user: &UserRecord,
    notice: Notice,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    queue(
        conn,
        engine,
        sealer,
        &[(user.email.as_str(), user.language, notice)],
        at,
    )
    .await
}
