//! Why an upload is refused, in words for the person who uploaded it.

/// Why an upload was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ContentError {
    /// The content is not a JPEG, PNG or PDF (whatever its name says).
    #[error("not a JPEG, PNG or PDF file")]
    Unsupported,
    /// It starts as one of them but its structure is broken (cut off, damaged, edited by hand).
    /// The message is written for the person who uploaded it.
    #[error("{0}")]
    Malformed(&'static str),
    /// A PDF with active content (scripts, automatic actions, embedded files), or one that
    /// cannot be checked for it. The message is written for the person who uploaded it.
    #[error("{0}")]
    ActiveContent(&'static str),
}
