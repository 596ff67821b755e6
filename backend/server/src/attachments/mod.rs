//! Attachments: the server key that seals them at rest ([`cipher`]) and the names they are
//! shown and downloaded under ([`filename`]), and the uploads received at once
//! ([`upload_slots`]). Content checks live in [`crate::content`].

pub mod cipher;
pub mod filename;
pub mod upload_slots;

pub use cipher::{AttachmentCipher, CipherError};
