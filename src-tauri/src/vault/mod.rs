//! The local encrypted draft vault (DESIGN.md, "Local draft vault").
//!
//! Message drafts are saved while the patient types, so they survive a quit, a crash or a
//! power cut. They are health data on a laptop that may be stolen or a clinic workstation
//! shared by people who are the same OS user, so nothing readable is written to disk.
//!
//! Cryptography (no SQL):
//! - [`cipher`]: the data key that wipes itself, fresh nonces, AES-256-GCM's key.
//! - [`keys`]: one random data key per app user, kept only wrapped under a key derived with
//!   Argon2id from the user's pass-phrase; re-wrapping on password change.
//! - [`seal`]: each record sealed with a fresh nonce and additional data binding it to the
//!   user, the draft and its version (or the attachment).
//!
//! The file (SQLite; no plaintext):
//! - `file`: [`DraftVault`], the file opened in WAL mode with `synchronous=FULL`;
//! - `migrations`: its versioned schema (`PRAGMA user_version`, numbered steps in
//!   `migrations/`); a file from a newer app is refused, not changed;
//! - `key_headers`: each user's wrapped key: create, unlock, change the pass-phrase;
//! - `unlocked`: [`UnlockedVault`], one user's vault with the key in memory;
//! - `drafts`: draft records, and the one write every change of a draft goes through
//!   ([`UnlockedVault::write`]);
//! - `attachments`: each attached file as its own sealed record, written once;
//! - `quarantine`: records that fail to open, set aside;
//! - [`error`]: [`VaultError`], the one error type.
//!
//! Drafts and attachments are opaque bytes here: the caller (`core::drafts`) serializes
//! subject, body and the attachment list. The module has no Tauri in it; the app opens a
//! [`DraftVault`] in its data folder and holds an [`UnlockedVault`] for the signed-in user only.

mod attachments;
pub mod cipher;
mod drafts;
pub mod error;
mod file;
mod key_headers;
pub mod keys;
mod migrations;
mod quarantine;
pub mod seal;
mod unlocked;

#[cfg(test)]
pub(crate) mod testing;

pub use attachments::AttachmentChange;
pub use drafts::{DraftEntry, DraftStatus, OpenedDraft, Saved};
pub use error::VaultError;
pub use file::DraftVault;
pub use keys::KdfParams;
pub use unlocked::UnlockedVault;
