//! Patients' charts: the operator's work, importing FHIR bundles ([`import`]) and linking a
//! chart to the portal account of its patient ([`link`]); and reading a chart as a patient
//! sees it ([`reading`]): its sections a page at a time and a result's series ([`sections`]),
//! and the whole of it downloaded ([`export`]); results released by the practice's rule
//! ([`release`]) and reviewed by physicians ([`review`]), and the patient told of a new one
//! ([`result_notices`]); the care team's way in ([`access`]:
//! the patient search and breaking the glass) and the patient's log of who looked
//! ([`access_log`]).

pub mod access;
pub mod access_log;
pub mod chart_cache;
pub mod chart_names;
pub mod error;
pub mod export;
pub mod import;
pub mod link;
pub mod reading;
pub mod release;
pub mod result_notices;
pub mod review;
pub mod sections;

pub use error::RecordsError;
