//! Message drafts, kept in the local encrypted vault (DESIGN.md, "Local draft vault") while
//! the patient types, so they survive a quit, a crash or an idle sign-out.
//!
//! [`Drafts`] holds the vault file (opened on first use) and, between sign-in and sign-out,
//! the signed-in user's unlocked vault. It does what the draft commands do, as plain async
//! Rust, and offers the send path what it needs ([`Drafts::load_for_send`],
//! [`Drafts::remember_send_state`], [`Drafts::delete`]).
//!
//! - One draft is one sealed record holding its [`DraftContent`] as JSON, written on every
//!   autosave; each attached file is its own sealed record, written once.
//! - Changes that read the stored content and write it back take one lock, so an autosave
//!   and an attachment added at the same moment cannot undo each other.
//! - Nothing here logs or returns draft text, subjects, file names or the pass-phrase.

pub mod filename;
pub mod model;

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use chrono::{DateTime, Utc};
use portal_api::media::sniff;
use portal_api::{MessagingLimits, MAX_BODY_CHARS, MAX_SUBJECT_CHARS};
use ring::rand::{SecureRandom, SystemRandom};
use zeroize::Zeroizing;

use crate::error::CommandError;
use crate::vault::seal::RecordBuffer;
use crate::vault::{DraftStatus as VaultStatus, DraftVault, KdfParams, UnlockedVault, VaultError};
pub use model::{AddedAttachment, Draft, DraftAttachment, DraftContent, DraftStatus, DraftSummary, SavedDraft};

/// The vault's file name in the app's data folder.
pub const DRAFTS_FILE: &str = "drafts.db";

/// Largest file that can be attached until the service has said its own limit (10 MiB, a
/// service's default; see [`Drafts::set_limits`]).
pub const MAX_ATTACHMENT_BYTES: usize = portal_api::DEFAULT_MAX_ATTACHMENT_BYTES as usize;

/// Longest vault user id (`seal::check_id` accepts up to 128 bytes).
const MAX_VAULT_USER_LEN: usize = 128;

/// Where the drafts stand: the only state that lets a draft be read or written is `Unlocked`.
enum Access {
    /// Nobody signed in, signed out, or the session ended.
    Locked,
    Unlocked(Arc<UnlockedVault>),
    /// The vault on this computer was created under another pass-phrase.
    PassphraseChanged,
    /// The vault file could not be opened or the key could not be read.
    Unavailable,
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
    /// Held by every read-modify-write of a draft's content.
    writes: tokio::sync::Mutex<()>,
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

    /// The vault file, opened now if it was not yet.
    async fn file(&self) -> Option<DraftVault> {
        let mut file = self.file.lock().await;
        if let Some(open) = file.as_ref() {
            return Some(open.clone());
        }
        let Some(path) = self.path.as_deref() else {
            tracing::warn!("the app has no data folder; drafts cannot be saved");
            return None;
        };
        match DraftVault::open(path).await {
            Ok(open) => Some(file.insert(open).clone()),
            Err(error) => {
                tracing::warn!(%error, "the draft vault file could not be opened");
                None
            }
        }
    }

