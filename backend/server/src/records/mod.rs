//! The operator's work on patients' charts: importing FHIR bundles ([`import`]) and linking a
//! chart to the portal account of its patient ([`link`]).

pub mod error;
pub mod import;
pub mod link;

pub use error::RecordsError;
