//! Accounts a person owns (issue 11): the practice invites ([`invitation`]), the person
//! activates with the emailed code and picks their own pass-phrase ([`activation`]), changes
//! it ([`passphrase`]) or, having forgotten it, resets it with a code sent to their verified
//! address ([`reset`]), changes that address with a code sent to the new one
//! ([`email_change`]) and chooses which notices they get ([`notice_preferences`]).
//!
//! Every code is one-time, short-lived and tried a few times at most
//! (`domain::one_time_code`); every answer that could tell whether an address has an account
//! is the same for both.

pub mod activation;
pub(crate) mod codes;
pub mod email_change;
pub mod invitation;
pub mod notice_preferences;
pub mod passphrase;
pub mod reset;
