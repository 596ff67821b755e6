//! A person's own sessions in the app: the devices signed in to their account, one ended, or
//! every other. The service decides what is theirs and open; its answers are passed on.

use portal_api::{SessionList, SessionsEnded};

use super::DesktopCore;
use crate::error::CommandError;

impl DesktopCore {
    /// `list_sessions`: the person's open sessions, the most recently active first.
    pub async fn list_sessions(&self) -> Result<SessionList, CommandError> {
        self.with_session(|c, t| async move { c.sessions(&t).await }).await
    }

    /// `end_session`: ends one of the person's other sessions (that device is signed out; this
    /// one ends with `sign_out`).
    pub async fn end_session(&self, session_id: i64) -> Result<(), CommandError> {
        self.with_session(|c, t| async move { c.end_session(&t, session_id).await })
            .await
    }

    /// `end_other_sessions`: signs out every other device of the person's.
    pub async fn end_other_sessions(&self) -> Result<SessionsEnded, CommandError> {
        self.with_session(|c, t| async move { c.end_other_sessions(&t).await })
            .await
    }
}
