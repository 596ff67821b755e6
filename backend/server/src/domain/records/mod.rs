//! Patients' charts, loaded from FHIR R4 bundles: which bundles are taken and how each entry is
//! read ([`bundle`]), references between entries ([`references`]), the typed model's check
//! ([`typed`]), the clear fields kept for lookups ([`lookups`]), the stored form and its hash
//! ([`canonical`]), why a bundle was refused ([`error`]), and what a patient sees of a chart
//! ([`view`]: typed FHIR resources in, `portal-api` record types out), a section a page at a
//! time ([`sections`], [`paging`]), which Observations a result's series opens
//! ([`result_codes`]), the whole record as a bundle to download ([`export`]), how a look at a
//! chart is named in the audit log ([`audit_object`]), and when the patient sees a result
//! ([`release`]); the care team's way in: the patient search ([`patient_search`]), a stated
//! reason to open a chart outside one's care ([`break_the_glass`]), and the patient's log of
//! who looked ([`access_log`]).

pub mod access_log;
pub mod audit_object;
pub mod break_the_glass;
pub mod bundle;
pub mod canonical;
pub mod error;
pub mod export;
pub mod lookups;
pub mod paging;
pub mod patient_search;
pub mod references;
pub mod release;
pub mod result_codes;
pub mod sections;
pub mod typed;
pub mod view;

pub use bundle::{ChartBundle, ChartResource, PatientFacts};
pub use error::BundleError;
pub use lookups::Lookup;
