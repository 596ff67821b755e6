//! Each entry's resource read into the typed FHIR model (`fhir-sdk`'s R4B model, which reads
//! the US Core resources R4 exports write), so a field of the wrong shape or a code outside its
//! value set refuses the bundle with the field's path. The US Core types are read as their own
//! struct (the path of a failure is exact); any other type through the model's `Resource` enum.
//!
//! The model is a check, not the stored form: it drops fields it does not know, and a choice
//! element (`value[x]`) of the wrong shape reads as absent (serde's flattened `Option`), so the
//! chart keeps each resource's JSON as received.

use fhir_sdk::r4b::resources::{self as fhir, ResourceType};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::error::problem_in_words;

/// Whether `name` is a resource type of the model.
pub fn is_resource_type(name: &str) -> bool {
    name.parse::<ResourceType>().is_ok()
}

/// Reads `resource` (of type `resource_type`) into the typed model; on failure, the field's
/// path (from `resource`) and what is wrong with it, in words.
pub fn check(resource_type: &str, resource: &Value) -> Result<(), (String, String)> {
    match resource_type {
        "Patient" => read::<fhir::Patient>(resource),
        "Encounter" => read::<fhir::Encounter>(resource),
        "Observation" => read::<fhir::Observation>(resource),
        "DiagnosticReport" => read::<fhir::DiagnosticReport>(resource),
        "Condition" => read::<fhir::Condition>(resource),
        "AllergyIntolerance" => read::<fhir::AllergyIntolerance>(resource),
        "MedicationRequest" => read::<fhir::MedicationRequest>(resource),
        "MedicationStatement" => read::<fhir::MedicationStatement>(resource),
        "Immunization" => read::<fhir::Immunization>(resource),
        "Procedure" => read::<fhir::Procedure>(resource),
        "CarePlan" => read::<fhir::CarePlan>(resource),
        "DocumentReference" => read::<fhir::DocumentReference>(resource),
        "Practitioner" => read::<fhir::Practitioner>(resource),
        "Organization" => read::<fhir::Organization>(resource),
        _ => read::<fhir::Resource>(resource),
    }
}

fn read<T: DeserializeOwned>(resource: &Value) -> Result<(), (String, String)> {
    // Read once without tracking the path (most resources are fine), again to find it.
    if T::deserialize(resource).is_ok() {
        return Ok(());
    }
    match serde_path_to_error::deserialize::<_, T>(resource) {
        Ok(_) => Ok(()),
        Err(e) => {
            let path = e.path().to_string();
            let field = if path == "." {
                "resource".to_owned()
            } else {
                format!("resource.{path}")
            };
            Err((field, problem_in_words(&e.into_inner().to_string())))
        }
    }
}
