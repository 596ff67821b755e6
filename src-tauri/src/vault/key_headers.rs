//! Each app user's key header in the vault file (`vault_keys`): creating a user's vault with
//! a new data key, unlocking it with the pass-phrase, and re-wrapping the key when the
//! pass-phrase changes. How the key is wrapped is [`super::keys`]; this module stores it.

use ring::aead::NONCE_LEN;
use ring::rand::SystemRandom;
use sqlx::Row;
use zeroize::Zeroizing;

use super::cipher::DataKey;
use super::error::VaultError;
use super::file::{blocking, now_ms, DraftVault};
use super::keys::{self, KdfParams, KeyHeader, SALT_LEN};
use super::seal;
use super::unlocked::UnlockedVault;

impl DraftVault {
    /// True when `user` has a vault on this computer.
    pub async fn has_user(&self, user: &str) -> Result<bool, VaultError> {
        seal::check_id(user)?;
        Ok(self.header(user).await?.is_some())
    }

    /// Creates `user`'s vault: a new random data key wrapped under `passphrase` with `params`
    /// (the app passes [`KdfParams::PRODUCTION`]). Returns it unlocked.
    pub async fn create_user(
        &self,
        user: &str,
        passphrase: &[u8],
        params: KdfParams,
    ) -> Result<UnlockedVault, VaultError> {
        seal::check_id(user)?;
        if self.header(user).await?.is_some() {
            return Err(VaultError::AlreadyExists);
        }
        let data_key = DataKey::generate(&SystemRandom::new())?;
        let (user_owned, pass) = (user.to_owned(), Zeroizing::new(passphrase.to_vec()));
        let (data_key, header) = blocking(move || {
            let header = keys::wrap(&SystemRandom::new(), &user_owned, &data_key, &pass, params)?;
            Ok((data_key, header))
        })
        .await?;
        let inserted = sqlx::query(
            "INSERT INTO vault_keys (user_id, algorithm, m_cost_kib, t_cost, p_cost, salt, nonce, wrapped_key, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id) DO NOTHING",
        )
        .bind(user)
        .bind(&header.algorithm)
        .bind(i64::from(header.params.m_cost_kib))
        .bind(i64::from(header.params.t_cost))
        .bind(i64::from(header.params.p_cost))
        .bind(&header.salt[..])
        .bind(&header.nonce[..])
        .bind(&header.wrapped_key)
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        if inserted.rows_affected() == 0 {
            // Another caller created it between the check and the insert: theirs stands.
            return Err(VaultError::AlreadyExists);
        }
        Ok(UnlockedVault::new(self.pool.clone(), user, data_key))
    }

    /// Unlocks `user`'s vault with `passphrase` (at sign-in). The pass-phrase is not kept.
    pub async fn unlock(&self, user: &str, passphrase: &[u8]) -> Result<UnlockedVault, VaultError> {
        seal::check_id(user)?;
        let header = self.header(user).await?.ok_or(VaultError::NoVault)?;
        let (user_owned, pass) = (user.to_owned(), Zeroizing::new(passphrase.to_vec()));
        let key = blocking(move || keys::unwrap(&header, &user_owned, &pass)).await?;
        Ok(UnlockedVault::new(self.pool.clone(), user, key))
    }

    /// Password change: re-wraps `user`'s data key under `new_passphrase`, keeping the stored
    /// parameters. Drafts are not touched, and an [`UnlockedVault`] already open stays valid.
    pub async fn rewrap(&self, user: &str, old_passphrase: &[u8], new_passphrase: &[u8]) -> Result<(), VaultError> {
        seal::check_id(user)?;
        let params = self.header(user).await?.ok_or(VaultError::NoVault)?.params;
        self.rewrap_with_params(user, old_passphrase, new_passphrase, params)
            .await
    }

