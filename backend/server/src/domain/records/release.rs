//! When a patient sees a result: the practice's rule ([`ReleaseRule`]: at once, as the 21st
//! Century Cures Act expects; some days after it was issued; or once a physician reviewed it),
//! overridden by a patient who asked to see results only after their physician's review
//! ([`ResultPreferences`]). Plain functions over values the caller loaded.
//!
//! A result is released or not as a whole (a report with all its values): an Observation
//! inside a report is released with its report, one reported on its own by itself. The
//! patient's view of a result that is not released keeps what it is and when (so the app can
//! say "waiting for Dr. Okafor's review") but none of what it says: no values, no conclusion,
//! no flags. The care team sees everything, with the release state the patient has.
//!
//! When a result counts as issued ([`issued_at`]): the time the chart says it was issued,
//! else its effective time (the start of its day, in UTC, for a date without a time), else
//! the time the portal received it (its import): a result the chart does not date is held back
//! from when the practice sent it, never from a guess.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use fhir_sdk::r4b::resources::Observation;
use portal_api::{
    ChartDate, ReleaseRule, ResultPreferences, ResultRelease, ResultReport, ResultReview, ResultSeries, VisitEntry,
    MAX_RELEASE_DELAY_DAYS, MAX_REVIEW_NOTE, MIN_RELEASE_DELAY_DAYS,
};

use super::view::chart::id_of;
use super::view::{dates, results, Chart};

/// The FHIR resource types a result is made of.
pub const REPORT: &str = "DiagnosticReport";
pub const OBSERVATION: &str = "Observation";

/// When a result counts as issued (see the module's documentation).
pub fn issued_at(issued: Option<DateTime<Utc>>, date: Option<&ChartDate>, received: DateTime<Utc>) -> DateTime<Utc> {
    issued.or_else(|| date.map(dates::instant)).unwrap_or(received)
}

/// Whether a result issued at `issued` is released to the patient at `now`, and if not what it
/// waits for. `first_review`: when a physician first reviewed it (a later review changes only
/// the note); `physician`: the patient's physician by name, whose review it waits for.
pub fn release(
    rule: ReleaseRule,
    preferences: ResultPreferences,
    issued: DateTime<Utc>,
    first_review: Option<DateTime<Utc>>,
    physician: Option<&str>,
    now: DateTime<Utc>,
) -> ResultRelease {
    let rule = if preferences.only_after_review {
        ReleaseRule::AfterReview
    } else {
        rule
    };
    let waiting_for_review = || physician.map(str::to_owned);
    match rule {
        // In the chart is released, whatever its date says.
        ReleaseRule::AtOnce => ResultRelease::Released { at: issued },
        ReleaseRule::AfterDays { days } => {
            let due = issued + Duration::days(i64::from(days));
            let at = first_review.map_or(due, |reviewed| reviewed.min(due));
            if at <= now {
                ResultRelease::Released { at }
            } else {
                ResultRelease::Waiting {
                    until: Some(due),
                    reviewer: waiting_for_review(),
                }
            }
        }
        ReleaseRule::AfterReview => match first_review {
            Some(at) if at <= now => ResultRelease::Released { at },
            _ => ResultRelease::Waiting {
                until: None,
                reviewer: waiting_for_review(),
            },
        },
    }
}

/// Why a rule or a note is refused; the text is written for the person who sent it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReleaseInputError {
    #[error("Results can be held back from {MIN_RELEASE_DELAY_DAYS} to {MAX_RELEASE_DELAY_DAYS} days.")]
    DelayOutOfRange,
    #[error("Please write a note, or send none.")]
    BlankNote,
    #[error("The note is too long: at most {MAX_REVIEW_NOTE} characters.")]
    NoteTooLong,
    #[error("The note contains characters that cannot be shown.")]
    NoteCharacters,
}

/// The rule, if the practice may set it: a delay of [`MIN_RELEASE_DELAY_DAYS`] to
/// [`MAX_RELEASE_DELAY_DAYS`] days.
pub fn check_rule(rule: ReleaseRule) -> Result<ReleaseRule, ReleaseInputError> {
    match rule {
        ReleaseRule::AfterDays { days } if !(MIN_RELEASE_DELAY_DAYS..=MAX_RELEASE_DELAY_DAYS).contains(&days) => {
            Err(ReleaseInputError::DelayOutOfRange)
        }
        rule => Ok(rule),
    }
}

