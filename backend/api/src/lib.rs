//! The Patient Portal wire contract, shared by the server, the desktop app and the tests so
//! the format cannot drift.
//!
//! - [`types`]: request and response bodies of `/api/v1`.
//! - [`error`]: the `{code, message}` body every error carries, and its codes.
//! - [`client`] (feature `client`): a typed HTTPS client that trusts only a given CA.

pub mod error;
pub mod types;

#[cfg(feature = "client")]
pub mod client;

pub use error::{ApiErrorBody, ErrorCode};
pub use types::*;

/// Path prefix of every route of this version of the API.
pub const API_PREFIX: &str = "/api/v1";
