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
//! change it.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::settings::{absolute, Settings};

pub const ENV_MANAGED_CONFIG: &str = "PORTAL_MANAGED_CONFIG";

/// A managed file is a few lines; anything larger is not one.
const MAX_MANAGED_FILE_BYTES: u64 = 64 * 1024;

/// What the managed file sets.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManagedConfig {
    pub server_url: Option<String>,
    pub ca_file: Option<String>,
}

/// Which settings the organization set, so the UI shows them read-only.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, TS)]
pub struct ManagedFields {
    pub server_url: bool,
    pub ca_file: bool,
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
        match bytes.map(|b| serde_json::from_slice::<Self>(&b)) {
            Some(Ok(config)) => config.cleaned(),
            _ => {
                tracing::warn!(path = %path.display(), "the managed configuration file cannot be used; ignoring it");
                Self::default()
            }
        }
    }

    /// Blank values count as not set.
    fn cleaned(self) -> Self {
        let clean = |v: Option<String>| v.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        Self {
            server_url: clean(self.server_url),
            ca_file: clean(self.ca_file),
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
        };
        let mut current = settings();
        managed.apply(&mut current, Path::new("/"));
        assert_eq!(current.ca_file, "/home/ana/ca.pem");
        assert!(current.managed.server_url && !current.managed.ca_file);
        assert!(!managed.forbids(&current, "https://portal.clinic.example", "/tmp/other.pem"));
    }
}
