//! The database's schema: each engine's migrations, then the audit rows written before the
//! audit log was a chain joined to it.

use sqlx::migrate::Migrator;

use super::audit;
use super::db::{Db, Engine, OpenError};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

impl Db {
    /// Apply the engine's migrations (idempotent), then chain the audit rows written before
    /// the audit log was a chain (once, before anything else is appended).
    pub async fn migrate(&self) -> Result<(), OpenError> {
        match self.engine {
            Engine::Sqlite => SQLITE_MIGRATIONS.run(&self.pool).await?,
            Engine::Postgres => POSTGRES_MIGRATIONS.run(&self.pool).await?,
        }
        let joined = audit::chain_rows_written_before_the_chain(self)
            .await
            .map_err(OpenError::AuditChain)?;
        if joined > 0 {
            tracing::info!(rows = joined, "audit rows written before this version joined the chain");
        }
        Ok(())
    }
}
