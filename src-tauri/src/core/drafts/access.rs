//! [`Drafts`] and who may reach the vault through it: the vault file, opened on first use, and
//! the signed-in user's unlocked vault, held from sign-in to sign-out. The only state that
//! lets a draft be read or written is `Unlocked`; every other state answers why not.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use portal_api::MessagingLimits;

use ring::rand::SystemRandom;
use zeroize::Zeroizing;

use crate::error::CommandError;
use crate::vault::cipher::DataKey;
use crate::vault::keys::{self, KeyHeader};
use crate::vault::{DraftVault, KdfParams, UnlockedVault, VaultError};

/// Where the drafts stand.
enum Access {
    /// Nobody signed in, signed out, or the session ended.
    Locked,
    Unlocked(Arc<UnlockedVault>),
    /// The vault on this computer was created under another pass-phrase (the account's was
    /// changed or reset elsewhere). It holds the check of the pass-phrase the person signed in
    /// with, so recovering or discarding those drafts can be refused a wrong one.
    PassphraseChanged(Option<Arc<SignedInCheck>>),
    /// The vault file could not be opened or the key could not be read.
    Unavailable,
    /// The vault file was made by a newer version of the app; it is kept, not changed.
    MadeByNewerApp,
}

/// Proof of the pass-phrase the server accepted at sign-in, kept while the drafts are locked
/// under a previous one: a random key wrapped under it exactly as a vault's key is (Argon2id),
/// so it can be checked without the server and is no easier to guess than the vault itself.
/// The pass-phrase itself is not kept.
pub(super) struct SignedInCheck {
    vault_user: String,
    header: KeyHeader,
}

impl SignedInCheck {
    /// A check of `passphrase` for `vault_user`, made with `kdf`; `None` if it could not be made.
    async fn new(vault_user: &str, passphrase: &[u8], kdf: KdfParams) -> Option<Arc<Self>> {
        let (user, pass) = (vault_user.to_owned(), Zeroizing::new(passphrase.to_vec()));
        let made = tokio::task::spawn_blocking(move || {
            let rng = SystemRandom::new();
            let key = DataKey::generate(&rng)?;
            keys::wrap(&rng, &user, &key, &pass, kdf).map(|header| Self {
                vault_user: user,
                header,
            })
        })
        .await;
        match made {
            Ok(Ok(check)) => Some(Arc::new(check)),
            _ => {
                tracing::warn!("the pass-phrase check could not be made");
                None
            }
        }
    }

