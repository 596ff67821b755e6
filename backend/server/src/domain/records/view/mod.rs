//! What a patient sees of their chart, made from its typed FHIR R4 resources: the summary,
//! each section newest first, and a result's series. Plain functions over values the caller
//! loaded; no storage, no I/O.

pub mod dates;
pub mod flags;
pub mod series;
pub mod summary;
