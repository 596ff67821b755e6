//! What a vault failure means to the draft commands. Failures of the file itself are logged
//! (they carry no draft content); the rest are what the person is told.

use crate::error::CommandError;
use crate::vault::VaultError;

/// The command error for a vault failure.
pub(super) fn vault_error(error: VaultError) -> CommandError {
    match error {
        VaultError::Damaged { .. } => CommandError::DraftDamaged,
        VaultError::AttachmentDamaged { .. } => CommandError::AttachmentDamaged,
        VaultError::NotFound | VaultError::InvalidId => CommandError::DraftNotFound,
        error => {
            tracing::warn!(%error, "the draft vault failed");
            CommandError::VaultUnavailable
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_vault_failure_has_its_command_error() {
        let cases = [
            (VaultError::Damaged { draft_id: "d1".into() }, "draft_damaged"),
            (
                VaultError::AttachmentDamaged {
                    draft_id: "d1".into(),
                    attachment_id: "a1".into(),
                },
                "attachment_damaged",
            ),
            (VaultError::NotFound, "draft_not_found"),
            (VaultError::InvalidId, "draft_not_found"),
            (VaultError::Crypto, "vault_unavailable"),
            (VaultError::UnknownSchema { found: 9, known: 1 }, "vault_unavailable"),
            (VaultError::Storage(sqlx::Error::PoolClosed), "vault_unavailable"),
        ];
        for (error, code) in cases {
            assert_eq!(vault_error(error).code(), code);
        }
    }
}
