//! Sending e-mail (issue 11): where the practice's relay is and how to reach it
//! ([`settings`]), SMTP over TLS to it ([`smtp`]), and the worker that drains the outbox
//! (`store::outbox`) with retries ([`outbox_worker`]), and what is deleted once it has done
//! its work ([`purge`]). Mails are queued whether or not a relay is configured; without one
//! they wait in the outbox.

pub mod error;
pub mod outbox_worker;
pub mod purge;
pub mod settings;
pub mod smtp;

pub use error::MailError;
pub use settings::{MailSettings, RelayAddress, RelayCredentials, RelaySecurity};
pub use smtp::Relay;