/// A review's note as it is kept: none, or text by a message body's rules (trailing
/// whitespace and leading blank lines removed, something written, at most
/// [`MAX_REVIEW_NOTE`] characters as sent, no control character but tab and line breaks, no
/// character that changes how text shows without being seen). The OpenAPI document states
/// the same with the message body's pattern.
pub fn check_note(sent: Option<&str>) -> Result<Option<String>, ReleaseInputError> {
    let Some(sent) = sent else { return Ok(None) };
    let text = sent.trim_end().trim_start_matches(['\n', '\r']);
    if text.trim().is_empty() {
        return Err(ReleaseInputError::BlankNote);
    }
    if sent.chars().count() > MAX_REVIEW_NOTE as usize {
        return Err(ReleaseInputError::NoteTooLong);
    }
    if text.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        || portal_api::text::first_hidden(text).is_some()
    {
        return Err(ReleaseInputError::NoteCharacters);
    }
    Ok(Some(text.to_owned()))
}

/// A physician's review of one result, as stored.
#[derive(Clone, PartialEq, Eq)]
pub struct Review {
    /// The reviewer, by name.
    pub by: String,
    /// The first review: it released the result under [`ReleaseRule::AfterReview`].
    pub first_at: DateTime<Utc>,
    /// The latest review (its note is the one kept).
    pub at: DateTime<Utc>,
    pub note: Option<String>,
}

impl std::fmt::Debug for Review {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Review")
            .field("first_at", &self.first_at)
            .field("at", &self.at)
            .finish_non_exhaustive()
    }
}

impl Review {
    pub fn to_api(&self) -> ResultReview {
        ResultReview {
            by: self.by.clone(),
            at: self.at,
            note: self.note.clone(),
        }
    }
}

/// Everything a chart's releases depend on besides the chart.
#[derive(Debug, Clone)]
pub struct ReleaseFacts {
    pub rule: ReleaseRule,
    /// The chart's patient's (the default when the chart is linked to no account).
    pub preferences: ResultPreferences,
    /// The patient's physician, by name.
    pub physician: Option<String>,
    /// Reviews by result id (a DiagnosticReport's or a lone Observation's FHIR id).
    pub reviews: HashMap<String, Review>,
    /// When the portal received each result resource, by `(resource type, FHIR id)`.
    pub received: HashMap<(String, String), DateTime<Utc>>,
    pub now: DateTime<Utc>,
}

/// Who looks: the patient sees only what is released; the care team sees everything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Patient,
    CareTeam,
}

/// The release of every result of one chart, and of every Observation by the result it is
/// part of.
#[derive(Debug, Clone)]
pub struct Releases {
    /// By result id.
    results: HashMap<String, ResultRelease>,
    /// The Observations released to the patient (inside a released result, or released on
    /// their own).
    released_observations: HashSet<String>,
    /// Whether a report of this id is released.
    released_reports: HashSet<String>,
    reviews: HashMap<String, Review>,
}

impl Releases {
    /// The releases of `reports` (the chart's results section, as [`results::results`] makes
    /// it) and of every Observation in `chart`. An Observation in no result (grouped by a
    /// record entered in error) is judged by its own dates, unreviewed.
    pub fn of(chart: &Chart<'_>, reports: &[ResultReport], facts: ReleaseFacts) -> Self {
        let received = |resource_type: &str, id: &str| {
            facts
                .received
                .get(&(resource_type.to_owned(), id.to_owned()))
                .copied()
                // Every stored resource has its time; an unknown one is held from now.
                .unwrap_or(facts.now)
        };
        let decide = |issued: DateTime<Utc>, reviewed: Option<DateTime<Utc>>| {
            release(
                facts.rule,
                facts.preferences,
                issued,
                reviewed,
                facts.physician.as_deref(),
                facts.now,
            )
        };

        let mut results = HashMap::with_capacity(reports.len());
        let mut released_reports = HashSet::new();
        // Each Observation of a result, and whether any result holding it is released.
        let mut held_in: HashMap<String, bool> = HashMap::new();
        for report in reports {
            let kind = if report.is_report { REPORT } else { OBSERVATION };
            let issued = issued_at(report.issued, report.date.as_ref(), received(kind, &report.id));
            let decided = decide(issued, facts.reviews.get(&report.id).map(|r| r.first_at));
            let released = matches!(decided, ResultRelease::Released { .. });
            if report.is_report && released {
                released_reports.insert(report.id.clone());
            }
            if !report.is_report {
                hold(&mut held_in, &report.id, released);
            }
            for value in &report.values {
                hold(&mut held_in, &value.id, released);
            }
            results.insert(report.id.clone(), decided);
        }

        // Members of a group (`hasMember`) follow the group, however deep.
        let observations: HashMap<String, &Observation> = chart.observations().map(|o| (id_of(&o.id), o)).collect();
        let mut queue: Vec<(String, bool)> = held_in.iter().map(|(id, r)| (id.clone(), *r)).collect();
        while let Some((group, released)) = queue.pop() {
            let Some(observation) = observations.get(&group) else {
                continue;
            };
            for member in observation.has_member.iter().flatten() {
                if let Some(member) = chart.references.id_of(member, OBSERVATION) {
                    if hold(&mut held_in, &member, released) {
                        queue.push((member, released));
                    }
                }
            }
        }
        for (id, observation) in &observations {
            if held_in.contains_key(id) {
                continue;
            }
            let date = results::result_value(observation).and_then(|v| v.date);
            let issued = observation
                .issued
                .as_ref()
                .and_then(dates::from_instant)
                .and_then(|d| d.at);
            let decided = decide(issued_at(issued, date.as_ref(), received(OBSERVATION, id)), None);
            hold(&mut held_in, id, matches!(decided, ResultRelease::Released { .. }));
        }
        // Seen in any released result, the patient has it.
        let released_observations = held_in
            .into_iter()
            .filter(|(_, released)| *released)
            .map(|(id, _)| id)
            .collect();
        Releases {
            results,
            released_observations,
            released_reports,
            reviews: facts.reviews,
        }
    }

