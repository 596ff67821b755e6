//! Secure messaging (who sees which threads is `domain::access`): what a send must look like
//! ([`input`]), the operations behind the routes: [`send`], [`reading`], [`triage`], and the
//! deletion of uploads never sent ([`sweep`]).

pub mod input;
pub mod reading;
pub mod send;
pub mod sweep;
pub mod thread_write;
pub mod triage;
