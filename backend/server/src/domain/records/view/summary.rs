//! The summary a patient sees first, made from the sections' entries.

use chrono::{DateTime, Utc};
use portal_api::{
    AllergyEntry, ChartPatient, ImmunizationEntry, MedicationEntry, ProblemEntry, RecordSummary, VaccineSummary,
    VisitEntry,
};

use super::chart::{id_of, Chart};
use super::references::person_name;
use super::{allergies, dates, immunizations, medications, problems, visits};

/// The summary of a chart: None when it holds no Patient.
pub fn summary(chart: &Chart<'_>, now: DateTime<Utc>) -> Option<RecordSummary> {
    let patient = chart.patient()?;
    let patient = ChartPatient {
        id: id_of(&patient.id),
        name: person_name(&patient.name).unwrap_or_default(),
        birth_date: patient.birth_date.as_ref().and_then(dates::from_date).map(|d| d.date),
        gender: patient.gender.as_ref().map(|g| g.as_ref().to_owned()),
    };
    // Only the two visits shown are filled in with what was done at them.
    let outlines = chart.encounters().filter_map(|e| visits::outline(chart, e)).collect();
    let (next, last) = next_and_last(outlines, now);
    let wanted: Vec<String> = next.iter().chain(&last).map(|v| v.id.clone()).collect();
    let mut filled = visits::visits_where(chart, |id| wanted.iter().any(|w| w == id));
    let mut take = |visit: Option<VisitEntry>| {
        let id = visit?.id;
        filled.iter().position(|v| v.id == id).map(|i| filled.swap_remove(i))
    };
    let (next_visit, last_visit) = (take(next), take(last));
    let sections = Sections {
        problems: problems::problems(chart),
        allergies: allergies::allergies(chart),
        medications: medications::medications(chart),
        immunizations: immunizations::immunizations(chart),
    };
    Some(summarize(patient, sections, next_visit, last_visit))
}

/// Until when a summary made at some instant stays what [`summary`] makes: only time moving
/// past the next visit's start changes it (that visit becomes the last, the one after it the
/// next); `None` when no visit is to come (only a changed chart changes it then).
pub fn unchanged_until(summary: &RecordSummary) -> Option<DateTime<Utc>> {
    summary.next_visit.as_ref()?.start.as_ref().map(dates::instant)
}

/// The sections' entries a summary is made from, each newest first as its section gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct Sections {
    pub problems: Vec<ProblemEntry>,
    pub allergies: Vec<AllergyEntry>,
    pub medications: Vec<MedicationEntry>,
    pub immunizations: Vec<ImmunizationEntry>,
}

/// Statuses of a visit that never took place and will not.
const VISIT_NEVER_HAPPENS: [&str; 2] = ["cancelled", "entered-in-error"];

/// Active problems, allergies and medications, each vaccine once, and the given visits.
pub fn summarize(
    patient: ChartPatient,
    sections: Sections,
    next_visit: Option<VisitEntry>,
    last_visit: Option<VisitEntry>,
) -> RecordSummary {
    RecordSummary {
        patient,
        active_problems: sections.problems.into_iter().filter(|p| p.active).collect(),
        allergies: sections.allergies.into_iter().filter(|a| a.active).collect(),
        current_medications: sections.medications.into_iter().filter(|m| m.active).collect(),
        immunizations: vaccines(&sections.immunizations),
        next_visit,
        last_visit,
    }
}

/// Each vaccine given once (by code, else by name) with its doses and the latest, the most
/// recently given first.
pub fn vaccines(immunizations: &[ImmunizationEntry]) -> Vec<VaccineSummary> {
    let mut found: Vec<VaccineSummary> = Vec::new();
    for given in immunizations.iter().filter(|i| i.status == "completed") {
        let same = |v: &&mut VaccineSummary| match (&v.vaccine.code, &given.vaccine.code) {
            (Some(code), Some(given_code)) => code == given_code && v.vaccine.system == given.vaccine.system,
            (None, None) => v.vaccine.text == given.vaccine.text,
            _ => false,
        };
        match found.iter_mut().find(same) {
            Some(vaccine) => {
                vaccine.doses += 1;
                if dates::newest_first(given.date.as_ref(), vaccine.last_given.as_ref()).is_lt() {
                    vaccine.last_given = given.date;
                }
            }
            None => found.push(VaccineSummary {
                vaccine: given.vaccine.clone(),
                last_given: given.date,
                doses: 1,
            }),
        }
    }
    found.sort_by(|a, b| dates::newest_first(a.last_given.as_ref(), b.last_given.as_ref()));
    found
}