    /// How many results are released to the patient (a count that grows means a new one).
    pub fn released_count(&self) -> usize {
        self.results
            .values()
            .filter(|r| matches!(r, ResultRelease::Released { .. }))
            .count()
    }

    /// The release of the result `id` (a DiagnosticReport's or a lone Observation's id).
    pub fn of_result(&self, id: &str) -> Option<&ResultRelease> {
        self.results.get(id)
    }

    /// Whether the patient may see the resource `resource_type`/`id`: a DiagnosticReport or an
    /// Observation only when released; anything else is no result and not held back.
    pub fn is_released(&self, resource_type: &str, id: &str) -> bool {
        match resource_type {
            REPORT => self.released_reports.contains(id),
            OBSERVATION => self.released_observations.contains(id),
            _ => true,
        }
    }

    /// Fills in each report's release and review; for the patient, a report that is not
    /// released keeps its name, kind and dates but shows no values, conclusion or flags.
    pub fn fill(&self, reports: &mut [ResultReport], audience: Audience) {
        for report in reports {
            let release = self.results.get(&report.id).cloned();
            let released = matches!(release, Some(ResultRelease::Released { .. }));
            report.review = self.reviews.get(&report.id).map(Review::to_api);
            report.release = release;
            if audience == Audience::Patient && !released {
                report.values.clear();
                report.conclusion = None;
                report.has_flags = false;
                report.review = None;
            }
        }
    }

    /// For the patient, only the released values of a visit.
    pub fn filter_visit(&self, visit: &mut VisitEntry, audience: Audience) {
        if audience == Audience::Patient {
            visit
                .results
                .retain(|value| self.released_observations.contains(&value.id));
        }
    }

    /// For the patient, only the released points of a series (a line left with none goes).
    pub fn filter_series(&self, series: &mut ResultSeries, audience: Audience) {
        if audience == Audience::Patient {
            for line in &mut series.lines {
                line.points
                    .retain(|point| self.released_observations.contains(&point.observation_id));
            }
            series.lines.retain(|line| !line.points.is_empty());
            if series.lines.is_empty() {
                series.name = None;
            }
        }
    }
}

