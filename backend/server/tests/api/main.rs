//! API tests: the real service over real TLS on a random port, driven through the
//! `portal-api` client. Every test body runs on SQLite and on PostgreSQL (a fresh database
//! per test). PostgreSQL tests are skipped, with a note, only outside CI when no server
//! answers; in CI (`CI` set) an unreachable server fails them.

mod helpers;
mod mail_catcher;
mod server_process;
#[path = "../../src/test_samples.rs"]
mod test_samples;

mod accounts;
mod attachments;
mod audit;
mod auth;
mod authorization_matrix;
mod cli;
mod connection_flood;
mod crash;
#[cfg(unix)]
mod data_folder;
mod errors;
mod grants;
mod grants_mail;
mod grants_practice;
mod limits;
mod mail;
mod messaging;
mod messaging_access;
mod owned_accounts;
mod policy;
mod records_access;
mod records_import;
mod records_read;
mod records_release;
mod records_sections;
mod result_notices;
mod second_factor;
mod sessions;
mod transport;
mod upgrade;
