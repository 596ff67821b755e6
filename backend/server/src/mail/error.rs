//! What can be wrong with the mail settings `serve` is given.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("--smtp-url: {0}")]
    InvalidUrl(String),
    #[error("--mail-from is not an address such as \"Practice <portal@practice.example>\"")]
    InvalidFrom,
    #[error("cannot read the relay's CA file {0}: {1}")]
    CaFile(PathBuf, std::io::Error),
    #[error("the relay's CA file {0} holds no usable PEM certificate")]
    CaCertificate(PathBuf),
    #[error("TLS to the relay cannot be set up: {0}")]
    Tls(String),
}
