//! A chart as the view reads it: its typed resources and the lookup that resolves their
//! references.

use fhir_sdk::r4b::resources::{
    AllergyIntolerance, CarePlan, Condition, DiagnosticReport, DocumentReference, Encounter, Immunization,
    MedicationRequest, MedicationStatement, Observation, Patient, Procedure, Resource,
};

use super::references::References;

/// One patient's resources (as the store loads them or a bundle holds them) and the lookup
/// for the references between them and to the people and places they name.
#[derive(Debug, Clone, Copy)]
pub struct Chart<'a> {
    resources: &'a [Resource],
    pub references: &'a References<'a>,
}

macro_rules! each {
    ($name:ident, $variant:ident) => {
        #[doc = concat!("The chart's `", stringify!($variant), "` resources.")]
        pub fn $name(&self) -> impl Iterator<Item = &'a $variant> + 'a {
            self.resources.iter().filter_map(|resource| match resource {
                Resource::$variant(value) => Some(value),
                _ => None,
            })
        }
    };
}

impl<'a> Chart<'a> {
    pub fn new(resources: &'a [Resource], references: &'a References<'a>) -> Self {
        Self { resources, references }
    }

    /// The chart's Patient (the first, should there be more).
    pub fn patient(&self) -> Option<&'a Patient> {
        self.patients().next()
    }

    each!(patients, Patient);
    each!(encounters, Encounter);
    each!(observations, Observation);
    each!(diagnostic_reports, DiagnosticReport);
    each!(conditions, Condition);
    each!(allergies, AllergyIntolerance);
    each!(medication_requests, MedicationRequest);
    each!(medication_statements, MedicationStatement);
    each!(immunizations, Immunization);
    each!(procedures, Procedure);
    each!(care_plans, CarePlan);
    each!(document_references, DocumentReference);
}

/// A resource's id, empty when it has none (a resource the store keeps always has one).
pub fn id_of(id: &Option<String>) -> String {
    id.clone().unwrap_or_default()
}

/// FHIR's status of a record made by mistake: such a record is never shown.
pub const ENTERED_IN_ERROR: &str = "entered-in-error";
