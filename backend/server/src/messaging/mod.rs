//! Secure messaging: who sees which threads ([`viewer`]), what a send must look like
//! ([`input`]), and the operations behind the routes: [`send`], [`reading`], [`triage`].

pub mod input;
pub mod reading;
pub mod send;
pub mod thread_write;
pub mod triage;
pub mod viewer;

pub use viewer::{Side, Viewer};
