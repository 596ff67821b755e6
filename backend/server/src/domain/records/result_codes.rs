//! The code a result's series is asked for (`…/record/results/{code}/series`), checked, and
//! which of a chart's Observations may carry it, judged from their clear code alone (the
//! store keeps each resource's first coding clear, [`super::Lookup`]), so a series opens only
//! those and not the whole chart.
//!
//! An Observation may carry the code
//! - as its own first coding: its clear code is the code;
//! - as a part of a panel (a blood pressure's systolic is a component of the panel): its
//!   clear code is a panel known to hold the code ([`PANELS`]);
//! - in another coding, after a local code an EHR put first: its clear code's system is not
//!   LOINC, so it is opened and looked at.
//!
//! An Observation coded first in LOINC under another code is not opened: the view would find
//! the code in it only as a second LOINC coding (which LOINC does not give one concept) or a
//! component of a panel missing from [`PANELS`].

/// LOINC's system URI.
pub const LOINC: &str = "http://loinc.org";

/// Longest code accepted.
pub const MAX_CODE_LEN: usize = 64;

/// The codes accepted, as a regular expression (for the OpenAPI document).
pub const CODE_PATTERN: &str = "^[A-Za-z0-9.-]{1,64}$";

/// LOINC panels and the parts they are recorded with as components.
pub const PANELS: [(&str, &[&str]); 4] = [
    // Blood pressure panel with all children optional (US Core's vital sign).
    ("85354-9", &["8480-6", "8462-4"]),
    // Blood pressure systolic and diastolic (Synthea's).
    ("55284-4", &["8480-6", "8462-4"]),
    // Blood pressure panel.
    ("35094-2", &["8480-6", "8462-4"]),
    // Pulse oximetry panel: the inhaled oxygen's flow rate and concentration.
    ("59408-5", &["3151-8", "3150-0"]),
];

/// A code as a series asks for it: 1 to [`MAX_CODE_LEN`] letters, digits, `-` or `.` (LOINC's
/// `8480-6`, and other systems' codes written the same way).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResultCode(String);

impl ResultCode {
    pub fn parse(text: &str) -> Option<Self> {
        let valid = (1..=MAX_CODE_LEN).contains(&text.len())
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
        valid.then(|| Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The clear codes under which an Observation may carry this code: itself and the panels
    /// known to hold it. (Observations coded first outside LOINC are opened too; see the
    /// module's note.)
    pub fn stored_codes(&self) -> Vec<&str> {
        let mut codes = vec![self.as_str()];
        codes.extend(
            PANELS
                .iter()
                .filter(|(_, parts)| parts.contains(&self.as_str()))
                .map(|(panel, _)| *panel),
        );
        codes
    }

    /// Whether an Observation whose clear coding is `system` and `code` may carry this code:
    /// the rule `store::charts::observations_coded` applies in its query.
    pub fn may_carry(&self, system: Option<&str>, code: Option<&str>) -> bool {
        system != Some(LOINC) || code.is_some_and(|code| self.stored_codes().contains(&code))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use fhir_sdk::r4b::resources::Resource;
    use serde_json::Value;

    use super::*;
    use crate::domain::records::view::{results, Chart, References};
    use crate::domain::records::ChartBundle;

    #[test]
    fn loinc_like_codes_are_accepted_and_nothing_else() {
        for good in ["8480-6", "29463-7", "a.b-C9", &"9".repeat(64)] {
            assert_eq!(ResultCode::parse(good).map(|c| c.0), Some(good.to_owned()), "{good}");
        }
        for bad in ["", "8480 6", "8480/6", "8480-6%", "é", "../x", &"9".repeat(65)] {
            assert_eq!(ResultCode::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_part_is_looked_for_in_the_panels_that_hold_it() {
        let systolic = ResultCode::parse("8480-6").unwrap();
        assert_eq!(systolic.stored_codes(), ["8480-6", "85354-9", "55284-4", "35094-2"]);
        let weight = ResultCode::parse("29463-7").unwrap();
        assert_eq!(weight.stored_codes(), ["29463-7"]);
        let panel = ResultCode::parse("55284-4").unwrap();
        assert_eq!(panel.stored_codes(), ["55284-4"]);
    }

    /// Over every sample chart and every code its Observations carry (their own and their
    /// parts'), the series made from the Observations the store opens equals the series made
    /// from the whole chart.
    #[test]
    fn the_observations_opened_give_the_whole_charts_series() {
        for path in crate::test_samples::fhir_samples() {
            let bundle = ChartBundle::parse(&std::fs::read(&path).expect("sample")).expect("imports");
            let observations: Vec<_> = bundle
                .resources
                .iter()
                .filter(|r| r.resource_type == "Observation")
                .collect();
            let mut codes = BTreeSet::new();
            for observation in &observations {
                let value: Value = serde_json::from_str(&observation.json).expect("JSON");
                let parts = value["component"].as_array().cloned().unwrap_or_default();
                for concept in std::iter::once(&value["code"]).chain(parts.iter().map(|p| &p["code"])) {
                    for coding in concept["coding"].as_array().into_iter().flatten() {
                        codes.extend(coding["code"].as_str().map(str::to_owned));
                    }
                }
            }
            assert!(codes.contains("8480-6"), "{}: a blood pressure", path.display());
            let typed = |list: &[&crate::domain::records::ChartResource]| -> Vec<Resource> {
                list.iter()
                    .map(|r| serde_json::from_str(&r.json).expect("typed"))
                    .collect()
            };
            let all = typed(&observations);
            let references = References::new();
            for code in &codes {
                let code = ResultCode::parse(code).expect("a sample's code is accepted");
                let opened: Vec<_> = observations
                    .iter()
                    .copied()
                    .filter(|r| code.may_carry(r.lookup.code_system.as_deref(), r.lookup.code.as_deref()))
                    .collect();
                let some = typed(&opened);
                let whole = results::series(&Chart::new(&all, &references), code.as_str());
                let part = results::series(&Chart::new(&some, &references), code.as_str());
                assert_eq!(part, whole, "{}: {}", path.display(), code.as_str());
                assert!(opened.len() < observations.len() || observations.len() < 2);
            }
        }
    }
}
