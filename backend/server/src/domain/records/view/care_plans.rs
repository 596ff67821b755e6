//! Care plans and their activities.

use fhir_sdk::r4b::codes::RequestStatus;
use fhir_sdk::r4b::resources::CarePlan;
use portal_api::{CarePlanActivity, CarePlanEntry};

use super::chart::{id_of, Chart};
use super::references::non_empty;
use super::{coded, dates};

/// Every care plan, newest first; [`CarePlanEntry::active`] tells the current ones.
pub fn care_plans(chart: &Chart<'_>) -> Vec<CarePlanEntry> {
    let mut found: Vec<CarePlanEntry> = chart.care_plans().filter_map(|p| care_plan(chart, p)).collect();
    found.sort_by(|a, b| dates::newest_first(a.start.as_ref(), b.start.as_ref()).then_with(|| a.id.cmp(&b.id)));
    found
}

/// One care plan. None for one entered in error.
fn care_plan(chart: &Chart<'_>, plan: &CarePlan) -> Option<CarePlanEntry> {
    if plan.status == RequestStatus::EnteredInError {
        return None;
    }
    let (start, end) = dates::period(plan.period.as_ref());
    let addresses = plan
        .addresses
        .iter()
        .flatten()
        .filter_map(|r| coded::referenced(chart.references, r))
        .collect();
    let activities = plan
        .activity
        .iter()
        .flatten()
        .filter_map(|activity| match activity.detail.as_ref() {
            Some(detail) => {
                let name = coded::optional(detail.code.as_ref()).or_else(|| {
                    non_empty(detail.description.as_deref()).map(|text| portal_api::Coded {
                        text,
                        system: None,
                        code: None,
                    })
                })?;
                Some(CarePlanActivity {
                    name,
                    status: Some(detail.status.as_ref().to_owned()),
                })
            }
            None => {
                let name = activity
                    .reference
                    .as_ref()
                    .and_then(|r| coded::referenced(chart.references, r))?;
                Some(CarePlanActivity { name, status: None })
            }
        })
        .collect();
    Some(CarePlanEntry {
        id: id_of(&plan.id),
        title: non_empty(plan.title.as_deref()),
        description: non_empty(plan.description.as_deref()),
        categories: coded::concepts(&plan.category),
        status: plan.status.as_ref().to_owned(),
        active: plan.status == RequestStatus::Active,
        start: start.or_else(|| dates::optional(plan.created.as_ref())),
        end,
        addresses,
        activities,
    })
}
