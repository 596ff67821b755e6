//! `portal-server demo`: a practice with known accounts, for trying the portal. Running it
//! again changes nothing.

use std::path::Path;

use chrono::{DateTime, Utc};
use portal_api::{Language, Pool, Role};

use crate::admin::{self, AdminError, NewUser, Published};
use crate::auth::password::PasswordHasher;
use crate::domain::access::StaffPools;
use crate::domain::second_factor::TotpSecret;
use crate::domain::EmailAddress;
use crate::records;
use crate::sealed_text::{Field, TextSealer};
use crate::store::{self, Db};

pub const PRACTICE_NAME: &str = "Dermatology Specialists of Kansas City";
pub const PRACTICE_PHONE: &str = "(816) 555-0142";
pub const POLICY_TEXT: &str = include_str!("../policy/portal-policy.md");
/// The same policy in Spanish, published as the current version's Spanish text.
pub const POLICY_TEXT_ES: &str = include_str!("../policy/portal-policy.es.md");

/// A demo account (the pass-phrases and second-factor secrets are public: demo data only).
#[derive(Debug, Clone, Copy)]
pub struct DemoAccount {
    pub email: &'static str,
    pub name: &'static str,
    pub role: Role,
    pub passphrase: &'static str,
    /// The triage pools of a staff account.
    pub staff_pools: &'static [Pool],
    /// The TOTP secret (base32) of the second factor the care team and admins have from the
    /// start, fixed so that tests and people trying the demo can add it to an authenticator
    /// app (or compute its codes). Patients have none.
    pub totp_secret: Option<&'static str>,
}

pub const ACCOUNTS: [DemoAccount; 6] = [
    DemoAccount {
        email: "dr.okafor@dskc.example",
        name: "Dr. Adaeze Okafor",
        role: Role::Physician,
        passphrase: "amber lantern over quiet hills",
        staff_pools: &[],
        totp_secret: Some("DEMOOKAFORAMBERLANTERNQUIETHILLS"),
    },
    DemoAccount {
        email: "frontdesk@dskc.example",
        name: "Sam Rivera",
        role: Role::Staff,
        passphrase: "paper boats drift past noon",
        staff_pools: &[Pool::FrontDesk, Pool::Billing],
        totp_secret: Some("DEMORIVERAPAPERBOATSDRIFTPASTNOO"),
    },
    DemoAccount {
        email: "blair.conroy@example.com",
        name: "Blair Conroy",
        role: Role::Patient,
        passphrase: "violet kettle hums at dawn",
        staff_pools: &[],
        totp_secret: None,
    },
    DemoAccount {
        email: "claudie.walsh@example.com",
        name: "Claudie Walsh",
        role: Role::Patient,
        passphrase: "seven owls guard the orchard",
        staff_pools: &[],
        totp_secret: None,
    },
    DemoAccount {
        email: "nurse@dskc.example",
        name: "Jordan Lee, RN",
        role: Role::Staff,
        passphrase: "copper rain on a tin roof",
        staff_pools: &[Pool::Clinical],
        totp_secret: Some("DEMOJORDANLEECOPPERRAINTINROOFAA"),
    },
    // Sets each staff member's triage pools (in the app: Staff); sees no health data.
    DemoAccount {
        email: "admin@dskc.example",
        name: "Alex Morgan",
        role: Role::Admin,
        passphrase: "granite harbor at first light",
        staff_pools: &[],
        totp_secret: Some("DEMOALEXMORGANGRANITEHARBORLIGHT"),
    },
];

/// Marks every demo account's address verified (their notices are then sent).
pub async fn verify_addresses(db: &Db, now: DateTime<Utc>) -> Result<(), store::StoreError> {
    let mut conn = db.pool.acquire().await?;
    for account in ACCOUNTS {
        if let Some(user) = store::users::find_by_email(db, account.email).await? {
            if user.email_verified_at.is_none() {
                store::users::mark_email_verified(&mut conn, user.id, now).await?;
            }
        }
    }
    Ok(())
}

#[derive(Debug, Default)]
pub struct DemoReport {
    pub accounts_created: usize,
    pub policy: Option<Published>,
}

pub async fn seed(
    db: &Db,
    hasher: &PasswordHasher,
    sealer: &TextSealer,
    now: DateTime<Utc>,
) -> Result<DemoReport, AdminError> {
    let mut report = DemoReport::default();
    if store::practice::get(db).await?.is_none() {
        admin::set_practice(db, PRACTICE_NAME, PRACTICE_PHONE).await?;
    }
    report.policy = Some(admin::publish_policy(db, POLICY_TEXT, Language::English, now).await?);
    admin::publish_policy(db, POLICY_TEXT_ES, Language::Spanish, now).await?;
    for account in ACCOUNTS {
        if add_account(db, hasher, sealer, &account, now).await? {
            report.accounts_created += 1;
        }
    }
    // Dr. Okafor cares for both demo patients: she sees their threads.
    let physician = store::users::find_by_email(db, ACCOUNTS[0].email).await?;
    for patient in ACCOUNTS.iter().filter(|a| a.role == Role::Patient) {
        if let (Some(doctor), Some(patient)) = (&physician, store::users::find_by_email(db, patient.email).await?) {
            store::care_team::relate(db, patient.id, doctor.id, now).await?;
        }
    }
    Ok(report)
}

