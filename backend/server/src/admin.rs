//! Operator actions shared by the command line and the demo (and the admin's routes): add an
//! account, turn one off or on, publish a policy version, set the practice's details. Each checks its input like the API would.

use chrono::{DateTime, Utc};
use portal_api::{Language, PracticeInfo, Role};

use crate::auth::password::PasswordHasher;
use crate::domain::access::StaffPools;
use crate::domain::{EmailAddress, Passphrase, PassphraseContext, PersonName};
use crate::store::audit::action;
use crate::store::users::{CreateUserError, UserRecord};
use crate::store::writer::AuditRow;
use crate::store::{self, Db, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error("{0}")]
    Invalid(String),
    #[error("an account with the email address {0} already exists")]
    EmailTaken(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Hash(#[from] crate::auth::password::HashError),
}

pub struct NewUser<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub role: Role,
    pub passphrase: &'a str,
    /// A staff member's triage pools: at least one for staff, none for other roles.
    pub staff_pools: StaffPools,
}

pub async fn add_user(
    db: &Db,
    hasher: &PasswordHasher,
    user: &NewUser<'_>,
    now: DateTime<Utc>,
) -> Result<i64, AdminError> {
    let email = EmailAddress::parse(user.email).map_err(AdminError::Invalid)?;
    let name = PersonName::parse(user.name).map_err(AdminError::Invalid)?;
    let practice = store::practice::get(db).await?;
    let ctx = PassphraseContext {
        email: Some(email.as_str()),
        practice_name: practice.as_ref().map(|p| p.name.as_str()),
        has_second_factor: false,
    };
    let pools = user.staff_pools.for_role(user.role).map_err(AdminError::Invalid)?;
    let phrase = Passphrase::parse(user.passphrase, &ctx).map_err(AdminError::Invalid)?;
    let hash = hasher.hash(phrase.expose()).await?;
    store::users::create(db, email.as_str(), name.as_str(), user.role, pools, &hash, now)
        .await
        .map_err(|e| match e {
            CreateUserError::EmailTaken => AdminError::EmailTaken(email.to_string()),
            CreateUserError::Store(e) => AdminError::Store(e),
        })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Published {
    New(i64),
    /// A language's text of this version was added (or replaced).
    Translated(i64, Language),
    /// The text is the same as the current version's: nothing was added.
    Unchanged(i64),
}

/// Split a policy file into title (a first line `# Title`) and text.
pub fn parse_policy_file(contents: &str) -> Result<(String, String), AdminError> {
    let contents = contents.trim_start_matches('\u{feff}').replace("\r\n", "\n");
    let trimmed = contents.trim();
    if trimmed.is_empty() {
        return Err(AdminError::Invalid("the policy file is empty".into()));
    }
    let (title, body) = match trimmed.strip_prefix("# ") {
        Some(rest) => {
            let (title, body) = rest.split_once('\n').unwrap_or((rest, ""));
            (title.trim().to_string(), body.trim().to_string())
        }
        None => ("Patient Portal Policy".to_string(), trimmed.to_string()),
    };
    if body.is_empty() {
        return Err(AdminError::Invalid("the policy file has a title but no text".into()));
    }
    if body.chars().count() > 200_000 {
        return Err(AdminError::Invalid(
            "the policy text is longer than 200,000 characters".into(),
        ));
    }
    Ok((title, body))
}

/// Publishes a policy file: in English, the next version (unless it is the current one's
/// text); in another language, that language's text of the current version (replacing an
/// earlier one; people who accepted a version need not accept it again).
pub async fn publish_policy(
    db: &Db,
    contents: &str,
    language: Language,
    now: DateTime<Utc>,
) -> Result<Published, AdminError> {
    let (title, body) = parse_policy_file(contents)?;
    let current = store::policy::current(db).await?;
    if language != Language::English {
        let current = current.ok_or_else(|| {
            AdminError::Invalid(format!(
                "no policy is published yet: publish its English text first, then its {} text",
                language_name(language)
            ))
        })?;
        let changed = store::policy::publish_translation(db, current.version, language, &title, &body, now).await?;
        return Ok(match changed {
            true => Published::Translated(current.version, language),
            false => Published::Unchanged(current.version),
        });
    }
    if let Some(current) = current {
        if current.title == title && current.body == body {
            return Ok(Published::Unchanged(current.version));
        }
    }
    Ok(Published::New(store::policy::publish(db, &title, &body, now).await?))
}

/// A language's name in English (for the operator's messages).
pub fn language_name(language: Language) -> &'static str {
    match language {
        Language::English => "English",
        Language::Spanish => "Spanish",
    }
}