    /// True when `passphrase` is the one signed in with, for `vault_user`.
    async fn accepts(self: Arc<Self>, vault_user: &str, passphrase: &[u8]) -> bool {
        if self.vault_user != vault_user {
            return false;
        }
        let pass = Zeroizing::new(passphrase.to_vec());
        tokio::task::spawn_blocking(move || keys::unwrap(&self.header, &self.vault_user, &pass).is_ok())
            .await
            .unwrap_or(false)
    }
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
    /// Whom the session acts for now (a patient's chart id; none: the person themselves):
    /// only the drafts begun for them are listed, opened, changed and sent (issue 12).
    acting_for: Mutex<Option<i64>>,
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
            acting_for: Mutex::new(None),
        }
    }

    /// The session acts for `patient` from now on (`None`: for the person themselves).
    pub fn set_acting_for(&self, patient: Option<i64>) {
        *self.acting_for.lock().unwrap_or_else(PoisonError::into_inner) = patient;
    }

    /// Whom the drafts are for now (see [`set_acting_for`](Self::set_acting_for)).
    pub fn acting_for(&self) -> Option<i64> {
        *self.acting_for.lock().unwrap_or_else(PoisonError::into_inner)
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

    #[cfg(any(test, feature = "test-support"))]
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
                Access::PassphraseChanged(SignedInCheck::new(vault_user, passphrase, self.kdf).await)
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

    /// True while the vault file is open (between a first use and [`close`](Self::close)).
    pub async fn is_file_open(&self) -> bool {
        self.file.lock().await.is_some()
    }

    /// Locks and closes the vault file (it is opened again on next use).
    pub async fn close(&self) {
        self.lock();
        let file = self.file.lock().await.take();
        if let Some(file) = file {
            file.close().await;
        }
    }

    /// The account's pass-phrase was just changed from `current` to `new` in this app: the
    /// data key of `vault_user`'s vault is wrapped under `new` (the drafts are not touched, and
    /// the vault stays unlocked). Answers whether the drafts are now under `new` (false when
    /// they were locked under a still older pass-phrase, which they stay under, or when the
    /// vault cannot be used).
    pub async fn passphrase_changed(&self, vault_user: &str, current: &[u8], new: &[u8]) -> bool {
        let file = match self.file().await {
            Ok(file) => file,
            Err(_) => return false,
        };
        if matches!(*self.access(), Access::PassphraseChanged(_)) {
            // The drafts stay under the previous pass-phrase; the check follows the account's.
            let check = SignedInCheck::new(vault_user, new, self.kdf).await;
            if let Access::PassphraseChanged(held) = &mut *self.access() {
                *held = check;
            }
            return false;
        }
        match file.rewrap(vault_user, current, new).await {
            Ok(()) => true,
            Err(error) => {
                tracing::warn!(%error, "the drafts could not be moved to the new pass-phrase");
                false
            }
        }
    }

    /// The drafts are locked under a previous pass-phrase: wraps their key under `current` (the
    /// one signed in with) if `previous` opens it, and unlocks them. Nothing to do when they
    /// are unlocked already.
    pub async fn recover(&self, vault_user: &str, previous: &[u8], current: &[u8]) -> Result<(), CommandError> {
        let file = self.locked_under_previous(vault_user, current).await?;
        let Some(file) = file else { return Ok(()) };
        match file.rewrap(vault_user, previous, current).await {
            Ok(()) => {}
            Err(VaultError::WrongPassphrase) => return Err(CommandError::PreviousPassphraseWrong),
            Err(error) => {
                tracing::warn!(%error, "the locked drafts could not be recovered");
                return Err(CommandError::VaultUnavailable);
            }
        }
        self.unlock(vault_user, current).await
    }

    /// The drafts are locked under a previous pass-phrase the person no longer has: deletes
    /// `vault_user`'s vault (no one else's) and makes a new, empty one under `current`.
    pub async fn discard_locked(&self, vault_user: &str, current: &[u8]) -> Result<(), CommandError> {
        let file = self.locked_under_previous(vault_user, current).await?;
        let Some(file) = file else { return Ok(()) };
        if let Err(error) = file.delete_user(vault_user).await {
            tracing::warn!(%error, "the locked drafts could not be deleted");
            return Err(CommandError::VaultUnavailable);
        }
        tracing::info!("drafts locked under a previous pass-phrase were discarded");
        self.unlock(vault_user, current).await
    }

    /// The vault file, when the drafts are locked under a previous pass-phrase and `current` is
    /// the one signed in with; `None` when they are unlocked (nothing to do); else why not.
    async fn locked_under_previous(
        &self,
        vault_user: &str,
        current: &[u8],
    ) -> Result<Option<DraftVault>, CommandError> {
        let state = match &*self.access() {
            Access::PassphraseChanged(check) => Ok(check.clone()),
            Access::Unlocked(_) => return Ok(None),
            _ => Err(()),
        };
        let Ok(check) = state else {
            return self.vault().map(|_| None);
        };
        let accepted = match check {
            Some(check) => check.accepts(vault_user, current).await,
            None => return Err(CommandError::VaultUnavailable),
        };
        if !accepted {
            return Err(CommandError::CurrentPassphraseWrong);
        }
        self.file().await.map(Some).map_err(|_| CommandError::VaultUnavailable)
    }

    /// The unlocked vault, or why there is none.
    pub(super) fn vault(&self) -> Result<Arc<UnlockedVault>, CommandError> {
        match &*self.access() {
            Access::Unlocked(vault) => Ok(Arc::clone(vault)),
            Access::Locked => Err(CommandError::VaultLocked),
            Access::PassphraseChanged(_) => Err(CommandError::VaultPassphraseChanged),
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
        assert_eq!(error.code(), "vault_previous_passphrase");
        assert!(error.to_string().contains("previous pass-phrase"), "{error}");
        assert_eq!(code(other.list().await), "vault_previous_passphrase");
        drafts.unlock(USER, b"pass phrase").await.unwrap();
        assert_eq!(drafts.load(&saved.draft_id).await.unwrap().body, "kept");

        // Another user of the same file has their own vault.
        other.unlock("4@localhost:8443", b"pass phrase").await.unwrap();
        assert!(other.list().await.unwrap().is_empty());
        assert_eq!(code(other.load(&saved.draft_id).await), "draft_not_found");
    }

    #[tokio::test]
    async fn a_passphrase_change_here_keeps_the_drafts_under_the_new_one() {
        let (dir, drafts) = unlocked().await;
        let saved = drafts.save(Draft::new("kept", "kept")).await.unwrap();
        assert!(
            drafts
                .passphrase_changed(USER, b"pass phrase", b"new pass phrase")
                .await
        );
        assert_eq!(
            drafts.load(&saved.draft_id).await.unwrap().body,
            "kept",
            "still unlocked"
        );
        let again = Drafts::new(Some(dir.path().join(DRAFTS_FILE)), FAST);
        assert_eq!(
            code(again.unlock(USER, b"pass phrase").await),
            "vault_previous_passphrase"
        );
        again.unlock(USER, b"new pass phrase").await.unwrap();
        assert_eq!(again.load(&saved.draft_id).await.unwrap().body, "kept");
    }

    #[tokio::test]
    async fn drafts_locked_under_a_previous_passphrase_are_recovered_with_it() {
        let (dir, drafts) = unlocked().await;
        let saved = drafts.save(Draft::new("kept", "kept")).await.unwrap();
        drafts.lock();
        // Reset elsewhere: signed in with the new pass-phrase, the drafts are locked.
        let after_reset = Drafts::new(Some(dir.path().join(DRAFTS_FILE)), FAST);
        assert_eq!(
            code(after_reset.unlock(USER, b"after reset").await),
            "vault_previous_passphrase"
        );
        assert_eq!(
            code(after_reset.recover(USER, b"pass phrase", b"not the current one").await),
            "wrong_passphrase",
            "the current pass-phrase must be the one signed in with"
        );
        let error = after_reset
            .recover(USER, b"wrong previous", b"after reset")
            .await
            .unwrap_err();
        assert_eq!(error.code(), "wrong_previous_passphrase");
        assert!(error.to_string().contains("saved under"), "{error}");
        assert_eq!(
            code(after_reset.list().await),
            "vault_previous_passphrase",
            "still locked"
        );
        after_reset.recover(USER, b"pass phrase", b"after reset").await.unwrap();
        assert_eq!(after_reset.load(&saved.draft_id).await.unwrap().body, "kept");
        // From now on the new pass-phrase opens them; recovering again does nothing.
        after_reset.recover(USER, b"anything", b"anything").await.unwrap();
        drafts.unlock(USER, b"after reset").await.unwrap();
        assert_eq!(drafts.list().await.unwrap().len(), 1);
    }

    #[tokio::test]
    async fn discarding_locked_drafts_deletes_only_this_users_and_starts_afresh() {
        let (dir, drafts) = unlocked().await;
        drafts.save(Draft::new("old", "old")).await.unwrap();
        let other_user = "4@localhost:8443";
        drafts.unlock(other_user, b"theirs").await.unwrap();
        let theirs = drafts.save(Draft::new("theirs", "theirs")).await.unwrap();
        drafts.lock();
        let after_reset = Drafts::new(Some(dir.path().join(DRAFTS_FILE)), FAST);
        assert_eq!(
            code(after_reset.unlock(USER, b"after reset").await),
            "vault_previous_passphrase"
        );
        assert_eq!(
            code(after_reset.discard_locked(USER, b"wrong").await),
            "wrong_passphrase"
        );
        after_reset.discard_locked(USER, b"after reset").await.unwrap();
        assert!(after_reset.list().await.unwrap().is_empty());
        after_reset.save(Draft::new("new", "new")).await.unwrap();
        assert_eq!(
            code(drafts.unlock(USER, b"pass phrase").await),
            "vault_previous_passphrase"
        );
        drafts.unlock(other_user, b"theirs").await.unwrap();
        assert_eq!(drafts.load(&theirs.draft_id).await.unwrap().body, "theirs");
    }

    #[tokio::test]
    async fn a_change_while_locked_under_a_previous_passphrase_follows_the_new_one() {
        let (dir, drafts) = unlocked().await;
        drafts.lock();
        let after_reset = Drafts::new(Some(dir.path().join(DRAFTS_FILE)), FAST);
        assert!(after_reset.unlock(USER, b"after reset").await.is_err());
        assert!(!after_reset.passphrase_changed(USER, b"after reset", b"newest").await);
        assert_eq!(
            code(after_reset.recover(USER, b"pass phrase", b"after reset").await),
            "wrong_passphrase"
        );
        after_reset.recover(USER, b"pass phrase", b"newest").await.unwrap();
        assert!(after_reset.is_unlocked());
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
