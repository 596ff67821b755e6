//! The SQL. One module per table group; every function takes the [`Db`] and plain values.
//!
//! Both engines are reached through sqlx's `Any` driver with `$N` placeholders and portable
//! SQL, so one set of queries serves SQLite and PostgreSQL; each engine has its own migrations.
//! Times are stored as Unix milliseconds.

pub mod account_access;
pub mod account_changes;
pub mod account_codes;
pub mod attachments;
pub mod audit;
pub mod bound_query;
pub mod care_team;
pub mod chart_grants;
pub mod charts;
pub mod db;
pub mod error;
pub mod grants;
pub mod list_cache;
pub mod list_changes;
pub mod looks;
pub mod managed_accounts;
pub mod message_notices;
pub mod outbox;
pub mod policy;
pub mod practice;
pub mod result_notices;
pub mod result_release;
pub mod row_ids;
mod schema;
pub mod second_factor;
pub mod sends;
pub mod sessions;
pub mod sign_in_throttle;
pub mod thread_scope;
pub mod threads;
pub mod unsealed_text;
pub mod users;
pub mod writer;
pub mod writer_transaction;

pub use db::{from_millis, lock_for_service, to_millis, DatabaseUrl, Db, Engine, OpenError, ServiceLock};
pub use error::{StoreError, StoreResult};