/// Adds `account` unless its address has one already (whether it did), and confirms its fixed
/// second factor if it has one and has not set up another since. Tests add accounts of their
/// own the same way.
pub async fn add_account(
    db: &Db,
    hasher: &PasswordHasher,
    sealer: &TextSealer,
    account: &DemoAccount,
    now: DateTime<Utc>,
) -> Result<bool, AdminError> {
    let created = match store::users::find_by_email(db, account.email).await? {
        Some(_) => false,
        None => {
            let user = NewUser {
                email: account.email,
                name: account.name,
                role: account.role,
                passphrase: account.passphrase,
                staff_pools: StaffPools::of(account.staff_pools.iter().copied()),
            };
            admin::add_user(db, hasher, &user, now).await?;
            true
        }
    };
    let (Some(text), Some(user)) = (
        account.totp_secret,
        store::users::find_by_email(db, account.email).await?,
    ) else {
        return Ok(created);
    };
    if user.totp_enabled_at.is_none() {
        let secret = TotpSecret::from_base32(text)
            .ok_or_else(|| AdminError::Invalid("a demo TOTP secret is not base32".into()))?;
        let sealed = sealer
            .seal(Field::TotpSecret, user.id, &secret.to_base32())
            .map_err(|e| AdminError::Invalid(e.to_string()))?;
        store::second_factor::set_confirmed(db, user.id, &sealed, now).await?;
    }
    Ok(created)
}

/// The accounts as printed for the person trying the demo.
pub fn accounts_table() -> String {
    let mut out = String::from(
        "Demo accounts (demo data only; pass-phrases and second-factor secrets are public; add a secret to \
         an authenticator app, or type it there, to get the 6-digit codes sign-in asks for):\n",
    );
    for a in ACCOUNTS {
        let pools = StaffPools::of(a.staff_pools.iter().copied()).to_text();
        let role = if pools.is_empty() {
            a.role.as_str().to_owned()
        } else {
            format!("{} ({pools})", a.role.as_str())
        };
        out.push_str(&format!("  {role:<28} {:<27} pass-phrase: {}\n", a.email, a.passphrase));
        if let Some(secret) = a.totp_secret {
            out.push_str(&format!("  {:<28} {:<27} TOTP secret: {secret}\n", "", ""));
        }
    }
    out
}

/// The demo patients' charts: the file in the demo's charts folder (`data/demo-charts/`,
/// Synthea's synthetic patients) and the account it belongs to.
pub const CHARTS: [(&str, &str); 2] = [
    ("blair-conroy.json", "blair.conroy@example.com"),
    ("claudie-walsh.json", "claudie.walsh@example.com"),
];

/// Imports the demo patients' charts from `folder` and links each to its account (made by
/// [`seed`] first). Run again, it changes nothing. Answers how many charts were loaded.
pub async fn load_charts(db: &Db, sealer: &TextSealer, folder: &Path, now: DateTime<Utc>) -> Result<usize, String> {
    for (file, email) in CHARTS {
        let bytes = std::fs::read(folder.join(file)).map_err(|e| {
            format!(
                "cannot read the demo chart {file} in {}: {}",
                folder.display(),
                e.kind()
            )
        })?;
        let report = records::import::import_bundle(db, sealer, &bytes, now)
            .await
            .map_err(|e| format!("demo chart {file}: {e}"))?;
        let email = EmailAddress::parse(email)?;
        records::link::link_by_email(db, &report.patient_fhir_id, &email, now)
            .await
            .map_err(|e| format!("demo chart {file}: {e}"))?;
    }
    Ok(CHARTS.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn seeding_twice_changes_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = Db::connect(&format!("sqlite://{}?mode=rwc", dir.path().join("d.db").display()))
            .await
            .expect("db");
        db.migrate().await.expect("migrate");
        let hasher = PasswordHasher::new(2);
        let sealer = crate::sealed_text::tests_support::sealer();
        let first = seed(&db, &hasher, &sealer, Utc::now()).await.expect("seed");
        assert_eq!(first.accounts_created, ACCOUNTS.len());
        assert_eq!(first.policy, Some(Published::New(1)));
        let second = seed(&db, &hasher, &sealer, Utc::now()).await.expect("seed again");
        assert_eq!(second.accounts_created, 0);
        assert_eq!(second.policy, Some(Published::Unchanged(1)));
        let practice = store::practice::get(&db).await.expect("get").expect("set");
        assert_eq!(practice.name, PRACTICE_NAME);
    }
}
