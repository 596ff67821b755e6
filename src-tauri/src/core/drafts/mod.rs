//! Message drafts, kept in the local encrypted vault (DESIGN.md, "Local draft vault") while
//! the patient types, so they survive a quit, a crash or an idle sign-out.
//!
//! [`Drafts`] holds the vault file (opened on first use) and, between sign-in and sign-out,
//! the signed-in user's unlocked vault. It does what the draft commands do, as plain async
//! Rust, and offers the send path what it needs ([`Drafts::load_for_send`],
//! [`Drafts::remember_send_state`], [`Drafts::delete`]).
//!
//! - `access`: [`Drafts`], the vault file and who may reach it (unlock at sign-in, lock at
//!   sign-out);
//! - `writing`: the one save path every change of a draft goes through (read, change, write
//!   the content and any file in one transaction, under one lock);
//! - `editing`: list, load, save the text, discard, delete;
//! - `attachments`: the checks a picked file must pass, attaching and removing it;
//! - `sending`: what the send path reads and keeps;
//! - `record`: the content as a sealed record's JSON; `ids`: draft, file and vault user ids;
//!   `errors`: what a vault failure means to the commands; [`filename`], [`model`].
//!
//! One draft is one sealed record holding its [`DraftContent`] as JSON, written on every
//! autosave; each attached file is its own sealed record, written once. Nothing here logs or
//! returns draft text, subjects, file names or the pass-phrase.

mod access;
mod attachments;
mod editing;
mod errors;
pub mod filename;
mod ids;
pub mod model;
mod record;
mod sending;
mod writing;

#[cfg(test)]
mod testing;

pub use access::{Drafts, Unlocking};
pub use attachments::MAX_ATTACHMENT_BYTES;
pub use ids::vault_user_id;
pub use model::{AddedAttachment, Draft, DraftAttachment, DraftContent, DraftStatus, DraftSummary, SavedDraft};

/// The vault's file name in the app's data folder.
pub const DRAFTS_FILE: &str = "drafts.db";
