//! `user invite` and `patient invite`: the invitation is stored and its mail queued in the
//! outbox, which the running service sends.

use chrono::{DateTime, Utc};

use crate::accounts::invitation::{self, Invitee};
use crate::domain::notices::Language;
use crate::sealed_text::TextSealer;
use crate::store::account_changes::Actor;
use crate::store::Db;

pub async fn invite(
    db: &Db,
    sealer: &TextSealer,
    email: &str,
    invitee: Invitee<'_>,
    language: &str,
    now: DateTime<Utc>,
) -> Result<(), String> {
    let language = Language::parse(language.trim()).map_err(|_| format!("unknown language {language:?}: en or es"))?;
    let by = Actor {
        user_id: None,
        client_addr: "command line",
        at: now,
    };
    let sent = invitation::invite(db, sealer, email, invitee, language, by)
        .await
        .map_err(|e| e.to_string())?;
    println!(
        "Invitation queued for {}: the running service emails the activation code, which works until {} UTC.",
        sent.email,
        sent.expires_at.format("%Y-%m-%d %H:%M")
    );
    Ok(())
}
