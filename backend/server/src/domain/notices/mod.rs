//! E-mail notices (issue 11), in plain Rust: which notices there are ([`Notice`]), the
//! languages they are written in ([`Language`]), their subject, plain text and HTML
//! ([`render`]), and how often a thread may cause a message notice ([`throttle`]).
//!
//! A notice carries only the practice's name, and the code where its kind has one: never a
//! message's subject or body, a condition, a result's name. The types leave no room for them.

mod kind;
mod render;
mod texts;
pub mod throttle;

pub use kind::{Language, Notice, NoticeError};
pub use render::{render, RenderedMail};
