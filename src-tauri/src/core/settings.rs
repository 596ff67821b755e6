//! Where the app finds the portal: the server address and the certificate authority (CA) file
//! it trusts, and the language the person chose with the app's switch. These are preferences,
//! kept by a [`PreferencesStore`]; nothing else is stored, and never health data, secrets or
//! who signed in (not even the last email address: on a shared computer it would tell the next
//! person who uses the portal here).
//!
//! Start-up values: `PORTAL_SERVER_URL` / `PORTAL_CA_FILE` when set, else the stored
//! preferences, else [`DEFAULT_SERVER_URL`] and [`DEFAULT_CA_FILE`] (made absolute).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use portal_api::client::{parse_server_url, PortalClient};
use portal_api::Language;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::public_ca;
use crate::error::{CaFileProblem, CommandError};

pub const DEFAULT_SERVER_URL: &str = "https://localhost:8443";
/// Where `portal-server` writes its CA on first start, relative to the folder the app starts in.
pub const DEFAULT_CA_FILE: &str = "portal-data/tls/ca.pem";
pub const ENV_SERVER_URL: &str = "PORTAL_SERVER_URL";
pub const ENV_CA_FILE: &str = "PORTAL_CA_FILE";

/// A CA file is a few kilobytes; anything much larger is not one.
const MAX_CA_FILE_BYTES: u64 = 1024 * 1024;

/// Which settings the organization set in the managed configuration (`managed`), so the UI
/// shows them read-only.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, TS)]
pub struct ManagedFields {
    pub server_url: bool,
    pub ca_file: bool,
}

/// Workstation mode (a shared clinic computer), as the managed configuration sets it (see
/// `core::managed` and `core::workstation`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
pub struct Workstation {
    /// The screen locks after this many seconds without activity.
    pub idle_lock_secs: u64,
}

/// The settings in force, as `get_settings` and `save_settings` answer them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Settings {
    pub server_url: String,
    pub ca_file: String,
    /// Which of these the organization's managed configuration sets (read-only in the UI).
    pub managed: ManagedFields,
    /// Workstation mode (a shared clinic computer), set only by the managed configuration:
    /// null outside it.
    pub workstation: Option<Workstation>,
    /// The language the person chose with the app's switch, kept between runs; null when
    /// they never chose (the app follows the operating system's language).
    pub language: Option<Language>,
}

/// What the preferences store holds. Every field is optional: a fresh install has none.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preferences {
    pub server_url: Option<String>,
    pub ca_file: Option<String>,
    /// Chosen with the app's switch (see [`Settings::language`]).
    pub language: Option<Language>,
}

#[derive(Debug, thiserror::Error)]
#[error("preferences store: {0}")]
pub struct PreferencesError(pub String);

/// Keeps [`Preferences`] between runs (tauri-plugin-store in the app, memory in tests).
pub trait PreferencesStore: Send + Sync {
    fn load(&self) -> Result<Preferences, PreferencesError>;
    fn save(&self, preferences: &Preferences) -> Result<(), PreferencesError>;
}

impl<T: PreferencesStore + ?Sized> PreferencesStore for std::sync::Arc<T> {
    fn load(&self) -> Result<Preferences, PreferencesError> {
        (**self).load()
    }

    fn save(&self, preferences: &Preferences) -> Result<(), PreferencesError> {
        (**self).save(preferences)
    }
}

/// A store that forgets everything when dropped, for tests and as a fallback.
#[derive(Debug, Default)]
pub struct MemoryPreferences {
    saved: Mutex<Preferences>,
}

impl MemoryPreferences {
    pub fn new(preferences: Preferences) -> Self {
        Self {
            saved: Mutex::new(preferences),
        }
    }

    /// What was saved last.
    pub fn saved(&self) -> Preferences {
        self.saved
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }
}

impl PreferencesStore for MemoryPreferences {
    fn load(&self) -> Result<Preferences, PreferencesError> {
        Ok(self.saved())
    }

    fn save(&self, preferences: &Preferences) -> Result<(), PreferencesError> {
        *self.saved.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = preferences.clone();
        Ok(())
    }
}

/// Values from the environment that win over stored preferences at start-up.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StartupOverrides {
    pub server_url: Option<String>,
    pub ca_file: Option<String>,
}

impl StartupOverrides {
    /// `PORTAL_SERVER_URL` and `PORTAL_CA_FILE`, when set and not blank.
    pub fn from_env() -> Self {
        let var = |name| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        Self {
            server_url: var(ENV_SERVER_URL),
            ca_file: var(ENV_CA_FILE),
        }
    }
}

