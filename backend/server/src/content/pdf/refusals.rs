//! What a person is told when their PDF is refused.

use crate::content::error::ContentError;

/// What a person is told when the file is cut off or is not a PDF after all.
pub(super) const DAMAGED: ContentError = ContentError::Malformed("The PDF file is damaged or incomplete.");

/// Refused: scripts, automatic actions, embedded files.
pub(super) const ACTIVE: ContentError = ContentError::ActiveContent(
    "This PDF contains active content (scripts, embedded files or automatic actions), so it cannot be sent. Please print it to a new PDF, or send a photo of it instead.",
);
/// Refused: encrypted, so it cannot be checked.
pub(super) const ENCRYPTED: ContentError = ContentError::ActiveContent(
    "This PDF is protected with a password or encryption, so it cannot be checked and cannot be sent. Please print it to a new PDF, or send a photo of it instead.",
);
/// Refused: built in a way this check does not read.
pub(super) const UNCHECKABLE: ContentError = ContentError::ActiveContent(
    "This PDF is built in a way the portal cannot check for active content, so it cannot be sent. Please print it to a new PDF, or send a photo of it instead.",
);
