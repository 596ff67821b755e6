//! Codes in the chart's words: a concept's text, else its display, else its code.

use fhir_sdk::r4b::resources::Resource;
use fhir_sdk::r4b::types::{CodeableConcept, Coding, Quantity, Reference};
use portal_api::Coded;

use super::references::{non_empty, References};

/// A concept as shown: its text, else a display, else a code; its code is the coding's that
/// names it. None when the concept says nothing at all.
pub fn concept(concept: &CodeableConcept) -> Option<Coded> {
    let codings: Vec<&Coding> = concept.coding.iter().flatten().collect();
    let has_code = |c: &&&Coding| non_empty(c.code.as_deref()).is_some();
    // The coding that names the concept: one with a display and a code, else one with a code.
    let chosen = codings
        .iter()
        .filter(has_code)
        .find(|c| non_empty(c.display.as_deref()).is_some())
        .or_else(|| codings.iter().find(has_code));
    let text = non_empty(concept.text.as_deref())
        .or_else(|| chosen.and_then(|c| non_empty(c.display.as_deref())))
        .or_else(|| codings.iter().find_map(|c| non_empty(c.display.as_deref())))
        .or_else(|| chosen.and_then(|c| non_empty(c.code.as_deref())))?;
    Some(Coded {
        text,
        system: chosen.and_then(|c| c.system.clone()),
        code: chosen.and_then(|c| c.code.clone()),
    })
}

/// Several concepts, those that say something.
pub fn concepts<'a>(list: impl IntoIterator<Item = &'a Option<CodeableConcept>>) -> Vec<Coded> {
    list.into_iter().flatten().filter_map(concept).collect()
}

/// A concept that may be absent.
pub fn optional(value: Option<&CodeableConcept>) -> Option<Coded> {
    value.and_then(concept)
}

/// What a reference to a coded record (a condition, a procedure, a result, a medication)
/// names: that record's code, else the reference's `display`.
pub fn referenced(references: &References<'_>, reference: &Reference) -> Option<Coded> {
    let code = references.resolve(reference).and_then(|resource| match resource {
        Resource::Condition(condition) => optional(condition.code.as_ref()),
        Resource::Procedure(procedure) => optional(procedure.code.as_ref()),
        Resource::Observation(observation) => concept(&observation.code),
        Resource::Medication(medication) => optional(medication.code.as_ref()),
        Resource::AllergyIntolerance(allergy) => optional(allergy.code.as_ref()),
        Resource::DiagnosticReport(report) => concept(&report.code),
        _ => None,
    });
    code.or_else(|| {
        non_empty(reference.display.as_deref()).map(|text| Coded {
            text,
            system: None,
            code: None,
        })
    })
}

/// Adds a concept to a list unless it is there already.
pub fn push_new(list: &mut Vec<Coded>, item: Coded) {
    if !list.contains(&item) {
        list.push(item);
    }
}

/// A coding as shown: its display, else its code.
pub fn coding(coding: &Coding) -> Option<Coded> {
    let text = non_empty(coding.display.as_deref()).or_else(|| non_empty(coding.code.as_deref()))?;
    Some(Coded {
        text,
        system: coding.system.clone(),
        code: coding.code.clone(),
    })
}

/// The first code of a concept (what a FHIR status concept such as a clinical status holds).
pub fn first_code(concept: Option<&CodeableConcept>) -> Option<String> {
    concept?
        .coding
        .iter()
        .flatten()
        .find_map(|c| non_empty(c.code.as_deref()))
}

/// Whether any coding of a concept has this code (in any system).
pub fn has_code(concept: &CodeableConcept, code: &str) -> bool {
    concept.coding.iter().flatten().any(|c| c.code.as_deref() == Some(code))
}

/// A quantity's unit as shown: its unit, else its UCUM code.
pub fn unit(quantity: &Quantity) -> Option<String> {
    non_empty(quantity.unit.as_deref()).or_else(|| non_empty(quantity.code.as_deref()))
}

/// A quantity as written ("0.5 mL"), when it has a value.
pub fn quantity_text(quantity: &Quantity) -> Option<String> {
    let value = quantity.value?;
    let comparator = quantity
        .comparator
        .as_ref()
        .map(|c| format!("{} ", c.as_ref()))
        .unwrap_or_default();
    Some(match unit(quantity) {
        Some(unit) => format!("{comparator}{value} {unit}"),
        None => format!("{comparator}{value}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: serde_json::Value) -> CodeableConcept {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn text_then_display_then_code() {
        let both = parse(
            serde_json::json!({"coding": [{"system": "http://loinc.org", "code": "8302-2", "display": "Body Height"}], "text": "Height"}),
        );
        assert_eq!(
            concept(&both),
            Some(Coded {
                text: "Height".into(),
                system: Some("http://loinc.org".into()),
                code: Some("8302-2".into())
            })
        );
        let display = parse(
            serde_json::json!({"coding": [{"code": "x"}, {"system": "s", "code": "8302-2", "display": "Body Height"}]}),
        );
        assert_eq!(concept(&display).unwrap().text, "Body Height");
        assert_eq!(
            concept(&display).unwrap().code.as_deref(),
            Some("8302-2"),
            "the code of the coding named"
        );
        let code = parse(serde_json::json!({"coding": [{"system": "http://loinc.org", "code": "8302-2"}]}));
        assert_eq!(concept(&code).unwrap().text, "8302-2");
        assert_eq!(concept(&parse(serde_json::json!({"text": "  "}))), None);
    }

    #[test]
    fn quantities_as_written() {
        let q: Quantity = serde_json::from_value(serde_json::json!({"value": 0.5, "unit": "mL"})).unwrap();
        assert_eq!(quantity_text(&q).as_deref(), Some("0.5 mL"));
        let q: Quantity =
            serde_json::from_value(serde_json::json!({"value": 5, "comparator": "<", "code": "mg"})).unwrap();
        assert_eq!(quantity_text(&q).as_deref(), Some("< 5 mg"));
    }
}