    /// [`rewrap`](Self::rewrap) with new Argon2 parameters (how they are raised later).
    pub async fn rewrap_with_params(
        &self,
        user: &str,
        old_passphrase: &[u8],
        new_passphrase: &[u8],
        params: KdfParams,
    ) -> Result<(), VaultError> {
        seal::check_id(user)?;
        let old = self.header(user).await?.ok_or(VaultError::NoVault)?;
        let old_salt = old.salt;
        let user_owned = user.to_owned();
        let (old_pass, new_pass) = (
            Zeroizing::new(old_passphrase.to_vec()),
            Zeroizing::new(new_passphrase.to_vec()),
        );
        let new = blocking(move || keys::rewrap(&SystemRandom::new(), &old, &user_owned, &old_pass, &new_pass, params))
            .await?;
        let updated = sqlx::query(
            "UPDATE vault_keys SET algorithm = ?, m_cost_kib = ?, t_cost = ?, p_cost = ?, salt = ?, nonce = ?,
             wrapped_key = ?, updated_at = ? WHERE user_id = ? AND salt = ?",
        )
        .bind(&new.algorithm)
        .bind(i64::from(new.params.m_cost_kib))
        .bind(i64::from(new.params.t_cost))
        .bind(i64::from(new.params.p_cost))
        .bind(&new.salt[..])
        .bind(&new.nonce[..])
        .bind(&new.wrapped_key)
        .bind(now_ms())
        .bind(user)
        .bind(&old_salt[..])
        .execute(&self.pool)
        .await?;
        if updated.rows_affected() == 0 {
            // The header changed while we worked (another password change won): the old
            // pass-phrase no longer applies.
            return Err(VaultError::WrongPassphrase);
        }
        Ok(())
    }

