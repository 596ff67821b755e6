//! What the drafts' tests share: cheap Argon2 parameters, an unlocked [`Drafts`] in a
//! temporary folder, files of each accepted type, and the code of an error.

use super::access::Drafts;
use super::DRAFTS_FILE;
use crate::error::CommandError;
use crate::vault::KdfParams;

/// Small Argon2 parameters so tests run in milliseconds.
pub const FAST: KdfParams = KdfParams {
    m_cost_kib: 1024,
    t_cost: 1,
    p_cost: 1,
};

pub const USER: &str = "3@localhost:8443";

pub fn jpeg(len: usize) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00];
    bytes.resize(len, 0x42);
    bytes
}

pub fn png(len: usize) -> Vec<u8> {
    let mut bytes = vec![
        0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, b'I', b'H', b'D', b'R',
    ];
    bytes.resize(len, 0x17);
    bytes
}

pub fn pdf(len: usize) -> Vec<u8> {
    let mut bytes = b"%PDF-1.7\n".to_vec();
    bytes.resize(len, b' ');
    bytes
}

/// Drafts in a new vault file, unlocked for [`USER`].
pub async fn unlocked() -> (tempfile::TempDir, Drafts) {
    let dir = tempfile::tempdir().unwrap();
    let drafts = Drafts::new(Some(dir.path().join(DRAFTS_FILE)), FAST);
    drafts.unlock(USER, b"pass phrase").await.unwrap();
    (dir, drafts)
}

pub fn code<T: std::fmt::Debug>(result: Result<T, CommandError>) -> &'static str {
    result.expect_err("an error").code()
}