/// Notes that Observation `id` is in a result (`released` or not); whether that changed what
/// was known of it.
fn hold(held_in: &mut HashMap<String, bool>, id: &str, released: bool) -> bool {
    let before = held_in.get(id).copied();
    let now = before.unwrap_or(false) || released;
    held_in.insert(id.to_owned(), now);
    before != Some(now)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, day, hour, 0, 0).unwrap()
    }

    const NO_PREFERENCE: ResultPreferences = ResultPreferences {
        only_after_review: false,
    };
    const ONLY_AFTER_REVIEW: ResultPreferences = ResultPreferences {
        only_after_review: true,
    };
    const DR: Option<&str> = Some("Dr. Okafor");

    fn waiting(until: Option<DateTime<Utc>>, reviewer: Option<&str>) -> ResultRelease {
        ResultRelease::Waiting {
            until,
            reviewer: reviewer.map(str::to_owned),
        }
    }

    #[test]
    fn at_once_releases_when_issued() {
        let issued = at(10, 9);
        for now in [at(10, 9), at(20, 0)] {
            assert_eq!(
                release(ReleaseRule::AtOnce, NO_PREFERENCE, issued, None, DR, now),
                ResultRelease::Released { at: issued }
            );
        }
    }

    #[test]
    fn after_days_waits_the_days_or_the_review_if_sooner() {
        let rule = ReleaseRule::AfterDays { days: 3 };
        let issued = at(10, 9);
        assert_eq!(
            release(rule, NO_PREFERENCE, issued, None, DR, at(13, 8)),
            waiting(Some(at(13, 9)), DR)
        );
        assert_eq!(
            release(rule, NO_PREFERENCE, issued, None, DR, at(13, 9)),
            ResultRelease::Released { at: at(13, 9) }
        );
        // Reviewed the next day: released then.
        assert_eq!(
            release(rule, NO_PREFERENCE, issued, Some(at(11, 9)), DR, at(11, 10)),
            ResultRelease::Released { at: at(11, 9) }
        );
        // Reviewed after the delay: released when the delay ended.
        assert_eq!(
            release(rule, NO_PREFERENCE, issued, Some(at(20, 9)), DR, at(21, 0)),
            ResultRelease::Released { at: at(13, 9) }
        );
    }

    #[test]
    fn after_review_waits_for_the_patients_physician() {
        let issued = at(10, 9);
        assert_eq!(
            release(ReleaseRule::AfterReview, NO_PREFERENCE, issued, None, DR, at(25, 0)),
            waiting(None, DR)
        );
        assert_eq!(
            release(ReleaseRule::AfterReview, NO_PREFERENCE, issued, None, None, at(25, 0)),
            waiting(None, None)
        );
        assert_eq!(
            release(
                ReleaseRule::AfterReview,
                NO_PREFERENCE,
                issued,
                Some(at(12, 9)),
                DR,
                at(25, 0)
            ),
            ResultRelease::Released { at: at(12, 9) }
        );
    }

    #[test]
    fn the_patients_preference_waits_for_the_review_whatever_the_rule() {
        let issued = at(10, 9);
        for rule in [ReleaseRule::AtOnce, ReleaseRule::AfterDays { days: 1 }] {
            assert_eq!(
                release(rule, ONLY_AFTER_REVIEW, issued, None, DR, at(25, 0)),
                waiting(None, DR),
                "{rule:?}"
            );
            assert_eq!(
                release(rule, ONLY_AFTER_REVIEW, issued, Some(at(20, 0)), DR, at(25, 0)),
                ResultRelease::Released { at: at(20, 0) },
                "{rule:?}"
            );
        }
    }

    #[test]
    fn a_result_counts_from_its_issue_else_its_date_else_its_arrival() {
        let received = at(28, 12);
        let dated = ChartDate {
            date: chrono::NaiveDate::from_ymd_opt(2026, 11, 5).unwrap(),
            precision: portal_api::DatePrecision::Day,
            at: None,
        };
        assert_eq!(issued_at(Some(at(6, 9)), Some(&dated), received), at(6, 9));
        assert_eq!(issued_at(None, Some(&dated), received), at(5, 0));
        assert_eq!(issued_at(None, None, received), received);
    }

    #[test]
    fn a_delay_is_one_to_the_most_days() {
        for days in [MIN_RELEASE_DELAY_DAYS - 1, MAX_RELEASE_DELAY_DAYS + 1] {
            assert_eq!(
                check_rule(ReleaseRule::AfterDays { days }),
                Err(ReleaseInputError::DelayOutOfRange)
            );
        }
        for rule in [
            ReleaseRule::AtOnce,
            ReleaseRule::AfterReview,
            ReleaseRule::AfterDays { days: 1 },
            ReleaseRule::AfterDays {
                days: MAX_RELEASE_DELAY_DAYS,
            },
        ] {
            assert_eq!(check_rule(rule), Ok(rule));
        }
    }

    #[test]
    fn a_note_is_text_within_its_length() {
        assert_eq!(check_note(None), Ok(None));
        assert_eq!(
            check_note(Some("\nAll normal.\n  ")),
            Ok(Some("All normal.".to_owned()))
        );
        assert_eq!(check_note(Some("  \n")), Err(ReleaseInputError::BlankNote));
        let longest = "a".repeat(MAX_REVIEW_NOTE as usize);
        assert_eq!(check_note(Some(&longest)), Ok(Some(longest.clone())));
        assert_eq!(
            check_note(Some(&format!("{longest}a"))),
            Err(ReleaseInputError::NoteTooLong)
        );
        for odd in ["a\u{0}b", "a\u{202E}b"] {
            assert_eq!(check_note(Some(odd)), Err(ReleaseInputError::NoteCharacters));
        }
    }

    /// Blair Conroy's chart (the demo's) as the view reads it.
    fn with_demo_chart<T>(body: impl FnOnce(&Chart<'_>) -> T) -> T {
        use fhir_sdk::r4b::resources::{Bundle, Resource};

        use crate::domain::records::view::References;

        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/demo-charts/blair-conroy.json");
        let bundle: Bundle = serde_json::from_slice(&std::fs::read(path).expect("demo chart")).expect("a bundle");
        let (mut resources, mut urls) = (Vec::<Resource>::new(), Vec::new());
        for entry in bundle.0.entry.into_iter().flatten() {
            if let Some(resource) = entry.resource {
                resources.push(resource);
                urls.push(entry.full_url);
            }
        }
        let mut references = References::of(&resources);
        for (resource, url) in resources.iter().zip(urls) {
            if let Some(url) = url {
                references.add_as(url, resource);
            }
        }
        body(&Chart::new(&resources, &references))
    }

    fn facts(rule: ReleaseRule, reviews: HashMap<String, Review>) -> ReleaseFacts {
        ReleaseFacts {
            rule,
            preferences: NO_PREFERENCE,
            physician: Some("Dr. Okafor".into()),
            reviews,
            received: HashMap::new(),
            now: Utc::now(),
        }
    }

    #[test]
    fn the_patient_sees_only_released_results_and_their_values_elsewhere() {
        with_demo_chart(|chart| {
            let reports = results::results(chart);
            let reviewed = reports
                .iter()
                .find(|r| r.is_report && r.values.len() > 1)
                .expect("a report");
            let review = Review {
                by: "Dr. Okafor".into(),
                first_at: Utc::now() - Duration::hours(1),
                at: Utc::now() - Duration::hours(1),
                note: Some("All as expected.".into()),
            };
            let releases = Releases::of(
                chart,
                &reports,
                facts(
                    ReleaseRule::AfterReview,
                    HashMap::from([(reviewed.id.clone(), review.clone())]),
                ),
            );

            let mut patients = reports.clone();
            releases.fill(&mut patients, Audience::Patient);
            let mut team = reports.clone();
            releases.fill(&mut team, Audience::CareTeam);
            for ((seen, full), original) in patients.iter().zip(&team).zip(&reports) {
                if seen.id == reviewed.id {
                    assert_eq!(seen.values, original.values);
                    assert_eq!(seen.review, Some(review.to_api()));
                    assert_eq!(seen.release, Some(ResultRelease::Released { at: review.first_at }));
                } else {
                    assert!(seen.values.is_empty() && seen.conclusion.is_none() && !seen.has_flags);
                    assert_eq!(seen.release, Some(waiting(None, DR)));
                    assert_eq!(seen.name, original.name);
                    // The care team sees everything, with the patient's release state.
                    assert_eq!(full.values, original.values);
                    assert_eq!(full.release, seen.release);
                }
            }

            let inside = &reviewed.values[0].id;
            assert!(releases.is_released(REPORT, &reviewed.id));
            assert!(releases.is_released(OBSERVATION, inside));
            let elsewhere = reports.iter().find(|r| r.id != reviewed.id).expect("another result");
            let kind = if elsewhere.is_report { REPORT } else { OBSERVATION };
            assert!(!releases.is_released(kind, &elsewhere.id));
            assert!(releases.is_released("Condition", "anything"));

            // A visit shows the patient only the released values; a series only their points.
            let mut visits = crate::domain::records::view::visits::visits(chart);
            let visit = visits
                .iter_mut()
                .find(|v| v.results.iter().any(|r| &r.id == inside))
                .expect("its visit");
            assert!(visit.results.len() > 1);
            releases.filter_visit(visit, Audience::Patient);
            assert!(visit.results.iter().all(|r| releases.is_released(OBSERVATION, &r.id)));
            assert!(visit.results.iter().any(|r| &r.id == inside));

            let mut weight = results::series(chart, "29463-7");
            assert!(!weight.lines.is_empty());
            let mut for_team = weight.clone();
            releases.filter_series(&mut for_team, Audience::CareTeam);
            assert_eq!(for_team, weight);
            releases.filter_series(&mut weight, Audience::Patient);
            for line in &weight.lines {
                assert!(line
                    .points
                    .iter()
                    .all(|p| releases.is_released(OBSERVATION, &p.observation_id)));
            }
        });
    }

    #[test]
    fn at_once_releases_every_observation() {
        with_demo_chart(|chart| {
            let reports = results::results(chart);
            let releases = Releases::of(chart, &reports, facts(ReleaseRule::AtOnce, HashMap::new()));
            for observation in chart.observations() {
                assert!(releases.is_released(OBSERVATION, &id_of(&observation.id)));
            }
        });
    }
}