impl Settings {
    /// The settings at start-up: overrides, else stored preferences, else the defaults.
    /// Relative CA paths are resolved against `base_dir` (the folder the app started in).
    pub fn at_startup(stored: &Preferences, overrides: &StartupOverrides, base_dir: &Path) -> Self {
        let server_url = overrides
            .server_url
            .clone()
            .or_else(|| stored.server_url.clone())
            .unwrap_or_else(|| DEFAULT_SERVER_URL.to_owned());
        let ca_file = overrides
            .ca_file
            .clone()
            .or_else(|| stored.ca_file.clone())
            .unwrap_or_else(|| DEFAULT_CA_FILE.to_owned());
        Self {
            server_url: server_url.trim().to_owned(),
            ca_file: absolute(ca_file.trim(), base_dir).display().to_string(),
            managed: ManagedFields::default(),
            workstation: None,
            language: stored.language,
        }
    }
}

/// A language tag the UI sends ("en" or "es"), or the error that says which are accepted.
pub fn parse_language(tag: &str) -> Result<Language, CommandError> {
    Language::ALL
        .into_iter()
        .find(|language| language.as_str() == tag)
        .ok_or(CommandError::Invalid(
            "The language must be \"en\" (English) or \"es\" (Spanish).",
        ))
}

/// A server address and CA file that were checked: the address is `https://`, and the file
/// can be read, holds at least one PEM certificate and no public CA (see [`public_ca`]).
/// Checking builds the client, which is kept for the request that needed the check.
#[derive(Debug, Clone)]
pub struct ServerConnection {
    pub server_url: String,
    pub ca_file: PathBuf,
    /// A client for this server that trusts only this CA.
    pub client: PortalClient,
}

impl ServerConnection {
    pub fn check(server_url: &str, ca_file: &str, base_dir: &Path) -> Result<Self, CommandError> {
        let server_url = server_url.trim();
        parse_server_url(server_url).map_err(|_| CommandError::InvalidServerUrl)?;
        let ca_file = ca_file.trim();
        if ca_file.is_empty() {
            return Err(CommandError::CaFile(CaFileProblem::Missing));
        }
        let ca_file = absolute(ca_file, base_dir);
        let ca_pem = read_small_file(&ca_file).ok_or(CommandError::CaFile(CaFileProblem::Unreadable))?;
        // A bundle of public roots would let any public site pass as the practice's server.
        public_ca::check_against_system(&ca_pem).map_err(|_| CommandError::CaFile(CaFileProblem::PublicAuthorities))?;
        // Building the client parses the PEM and adds every certificate to its trust store (the
        // address was checked above, so a failure here is the file's).
        let client =
            PortalClient::new(server_url, &ca_pem).map_err(|_| CommandError::CaFile(CaFileProblem::NotACertificate))?;
        Ok(Self {
            server_url: server_url.to_owned(),
            ca_file,
            client,
        })
    }
}

fn read_small_file(path: &Path) -> Option<Vec<u8>> {
    let file = std::fs::File::open(path).ok()?;
    if !file.metadata().ok()?.is_file() {
        return None;
    }
    let mut bytes = Vec::new();
    file.take(MAX_CA_FILE_BYTES + 1).read_to_end(&mut bytes).ok()?;
    (bytes.len() as u64 <= MAX_CA_FILE_BYTES).then_some(bytes)
}

