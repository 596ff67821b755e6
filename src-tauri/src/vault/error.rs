//! [`VaultError`]: what can go wrong with the draft vault. Messages are written for people and
//! never carry a pass-phrase, a key or draft text (only a draft's id, which the app chose).

#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    /// The pass-phrase does not open this user's data key (the wrapped key failed to open).
    #[error("The pass-phrase is not correct.")]
    WrongPassphrase,

    /// No vault has been created for this user on this computer.
    #[error("There is no draft vault for this user on this computer yet.")]
    NoVault,

    /// `create_user` for a user who already has a vault (creating again would orphan drafts).
    #[error("A draft vault already exists for this user.")]
    AlreadyExists,

    /// The user's key header cannot be used (unknown algorithm, impossible parameters).
    #[error("The draft vault's key record is damaged or from a newer version of the app.")]
    HeaderDamaged,

    /// A draft's record failed to open (tampered, swapped, truncated, unknown format). It has
    /// been moved to the quarantine and is never shown.
    #[error("The saved draft {draft_id} is damaged and has been set aside.")]
    Damaged { draft_id: String },

    /// An attachment's record failed to open. It has been moved to the quarantine; the draft
    /// itself is not affected.
    #[error("An attachment of the saved draft {draft_id} is damaged and has been set aside.")]
    AttachmentDamaged { draft_id: String, attachment_id: String },

    /// The file's schema version is one this app does not know: it was made by a newer version
    /// of the app (or damaged). The file has not been changed.
    #[error(
        "The draft vault file was made by a newer version of the app (schema version {found}; this version knows up to {known}). It has not been changed: update the app to open it."
    )]
    UnknownSchema { found: i64, known: i64 },

    /// No draft with this id for this user.
    #[error("This draft was not found.")]
    NotFound,

    /// A user or draft id that cannot be bound unambiguously into the additional data.
    #[error("The draft or user id is not valid.")]
    InvalidId,

    /// The system's random number generator failed (no key or nonce could be made).
    #[error("The system could not provide secure random numbers.")]
    Random,

    /// Encryption itself failed (should not happen with valid keys and sizes).
    #[error("The draft could not be encrypted.")]
    Crypto,

    /// The vault file could not be opened, read or written.
    #[error("The draft vault file could not be used: {0}")]
    Storage(#[from] sqlx::Error),
}
