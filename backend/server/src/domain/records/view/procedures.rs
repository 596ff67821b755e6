//! Procedures done (or in progress, or not done).

use fhir_sdk::r4b::codes::EventStatus;
use fhir_sdk::r4b::resources::{Procedure, ProcedurePerformed};
use portal_api::{Coded, ProcedureEntry};

use super::chart::{id_of, Chart};
use super::medications::reasons;
use super::{coded, dates};

/// Every procedure, newest first.
pub fn procedures(chart: &Chart<'_>) -> Vec<ProcedureEntry> {
    let mut found: Vec<ProcedureEntry> = chart.procedures().filter_map(|p| procedure(chart, p)).collect();
    found.sort_by(|a, b| dates::newest_first(a.start.as_ref(), b.start.as_ref()).then_with(|| a.id.cmp(&b.id)));
    found
}

/// One procedure. None for one entered in error.
fn procedure(chart: &Chart<'_>, procedure: &Procedure) -> Option<ProcedureEntry> {
    if procedure.status == EventStatus::EnteredInError {
        return None;
    }
    let (start, end) = match procedure.performed.as_ref() {
        Some(ProcedurePerformed::DateTime(value)) => (dates::from_date_time(value), None),
        Some(ProcedurePerformed::Period(period)) => dates::period(Some(period)),
        _ => (None, None),
    };
    Some(ProcedureEntry {
        id: id_of(&procedure.id),
        name: coded::optional(procedure.code.as_ref()).unwrap_or(Coded {
            text: String::new(),
            system: None,
            code: None,
        }),
        status: procedure.status.as_ref().to_owned(),
        start,
        end,
        performers: chart
            .references
            .names_of(procedure.performer.iter().flatten().map(|p| &p.actor)),
        reasons: reasons(chart, &procedure.reason_code, &procedure.reason_reference),
        body_sites: coded::concepts(&procedure.body_site),
        outcome: coded::optional(procedure.outcome.as_ref()),
    })
}