    /// Deletes `user`'s vault: their key header, drafts, attached files and anything set aside,
    /// in one transaction. Other users' vaults in the file are not touched. For drafts locked
    /// under a pass-phrase the person no longer has, which they chose to discard.
    pub async fn delete_user(&self, user: &str) -> Result<(), VaultError> {
        seal::check_id(user)?;
        let mut tx = self.pool.begin().await?;
        for table in [
            "quarantined_attachments",
            "draft_attachments",
            "quarantine",
            "drafts",
            "vault_keys",
        ] {
            sqlx::query(&format!("DELETE FROM {table} WHERE user_id = ?"))
                .bind(user)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// `user`'s key header, if any. A row whose values cannot be a header is reported as
    /// damaged rather than half-read.
    pub(super) async fn header(&self, user: &str) -> Result<Option<KeyHeader>, VaultError> {
        let Some(row) = sqlx::query(
            "SELECT algorithm, m_cost_kib, t_cost, p_cost, salt, nonce, wrapped_key FROM vault_keys WHERE user_id = ?",
        )
        .bind(user)
        .fetch_optional(&self.pool)
        .await?
        else {
            return Ok(None);
        };
        let cost = |name: &str| -> Result<u32, VaultError> {
            let value: i64 = row.try_get(name)?;
            u32::try_from(value).map_err(|_| VaultError::HeaderDamaged)
        };
        let salt: Vec<u8> = row.try_get("salt")?;
        let nonce: Vec<u8> = row.try_get("nonce")?;
        Ok(Some(KeyHeader {
            algorithm: row.try_get("algorithm")?,
            params: KdfParams {
                m_cost_kib: cost("m_cost_kib")?,
                t_cost: cost("t_cost")?,
                p_cost: cost("p_cost")?,
            },
            salt: <[u8; SALT_LEN]>::try_from(salt).map_err(|_| VaultError::HeaderDamaged)?,
            nonce: <[u8; NONCE_LEN]>::try_from(nonce).map_err(|_| VaultError::HeaderDamaged)?,
            wrapped_key: row.try_get("wrapped_key")?,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vault::testing::{fixture, set_draft_record, FAST};

    #[tokio::test]
    async fn unlock_with_the_right_passphrase_reads_drafts() {
        let f = fixture().await;
        f.vault
            .create_user("alice", b"pass", FAST)
            .await
            .unwrap()
            .save_draft("d1", b"text")
            .await
            .unwrap();
        assert!(f.vault.has_user("alice").await.unwrap());
        assert!(!f.vault.has_user("bob").await.unwrap());
        let alice = f.vault.unlock("alice", b"pass").await.unwrap();
        assert_eq!(alice.user(), "alice");
        assert_eq!(&alice.load_draft("d1").await.unwrap()[..], b"text");
        alice.lock();
    }

    #[tokio::test]
    async fn wrong_passphrase_is_refused() {
        let f = fixture().await;
        f.vault.create_user("alice", b"pass", FAST).await.unwrap();
        assert!(matches!(
            f.vault.unlock("alice", b"Pass").await,
            Err(VaultError::WrongPassphrase)
        ));
        assert!(matches!(f.vault.unlock("bob", b"pass").await, Err(VaultError::NoVault)));
        assert!(matches!(
            f.vault.create_user("alice", b"x", FAST).await,
            Err(VaultError::AlreadyExists)
        ));
    }

    #[tokio::test]
    async fn rewrap_keeps_every_draft_readable_with_the_new_passphrase_only() {
        let f = fixture().await;
        let alice = f.vault.create_user("alice", b"old", FAST).await.unwrap();
        for i in 0..10 {
            alice
                .save_draft(&format!("d{i}"), format!("draft {i}").as_bytes())
                .await
                .unwrap();
        }
        let before: Vec<Vec<u8>> = sqlx::query_scalar("SELECT record FROM drafts ORDER BY draft_id")
            .fetch_all(&f.vault.pool)
            .await
            .unwrap();
        assert!(matches!(
            f.vault.rewrap("alice", b"wrong", b"new").await,
            Err(VaultError::WrongPassphrase)
        ));
        f.vault.rewrap("alice", b"old", b"new").await.unwrap();
        let after: Vec<Vec<u8>> = sqlx::query_scalar("SELECT record FROM drafts ORDER BY draft_id")
            .fetch_all(&f.vault.pool)
            .await
            .unwrap();
        assert_eq!(before, after, "drafts must not be re-sealed");
        assert!(matches!(
            f.vault.unlock("alice", b"old").await,
            Err(VaultError::WrongPassphrase)
        ));
        let again = f.vault.unlock("alice", b"new").await.unwrap();
        for i in 0..10 {
            assert_eq!(
                &again.load_draft(&format!("d{i}")).await.unwrap()[..],
                format!("draft {i}").as_bytes()
            );
        }
        // The vault unlocked before the change still works (same data key).
        assert_eq!(&alice.load_draft("d0").await.unwrap()[..], b"draft 0");
        // Raising the parameters later keeps the drafts too.
        let raised = KdfParams {
            m_cost_kib: 2048,
            t_cost: 2,
            p_cost: 1,
        };
        f.vault
            .rewrap_with_params("alice", b"new", b"newer", raised)
            .await
            .unwrap();
        assert_eq!(f.vault.header("alice").await.unwrap().unwrap().params, raised);
        let third = f.vault.unlock("alice", b"newer").await.unwrap();
        assert_eq!(&third.load_draft("d9").await.unwrap()[..], b"draft 9");
    }

    #[tokio::test]
    async fn deleting_a_user_removes_only_their_vault() {
        let f = fixture().await;
        let alice = f.vault.create_user("alice", b"pass", FAST).await.unwrap();
        alice.save_draft("d1", b"alice's").await.unwrap();
        let bob = f.vault.create_user("bob", b"pass", FAST).await.unwrap();
        bob.save_draft("d1", b"bob's").await.unwrap();
        f.vault.delete_user("alice").await.unwrap();
        assert!(!f.vault.has_user("alice").await.unwrap());
        let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM drafts WHERE user_id = 'alice'")
            .fetch_one(&f.vault.pool)
            .await
            .unwrap();
        assert_eq!(left, 0);
        assert_eq!(&bob.load_draft("d1").await.unwrap()[..], b"bob's");
        let again = f.vault.create_user("alice", b"new", FAST).await.unwrap();
        assert!(again.list_drafts().await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn errors_and_debug_carry_no_secrets() {
        let f = fixture().await;
        let alice = f.vault.create_user("alice", b"SECRET-PASS", FAST).await.unwrap();
        alice.save_draft("d1", b"SECRET-TEXT").await.unwrap();
        let shown = format!("{alice:?}");
        assert!(!shown.contains("SECRET") && !shown.contains("key:"), "{shown}");
        set_draft_record(&f.vault, "alice", "d1", b"x").await;
        let error = alice.load_draft("d1").await.unwrap_err();
        for text in [format!("{error}"), format!("{error:?}")] {
            assert!(!text.contains("SECRET"), "{text}");
        }
        let error = f.vault.unlock("alice", b"SECRET-WRONG").await.unwrap_err();
        assert!(!format!("{error} {error:?}").contains("SECRET"));
    }

    #[tokio::test]
    async fn invalid_user_ids_are_refused_before_touching_the_file() {
        let f = fixture().await;
        for bad in ["a/b", "", "line\nbreak"] {
            assert!(matches!(
                f.vault.create_user(bad, b"p", FAST).await,
                Err(VaultError::InvalidId)
            ));
            assert!(matches!(f.vault.unlock(bad, b"p").await, Err(VaultError::InvalidId)));
        }
        let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM vault_keys")
            .fetch_one(&f.vault.pool)
            .await
            .unwrap();
        assert_eq!(users, 0);
    }
}
