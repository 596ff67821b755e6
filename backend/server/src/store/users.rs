//! Accounts.

use chrono::{DateTime, Utc};
use portal_api::{Role, User};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::db::{from_millis, to_millis, Db};
use super::error::is_unique_violation;
use super::error::{StoreError, StoreResult};
use crate::domain::access::{StaffPools, Viewer};
use crate::domain::notices::Language;

/// An account as stored, with its pass-phrase hash.
#[derive(Clone)]
pub struct UserRecord {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub password_hash: String,
    pub disabled_at: Option<DateTime<Utc>>,
    /// When the address was verified; notices go only to a verified address.
    pub email_verified_at: Option<DateTime<Utc>>,
    /// When the second factor (TOTP) was confirmed; `None`: the account has none.
    pub totp_enabled_at: Option<DateTime<Utc>>,
    /// The language the person's mails are written in.
    pub language: Language,
    /// A staff member's triage pools (none for other roles).
    pub staff_pools: StaffPools,
    /// Kept by the practice for a patient who does not sign in (`domain::managed_accounts`):
    /// nobody signs in to it.
    pub managed: bool,
}

impl std::fmt::Debug for UserRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserRecord")
            .field("id", &self.id)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

impl UserRecord {
    /// Who this person is when reaching health data for themselves (routes ask the session,
    /// `CurrentSession::viewer`, which knows whom they act for).
    pub fn own_viewer(&self) -> Viewer {
        Viewer::of(self.id, self.role, self.staff_pools)
    }

    pub fn to_api(&self) -> User {
        User {
            id: self.id,
            email: self.email.clone(),
            name: self.name.clone(),
            role: self.role,
            pools: self.staff_pools.pools(),
            email_verified: self.email_verified_at.is_some(),
            second_factor: self.totp_enabled_at.is_some(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CreateUserError {
    #[error("an account with this email address already exists")]
    EmailTaken,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The columns [`from_row`] reads (`users.` names, also in a join: see `sessions`).
pub(crate) const COLUMNS: &str =
    "id, email, name, role, password_hash, disabled_at, staff_pools, email_verified_at, totp_enabled_at, language, managed_at";

pub(crate) fn from_row(row: &AnyRow) -> StoreResult<UserRecord> {
    let role: String = row.try_get("role")?;
    Ok(UserRecord {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        name: row.try_get("name")?,
        role: role.parse().map_err(|e: String| sqlx::Error::Decode(e.into()))?,
        password_hash: row.try_get("password_hash")?,
        disabled_at: row.try_get::<Option<i64>, _>("disabled_at")?.map(from_millis),
        email_verified_at: row.try_get::<Option<i64>, _>("email_verified_at")?.map(from_millis),
        totp_enabled_at: row.try_get::<Option<i64>, _>("totp_enabled_at")?.map(from_millis),
        language: Language::parse(&row.try_get::<String, _>("language")?).unwrap_or(Language::English),
        staff_pools: StaffPools::parse(&row.try_get::<Option<String>, _>("staff_pools")?.unwrap_or_default())
            .map_err(|e| sqlx::Error::Decode(e.into()))?,
        managed: row.try_get::<Option<i64>, _>("managed_at")?.is_some(),
    })
}

pub async fn find_by_email(db: &Db, email: &str) -> StoreResult<Option<UserRecord>> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE email = $1");
    let row = sqlx::query(&sql).bind(email).fetch_optional(&db.pool).await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn find_by_id(db: &Db, id: i64) -> StoreResult<Option<UserRecord>> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_optional(&db.pool).await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn create(
    db: &Db,
    email: &str,
    name: &str,
    role: Role,
    staff_pools: StaffPools,
    password_hash: &str,
    now: DateTime<Utc>,
) -> Result<i64, CreateUserError> {
    let result = sqlx::query(
        "INSERT INTO users (email, name, role, password_hash, created_at, staff_pools) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(email)
    .bind(name)
    .bind(role.as_str())
    .bind(password_hash)
    .bind(to_millis(now))
    .bind(staff_pools.to_text())
    .fetch_one(&db.pool)
    .await;
    match result {
        Ok(row) => Ok(row.try_get("id").map_err(StoreError::from)?),
        Err(e) if is_unique_violation(&e) => Err(CreateUserError::EmailTaken),
        Err(e) => Err(StoreError::from(e).into()),
    }
}

pub async fn update_password_hash(db: &Db, id: i64, hash: &str) -> StoreResult<()> {
    sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(hash)
        .bind(id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Records that the address of account `id` was verified at `at` (notices go only to
/// verified addresses). On the caller's connection, so it commits with what verified it.
pub async fn mark_email_verified(conn: &mut AnyConnection, id: i64, at: DateTime<Utc>) -> StoreResult<()> {
    sqlx::query("UPDATE users SET email_verified_at = $1 WHERE id = $2")
        .bind(to_millis(at))
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Sets the language account `id`'s mails are written in.
pub async fn set_language(conn: &mut AnyConnection, id: i64, language: Language) -> StoreResult<()> {
    sqlx::query("UPDATE users SET language = $1 WHERE id = $2")
        .bind(language.as_str())
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Whether any admin account exists (the first one is added with a pass-phrase).
pub async fn any_admin(db: &Db) -> StoreResult<bool> {
    let found: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE role = 'admin' LIMIT 1")
        .fetch_optional(&db.pool)
        .await?;
    Ok(found.is_some())
}

/// Every staff account, by name.
pub async fn staff(db: &Db) -> StoreResult<Vec<UserRecord>> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE role = 'staff' ORDER BY name, id");
    let rows = sqlx::query(&sql).fetch_all(&db.pool).await?;
    rows.iter().map(from_row).collect()
}

/// Sets the pools of the staff account `id`; the account as it is now, `None` when no staff
/// account has that id.
pub async fn set_staff_pools_of(db: &Db, id: i64, pools: StaffPools) -> StoreResult<Option<UserRecord>> {
    sqlx::query("UPDATE users SET staff_pools = $1 WHERE id = $2 AND role = 'staff'")
        .bind(pools.to_text())
        .bind(id)
        .execute(&db.pool)
        .await?;
    Ok(find_by_id(db, id).await?.filter(|u| u.role == Role::Staff))
}
