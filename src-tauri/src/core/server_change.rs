//! A change of portal server or CA file needs a clear confirmation: whoever sits at the
//! sign-in screen could otherwise point the app at another server without being asked.
//!
//! `save_settings` first checks the new values; when they differ from the settings in force
//! it answers [`SaveOutcome::NeedsConfirmation`] describing the change, and saves only when
//! called again with `confirm` set.

use serde::Serialize;
use ts_rs::TS;

use super::settings::Settings;

/// One value before and after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(rename = "SettingChange")]
pub struct Change {
    pub from: String,
    pub to: String,
}

/// What a save would change, and what to tell the person before they confirm.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ServerChange {
    pub server_url: Option<Change>,
    pub ca_file: Option<Change>,
    /// Written for people, e.g. "You are about to connect to a different portal server: …".
    pub message: String,
}

/// The answer of `save_settings`: `{"status": "saved", ...settings}` or
/// `{"status": "needs_confirmation", server_url, ca_file, message}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "status", rename_all = "snake_case")]
#[ts(rename = "SaveSettingsOutcome")]
pub enum SaveOutcome {
    Saved(Settings),
    NeedsConfirmation(ServerChange),
}

impl SaveOutcome {
    /// The settings saved, when they were.
    pub fn saved(self) -> Option<Settings> {
        match self {
            Self::Saved(settings) => Some(settings),
            Self::NeedsConfirmation(_) => None,
        }
    }
}

const ONLY_IF_TOLD: &str = "Only continue if the practice told you to.";

/// What saving `server_url` and `ca_file` (both already checked and normalised) would change
/// from `current`; `None` when nothing changes.
pub fn between(current: &Settings, server_url: &str, ca_file: &str) -> Option<ServerChange> {
    let change = |from: &str, to: &str| {
        (from != to).then(|| Change {
            from: from.to_owned(),
            to: to.to_owned(),
        })
    };
    let server = change(&current.server_url, server_url);
    let ca = change(&current.ca_file, ca_file);
    let message = match (&server, &ca) {
        (None, None) => return None,
        (Some(server), None) => format!(
            "You are about to connect to a different portal server: {}. {ONLY_IF_TOLD}",
            server.to
        ),
        (Some(server), Some(ca)) => format!(
            "You are about to connect to a different portal server: {}, trusting the certificate file {}. {ONLY_IF_TOLD}",
            server.to, ca.to
        ),
        (None, Some(ca)) => format!(
            "You are about to trust a different certificate file for the portal server: {}. {ONLY_IF_TOLD}",
            ca.to
        ),
    };
    Some(ServerChange {
        server_url: server,
        ca_file: ca,
        message,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn current() -> Settings {
        Settings {
            server_url: "https://portal.example:8443".into(),
            ca_file: "/srv/ca.pem".into(),
            managed: Default::default(),
            workstation: None,
            language: None,
        }
    }

    #[test]
    fn the_same_settings_need_no_confirmation() {
        assert_eq!(between(&current(), "https://portal.example:8443", "/srv/ca.pem"), None);
    }

    #[test]
    fn another_server_is_described() {
        let change = between(&current(), "https://other.example", "/srv/ca.pem").expect("change");
        assert_eq!(
            change.server_url,
            Some(Change {
                from: "https://portal.example:8443".into(),
                to: "https://other.example".into()
            })
        );
        assert_eq!(change.ca_file, None);
        assert_eq!(
            change.message,
            "You are about to connect to a different portal server: https://other.example. Only continue if the practice told you to."
        );
    }

    #[test]
    fn another_ca_file_is_described() {
        let change = between(&current(), "https://portal.example:8443", "/tmp/other.pem").expect("change");
        assert_eq!(change.server_url, None);
        assert_eq!(change.ca_file.as_ref().map(|c| c.to.as_str()), Some("/tmp/other.pem"));
        assert!(change.message.contains("/tmp/other.pem") && change.message.ends_with(ONLY_IF_TOLD));

        let both = between(&current(), "https://other.example", "/tmp/other.pem").expect("change");
        assert!(both.server_url.is_some() && both.ca_file.is_some());
        assert!(both
            .message
            .starts_with("You are about to connect to a different portal server: https://other.example"));
    }

    #[test]
    fn outcomes_are_tagged_for_the_ui() {
        let saved = serde_json::to_value(SaveOutcome::Saved(current())).expect("json");
        assert_eq!(saved["status"], "saved");
        assert_eq!(saved["server_url"], "https://portal.example:8443");
        let change = between(&current(), "https://other.example", "/srv/ca.pem").expect("change");
        let asked = serde_json::to_value(SaveOutcome::NeedsConfirmation(change)).expect("json");
        assert_eq!(asked["status"], "needs_confirmation");
        assert_eq!(asked["server_url"]["to"], "https://other.example");
        assert!(asked["message"].as_str().is_some_and(|m| m.contains("Only continue")));
    }
}