    /// Opens `vault_user`'s vault with `passphrase`, creating it on the first sign-in on this
    /// computer. Never fails: a vault that cannot be used is remembered as such, and the draft
    /// commands then say why. The pass-phrase is not kept.
    pub async fn open_user(&self, vault_user: &str, passphrase: &[u8]) -> Unlocking {
        let Some(file) = self.file().await else {
            return Unlocking(Access::Unavailable);
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
    fn vault(&self) -> Result<Arc<UnlockedVault>, CommandError> {
        match &*self.access() {
            Access::Unlocked(vault) => Ok(Arc::clone(vault)),
            Access::Locked => Err(CommandError::VaultLocked),
            Access::PassphraseChanged => Err(CommandError::VaultPassphraseChanged),
            Access::Unavailable => Err(CommandError::VaultUnavailable),
        }
    }

    /// `list_drafts`: every draft, most recently saved first. A draft that fails to open is
    /// listed as damaged this once and set aside.
    pub async fn list(&self) -> Result<Vec<DraftSummary>, CommandError> {
        let vault = self.vault()?;
        let opened = vault.list_drafts_with_content().await.map_err(vault_error)?;
        let mut summaries = Vec::with_capacity(opened.len());
        for draft in opened {
            let entry = draft.entry;
            let content = match (entry.status, draft.plaintext) {
                (VaultStatus::Ok, Some(plaintext)) => match decode(&plaintext) {
                    Some(content) => Some(content),
                    None => {
                        self.set_aside(&vault, &entry.draft_id).await;
                        None
                    }
                },
                _ => None,
            };
            summaries.push(DraftSummary {
                thread_id: content.as_ref().and_then(|c| c.thread_id),
                subject: content.as_ref().map(|c| c.subject.clone()).unwrap_or_default(),
                updated_at: time_of(entry.updated_at_ms),
                status: if content.is_some() {
                    DraftStatus::Ok
                } else {
                    DraftStatus::Damaged
                },
                draft_id: entry.draft_id,
            });
        }
        Ok(summaries)
    }

    /// `load_draft`
    pub async fn load(&self, draft_id: &str) -> Result<Draft, CommandError> {
        let vault = self.vault()?;
        let content = self.content(&vault, draft_id).await?;
        Ok(Draft::from_content(draft_id, &content))
    }

    /// `save_draft` (every autosave): the subject, body, category and thread of `draft` are
    /// saved as the draft's next version; its attachments and send state are kept as stored.
    /// A draft without an id is created with a new random one.
    pub async fn save(&self, mut draft: Draft) -> Result<SavedDraft, CommandError> {
        check_text(&draft)?;
        let vault = self.vault()?;
        let _writing = self.writes.lock().await;
        let (draft_id, mut content) = match draft.draft_id.take() {
            Some(draft_id) => {
                let content = self.content(&vault, &draft_id).await?;
                (draft_id, content)
            }
            None => (new_id()?, DraftContent::default()),
        };
        content.update_from(&mut draft);
        let saved = vault
            .save_record(&draft_id, encode(&vault, &content)?)
            .await
            .map_err(vault_error)?;
        Ok(SavedDraft {
            draft_id,
            version: saved.version,
            saved_at: time_of(saved.updated_at_ms),
        })
    }

    /// `discard_draft`: removes the draft and its attachments. Discarding a draft that is
    /// already gone is not an error.
    pub async fn discard(&self, draft_id: &str) -> Result<(), CommandError> {
        self.delete(draft_id).await
    }

    /// Removes the draft and its attachments (after it was sent, or discarded).
    pub async fn delete(&self, draft_id: &str) -> Result<(), CommandError> {
        let vault = self.vault()?;
        let _writing = self.writes.lock().await;
        match vault.delete_draft(draft_id).await {
            Ok(_) | Err(VaultError::InvalidId) => Ok(()),
            Err(error) => Err(vault_error(error)),
        }
    }

    /// `add_draft_attachment`: checks the file (size, type by content, count) and attaches it
    /// to `draft_id`, or to a new draft when there is no id yet. `filename` is only shown;
    /// it is cleaned first.
    pub async fn add_attachment(
        &self,
        draft_id: Option<&str>,
        filename: &str,
        bytes: &[u8],
    ) -> Result<AddedAttachment, CommandError> {
        let vault = self.vault()?;
        let limits = self.limits();
        if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > limits.max_attachment_bytes {
            return Err(CommandError::AttachmentTooLarge {
                max_bytes: limits.max_attachment_bytes,
            });
        }
        let media_type = sniff(bytes).ok_or(CommandError::UnsupportedAttachment)?;
        let filename = filename::display_name(filename, media_type);
        let _writing = self.writes.lock().await;
        let (draft_id, mut content) = match draft_id.filter(|id| !id.is_empty()) {
            Some(draft_id) => (draft_id.to_owned(), self.content(&vault, draft_id).await?),
            None => (new_id()?, DraftContent::default()),
        };
        if content.attachments.len() >= limits.max_attachments_per_message as usize {
            return Err(CommandError::Invalid("A message can have at most 5 attachments."));
        }
        let attachment = DraftAttachment {
            id: new_id()?,
            filename,
            media_type,
            size: u64::try_from(bytes.len()).unwrap_or(u64::MAX),
        };
        content.attachments.push(attachment.clone());
        vault
            .add_attachment(&draft_id, &attachment.id, bytes, encode(&vault, &content)?)
            .await
            .map_err(vault_error)?;
        Ok(AddedAttachment { draft_id, attachment })
    }

    /// `remove_draft_attachment`: the draft without that file. Removing a file that is not
    /// attached changes nothing.
    pub async fn remove_attachment(&self, draft_id: &str, attachment_id: &str) -> Result<Draft, CommandError> {
        let vault = self.vault()?;
        let _writing = self.writes.lock().await;
        let mut content = self.content(&vault, draft_id).await?;
        self.drop_attachment(&vault, draft_id, &mut content, attachment_id)
            .await?;
        Ok(Draft::from_content(draft_id, &content))
    }

    /// For the send path: the draft's content (with its send state) and every attached file's
    /// bytes, in buffers wiped on drop. A file that fails to open is set aside and removed
    /// from the draft, and [`CommandError::AttachmentDamaged`] is answered (the text is kept).
    #[allow(clippy::type_complexity)]
    pub async fn load_for_send(
        &self,
        draft_id: &str,
    ) -> Result<(DraftContent, Vec<(DraftAttachment, Zeroizing<Vec<u8>>)>), CommandError> {
        let vault = self.vault()?;
        let content = self.content(&vault, draft_id).await?;
        let mut files = Vec::with_capacity(content.attachments.len());
        for attachment in &content.attachments {
            match vault.load_attachment(draft_id, &attachment.id).await {
                Ok(bytes) => files.push((attachment.clone(), bytes)),
                Err(VaultError::AttachmentDamaged { .. } | VaultError::NotFound) => {
                    let _writing = self.writes.lock().await;
                    let mut current = self.content(&vault, draft_id).await?;
                    self.drop_attachment(&vault, draft_id, &mut current, &attachment.id)
                        .await?;
                    return Err(CommandError::AttachmentDamaged);
                }
                Err(error) => return Err(vault_error(error)),
            }
        }
        Ok((content, files))
    }

    /// For the send path, before anything is uploaded or posted: keeps the idempotency key and
    /// the server ids of the files already uploaded with the draft, durably, so a retry after
    /// a crash sends the same key and uploads nothing twice.
    pub async fn remember_send_state(
        &self,
        draft_id: &str,
        idempotency_key: String,
        uploaded: std::collections::BTreeMap<String, String>,
    ) -> Result<SavedDraft, CommandError> {
        let vault = self.vault()?;
        let _writing = self.writes.lock().await;
        let mut content = self.content(&vault, draft_id).await?;
        content.idempotency_key = Some(idempotency_key);
        content.uploaded = uploaded;
        let saved = vault
            .save_record(draft_id, encode(&vault, &content)?)
            .await
            .map_err(vault_error)?;
        Ok(SavedDraft {
            draft_id: draft_id.to_owned(),
            version: saved.version,
            saved_at: time_of(saved.updated_at_ms),
        })
    }

    /// The stored content of `draft_id`. A record that does not open, or whose content
    /// cannot be read, is set aside and answered as [`CommandError::DraftDamaged`].
    async fn content(&self, vault: &UnlockedVault, draft_id: &str) -> Result<DraftContent, CommandError> {
        let plaintext = vault.load_draft(draft_id).await.map_err(vault_error)?;
        match decode(&plaintext) {
            Some(content) => Ok(content),
            None => {
                self.set_aside(vault, draft_id).await;
                Err(CommandError::DraftDamaged)
            }
        }
    }

    /// Removes `attachment_id` from `content` and from the vault, saving the draft's next
    /// version (nothing happens if it is not listed). Called with `writes` held.
    async fn drop_attachment(
        &self,
        vault: &UnlockedVault,
        draft_id: &str,
        content: &mut DraftContent,
        attachment_id: &str,
    ) -> Result<(), CommandError> {
        let listed = content.attachments.len();
        content.attachments.retain(|a| a.id != attachment_id);
        content.uploaded.remove(attachment_id);
        if content.attachments.len() == listed {
            return Ok(());
        }
        vault
            .remove_attachment(draft_id, attachment_id, encode(vault, content)?)
            .await
            .map_err(vault_error)?;
        Ok(())
    }

    /// Sets aside a draft whose record opened but whose content this app cannot read. No save
    /// can replace that record meanwhile: every change of a draft first reads its content,
    /// which fails the same way.
    async fn set_aside(&self, vault: &UnlockedVault, draft_id: &str) {
        match vault.quarantine_draft(draft_id).await {
            Ok(_) => tracing::warn!(draft_id, "a saved draft could not be read and was set aside"),
            Err(error) => tracing::warn!(%error, "an unreadable draft could not be set aside"),
        }
    }
}

/// The vault user for app user `user_id` of the server at `host:port`: the same person on two
/// servers (or two accounts on one) gets two vaults. Ids that would be too long are hashed.
pub fn vault_user_id(user_id: i64, host: &str, port: u16) -> String {
    let id = format!("{user_id}@{}:{port}", host.to_ascii_lowercase());
    if id.len() <= MAX_VAULT_USER_LEN && crate::vault::seal::check_id(&id).is_ok() {
        return id;
    }
    let digest = ring::digest::digest(&ring::digest::SHA256, format!("{host}:{port}").as_bytes());
    format!("{user_id}@{}", hex::encode(digest.as_ref()))
}

/// Subject and body within the limits the server enforces (so a draft can always be sent).
fn check_text(draft: &Draft) -> Result<(), CommandError> {
    if draft.subject.chars().count() > MAX_SUBJECT_CHARS {
        return Err(CommandError::Invalid("The subject can be at most 200 characters long."));
    }
    if draft.body.chars().count() > MAX_BODY_CHARS {
        return Err(CommandError::Invalid(
            "The message can be at most 20,000 characters long.",
        ));
    }
    Ok(())
}

/// A new random id (128 bits, hex) for a draft or an attachment.
fn new_id() -> Result<String, CommandError> {
    let mut bytes = [0u8; 16];
    SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| CommandError::VaultUnavailable)?;
    Ok(hex::encode(bytes))
}

/// The content as JSON, written straight into the record that will be sealed in place (sized
/// up front so it is not reallocated, which would leave copies behind).
fn encode(vault: &UnlockedVault, content: &DraftContent) -> Result<RecordBuffer, CommandError> {
    let text = content.subject.len() + content.body.len();
    let mut record = vault
        .record_buffer(2 * text + 1024 + 256 * content.attachments.len())
        .map_err(vault_error)?;
    serde_json::to_writer(&mut record, content).map_err(|_| CommandError::VaultUnavailable)?;
    Ok(record)
}

fn decode(plaintext: &[u8]) -> Option<DraftContent> {
    serde_json::from_slice(plaintext).ok()
}

fn time_of(unix_ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(unix_ms).unwrap_or_default()
}

/// The command error for a vault failure; failures of the file itself are logged (they carry
/// no draft content).
fn vault_error(error: VaultError) -> CommandError {
    match error {
        VaultError::Damaged { .. } => CommandError::DraftDamaged,
        VaultError::AttachmentDamaged { .. } => CommandError::AttachmentDamaged,
        VaultError::NotFound | VaultError::InvalidId => CommandError::DraftNotFound,
        error => {
            tracing::warn!(%error, "the draft vault failed");
            CommandError::VaultUnavailable
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use portal_api::media::MediaType;
    use portal_api::Category;

    /// Small Argon2 parameters so tests run in milliseconds.
    const FAST: KdfParams = KdfParams {
        m_cost_kib: 1024,
        t_cost: 1,
        p_cost: 1,
    };
    const USER: &str = "3@localhost:8443";

    fn jpeg(len: usize) -> Vec<u8> {
        let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00];
        bytes.resize(len, 0x42);
        bytes
    }

    fn png(len: usize) -> Vec<u8> {
        let mut bytes = vec![
            0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, b'I', b'H', b'D', b'R',
        ];
        bytes.resize(len, 0x17);
        bytes
    }

    fn pdf(len: usize) -> Vec<u8> {
        let mut bytes = b"%PDF-1.7\n".to_vec();
        bytes.resize(len, b' ');
        bytes
    }

    async fn unlocked() -> (tempfile::TempDir, Drafts) {
        let dir = tempfile::tempdir().unwrap();
        let drafts = Drafts::new(Some(dir.path().join(DRAFTS_FILE)), FAST);
        drafts.unlock(USER, b"pass phrase").await.unwrap();
        (dir, drafts)
    }

    fn code<T: std::fmt::Debug>(result: Result<T, CommandError>) -> &'static str {
        result.expect_err("an error").code()
    }

    #[tokio::test]
    async fn save_load_and_list_most_recent_first() {
        let (_dir, drafts) = unlocked().await;
        let mut first = Draft::new("Rash on my arm", "It started on Monday.");
        first.category = Some(Category::MedicalQuestion);
        let saved = drafts.save(first).await.unwrap();
        assert_eq!(saved.version, 1);
        assert_eq!(saved.draft_id.len(), 32);
        let mut again = drafts.load(&saved.draft_id).await.unwrap();
        assert_eq!(again.subject, "Rash on my arm");
        assert_eq!(again.category, Some(Category::MedicalQuestion));
        again.body.push_str(" And it itches.");
        let next = drafts.save(again).await.unwrap();
        assert_eq!((next.draft_id.as_str(), next.version), (saved.draft_id.as_str(), 2));
        assert!(next.saved_at >= saved.saved_at);

        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        let mut reply = Draft::new("", "Thank you!");
        reply.thread_id = Some(42);
        let reply = drafts.save(reply).await.unwrap();
        let list = drafts.list().await.unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].draft_id, reply.draft_id, "most recent first");
        assert_eq!(list[0].thread_id, Some(42));
        assert_eq!(list[1].subject, "Rash on my arm");
        assert!(list.iter().all(|s| s.status == DraftStatus::Ok));
        assert_eq!(list[0].updated_at, reply.saved_at);

