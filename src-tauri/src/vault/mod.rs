//! The local encrypted draft vault (DESIGN.md, "Local draft vault").
//!
//! Message drafts are saved while the patient types, so they survive a quit, a crash or a
//! power cut. They are health data on a laptop that may be stolen or a clinic workstation
//! shared by people who are the same OS user, so nothing readable is written to disk:
//!
//! - [`keys`]: one random data key per app user, stored only wrapped under a key derived with
//!   Argon2id from the user's pass-phrase; re-wrapping on password change.
//! - [`seal`]: each draft write sealed with AES-256-GCM, a fresh nonce, and additional data
//!   binding it to the user, the draft and its version.
//! - [`store`]: the SQLite file (WAL, `synchronous=FULL`) with the key headers, the sealed
//!   drafts and the quarantine for records that fail to open.
//! - [`attachments`]: each file attached to a draft as its own sealed record, written once.
//! - [`error`]: [`VaultError`], the one error type.
//!
//! Drafts and attachments are opaque bytes here: the caller (`core::drafts`) serializes
//! subject, body and the attachment list. The module has no Tauri in it; the app opens a
//! [`DraftVault`] in its data folder and holds an [`UnlockedVault`] for the signed-in user only.

pub mod attachments;
pub mod error;
pub mod keys;
pub mod seal;
pub mod store;

pub use error::VaultError;
pub use keys::KdfParams;
pub use store::{DraftEntry, DraftStatus, DraftVault, OpenedDraft, Saved, UnlockedVault};