/// Clear every sign-in count kept for `email` (its lock, and a hold after too many failures
/// in a row). Returns how many counts there were.
pub async fn unlock_sign_in(db: &Db, email: &EmailAddress) -> Result<u64, AdminError> {
    Ok(store::sign_in_throttle::clear_all_for(db, email.as_str()).await?)
}

/// The practice's staff accounts, by name.
pub async fn staff(db: &Db) -> Result<Vec<store::users::UserRecord>, AdminError> {
    Ok(store::users::staff(db).await?)
}

/// Sets the triage pools (at least one) of the staff account `id`; `None` when there is none.
pub async fn set_staff_pools_of(
    db: &Db,
    id: i64,
    pools: StaffPools,
) -> Result<Option<store::users::UserRecord>, AdminError> {
    let pools = pools.for_role(Role::Staff).map_err(AdminError::Invalid)?;
    Ok(store::users::set_staff_pools_of(db, id, pools).await?)
}

/// Sets the triage pools of the staff member with `email` (at least one).
pub async fn set_staff_pools(db: &Db, email: &EmailAddress, pools: StaffPools) -> Result<(), AdminError> {
    let not_staff = || AdminError::Invalid(format!("{} is not a staff account", email.as_str()));
    let user = store::users::find_by_email(db, email.as_str())
        .await?
        .ok_or_else(not_staff)?;
    set_staff_pools_of(db, user.id, pools)
        .await?
        .map(drop)
        .ok_or_else(not_staff)
}

pub async fn set_practice(db: &Db, name: &str, phone: &str) -> Result<(), AdminError> {
    let name = name.trim();
    let phone = phone.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(AdminError::Invalid(
            "the practice name must have 1 to 200 characters".into(),
        ));
    }
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    if !(3..=20).contains(&digits) || phone.chars().any(|c| !(c.is_ascii_digit() || " +-().".contains(c))) {
        return Err(AdminError::Invalid(format!("{phone:?} is not a telephone number")));
    }
    store::practice::set(
        db,
        &PracticeInfo {
            name: name.into(),
            phone: phone.into(),
        },
    )
    .await?;
    Ok(())
}

/// Whom an account change names: the account's id (the app) or its e-mail address (the CLI).
pub enum AccountKey<'a> {
    Id(i64),
    Email(&'a EmailAddress),
}

/// Turns an account off (it can no longer sign in, and every session of it ends at once) or
/// back on, with its audit row, by `actor` (none: an operator at the command line). Nothing
/// else of the account changes. An admin may not turn off their own account (the practice
/// would be left with no way back in through the app). `None`: no such account.
pub async fn set_account_disabled(
    db: &Db,
    account: AccountKey<'_>,
    disabled: bool,
    actor: Option<i64>,
    client_addr: &str,
    now: DateTime<Utc>,
) -> Result<Option<UserRecord>, AdminError> {
    let user = match account {
        AccountKey::Id(id) => store::users::find_by_id(db, id).await?,
        AccountKey::Email(email) => store::users::find_by_email(db, email.as_str()).await?,
    };
    let Some(user) = user else { return Ok(None) };
    if disabled && actor == Some(user.id) {
        return Err(AdminError::Invalid(
            "You cannot turn off your own account; another admin can.".into(),
        ));
    }
    let audit = AuditRow {
        at_ms: store::to_millis(now),
        actor_user_id: actor,
        subject_user_id: Some(user.id),
        action: if disabled {
            action::ACCOUNT_DISABLED
        } else {
            action::ACCOUNT_ENABLED
        },
        object: Some(format!("user:{}", user.id)),
        client_addr: client_addr.to_owned(),
    };
    Ok(store::account_access::set_disabled(db, user.id, disabled, now, audit).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_files_give_title_and_text() {
        let (title, body) = parse_policy_file("\u{feff}# Our Policy\r\n\r\nFirst.\r\nSecond.\n").expect("valid");
        assert_eq!(title, "Our Policy");
        assert_eq!(body, "First.\nSecond.");
        let (title, _) = parse_policy_file("Just text.").expect("valid");
        assert_eq!(title, "Patient Portal Policy");
        assert!(parse_policy_file("  \n").is_err());
        assert!(parse_policy_file("# Title only\n").is_err());
    }

    #[test]
    fn the_shipped_policy_covers_every_point_of_the_practice_policy() {
        let text = include_str!("../policy/portal-policy.md").to_lowercase();
        for point in [
            "secure messages",
            "view parts of your medical record",
            "encrypted",
            "pass-phrase",
            "correct email address",
            "authorized",
            "change it",
            "emergenc",
            "911",
            "accept",
            "version",
            "risks",
        ] {
            assert!(text.contains(point), "the policy should mention {point:?}");
        }
    }
}
