//! The Patient Portal wire contract, shared by the server, the desktop app and the tests so
//! the format cannot drift.
//!
//! - [`types`]: request and response bodies of `/api/v1` ([`paths`]); [`people`]: roles and
//!   triage pools.
//! - [`messaging`]: threads, messages, attachments and triage.
//! - [`record`]: a patient's record as shown: the summary, its sections, a result's series.
//! - [`record_access`]: sections by the page, the access log, the care team's patient search
//!   and break-the-glass, results' release.
//! - [`accounts`]: activation, pass-phrase change and reset, email change, the second
//!   factor, notice preferences.
//! - [`grants`]: authorized persons (a patient's grants to someone they trust).
//! - [`emergency`]: words that suggest an emergency (English and Spanish).
//! - [`error`]: the `{code, message}` body every error carries, and its codes.
//! - [`client`] (feature `client`): a typed HTTPS client that trusts only a given CA.

pub mod accounts;
pub mod emergency;
pub mod error;
pub mod file_name;
pub mod grants;
pub mod media;
pub mod messaging;
pub mod paths;
pub mod people;
pub mod record;
pub mod record_access;
pub mod text;
pub mod types;
pub mod wait;

#[cfg(feature = "client")]
pub mod client;
#[cfg(feature = "client")]
mod client_accounts;
#[cfg(feature = "client")]
pub use client_accounts::Activation;
#[cfg(feature = "client")]
mod client_admin;
#[cfg(feature = "client")]
mod client_messaging;
#[cfg(feature = "client")]
mod client_records;
#[cfg(feature = "client")]
pub use client_messaging::ProgressFn;

pub use accounts::*;
pub use error::{ApiErrorBody, ErrorCode};
pub use grants::*;
pub use messaging::*;
pub use people::*;
pub use record::*;
pub use record_access::*;
pub use types::*;

pub use paths::API_PREFIX;
