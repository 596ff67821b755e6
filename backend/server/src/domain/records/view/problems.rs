//! Problems (FHIR Conditions), current and past.

use fhir_sdk::r4b::resources::{Condition, ConditionAbatement, ConditionOnset};
use portal_api::{Coded, ProblemEntry};

use super::chart::{id_of, Chart, ENTERED_IN_ERROR};
use super::{coded, dates};

/// Clinical statuses of a problem the patient has now.
const ACTIVE: [&str; 3] = ["active", "recurrence", "relapse"];

/// Every problem, newest first; [`ProblemEntry::active`] tells the current ones.
pub fn problems(chart: &Chart<'_>) -> Vec<ProblemEntry> {
    let mut found: Vec<ProblemEntry> = chart.conditions().filter_map(problem).collect();
    found.sort_by(|a, b| {
        dates::newest_first(a.onset.or(a.recorded).as_ref(), b.onset.or(b.recorded).as_ref())
            .then_with(|| a.id.cmp(&b.id))
    });
    found
}

/// One problem. None for one entered in error. It is current while its clinical status is
/// active, recurrence or relapse, unless it was refuted.
fn problem(condition: &Condition) -> Option<ProblemEntry> {
    let verification = coded::first_code(condition.verification_status.as_ref());
    if verification.as_deref() == Some(ENTERED_IN_ERROR) {
        return None;
    }
    let clinical_status = coded::first_code(condition.clinical_status.as_ref());
    let active =
        clinical_status.as_deref().is_some_and(|s| ACTIVE.contains(&s)) && verification.as_deref() != Some("refuted");
    let onset = match condition.onset.as_ref() {
        Some(ConditionOnset::DateTime(value)) => dates::from_date_time(value),
        Some(ConditionOnset::Period(period)) => dates::period(Some(period)).0,
        _ => None,
    };
    let resolved = match condition.abatement.as_ref() {
        Some(ConditionAbatement::DateTime(value)) => dates::from_date_time(value),
        Some(ConditionAbatement::Period(period)) => {
            let (start, end) = dates::period(Some(period));
            end.or(start)
        }
        _ => None,
    };
    Some(ProblemEntry {
        id: id_of(&condition.id),
        name: coded::optional(condition.code.as_ref()).unwrap_or(Coded {
            text: String::new(),
            system: None,
            code: None,
        }),
        clinical_status,
        active,
        onset,
        resolved,
        recorded: dates::optional(condition.recorded_date.as_ref()),
        categories: coded::concepts(&condition.category),
        severity: coded::optional(condition.severity.as_ref()),
    })
}
