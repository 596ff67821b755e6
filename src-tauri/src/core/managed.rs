//! The machine-wide managed configuration of clinic workstations: a JSON file an organization
//! installs to fix the portal server and CA file, so nobody at the sign-in screen can change
//! them.
//!
//! Where it is: `PORTAL_MANAGED_CONFIG` when set (for tests and unusual installs), else
//! - Linux and others: `/etc/patient-portal/managed.json`
//! - macOS: `/Library/Application Support/Patient Portal/managed.json`
//! - Windows: `%ProgramData%\Patient Portal\managed.json`
//!
//! It may set `server_url` and `ca_file` (see `docs/managed-config.example.json`); a value it
//! sets wins over the environment and the stored preferences, and `save_settings` refuses to
//! change it. It may also turn on workstation mode for shared clinic computers
//! (`workstation_mode`, with `idle_lock_minutes`, [`DEFAULT_IDLE_LOCK_MINUTES`] by default):
//! no email address is remembered, and the screen locks after that many idle minutes (see
//! `core::workstation`). Nothing at the sign-in screen can change these. And it may set
//! `update_url`, the `https://` address where the app looks for signed updates (see
//! `crate::updates`).

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::settings::{absolute, ManagedFields, Settings, Workstation};
use crate::updates::source::{parse_address, UpdateSourceError};

pub const ENV_MANAGED_CONFIG: &str = "PORTAL_MANAGED_CONFIG";

/// The idle minutes before the screen locks in workstation mode when the file does not say.
pub const DEFAULT_IDLE_LOCK_MINUTES: u64 = 5;
/// The idle minutes the file may set: at least one, at most an hour (the portal server's own
/// idle timeout, 15 minutes by default, usually ends the session before a longer lock).
pub const IDLE_LOCK_MINUTES: std::ops::RangeInclusive<u64> = 1..=60;
/// Debug builds only (the real-app tests): the idle seconds before the screen locks in
/// workstation mode, instead of the file's minutes. Release builds ignore it.
pub const ENV_IDLE_LOCK_SECS_FOR_TESTS: &str = "PORTAL_TEST_IDLE_LOCK_SECS";

/// A managed file is a few lines; anything larger is not one.
const MAX_MANAGED_FILE_BYTES: u64 = 64 * 1024;

/// What the managed file sets.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManagedConfig {
    pub server_url: Option<String>,
    pub ca_file: Option<String>,
    /// A shared clinic computer: no email address remembered, the screen locks when idle.
    pub workstation_mode: Option<bool>,
    /// In workstation mode, the idle minutes before the screen locks (within
    /// [`IDLE_LOCK_MINUTES`]; [`DEFAULT_IDLE_LOCK_MINUTES`] when not set).
    pub idle_lock_minutes: Option<u64>,
    /// Where the app looks for signed updates (`https://` only); none: the app never looks.
    pub update_url: Option<String>,
}

/// Why the managed file cannot be used, in words for the administrator who wrote it (logged).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ManagedConfigError {
    #[error("the file is not valid JSON with only the keys server_url, ca_file, workstation_mode, idle_lock_minutes and update_url: {0}")]
    NotUnderstood(String),
    #[error("update_url: {0}")]
    UpdateUrl(UpdateSourceError),
    #[error("idle_lock_minutes must be a whole number of minutes from {min} to {max}, not {given}", min = IDLE_LOCK_MINUTES.start(), max = IDLE_LOCK_MINUTES.end())]
    IdleLockMinutes { given: u64 },
}

/// The managed file's place on this system (`PORTAL_MANAGED_CONFIG` first).
pub fn default_path() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(ENV_MANAGED_CONFIG).filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(path));
    }
    if cfg!(target_os = "windows") {
        let data = std::env::var_os("ProgramData")?;
        Some(PathBuf::from(data).join("Patient Portal").join("managed.json"))
    } else if cfg!(target_os = "macos") {
        Some(PathBuf::from(
            "/Library/Application Support/Patient Portal/managed.json",
        ))
    } else {
        Some(PathBuf::from("/etc/patient-portal/managed.json"))
    }
}

impl ManagedConfig {
    /// The managed file at its place on this system; none when there is no file.
    pub fn from_system() -> Self {
        default_path().map(|path| Self::load(&path)).unwrap_or_default()
    }

