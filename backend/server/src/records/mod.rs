//! Patients' charts: the operator's work, importing FHIR bundles ([`import`]) and linking a
//! chart to the portal account of its patient ([`link`]); and reading a chart as a patient
//! sees it ([`reading`]): its sections a page at a time and a result's series ([`sections`]),
//! and the whole of it downloaded ([`export`]); results released by the practice's rule
//! ([`release`]) and reviewed by physicians ([`review`]).

pub mod error;
pub mod export;
pub mod import;
pub mod link;
pub mod reading;
pub mod release;
pub mod review;
pub mod sections;

pub use error::RecordsError;
