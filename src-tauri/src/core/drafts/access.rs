//! [`Drafts`] and who may reach the vault through it: the vault file, opened on first use, and
//! the signed-in user's unlocked vault, held from sign-in to sign-out. The only state that
//! lets a draft be read or written is `Unlocked`; every other state answers why not.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use portal_api::MessagingLimits;

use crate::error::CommandError;
use crate::vault::{DraftVault, KdfParams, UnlockedVault, VaultError};

/// Where the drafts stand.
enum Access {
    /// Nobody signed in, signed out, or the session ended.
    Locked,
    Unlocked(Arc<UnlockedVault>),
    /// The vault on this computer was created under another pass-phrase.
    PassphraseChanged,
    /// The vault file could not be opened or the key could not be read.
    Unavailable,
    /// The vault file was made by a newer version of the app; it is kept, not changed.
    MadeByNewerApp,
}

/// What opening a user's vault gave, to be put in place with [`Drafts::install`]. Split from
/// it so sign-in can unlock (Argon2: a fraction of a second) while it waits for the server,
/// and install the result at the moment the session is held.
pub struct Unlocking(Access);

impl Unlocking {
    /// True when the vault opened with the pass-phrase.
    pub fn is_unlocked(&self) -> bool {
        matches!(self.0, Access::Unlocked(_))
    }
}

/// The drafts of whoever is signed in (see the module's documentation). Its draft methods
/// answer `vault_locked` while nobody is.
pub struct Drafts {
    /// The vault file; `None` when the app has no data folder.
    path: Option<PathBuf>,
    /// Argon2 parameters for a vault created at first sign-in on this computer.
    kdf: KdfParams,
    /// Opened on first use and kept; retried at the next use if opening failed.
    file: tokio::sync::Mutex<Option<DraftVault>>,
    access: Mutex<Access>,
    /// Held by every read-modify-write of a draft's content (see `writing`).
    pub(super) writes: tokio::sync::Mutex<()>,
    /// What the service signed in to accepts (attachment size and count).
    limits: Mutex<MessagingLimits>,
}

impl std::fmt::Debug for Drafts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Drafts")
            .field("path", &self.path)
            .field("unlocked", &self.is_unlocked())
            .finish_non_exhaustive()
    }
}

impl Drafts {
    /// Drafts kept in the vault file at `path` (not opened yet). The app passes
    /// [`KdfParams::PRODUCTION`]; tests may pass cheaper parameters.
    pub fn new(path: Option<PathBuf>, kdf: KdfParams) -> Self {
        Self {
            path,
            kdf,
            file: tokio::sync::Mutex::new(None),
            access: Mutex::new(Access::Locked),
            writes: tokio::sync::Mutex::new(()),
            limits: Mutex::new(MessagingLimits::default()),
        }
    }

    /// Files are checked against `limits` from now on: the service's own, said at sign-in.
    pub fn set_limits(&self, limits: MessagingLimits) {
        *self.limits.lock().unwrap_or_else(PoisonError::into_inner) = limits;
    }

