//! Results: each Observation as a [`ResultValue`] (its value, reference range and flag, and
//! its parts), the reports that group them, the results section newest first, and a code's
//! series.

use std::collections::HashSet;

use fhir_sdk::r4b::codes::{DiagnosticReportStatus, ObservationStatus};
use fhir_sdk::r4b::resources::{
    DiagnosticReport, DiagnosticReportEffective, Observation, ObservationComponentValue, ObservationEffective,
    ObservationReferenceRange, ObservationValue, Resource,
};
use fhir_sdk::r4b::types::{CodeableConcept, Quantity, Reference};
use portal_api::{
    ChartDate, Coded, FlagSource, ObservedValue, ReferenceRange, ResultComponent, ResultFlag, ResultReport,
    ResultSeries, ResultValue,
};

use super::chart::{id_of, Chart};
use super::references::non_empty;
use super::{coded, dates, flags, series};

/// The results section: every report with its values, and every result reported on its own
/// (not part of a report or of another result's group), newest first.
pub fn results(chart: &Chart<'_>) -> Vec<ResultReport> {
    let mut grouped: HashSet<String> = HashSet::new();
    let mut found: Vec<ResultReport> = Vec::new();
    for report in chart.diagnostic_reports() {
        grouped.extend(
            report
                .result
                .iter()
                .flatten()
                .filter_map(|r| chart.references.id_of(r, "Observation")),
        );
        found.extend(diagnostic_report(chart, report));
    }
    let observations: Vec<&Observation> = chart.observations().collect();
    for observation in &observations {
        grouped.extend(
            observation
                .has_member
                .iter()
                .flatten()
                .filter_map(|r| chart.references.id_of(r, "Observation")),
        );
    }
    for observation in observations {
        if observation.id.as_ref().is_some_and(|id| grouped.contains(id)) {
            continue;
        }
        found.extend(observation_report(chart, observation));
    }
    found.sort_by(|a, b| {
        dates::newest_first(a.date.as_ref(), b.date.as_ref())
            .then_with(|| b.issued.cmp(&a.issued))
            .then_with(|| a.id.cmp(&b.id))
    });
    found
}

/// A DiagnosticReport with the results it lists, in its order. None for one entered in error.
pub fn diagnostic_report(chart: &Chart<'_>, report: &DiagnosticReport) -> Option<ResultReport> {
    if report.status == DiagnosticReportStatus::EnteredInError {
        return None;
    }
    let values: Vec<ResultValue> = report
        .result
        .iter()
        .flatten()
        .filter_map(|r| observation_at(chart, r))
        .collect();
    let date = match report.effective.as_ref() {
        Some(DiagnosticReportEffective::DateTime(value)) => dates::from_date_time(value),
        Some(DiagnosticReportEffective::Period(period)) => dates::period(Some(period)).0,
        None => None,
    };
    let issued = report.issued.as_ref().and_then(dates::from_instant).and_then(|d| d.at);
    Some(ResultReport {
        id: id_of(&report.id),
        is_report: true,
        name: name(&report.code),
        categories: coded::concepts(&report.category),
        date: date.or_else(|| report.issued.as_ref().and_then(dates::from_instant)),
        issued,
        status: report.status.as_ref().to_owned(),
        performers: chart.references.names_of(report.performer.iter().flatten()),
        has_flags: any_flagged(&values),
        release: None,
        review: None,
        values,
        conclusion: non_empty(report.conclusion.as_deref()),
    })
}

/// A result reported on its own, with the results it groups (`hasMember`) after it.
fn observation_report(chart: &Chart<'_>, observation: &Observation) -> Option<ResultReport> {
    let own = result_value(observation)?;
    let members = observation
        .has_member
        .iter()
        .flatten()
        .filter_map(|r| observation_at(chart, r));
    let mut values = Vec::new();
    if own.value.is_some() || !own.components.is_empty() || observation.has_member.is_empty() {
        values.push(own.clone());
    }
    values.extend(members);
    Some(ResultReport {
        id: own.id,
        is_report: false,
        name: own.name,
        categories: coded::concepts(&observation.category),
        date: own.date,
        issued: observation
            .issued
            .as_ref()
            .and_then(dates::from_instant)
            .and_then(|d| d.at),
        status: own.status,
        performers: chart.references.names_of(observation.performer.iter().flatten()),
        has_flags: any_flagged(&values),
        release: None,
        review: None,
        values,
        conclusion: None,
    })
}

