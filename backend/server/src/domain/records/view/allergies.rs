//! Allergies and intolerances, with their reactions and how severe they were.

use fhir_sdk::r4b::codes::{AllergyIntoleranceCriticality, AllergyIntoleranceSeverity};
use fhir_sdk::r4b::resources::{AllergyIntolerance, AllergyIntoleranceOnset};
use portal_api::{AllergyCriticality, AllergyEntry, AllergyReaction, ReactionSeverity};

use super::chart::{id_of, Chart, ENTERED_IN_ERROR};
use super::references::non_empty;
use super::{coded, dates};

/// Every allergy, newest first; [`AllergyEntry::active`] tells those still active.
pub fn allergies(chart: &Chart<'_>) -> Vec<AllergyEntry> {
    let mut found: Vec<AllergyEntry> = chart.allergies().filter_map(allergy).collect();
    found.sort_by(|a, b| {
        dates::newest_first(a.recorded.or(a.onset).as_ref(), b.recorded.or(b.onset).as_ref())
            .then_with(|| a.id.cmp(&b.id))
    });
    found
}

/// One allergy. None for one entered in error. It is active while its clinical status is
/// active or unstated, unless the allergy was refuted.
fn allergy(allergy: &AllergyIntolerance) -> Option<AllergyEntry> {
    let verification = coded::first_code(allergy.verification_status.as_ref());
    if verification.as_deref() == Some(ENTERED_IN_ERROR) {
        return None;
    }
    let clinical_status = coded::first_code(allergy.clinical_status.as_ref());
    let active = clinical_status.as_deref().is_none_or(|s| s == "active") && verification.as_deref() != Some("refuted");
    let reactions: Vec<AllergyReaction> = allergy
        .reaction
        .iter()
        .flatten()
        .map(|reaction| AllergyReaction {
            manifestations: coded::concepts(&reaction.manifestation),
            severity: reaction.severity.as_ref().map(severity),
            description: non_empty(reaction.description.as_deref()),
            substance: coded::optional(reaction.substance.as_ref()),
        })
        .collect();
    let substance = coded::optional(allergy.code.as_ref())
        .or_else(|| reactions.iter().find_map(|r| r.substance.clone()))
        .unwrap_or(portal_api::Coded {
            text: String::new(),
            system: None,
            code: None,
        });
    let onset = match allergy.onset.as_ref() {
        Some(AllergyIntoleranceOnset::DateTime(value)) => dates::from_date_time(value),
        Some(AllergyIntoleranceOnset::Period(period)) => dates::period(Some(period)).0,
        _ => None,
    };
    Some(AllergyEntry {
        id: id_of(&allergy.id),
        substance,
        clinical_status,
        active,
        kind: allergy.r#type.as_ref().map(|t| t.as_ref().to_owned()),
        categories: allergy
            .category
            .iter()
            .flatten()
            .map(|c| c.as_ref().to_owned())
            .collect(),
        criticality: allergy.criticality.as_ref().map(|c| match c {
            AllergyIntoleranceCriticality::Low => AllergyCriticality::Low,
            AllergyIntoleranceCriticality::High => AllergyCriticality::High,
            AllergyIntoleranceCriticality::UnableToAssess => AllergyCriticality::UnableToAssess,
        }),
        severity: reactions.iter().filter_map(|r| r.severity).max_by_key(|s| rank(*s)),
        reactions,
        onset,
        recorded: dates::optional(allergy.recorded_date.as_ref()),
    })
}

fn severity(severity: &AllergyIntoleranceSeverity) -> ReactionSeverity {
    match severity {
        AllergyIntoleranceSeverity::Mild => ReactionSeverity::Mild,
        AllergyIntoleranceSeverity::Moderate => ReactionSeverity::Moderate,
        AllergyIntoleranceSeverity::Severe => ReactionSeverity::Severe,
    }
}

fn rank(severity: ReactionSeverity) -> u8 {
    match severity {
        ReactionSeverity::Mild => 1,
        ReactionSeverity::Moderate => 2,
        ReactionSeverity::Severe => 3,
    }
}