/// The earliest visit starting after `now` that is still to happen, and the latest that has
/// started and took place (not planned, cancelled or entered in error).
pub fn next_and_last(visits: Vec<VisitEntry>, now: DateTime<Utc>) -> (Option<VisitEntry>, Option<VisitEntry>) {
    let mut next: Option<VisitEntry> = None;
    let mut last: Option<VisitEntry> = None;
    for visit in visits {
        let Some(start) = visit.start.as_ref().map(dates::instant) else {
            continue;
        };
        if VISIT_NEVER_HAPPENS.contains(&visit.status.as_str()) {
            continue;
        }
        let starts = |v: &VisitEntry| v.start.as_ref().map(dates::instant);
        if start > now {
            if next.as_ref().is_none_or(|n| starts(n).is_some_and(|s| start < s)) {
                next = Some(visit);
            }
        } else if visit.status != "planned" && last.as_ref().is_none_or(|l| starts(l).is_some_and(|s| start > s)) {
            last = Some(visit);
        }
    }
    (next, last)
}

#[cfg(test)]
mod tests {
    use portal_api::Coded;

    use super::*;

    fn coded(code: Option<&str>, text: &str) -> Coded {
        Coded {
            text: text.into(),
            system: code.map(|_| "http://hl7.org/fhir/sid/cvx".into()),
            code: code.map(Into::into),
        }
    }

    fn shot(id: &str, code: Option<&str>, text: &str, date: &str, status: &str) -> ImmunizationEntry {
        ImmunizationEntry {
            id: id.into(),
            vaccine: coded(code, text),
            status: status.into(),
            date: dates::parse(date),
            performers: Vec::new(),
            location: None,
            lot_number: None,
            site: None,
            dose: None,
        }
    }

    fn visit(id: &str, start: &str, status: &str) -> VisitEntry {
        VisitEntry {
            id: id.into(),
            start: dates::parse(start),
            end: None,
            status: status.into(),
            class: None,
            kinds: Vec::new(),
            clinicians: Vec::new(),
            provider: None,
            reasons: Vec::new(),
            diagnoses: Vec::new(),
            procedures: Vec::new(),
            immunizations: Vec::new(),
            medications: Vec::new(),
            results: Vec::new(),
        }
    }

    #[test]
    fn each_vaccine_once_with_its_doses_and_latest_date() {
        let shots = [
            shot("1", Some("140"), "Influenza", "2019-10-01", "completed"),
            shot("2", Some("113"), "Td", "2015-03-01", "completed"),
            shot("3", Some("140"), "Influenza", "2020-10-01", "completed"),
            shot("4", Some("140"), "Influenza", "2021-10-01", "not-done"),
            shot("5", None, "A local vaccine", "2018-01-01", "completed"),
        ];
        let summary = vaccines(&shots);
        let seen: Vec<_> = summary
            .iter()
            .map(|v| {
                (
                    v.vaccine.text.as_str(),
                    v.doses,
                    v.last_given.map(|d| d.date.to_string()),
                )
            })
            .collect();
        assert_eq!(
            seen,
            [
                ("Influenza", 2, Some("2020-10-01".to_string())),
                ("A local vaccine", 1, Some("2018-01-01".to_string())),
                ("Td", 1, Some("2015-03-01".to_string())),
            ]
        );
    }

    #[test]
    fn the_next_and_the_last_visit() {
        let now = dates::instant(&dates::parse("2020-06-01T12:00:00Z").unwrap());
        let visits = vec![
            visit("future-far", "2021-01-01T09:00:00Z", "planned"),
            visit("future-near", "2020-07-01T09:00:00Z", "planned"),
            visit("future-cancelled", "2020-06-02T09:00:00Z", "cancelled"),
            visit("past", "2020-05-01T09:00:00Z", "finished"),
            visit("past-older", "2019-05-01T09:00:00Z", "finished"),
            visit("past-cancelled", "2020-05-30T09:00:00Z", "cancelled"),
            visit("past-never-held", "2020-05-31T09:00:00Z", "planned"),
            visit("undated", "", "finished"),
        ];
        let (next, last) = next_and_last(visits, now);
        assert_eq!(next.map(|v| v.id), Some("future-near".into()));
        assert_eq!(last.map(|v| v.id), Some("past".into()));
        assert_eq!(next_and_last(Vec::new(), now), (None, None));
    }
}