    /// The limits files are checked against.
    pub fn limits(&self) -> MessagingLimits {
        *self.limits.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The parameters a new vault is created with.
    pub fn kdf_params(&self) -> KdfParams {
        self.kdf
    }

    #[cfg(feature = "test-support")]
    pub(crate) fn set_kdf_params(&mut self, kdf: KdfParams) {
        self.kdf = kdf;
    }

    fn access(&self) -> MutexGuard<'_, Access> {
        self.access.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The vault file, opened now if it was not yet; or where the drafts stand without it.
    async fn file(&self) -> Result<DraftVault, Access> {
        let mut file = self.file.lock().await;
        if let Some(open) = file.as_ref() {
            return Ok(open.clone());
        }
        let Some(path) = self.path.as_deref() else {
            tracing::warn!("the app has no data folder; drafts cannot be saved");
            return Err(Access::Unavailable);
        };
        match DraftVault::open(path).await {
            Ok(open) => Ok(file.insert(open).clone()),
            Err(error) => {
                // The error names no draft content (a file from a newer app says so).
                tracing::warn!(%error, "the draft vault file could not be opened");
                Err(match error {
                    VaultError::UnknownSchema { .. } => Access::MadeByNewerApp,
                    _ => Access::Unavailable,
                })
            }
        }
    }

    /// Opens `vault_user`'s vault with `passphrase`, creating it on the first sign-in on this
    /// computer. Never fails: a vault that cannot be used is remembered as such, and the draft
    /// commands then say why. The pass-phrase is not kept.
    pub async fn open_user(&self, vault_user: &str, passphrase: &[u8]) -> Unlocking {
        let file = match self.file().await {
            Ok(file) => file,
            Err(unusable) => return Unlocking(unusable),
        };
        let result = match file.unlock(vault_user, passphrase).await {
            Err(VaultError::NoVault) => match file.create_user(vault_user, passphrase, self.kdf).await {
                // Created meanwhile by another sign-in: open that one.
                Err(VaultError::AlreadyExists) => file.unlock(vault_user, passphrase).await,
                created => created,
            },
            unlocked => unlocked,
        };
        Unlocking(match result {
            Ok(vault) => Access::Unlocked(Arc::new(vault)),
            Err(VaultError::WrongPassphrase) => {
                tracing::warn!(
                    "the drafts on this computer were saved under another pass-phrase; they are kept, locked"
                );
                Access::PassphraseChanged
            }
            Err(error) => {
                tracing::warn!(%error, "the draft vault could not be unlocked");
                Access::Unavailable
            }
        })
    }

    /// Puts what [`open_user`](Self::open_user) gave in place (a vault unlocked before is
    /// locked).
    pub fn install(&self, unlocking: Unlocking) {
        *self.access() = unlocking.0;
    }

    /// [`open_user`](Self::open_user) then [`install`](Self::install), answering the error the
    /// draft commands would answer if the vault is not usable.
    pub async fn unlock(&self, vault_user: &str, passphrase: &[u8]) -> Result<(), CommandError> {
        let unlocking = self.open_user(vault_user, passphrase).await;
        self.install(unlocking);
        self.vault().map(drop)
    }

    /// Sign-out, session end, idle sign-out: the data key is dropped (and wiped once a draft
    /// operation still running has finished with it).
    pub fn lock(&self) {
        *self.access() = Access::Locked;
    }

    /// True while a user's vault is unlocked.
    pub fn is_unlocked(&self) -> bool {
        matches!(*self.access(), Access::Unlocked(_))
    }

    /// Locks and closes the vault file (it is opened again on next use).
    pub async fn close(&self) {
        self.lock();
        let file = self.file.lock().await.take();
        if let Some(file) = file {
            file.close().await;
        }
    }

    /// The unlocked vault, or why there is none.
    pub(super) fn vault(&self) -> Result<Arc<UnlockedVault>, CommandError> {
        match &*self.access() {
            Access::Unlocked(vault) => Ok(Arc::clone(vault)),
            Access::Locked => Err(CommandError::VaultLocked),
            Access::PassphraseChanged => Err(CommandError::VaultPassphraseChanged),
            Access::Unavailable => Err(CommandError::VaultUnavailable),
            Access::MadeByNewerApp => Err(CommandError::VaultFromNewerApp),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::drafts::testing::{code, pdf, unlocked, FAST, USER};
    use crate::core::drafts::{Draft, DRAFTS_FILE};

    #[tokio::test]
    async fn locking_drops_access_until_unlocked_again() {
        let (dir, drafts) = unlocked().await;
        let saved = drafts.save(Draft::new("kept", "kept")).await.unwrap();
        assert!(drafts.is_unlocked());
        drafts.lock();
        assert!(!drafts.is_unlocked());
        let error = drafts.load(&saved.draft_id).await.unwrap_err();
        assert_eq!(error.code(), "vault_locked");
        assert_eq!(error.to_string(), "Your drafts are locked. Please sign in again.");
        assert_eq!(code(drafts.save(Draft::new("a", "b")).await), "vault_locked");
        assert_eq!(
            code(drafts.add_attachment(None, "a.pdf", &pdf(9)).await),
            "vault_locked"
        );
        assert_eq!(code(drafts.discard(&saved.draft_id).await), "vault_locked");

        // Another pass-phrase (changed on another computer): locked, with its own message,
        // and nothing deleted.
        let other = Drafts::new(Some(dir.path().join(DRAFTS_FILE)), FAST);
        let error = other.unlock(USER, b"a newer pass phrase").await.unwrap_err();
        assert_eq!(error.code(), "vault_locked");
        assert!(error.to_string().contains("previous pass-phrase"), "{error}");
        assert_eq!(code(other.list().await), "vault_locked");
        drafts.unlock(USER, b"pass phrase").await.unwrap();
        assert_eq!(drafts.load(&saved.draft_id).await.unwrap().body, "kept");

        // Another user of the same file has their own vault.
        other.unlock("4@localhost:8443", b"pass phrase").await.unwrap();
        assert!(other.list().await.unwrap().is_empty());
        assert_eq!(code(other.load(&saved.draft_id).await), "draft_not_found");
    }

    #[tokio::test]
    async fn without_a_usable_file_drafts_are_unavailable() {
        let none = Drafts::new(None, FAST);
        assert_eq!(code(none.unlock(USER, b"p").await), "vault_unavailable");
        assert_eq!(code(none.list().await), "vault_unavailable");
        let dir = tempfile::tempdir().unwrap();
        let not_a_folder = dir.path().join("file");
        std::fs::write(&not_a_folder, b"x").unwrap();
        let blocked = Drafts::new(Some(not_a_folder.join(DRAFTS_FILE)), FAST);
        assert_eq!(code(blocked.unlock(USER, b"p").await), "vault_unavailable");
        assert!(!blocked.is_unlocked());
    }

    #[tokio::test]
    async fn a_vault_file_from_a_newer_app_leaves_drafts_unavailable_and_says_why() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(DRAFTS_FILE);
        let drafts = Drafts::new(Some(path.clone()), FAST);
        drafts.unlock(USER, b"pass phrase").await.unwrap();
        drafts.close().await;
        let raw = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display()))
            .await
            .unwrap();
        sqlx::raw_sql("PRAGMA user_version = 999").execute(&raw).await.unwrap();
        raw.close().await;
        let opening = drafts.open_user(USER, b"pass phrase").await;
        assert!(!opening.is_unlocked());
        drafts.install(opening);
        let error = drafts.list().await.unwrap_err();
        assert_eq!(error.code(), "vault_unavailable");
        assert!(error.to_string().contains("newer version of Patient Portal"), "{error}");
    }
}
