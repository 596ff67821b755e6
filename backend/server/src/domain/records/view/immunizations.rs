//! Immunizations: each vaccine given (or recorded as not given).

use fhir_sdk::r4b::resources::{Immunization, ImmunizationOccurrence};
use portal_api::ImmunizationEntry;

use super::chart::{id_of, Chart, ENTERED_IN_ERROR};
use super::references::non_empty;
use super::{coded, dates};

/// Every immunization, newest first.
pub fn immunizations(chart: &Chart<'_>) -> Vec<ImmunizationEntry> {
    let mut found: Vec<ImmunizationEntry> = chart.immunizations().filter_map(|i| immunization(chart, i)).collect();
    found.sort_by(|a, b| dates::newest_first(a.date.as_ref(), b.date.as_ref()).then_with(|| a.id.cmp(&b.id)));
    found
}

/// One immunization. None for one entered in error.
fn immunization(chart: &Chart<'_>, immunization: &Immunization) -> Option<ImmunizationEntry> {
    if immunization.status == ENTERED_IN_ERROR {
        return None;
    }
    let date = match &immunization.occurrence {
        ImmunizationOccurrence::DateTime(value) => dates::from_date_time(value),
        ImmunizationOccurrence::String(_) => None,
    };
    Some(ImmunizationEntry {
        id: id_of(&immunization.id),
        vaccine: coded::concept(&immunization.vaccine_code).unwrap_or(portal_api::Coded {
            text: String::new(),
            system: None,
            code: None,
        }),
        status: immunization.status.clone(),
        date: date.or_else(|| dates::optional(immunization.recorded.as_ref())),
        performers: chart
            .references
            .names_of(immunization.performer.iter().flatten().map(|p| &p.actor)),
        location: immunization.location.as_ref().and_then(|r| chart.references.name_of(r)),
        lot_number: non_empty(immunization.lot_number.as_deref()),
        site: coded::optional(immunization.site.as_ref()),
        dose: immunization.dose_quantity.as_ref().and_then(coded::quantity_text),
    })
}
