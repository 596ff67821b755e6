//! Records: the rules of a patient's chart. [`view`] is what a patient sees of it.

pub mod view;
