//! The domain, in plain Rust: input types that parse at the edge (once a value has one of
//! these types, the rest of the service trusts it), who may reach what ([`access`]), what
//! happens to a send ([`sending`]), the rules of sign-in throttling ([`sign_in_throttle`]),
//! e-mail notices and their retries ([`notices`], [`mail_retry`]), how a patient's chart is
//! read from a FHIR bundle ([`records`]) and what a patient sees of it ([`records::view`]),
//! which sessions are open and what a device is called ([`sessions`]), the second factor: its
//! codes, recovery codes and who must enrol ([`second_factor`]), the one-time codes sent by
//! email ([`one_time_code`]), what a grant to an authorized person allows ([`grants`]), and
//! the accounts the practice keeps for patients who do not sign in ([`managed_accounts`]), and
//! which text of the policy a person reads and accepts ([`policy`]).

pub mod access;
pub mod email;
pub mod grants;
pub mod mail_retry;
pub mod managed_accounts;
pub mod notices;
pub mod one_time_code;
pub mod passphrase;
pub mod person_name;
pub mod policy;
pub mod records;
pub mod second_factor;
pub mod sending;
pub mod sessions;
pub mod sign_in_throttle;

pub use email::EmailAddress;
pub use passphrase::{Passphrase, PassphraseContext};
pub use person_name::PersonName;
