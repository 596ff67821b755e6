//! Visits (FHIR Encounters) with who saw the patient, why, and what was done and found.

use std::collections::HashMap;

use fhir_sdk::r4b::codes::EncounterStatus;
use fhir_sdk::r4b::resources::Encounter;
use fhir_sdk::r4b::types::Reference;
use portal_api::{Coded, VisitEntry};

use super::chart::{id_of, Chart, ENTERED_IN_ERROR};
use super::medications::{request_medication, statement_medication};
use super::{coded, dates, results};

/// Every visit, newest first, each with the problems diagnosed, procedures done, vaccines
/// given, medications prescribed and results recorded at it.
pub fn visits(chart: &Chart<'_>) -> Vec<VisitEntry> {
    visits_where(chart, |_| true)
}

/// The visits whose Encounter id passes `keep`, as [`visits`] shows them.
pub fn visits_where(chart: &Chart<'_>, keep: impl Fn(&str) -> bool) -> Vec<VisitEntry> {
    let mut found: Vec<VisitEntry> = chart
        .encounters()
        .filter_map(|e| outline(chart, e))
        .filter(|v| keep(&v.id))
        .collect();
    let index: HashMap<String, usize> = found.iter().enumerate().map(|(i, v)| (v.id.clone(), i)).collect();
    let at = |reference: Option<&Reference>| -> Option<usize> {
        let id = chart.references.id_of(reference?, "Encounter")?;
        index.get(&id).copied()
    };
    for condition in chart.conditions() {
        if coded::first_code(condition.verification_status.as_ref()).as_deref() == Some(ENTERED_IN_ERROR) {
            continue;
        }
        if let (Some(i), Some(name)) = (
            at(condition.encounter.as_ref()),
            coded::optional(condition.code.as_ref()),
        ) {
            coded::push_new(&mut found[i].diagnoses, name);
        }
    }
    for procedure in chart.procedures().filter(|p| p.status.as_ref() != ENTERED_IN_ERROR) {
        if let (Some(i), Some(name)) = (
            at(procedure.encounter.as_ref()),
            coded::optional(procedure.code.as_ref()),
        ) {
            coded::push_new(&mut found[i].procedures, name);
        }
    }
    for immunization in chart.immunizations().filter(|i| i.status == "completed") {
        if let (Some(i), Some(name)) = (
            at(immunization.encounter.as_ref()),
            coded::concept(&immunization.vaccine_code),
        ) {
            coded::push_new(&mut found[i].immunizations, name);
        }
    }
    for request in chart.medication_requests().filter(|m| m.status != ENTERED_IN_ERROR) {
        if let (Some(i), Some(name)) = (
            at(request.encounter.as_ref()),
            request_medication(chart, &request.medication),
        ) {
            coded::push_new(&mut found[i].medications, name);
        }
    }
    for statement in chart.medication_statements().filter(|m| m.status != ENTERED_IN_ERROR) {
        let name = statement_medication(chart, &statement.medication);
        if let (Some(i), Some(name)) = (at(statement.context.as_ref()), name) {
            coded::push_new(&mut found[i].medications, name);
        }
    }
    for observation in chart.observations() {
        // The visit first: the summary fills in only two.
        if let Some(i) = at(observation.encounter.as_ref()) {
            found[i].results.extend(results::result_value(observation));
        }
    }
    found.sort_by(|a, b| dates::newest_first(a.start.as_ref(), b.start.as_ref()).then_with(|| a.id.cmp(&b.id)));
    found
}

/// One encounter, without what was done at it (the lists are empty). None for one entered
/// in error.
pub fn outline(chart: &Chart<'_>, encounter: &Encounter) -> Option<VisitEntry> {
    if encounter.status == EncounterStatus::EnteredInError {
        return None;
    }
    let (start, end) = dates::period(encounter.period.as_ref());
    let mut reasons: Vec<Coded> = coded::concepts(&encounter.reason_code);
    for reason in encounter
        .reason_reference
        .iter()
        .flatten()
        .filter_map(|r| coded::referenced(chart.references, r))
    {
        coded::push_new(&mut reasons, reason);
    }
    let mut diagnoses = Vec::new();
    for diagnosis in encounter.diagnosis.iter().flatten() {
        if let Some(name) = coded::referenced(chart.references, &diagnosis.condition) {
            coded::push_new(&mut diagnoses, name);
        }
    }
    Some(VisitEntry {
        id: id_of(&encounter.id),
        start,
        end,
        status: encounter.status.as_ref().to_owned(),
        class: coded::coding(&encounter.class).and_then(|c| c.code),
        kinds: coded::concepts(&encounter.r#type),
        clinicians: chart.references.names_of(
            encounter
                .participant
                .iter()
                .flatten()
                .filter_map(|p| p.individual.as_ref()),
        ),
        provider: encounter
            .service_provider
            .as_ref()
            .and_then(|r| chart.references.name_of(r)),
        reasons,
        diagnoses,
        procedures: Vec::new(),
        immunizations: Vec::new(),
        medications: Vec::new(),
        results: Vec::new(),
    })
}