        let mut unknown = Draft::new("s", "b");
        unknown.draft_id = Some("0123456789abcdef0123456789abcdef".into());
        assert_eq!(code(drafts.save(unknown).await), "draft_not_found");
        assert_eq!(code(drafts.load("nope").await), "draft_not_found");
        assert_eq!(code(drafts.load("a/b").await), "draft_not_found");
        drafts.discard(&reply.draft_id).await.unwrap();
        drafts.discard(&reply.draft_id).await.unwrap();
        assert_eq!(code(drafts.load(&reply.draft_id).await), "draft_not_found");
    }

    #[tokio::test]
    async fn text_limits_are_the_servers() {
        assert_eq!(
            (
                MAX_SUBJECT_CHARS,
                MAX_BODY_CHARS,
                portal_api::MAX_ATTACHMENTS_PER_MESSAGE
            ),
            (200, 20_000, 5)
        );
        let (_dir, drafts) = unlocked().await;
        // Characters, not bytes.
        assert!(drafts
            .save(Draft::new("é".repeat(200), "ü".repeat(20_000)))
            .await
            .is_ok());
        let error = drafts.save(Draft::new("x".repeat(201), "")).await.unwrap_err();
        assert_eq!(error.code(), "validation");
        assert!(error.to_string().contains("200"), "{error}");
        let error = drafts.save(Draft::new("", "x".repeat(20_001))).await.unwrap_err();
        assert_eq!(error.code(), "validation");
        assert!(error.to_string().contains("20,000"), "{error}");
    }

    #[tokio::test]
    async fn attachments_are_checked_by_content_size_and_count() {
        let (_dir, drafts) = unlocked().await;
        // A file on a draft with no id yet creates the draft.
        let added = drafts
            .add_attachment(None, "C:\\photos\\arm.jpg", &jpeg(2000))
            .await
            .unwrap();
        let draft_id = added.draft_id.clone();
        assert_eq!(added.attachment.filename, "arm.jpg");
        assert_eq!(added.attachment.media_type, MediaType::Jpeg);
        assert_eq!(added.attachment.size, 2000);
        let added = drafts.add_attachment(Some(""), "scan.pdf", &pdf(100)).await.unwrap();
        assert_ne!(added.draft_id, draft_id, "an empty id is a new draft too");

        assert_eq!(
            code(drafts.add_attachment(Some(&draft_id), "notes.jpg", b"just text").await),
            "unsupported_media_type"
        );
        assert_eq!(
            code(drafts.add_attachment(Some(&draft_id), "x.gif", b"GIF89a....").await),
            "unsupported_media_type"
        );
        assert_eq!(
            code(drafts.add_attachment(Some(&draft_id), "e", b"").await),
            "unsupported_media_type"
        );
        assert_eq!(
            code(
                drafts
                    .add_attachment(Some(&draft_id), "big.png", &png(MAX_ATTACHMENT_BYTES + 1))
                    .await
            ),
            "payload_too_large"
        );
        drafts
            .add_attachment(Some(&draft_id), "max.png", &png(MAX_ATTACHMENT_BYTES))
            .await
            .unwrap();
        for i in 0..3 {
            drafts
                .add_attachment(Some(&draft_id), &format!("p{i}.pdf"), &pdf(10))
                .await
                .unwrap();
        }
        let error = drafts
            .add_attachment(Some(&draft_id), "six.pdf", &pdf(10))
            .await
            .unwrap_err();
        assert_eq!(error.code(), "validation");
        assert!(error.to_string().contains('5'), "{error}");
        assert_eq!(
            code(
                drafts
                    .add_attachment(Some("0123456789abcdef0123456789abcdef"), "a.pdf", &pdf(10))
                    .await
            ),
            "draft_not_found"
        );

        // An autosave keeps the files (whatever list the UI sends), then one is removed.
        let mut draft = drafts.load(&draft_id).await.unwrap();
        assert_eq!(draft.attachments.len(), 5);
        draft.attachments.clear();
        draft.subject = "Photos".into();
        drafts.save(draft).await.unwrap();
        let draft = drafts.load(&draft_id).await.unwrap();
        assert_eq!(draft.attachments.len(), 5);
        let first = draft.attachments[0].id.clone();
        let after = drafts.remove_attachment(&draft_id, &first).await.unwrap();
        assert_eq!(after.attachments.len(), 4);
        assert_eq!(after.subject, "Photos");
        let unchanged = drafts.remove_attachment(&draft_id, &first).await.unwrap();
        assert_eq!(unchanged.attachments.len(), 4);
        let (content, files) = drafts.load_for_send(&draft_id).await.unwrap();
        assert_eq!(files.len(), 4);
        assert_eq!(content.attachments, after.attachments);
        assert_eq!(files[0].1.len(), MAX_ATTACHMENT_BYTES);
        assert!(files.iter().all(|(a, bytes)| a.size == bytes.len() as u64));
    }

    #[tokio::test]
    async fn the_send_state_survives_autosaves_and_goes_with_the_draft() {
        let (_dir, drafts) = unlocked().await;
        let added = drafts.add_attachment(None, "a.png", &png(64)).await.unwrap();
        let id = added.draft_id.clone();
        let mut uploaded = std::collections::BTreeMap::new();
        uploaded.insert(added.attachment.id.clone(), "srv-1".to_owned());
        let remembered = drafts.remember_send_state(&id, "key-1".into(), uploaded).await.unwrap();
        assert_eq!(remembered.version, 2);
        let mut draft = drafts.load(&id).await.unwrap();
        draft.body = "edited after a failed send".into();
        assert_eq!(drafts.save(draft).await.unwrap().version, 3);
        let (content, files) = drafts.load_for_send(&id).await.unwrap();
        assert_eq!(content.idempotency_key.as_deref(), Some("key-1"));
        assert_eq!(content.uploaded[&added.attachment.id], "srv-1");
        assert_eq!(content.body, "edited after a failed send");
        assert_eq!(&files[0].1[..], &png(64)[..]);
        // Removing the file forgets its upload too.
        drafts.remove_attachment(&id, &added.attachment.id).await.unwrap();
        assert!(drafts.load_for_send(&id).await.unwrap().0.uploaded.is_empty());
        drafts.delete(&id).await.unwrap();
        assert_eq!(code(drafts.load_for_send(&id).await), "draft_not_found");
    }

    #[tokio::test]
    async fn unreadable_or_damaged_drafts_are_set_aside() {
        let (_dir, drafts) = unlocked().await;
        let good = drafts.save(Draft::new("fine", "fine")).await.unwrap();
        let vault = drafts.vault().unwrap();
        // Authentic but not a draft this app can read.
        vault
            .save_draft("0000000000000000000000000000000a", b"not json")
            .await
            .unwrap();
        assert_eq!(
            code(drafts.load("0000000000000000000000000000000a").await),
            "draft_damaged"
        );
        assert_eq!(vault.quarantined_count().await.unwrap(), 1);
        vault
            .save_draft("0000000000000000000000000000000b", b"[1, 2]")
            .await
            .unwrap();
        let list = drafts.list().await.unwrap();
        assert_eq!(list.len(), 2);
        let damaged: Vec<_> = list.iter().filter(|s| s.status == DraftStatus::Damaged).collect();
        assert_eq!(damaged.len(), 1);
        assert_eq!(damaged[0].draft_id, "0000000000000000000000000000000b");
        assert_eq!(damaged[0].subject, "");
        assert_eq!(drafts.list().await.unwrap().len(), 1, "listed once, then set aside");
        assert_eq!(drafts.load(&good.draft_id).await.unwrap().subject, "fine");
    }

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

    #[test]
    fn vault_users_are_bound_to_the_server_and_fit_the_vault() {
        assert_eq!(vault_user_id(3, "localhost", 8443), "3@localhost:8443");
        assert_eq!(vault_user_id(3, "Portal.Example", 443), "3@portal.example:443");
        assert_eq!(vault_user_id(3, "[::1]", 8443), "3@[::1]:8443");
        assert_ne!(vault_user_id(3, "a.example", 443), vault_user_id(3, "b.example", 443));
        assert_ne!(vault_user_id(3, "a.example", 443), vault_user_id(4, "a.example", 443));
        let long = format!("{}.example", "x".repeat(200));
        let id = vault_user_id(3, &long, 443);
        assert!(id.len() <= MAX_VAULT_USER_LEN && id.starts_with("3@"), "{id}");
        assert!(crate::vault::seal::check_id(&id).is_ok());
        assert_ne!(id, vault_user_id(3, &long, 444));
    }
}
