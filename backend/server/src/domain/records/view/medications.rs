//! Medications, current and past: prescriptions (MedicationRequest) and medications the
//! patient reported taking (MedicationStatement).

use fhir_sdk::r4b::resources::{
    MedicationRequest, MedicationRequestMedication, MedicationStatement, MedicationStatementEffective,
    MedicationStatementMedication,
};
use fhir_sdk::r4b::types::DosageAsNeeded;
use fhir_sdk::r4b::types::{CodeableConcept, Dosage, Reference};
use portal_api::{Coded, MedicationEntry, MedicationSource};

use super::chart::{id_of, Chart, ENTERED_IN_ERROR};
use super::references::non_empty;
use super::{coded, dates};

/// Every medication, newest first; [`MedicationEntry::active`] tells the current ones.
pub fn medications(chart: &Chart<'_>) -> Vec<MedicationEntry> {
    let mut found: Vec<MedicationEntry> = chart
        .medication_requests()
        .filter_map(|r| prescription(chart, r))
        .chain(chart.medication_statements().filter_map(|s| statement(chart, s)))
        .collect();
    found.sort_by(|a, b| dates::newest_first(a.start.as_ref(), b.start.as_ref()).then_with(|| a.id.cmp(&b.id)));
    found
}

/// A prescription. None for one entered in error.
fn prescription(chart: &Chart<'_>, request: &MedicationRequest) -> Option<MedicationEntry> {
    if request.status == ENTERED_IN_ERROR {
        return None;
    }
    Some(MedicationEntry {
        id: id_of(&request.id),
        source: MedicationSource::Prescription,
        name: request_medication(chart, &request.medication).unwrap_or_else(unnamed),
        status: request.status.clone(),
        active: request.status == "active",
        start: dates::optional(request.authored_on.as_ref()),
        // A prescription says when it was written, not when the patient stopped taking it.
        end: None,
        prescriber: request.requester.as_ref().and_then(|r| chart.references.name_of(r)),
        dosage: dosage_text(&request.dosage_instruction),
        as_needed: as_needed(&request.dosage_instruction),
        reasons: reasons(chart, &request.reason_code, &request.reason_reference),
    })
}

/// A medication the patient reported. None for one entered in error.
fn statement(chart: &Chart<'_>, statement: &MedicationStatement) -> Option<MedicationEntry> {
    if statement.status == ENTERED_IN_ERROR {
        return None;
    }
    let (start, end) = match statement.effective.as_ref() {
        Some(MedicationStatementEffective::DateTime(value)) => (dates::from_date_time(value), None),
        Some(MedicationStatementEffective::Period(period)) => dates::period(Some(period)),
        None => (dates::optional(statement.date_asserted.as_ref()), None),
    };
    Some(MedicationEntry {
        id: id_of(&statement.id),
        source: MedicationSource::Statement,
        name: statement_medication(chart, &statement.medication).unwrap_or_else(unnamed),
        status: statement.status.clone(),
        active: statement.status == "active",
        start,
        end,
        prescriber: None,
        dosage: dosage_text(&statement.dosage),
        as_needed: as_needed(&statement.dosage),
        reasons: reasons(chart, &statement.reason_code, &statement.reason_reference),
    })
}

/// A prescription's medication: its code, or the Medication it names.
pub fn request_medication(chart: &Chart<'_>, medication: &MedicationRequestMedication) -> Option<Coded> {
    match medication {
        MedicationRequestMedication::CodeableConcept(concept) => coded::concept(concept),
        MedicationRequestMedication::Reference(reference) => coded::referenced(chart.references, reference),
    }
}

/// A reported medication: its code, or the Medication it names.
pub fn statement_medication(chart: &Chart<'_>, medication: &MedicationStatementMedication) -> Option<Coded> {
    match medication {
        MedicationStatementMedication::CodeableConcept(concept) => coded::concept(concept),
        MedicationStatementMedication::Reference(reference) => coded::referenced(chart.references, reference),
    }
}

fn unnamed() -> Coded {
    Coded {
        text: String::new(),
        system: None,
        code: None,
    }
}

/// The instructions as written: each dosage's text, else its instruction to the patient.
fn dosage_text(dosages: &[Option<Dosage>]) -> Vec<String> {
    dosages
        .iter()
        .flatten()
        .filter_map(|d| non_empty(d.text.as_deref()).or_else(|| non_empty(d.patient_instruction.as_deref())))
        .collect()
}

/// Whether a dosage says to take it when needed.
fn as_needed(dosages: &[Option<Dosage>]) -> bool {
    dosages.iter().flatten().any(|d| match d.as_needed.as_ref() {
        Some(DosageAsNeeded::Boolean(needed)) => *needed,
        Some(DosageAsNeeded::CodeableConcept(_)) => true,
        None => false,
    })
}

/// The reasons given: codes and the conditions referred to.
pub fn reasons(chart: &Chart<'_>, codes: &[Option<CodeableConcept>], references: &[Option<Reference>]) -> Vec<Coded> {
    let mut found = coded::concepts(codes);
    for reason in references
        .iter()
        .flatten()
        .filter_map(|r| coded::referenced(chart.references, r))
    {
        coded::push_new(&mut found, reason);
    }
    found
}