fn observation_at(chart: &Chart<'_>, reference: &Reference) -> Option<ResultValue> {
    match chart.references.resolve(reference)? {
        Resource::Observation(observation) => result_value(observation),
        _ => None,
    }
}

fn any_flagged(values: &[ResultValue]) -> bool {
    let out = |flag: Option<ResultFlag>| flag.is_some_and(ResultFlag::is_out_of_range);
    values
        .iter()
        .any(|v| out(v.flag) || v.components.iter().any(|c| out(c.flag)))
}

/// One observation as a result. None for one entered in error.
pub fn result_value(observation: &Observation) -> Option<ResultValue> {
    if observation.status == ObservationStatus::EnteredInError {
        return None;
    }
    let value = observation.value.as_ref().and_then(observed_value);
    let reference_range = normal_range(&observation.reference_range);
    let (flag, flag_source) = decide_flag(&observation.interpretation, value.as_ref(), reference_range.as_ref());
    let components = observation
        .component
        .iter()
        .flatten()
        .map(|component| {
            let value = component.value.as_ref().and_then(component_value);
            let reference_range = normal_range(&component.reference_range);
            let (flag, flag_source) = decide_flag(&component.interpretation, value.as_ref(), reference_range.as_ref());
            ResultComponent {
                name: name(&component.code),
                value,
                reference_range,
                flag,
                flag_source,
            }
        })
        .collect();
    Some(ResultValue {
        id: id_of(&observation.id),
        name: name(&observation.code),
        date: observation_date(observation),
        status: observation.status.as_ref().to_owned(),
        value,
        reference_range,
        flag,
        flag_source,
        components,
        notes: observation
            .note
            .iter()
            .flatten()
            .filter_map(|note| non_empty(Some(&note.text)))
            .collect(),
    })
}

/// The series of one code (a LOINC code): every number recorded under it, by itself or as a
/// part of a result measured in parts (a blood pressure's systolic), oldest first.
pub fn series(chart: &Chart<'_>, code: &str) -> ResultSeries {
    let mut samples = Vec::new();
    for observation in chart.observations() {
        let matched = series::CodeMatch {
            result: coded::has_code(&observation.code, code),
            components: observation
                .component
                .iter()
                .flatten()
                .map(|c| coded::has_code(&c.code, code))
                .collect(),
        };
        if !matched.result && !matched.components.contains(&true) {
            continue;
        }
        if let Some(value) = result_value(observation) {
            samples.extend(series::samples(code, &value, &matched));
        }
    }
    series::build(code, samples)
}

/// A concept's name; an empty one when it says nothing.
fn name(concept: &CodeableConcept) -> Coded {
    coded::concept(concept).unwrap_or(Coded {
        text: String::new(),
        system: None,
        code: None,
    })
}

/// When an observation was made: its effective time, else when it was issued.
fn observation_date(observation: &Observation) -> Option<ChartDate> {
    let effective = match observation.effective.as_ref() {
        Some(ObservationEffective::DateTime(value)) => dates::from_date_time(value),
        Some(ObservationEffective::Instant(value)) => dates::from_instant(value),
        Some(ObservationEffective::Period(period)) => dates::period(Some(period)).0,
        Some(ObservationEffective::Timing(_)) | None => None,
    };
    effective.or_else(|| observation.issued.as_ref().and_then(dates::from_instant))
}

/// A FHIR primitive as the chart writes it (a time, a dateTime).
fn as_written<T: serde::Serialize>(value: &T) -> Option<String> {
    serde_json::to_value(value).ok()?.as_str().map(str::to_owned)
}