    /// The file at `path`: none when it does not exist. A file that is there but cannot be
    /// read or understood is logged and counts as none (its path is the organization's, not
    /// health data).
    pub fn load(path: &Path) -> Self {
        let bytes = match std::fs::metadata(path) {
            Err(_) => return Self::default(),
            Ok(meta) if !meta.is_file() || meta.len() > MAX_MANAGED_FILE_BYTES => None,
            Ok(_) => std::fs::read(path).ok(),
        };
        let Some(bytes) = bytes else {
            tracing::warn!(path = %path.display(), "the managed configuration file cannot be read; ignoring it");
            return Self::default();
        };
        match Self::parse(&bytes) {
            Ok(config) => config,
            Err(error) => {
                tracing::error!(path = %path.display(), %error, "the managed configuration file cannot be used; ignoring it");
                Self::default()
            }
        }
    }

    /// The file's content, checked: only the known keys, and `idle_lock_minutes` within
    /// [`IDLE_LOCK_MINUTES`] (a negative or fractional number is not understood).
    pub fn parse(bytes: &[u8]) -> Result<Self, ManagedConfigError> {
        let config = serde_json::from_slice::<Self>(bytes)
            .map_err(|error| ManagedConfigError::NotUnderstood(error.to_string()))?;
        if let Some(given) = config.idle_lock_minutes {
            if !IDLE_LOCK_MINUTES.contains(&given) {
                return Err(ManagedConfigError::IdleLockMinutes { given });
            }
        }
        let config = config.cleaned();
        if let Some(url) = &config.update_url {
            parse_address(url).map_err(ManagedConfigError::UpdateUrl)?;
        }
        Ok(config)
    }

    /// Workstation mode, when the file turns it on: the screen locks after
    /// `idle_lock_minutes` (in debug builds [`ENV_IDLE_LOCK_SECS_FOR_TESTS`] may set seconds).
    pub fn workstation(&self) -> Option<Workstation> {
        if self.workstation_mode != Some(true) {
            return None;
        }
        let minutes = self.idle_lock_minutes.unwrap_or(DEFAULT_IDLE_LOCK_MINUTES);
        let mut idle_lock_secs = minutes * 60;
        if cfg!(debug_assertions) {
            if let Some(secs) = std::env::var(ENV_IDLE_LOCK_SECS_FOR_TESTS)
                .ok()
                .and_then(|v| v.trim().parse::<u64>().ok())
                .filter(|s| *s > 0)
            {
                idle_lock_secs = secs;
            }
        }
        Some(Workstation { idle_lock_secs })
    }

    /// Blank values count as not set.
    fn cleaned(self) -> Self {
        let clean = |v: Option<String>| v.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        Self {
            server_url: clean(self.server_url),
            ca_file: clean(self.ca_file),
            update_url: clean(self.update_url),
            ..self
        }
    }

    /// The settings with the managed values in force (relative CA paths against `base_dir`).
    pub fn apply(&self, settings: &mut Settings, base_dir: &Path) {
        if let Some(url) = &self.server_url {
            settings.server_url = url.clone();
        }
        if let Some(ca) = &self.ca_file {
            settings.ca_file = absolute(ca, base_dir).display().to_string();
        }
        settings.managed = self.fields();
        settings.workstation = self.workstation();
    }

    pub fn fields(&self) -> ManagedFields {
        ManagedFields {
            server_url: self.server_url.is_some(),
            ca_file: self.ca_file.is_some(),
        }
    }

