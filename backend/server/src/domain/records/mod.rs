//! Patients' charts, loaded from FHIR R4 bundles: which bundles are taken and how each entry is
//! read ([`bundle`]), references between entries ([`references`]), the typed model's check
//! ([`typed`]), the clear fields kept for lookups ([`lookups`]), the stored form and its hash
//! ([`canonical`]), and why a bundle was refused ([`error`]).

pub mod bundle;
pub mod canonical;
pub mod error;
pub mod lookups;
pub mod references;
pub mod typed;

pub use bundle::{ChartBundle, ChartResource, PatientFacts};
pub use error::BundleError;
pub use lookups::Lookup;
