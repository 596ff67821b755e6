//! Ids the app chooses: a random one for each draft and each attached file, and the vault
//! user that binds a person's drafts to the account and the server they belong to.

use ring::rand::{SecureRandom, SystemRandom};

use crate::error::CommandError;

/// Longest vault user id (`seal::check_id` accepts up to 128 bytes).
const MAX_VAULT_USER_LEN: usize = 128;

/// A new random id (128 bits, hex) for a draft or an attachment.
pub(super) fn new_id() -> Result<String, CommandError> {
    let mut bytes = [0u8; 16];
    SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| CommandError::VaultUnavailable)?;
    Ok(hex::encode(bytes))
}

/// The vault user for app user `user_id` of the server at `host:port`: the same person on two
/// servers (or two accounts on one) gets two vaults. Ids that would be too long are hashed.
pub fn vault_user_id(user_id: i64, host: &str, port: u16) -> String {
    let id = format!("{user_id}@{}:{port}", host.to_ascii_lowercase());
    if id.len() <= MAX_VAULT_USER_LEN && crate::vault::seal::check_id(&id).is_ok() {
        return id;
    }
    let digest = ring::digest::digest(&ring::digest::SHA256, format!("{host}:{port}").as_bytes());
    format!("{user_id}@{}", hex::encode(digest.as_ref()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_ids_are_128_random_bits_in_hex() {
        let (a, b) = (new_id().unwrap(), new_id().unwrap());
        assert_eq!(a.len(), 32);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
        assert!(crate::vault::seal::check_id(&a).is_ok());
    }

    #[test]
    fn vault_users_are_bound_to_the_server_and_fit_the_vault() {
        assert_eq!(vault_user_id(3, "localhost", 8443), "3@localhost:8443");
        assert_eq!(vault_user_id(3, "Portal.Example", 443), "3@portal.example:443");
        assert_eq!(vault_user_id(3, "[::1]", 8443), "3@[::1]:8443");
        assert_ne!(vault_user_id(3, "a.example", 443), vault_user_id(3, "b.example", 443));
        assert_ne!(vault_user_id(3, "a.example", 443), vault_user_id(4, "a.example", 443));
        let long = format!("{}.example", "x".repeat(200));
        let id = vault_user_id(3, &long, 443);
        assert!(id.len() <= MAX_VAULT_USER_LEN && id.starts_with("3@"), "{id}");
        assert!(crate::vault::seal::check_id(&id).is_ok());
        assert_ne!(id, vault_user_id(3, &long, 444));
    }
}
