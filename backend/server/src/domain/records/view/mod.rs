//! What a patient sees of their chart, made from its typed FHIR R4 resources: the summary,
//! each section newest first, and a result's series. Plain functions over values the caller
//! loaded ([`Chart`]: the resources and a [`References`] lookup); no storage, no I/O.
//!
//! Labels are the chart's words (a code's text or display, else the code); a record entered
//! in error is never shown.

pub mod allergies;
pub mod care_plans;
pub mod chart;
pub mod coded;
pub mod dates;
pub mod documents;
pub mod flags;
pub mod immunizations;
pub mod medications;
pub mod problems;
pub mod procedures;
pub mod references;
pub mod results;
pub mod series;
pub mod summary;
pub mod visits;

pub use chart::Chart;
pub use references::References;

#[cfg(test)]
mod sample_tests;