fn number(quantity: &Quantity) -> Option<ObservedValue> {
    Some(ObservedValue::Number {
        value: quantity.value?,
        unit: coded::unit(quantity),
        comparator: quantity.comparator.as_ref().map(|c| c.as_ref().to_owned()),
    })
}

fn text(value: Option<String>) -> Option<ObservedValue> {
    value.map(|value| ObservedValue::Text { value })
}

/// Two ends as written: "4 mg – 6 mg", "2020-01-01 – 2020-02-01", or the one there is.
fn span(low: Option<String>, high: Option<String>, between: &str) -> Option<String> {
    match (low, high) {
        (Some(low), Some(high)) => Some(format!("{low}{between}{high}")),
        (low, high) => low.or(high),
    }
}

/// Both value choices (an observation's and a component's) have the same variants.
macro_rules! observed {
    ($kind:ident, $value:expr) => {
        match $value {
            $kind::Quantity(quantity) => number(quantity),
            $kind::CodeableConcept(concept) => coded::concept(concept).map(|value| ObservedValue::Coded { value }),
            $kind::String(value) => text(non_empty(Some(value))),
            $kind::Boolean(value) => Some(ObservedValue::Boolean { value: *value }),
            $kind::Integer(value) => Some(ObservedValue::Number {
                value: f64::from(*value),
                unit: None,
                comparator: None,
            }),
            $kind::Range(range) => text(span(
                range.low.as_ref().and_then(coded::quantity_text),
                range.high.as_ref().and_then(coded::quantity_text),
                " – ",
            )),
            $kind::Ratio(ratio) => text(span(
                ratio.numerator.as_ref().and_then(coded::quantity_text),
                ratio.denominator.as_ref().and_then(coded::quantity_text),
                " / ",
            )),
            $kind::Time(time) => text(as_written(time)),
            $kind::DateTime(date_time) => text(as_written(date_time)),
            $kind::Period(period) => text(span(
                period.start.as_ref().and_then(as_written),
                period.end.as_ref().and_then(as_written),
                " – ",
            )),
            $kind::SampledData(_) => None,
        }
    };
}

fn observed_value(value: &ObservationValue) -> Option<ObservedValue> {
    observed!(ObservationValue, value)
}

fn component_value(value: &ObservationComponentValue) -> Option<ObservedValue> {
    observed!(ObservationComponentValue, value)
}

/// The normal range (one of type `normal` or of no type), else the first.
fn normal_range(ranges: &[Option<ObservationReferenceRange>]) -> Option<ReferenceRange> {
    let ranges: Vec<&ObservationReferenceRange> = ranges.iter().flatten().collect();
    let chosen = ranges
        .iter()
        .find(|r| r.r#type.as_ref().is_none_or(|kind| coded::has_code(kind, "normal")))
        .or_else(|| ranges.first())?;
    let (low, high) = (chosen.low.as_ref(), chosen.high.as_ref());
    let range = ReferenceRange {
        low: low.and_then(|q| q.value),
        high: high.and_then(|q| q.value),
        unit: low.and_then(coded::unit).or_else(|| high.and_then(coded::unit)),
        text: non_empty(chosen.text.as_deref()),
    };
    (range.low.is_some() || range.high.is_some() || range.text.is_some()).then_some(range)
}

/// The interpretation's first flag, else the number against the range.
fn decide_flag(
    interpretation: &[Option<CodeableConcept>],
    value: Option<&ObservedValue>,
    range: Option<&ReferenceRange>,
) -> (Option<ResultFlag>, Option<FlagSource>) {
    let interpreted = interpretation
        .iter()
        .flatten()
        .flat_map(|concept| concept.coding.iter().flatten())
        .find_map(|coding| flags::from_interpretation_code(coding.system.as_deref(), coding.code.as_deref()?));
    let number = match value {
        Some(ObservedValue::Number {
            value,
            unit,
            comparator,
        }) => Some((*value, comparator.as_deref(), unit.as_deref())),
        _ => None,
    };
    flags::decide(interpreted, number, range)
}
