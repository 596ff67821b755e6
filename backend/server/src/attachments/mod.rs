//! Attachments: the server key that seals them at rest ([`cipher`]) and the names they are
//! shown and downloaded under ([`filename`]). Content checks live in [`crate::content`].

pub mod cipher;
pub mod filename;

pub use cipher::{AttachmentCipher, CipherError};
