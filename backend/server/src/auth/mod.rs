//! Who is calling: pass-phrase hashing, sign-in, sessions, and the limits around them.

pub mod acting_for;
pub mod client_addr;
pub mod guess_queue;
pub mod guesses;
pub mod login;
pub mod my_sessions;
pub mod password;
pub mod policy_gate;
pub mod rate_limit;
pub mod second_factor;
pub mod session;
pub mod session_cache;
pub mod token;

pub use client_addr::ClientAddr;
pub use policy_gate::PolicyAccepted;
pub use session::CurrentSession;
