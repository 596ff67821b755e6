//! The Patient Portal service.
//!
//! - [`startup`] builds the application from a [`config::Config`] and serves it over HTTPS.
//! - [`routes`] holds one module per API area; [`auth`] the sign-in, session and rate-limit
//!   machinery; [`domain`] the input types that parse at the edge; [`store`] the SQL.
//! - [`cli`] is the operator's command line (`serve`, `migrate`, `demo`, `user add`,
//!   `audit verify`, …); [`audit_chain`] the audit log's hash chain and how it is checked.

pub mod accounts;
pub mod admin;
pub mod attachments;
pub mod audit_chain;
pub mod audit_verify;
pub mod auth;
pub mod cli;
pub mod clock;
pub mod config;
pub mod content;
pub mod demo;
pub mod domain;
pub mod error;
pub mod grants;
pub mod https;
pub mod mail;
pub mod messaging;
pub mod private_files;
pub mod records;
pub mod routes;
pub mod sealed_text;
pub mod startup;
pub mod state;
pub mod store;
pub mod telemetry;
#[cfg(test)]
mod test_logs;
#[cfg(test)]
mod test_samples;
pub mod tls;

pub use clock::{Clock, ManualClock, SystemClock};
pub use config::{Config, Limits};
pub use startup::Application;