/// `path` made absolute against `base_dir` (without touching the file system).
pub fn absolute(path: &str, base_dir: &Path) -> PathBuf {
    let path = Path::new(path);
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        base_dir.join(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CA_PEM: &[u8] = include_bytes!("../../../backend/api/tests/fixtures/test-ca.pem");

    fn dir_with_ca() -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("ca.pem"), CA_PEM).expect("write CA");
        std::fs::write(dir.path().join("notes.txt"), "not a certificate").expect("write");
        dir
    }

    #[test]
    fn start_up_prefers_environment_then_stored_then_defaults() {
        let base = Path::new("/opt/portal");
        let stored = Preferences {
            server_url: Some("https://stored.example".into()),
            ca_file: Some("/etc/stored-ca.pem".into()),
            language: Some(Language::Spanish),
        };
        let env = StartupOverrides {
            server_url: Some("https://env.example:9443".into()),
            ca_file: Some("env/ca.pem".into()),
        };
        let settings = Settings::at_startup(&stored, &env, base);
        assert_eq!(settings.server_url, "https://env.example:9443");
        assert_eq!(settings.ca_file, "/opt/portal/env/ca.pem");

        assert_eq!(
            settings.language,
            Some(Language::Spanish),
            "no override for the language"
        );

        let settings = Settings::at_startup(&stored, &StartupOverrides::default(), base);
        assert_eq!(settings.server_url, "https://stored.example");
        assert_eq!(settings.ca_file, "/etc/stored-ca.pem");

        let settings = Settings::at_startup(&Preferences::default(), &StartupOverrides::default(), base);
        assert_eq!(settings.server_url, DEFAULT_SERVER_URL);
        assert_eq!(settings.ca_file, "/opt/portal/portal-data/tls/ca.pem");
        assert_eq!(settings.language, None, "never chosen: the system's is followed");
    }

    #[test]
    fn only_english_and_spanish_are_languages() {
        assert_eq!(parse_language("en").expect("en"), Language::English);
        assert_eq!(parse_language("es").expect("es"), Language::Spanish);
        for bad in ["", "fr", "EN", "es-MX", " es", "english", "\u{0}"] {
            let err = parse_language(bad).expect_err(bad);
            assert_eq!(err.code(), "validation", "{bad:?}");
            assert_eq!(
                err.to_string(),
                "The language must be \"en\" (English) or \"es\" (Spanish)."
            );
        }
    }

    #[test]
    fn only_https_addresses_are_accepted() {
        let dir = dir_with_ca();
        for bad in [
            "http://localhost:8443",
            "localhost:8443",
            "https://",
            "",
            "https://u:p@host",
            "ftp://x",
        ] {
            let err = ServerConnection::check(bad, "ca.pem", dir.path()).expect_err(bad);
            assert_eq!(err.code(), "invalid_server_url", "{bad}");
        }
        let ok = ServerConnection::check(" https://portal.example:8443 ", "ca.pem", dir.path()).expect("valid");
        assert_eq!(ok.server_url, "https://portal.example:8443");
        assert_eq!(ok.ca_file, dir.path().join("ca.pem"));
    }

    #[test]
    fn the_ca_file_must_exist_and_hold_a_certificate() {
        let dir = dir_with_ca();
        let url = "https://portal.example";
        let problem = |file: &str| match ServerConnection::check(url, file, dir.path()) {
            Err(CommandError::CaFile(problem)) => Some(problem),
            Err(other) => panic!("{file}: unexpected {other:?}"),
            Ok(_) => None,
        };
        assert_eq!(problem(""), Some(CaFileProblem::Missing));
        assert_eq!(problem("   "), Some(CaFileProblem::Missing));
        assert_eq!(problem("missing.pem"), Some(CaFileProblem::Unreadable));
        assert_eq!(problem("."), Some(CaFileProblem::Unreadable));
        assert_eq!(problem("notes.txt"), Some(CaFileProblem::NotACertificate));
        assert_eq!(problem("ca.pem"), None);
        let absolute = dir.path().join("ca.pem").display().to_string();
        assert_eq!(problem(&absolute), None);
    }

    #[test]
    fn a_bundle_of_public_authorities_is_refused() {
        let dir = dir_with_ca();
        let bundle = dir.path().join("bundle.pem");
        std::fs::write(&bundle, CA_PEM.repeat(4)).expect("write bundle");
        let err = ServerConnection::check("https://portal.example", "bundle.pem", dir.path()).expect_err("bundle");
        assert_eq!(err.code(), "ca_file");
        assert_eq!(
            err.to_string(),
            "This file holds public certificate authorities. Choose the practice's own CA file (ask the practice's IT)."
        );
    }

    #[test]
    fn large_files_are_not_read_whole() {
        let dir = tempfile::tempdir().expect("temp dir");
        let big = dir.path().join("big.pem");
        std::fs::write(&big, vec![b'A'; 2 * 1024 * 1024]).expect("write");
        assert!(read_small_file(&big).is_none());
    }

    #[test]
    fn memory_preferences_keep_what_was_saved() {
        let store = MemoryPreferences::default();
        assert_eq!(store.load().expect("load"), Preferences::default());
        let prefs = Preferences {
            server_url: Some("https://portal.example".into()),
            language: Some(Language::Spanish),
            ..Preferences::default()
        };
        store.save(&prefs).expect("save");
        assert_eq!(store.load().expect("load"), prefs);
    }
}