    /// Whether saving `server_url` and `ca_file` (checked, normalised) would change a value the
    /// organization set.
    pub fn forbids(&self, current: &Settings, server_url: &str, ca_file: &str) -> bool {
        (self.server_url.is_some() && current.server_url != server_url)
            || (self.ca_file.is_some() && current.ca_file != ca_file)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> Settings {
        Settings {
            server_url: "https://home.example".into(),
            ca_file: "/home/ana/ca.pem".into(),
            managed: ManagedFields::default(),
            workstation: None,
            language: None,
        }
    }

    #[test]
    fn a_missing_or_broken_file_sets_nothing() {
        let dir = tempfile::tempdir().expect("temp dir");
        assert_eq!(
            ManagedConfig::load(&dir.path().join("none.json")),
            ManagedConfig::default()
        );
        let broken = dir.path().join("broken.json");
        std::fs::write(&broken, "{ not json").expect("write");
        assert_eq!(ManagedConfig::load(&broken), ManagedConfig::default());
        std::fs::write(&broken, r#"{"server_url": "https://x.example", "extra": 1}"#).expect("write");
        assert_eq!(ManagedConfig::load(&broken), ManagedConfig::default());
    }

    #[test]
    fn a_managed_file_fixes_the_server_and_ca() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("managed.json");
        std::fs::write(
            &path,
            r#"{"server_url": " https://portal.clinic.example ", "ca_file": "tls/clinic-ca.pem"}"#,
        )
        .expect("write");
        let managed = ManagedConfig::load(&path);
        let mut current = settings();
        managed.apply(&mut current, Path::new("/opt/portal"));
        assert_eq!(current.server_url, "https://portal.clinic.example");
        assert_eq!(current.ca_file, "/opt/portal/tls/clinic-ca.pem");
        assert_eq!(
            current.managed,
            ManagedFields {
                server_url: true,
                ca_file: true
            }
        );
        assert!(!managed.forbids(
            &current,
            "https://portal.clinic.example",
            "/opt/portal/tls/clinic-ca.pem"
        ));
        assert!(managed.forbids(&current, "https://evil.example", "/opt/portal/tls/clinic-ca.pem"));
        assert!(managed.forbids(&current, "https://portal.clinic.example", "/tmp/other.pem"));
    }

    #[test]
    fn only_the_values_set_are_fixed() {
        let managed = ManagedConfig {
            server_url: Some("https://portal.clinic.example".into()),
            ca_file: None,
            ..ManagedConfig::default()
        };
        let mut current = settings();
        managed.apply(&mut current, Path::new("/"));
        assert_eq!(current.ca_file, "/home/ana/ca.pem");
        assert!(current.managed.server_url && !current.managed.ca_file);
        assert!(!managed.forbids(&current, "https://portal.clinic.example", "/tmp/other.pem"));
    }

    #[test]
    fn workstation_mode_locks_after_five_minutes_unless_the_file_says() {
        let parse = |json: &str| ManagedConfig::parse(json.as_bytes());
        assert_eq!(parse("{}").expect("empty").workstation(), None);
        assert_eq!(
            parse(r#"{"idle_lock_minutes": 10}"#)
                .expect("minutes alone")
                .workstation(),
            None,
            "minutes without workstation mode change nothing"
        );
        assert_eq!(
            parse(r#"{"workstation_mode": false}"#).expect("off").workstation(),
            None
        );
        let on = parse(r#"{"workstation_mode": true}"#).expect("on");
        if std::env::var_os(ENV_IDLE_LOCK_SECS_FOR_TESTS).is_none() {
            assert_eq!(on.workstation(), Some(Workstation { idle_lock_secs: 300 }));
            let ten = parse(r#"{"workstation_mode": true, "idle_lock_minutes": 10}"#).expect("ten");
            assert_eq!(ten.workstation(), Some(Workstation { idle_lock_secs: 600 }));
            let mut current = settings();
            ten.apply(&mut current, Path::new("/"));
            assert_eq!(current.workstation, Some(Workstation { idle_lock_secs: 600 }));
            assert_eq!(
                current.server_url, "https://home.example",
                "the server is not fixed by it"
            );
        }
    }

    #[test]
    fn bad_idle_minutes_are_refused_with_a_clear_error() {
        for (json, expected) in [
            (
                r#"{"workstation_mode": true, "idle_lock_minutes": 0}"#,
                "idle_lock_minutes must be a whole number of minutes from 1 to 60, not 0",
            ),
            (
                r#"{"workstation_mode": true, "idle_lock_minutes": 61}"#,
                "idle_lock_minutes must be a whole number of minutes from 1 to 60, not 61",
            ),
        ] {
            let error = ManagedConfig::parse(json.as_bytes()).expect_err(json);
            assert_eq!(error.to_string(), expected);
        }
        for json in [
            r#"{"idle_lock_minutes": -1}"#,
            r#"{"idle_lock_minutes": 2.5}"#,
            r#"{"idle_lock_minutes": "5"}"#,
            r#"{"workstation_mode": "yes"}"#,
            r#"{"workstation": true}"#,
        ] {
            let error = ManagedConfig::parse(json.as_bytes()).expect_err(json);
            assert!(matches!(error, ManagedConfigError::NotUnderstood(_)), "{json}: {error}");
        }
        assert_eq!(
            ManagedConfig::parse(br#"{"update_url": "http://updates.clinic.example/latest.json"}"#)
                .expect_err("http")
                .to_string(),
            "update_url: the update address must start with https://"
        );
        assert_eq!(
            ManagedConfig::parse(br#"{"update_url": " https://portal.clinic.example/updates/latest.json "}"#)
                .expect("https")
                .update_url
                .as_deref(),
            Some("https://portal.clinic.example/updates/latest.json")
        );
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("managed.json");
        std::fs::write(&path, r#"{"server_url": "https://x.example", "idle_lock_minutes": 0}"#).expect("write");
        assert_eq!(
            ManagedConfig::load(&path),
            ManagedConfig::default(),
            "a bad file is ignored whole"
        );
    }
}
