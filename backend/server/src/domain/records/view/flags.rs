//! Whether a result is high, low or abnormal: the chart's interpretation when it gives one,
//! else the value against its reference range.

use portal_api::{FlagSource, ReferenceRange, ResultFlag};

/// The code systems of FHIR's observation interpretation (v3, and v2 table 0078 it came from).
const INTERPRETATION_SYSTEMS: [&str; 2] = [
    "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation",
    "http://terminology.hl7.org/CodeSystem/v2-0078",
];

/// The flag an interpretation code means, for the codes that say high, low, abnormal or
/// normal (others, such as `POS` or `R`, are no flag). A coding with another system is ignored.
pub fn from_interpretation_code(system: Option<&str>, code: &str) -> Option<ResultFlag> {
    if system.is_some_and(|system| !INTERPRETATION_SYSTEMS.contains(&system)) {
        return None;
    }
    Some(match code {
        "N" => ResultFlag::Normal,
        "H" | "HU" | "H>" => ResultFlag::High,
        "HH" => ResultFlag::CriticallyHigh,
        "L" | "LU" | "L<" => ResultFlag::Low,
        "LL" => ResultFlag::CriticallyLow,
        "A" => ResultFlag::Abnormal,
        "AA" => ResultFlag::CriticallyAbnormal,
        _ => return None,
    })
}

/// The flag of a number against its range. Only when the range is in the value's unit (or
/// names none) and says something conclusive: a bound value (`< 5`) is low only when the
/// whole bound lies under the range, and never high.
pub fn from_range(
    value: f64,
    comparator: Option<&str>,
    unit: Option<&str>,
    range: &ReferenceRange,
) -> Option<ResultFlag> {
    if let (Some(range_unit), Some(unit)) = (range.unit.as_deref(), unit) {
        if range_unit != unit {
            return None;
        }
    }
    let (low, high) = (range.low, range.high);
    if low.is_none() && high.is_none() {
        return None;
    }
    match comparator {
        None => Some(if high.is_some_and(|h| value > h) {
            ResultFlag::High
        } else if low.is_some_and(|l| value < l) {
            ResultFlag::Low
        } else {
            ResultFlag::Normal
        }),
        // The true value is at most (or under) `value`.
        Some("<") | Some("<=") => {
            let strict = comparator == Some("<");
            if low.is_some_and(|l| value < l || (strict && value <= l)) {
                Some(ResultFlag::Low)
            } else if low.is_none() && high.is_some_and(|h| value <= h) {
                Some(ResultFlag::Normal)
            } else {
                None
            }
        }
        // The true value is at least (or over) `value`.
        Some(">") | Some(">=") => {
            let strict = comparator == Some(">");
            if high.is_some_and(|h| value > h || (strict && value >= h)) {
                Some(ResultFlag::High)
            } else if high.is_none() && low.is_some_and(|l| value >= l) {
                Some(ResultFlag::Normal)
            } else {
                None
            }
        }
        Some(_) => None,
    }
}

/// The flag to show and where it came from: the interpretation's first recognised code, else
/// the number against the range.
pub fn decide(
    interpretation: Option<ResultFlag>,
    number: Option<(f64, Option<&str>, Option<&str>)>,
    range: Option<&ReferenceRange>,
) -> (Option<ResultFlag>, Option<FlagSource>) {
    if let Some(flag) = interpretation {
        return (Some(flag), Some(FlagSource::Interpretation));
    }
    match (number, range) {
        (Some((value, comparator, unit)), Some(range)) => match from_range(value, comparator, unit, range) {
            Some(flag) => (Some(flag), Some(FlagSource::ReferenceRange)),
            None => (None, None),
        },
        _ => (None, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(low: Option<f64>, high: Option<f64>, unit: Option<&str>) -> ReferenceRange {
        ReferenceRange {
            low,
            high,
            unit: unit.map(str::to_owned),
            text: None,
        }
    }

    #[test]
    fn interpretation_codes() {
        let v3 = Some(INTERPRETATION_SYSTEMS[0]);
        assert_eq!(from_interpretation_code(v3, "H"), Some(ResultFlag::High));
        assert_eq!(from_interpretation_code(None, "LL"), Some(ResultFlag::CriticallyLow));
        assert_eq!(from_interpretation_code(v3, "A"), Some(ResultFlag::Abnormal));
        assert_eq!(from_interpretation_code(v3, "N"), Some(ResultFlag::Normal));
        assert_eq!(from_interpretation_code(v3, "POS"), None);
        assert_eq!(from_interpretation_code(Some("http://example.org/local"), "H"), None);
    }

    #[test]
    fn a_number_against_its_range_bounds_included() {
        let r = range(Some(3.5), Some(5.0), Some("mmol/L"));
        assert_eq!(from_range(5.1, None, Some("mmol/L"), &r), Some(ResultFlag::High));
        assert_eq!(from_range(3.4, None, Some("mmol/L"), &r), Some(ResultFlag::Low));
        assert_eq!(from_range(5.0, None, Some("mmol/L"), &r), Some(ResultFlag::Normal));
        assert_eq!(from_range(3.5, None, None, &r), Some(ResultFlag::Normal));
        assert_eq!(
            from_range(200.0, None, Some("mg/dL"), &range(None, Some(199.0), None)),
            Some(ResultFlag::High)
        );
    }

    #[test]
    fn no_flag_when_the_units_differ_or_the_range_has_no_bound() {
        assert_eq!(
            from_range(9.0, None, Some("mg/dL"), &range(Some(3.5), Some(5.0), Some("mmol/L"))),
            None
        );
        assert_eq!(from_range(9.0, None, None, &range(None, None, None)), None);
    }

    #[test]
    fn a_bound_value_is_flagged_only_when_conclusive() {
        let r = range(Some(10.0), Some(20.0), None);
        assert_eq!(from_range(5.0, Some("<"), None, &r), Some(ResultFlag::Low));
        assert_eq!(from_range(10.0, Some("<"), None, &r), Some(ResultFlag::Low));
        assert_eq!(from_range(10.0, Some("<="), None, &r), None);
        assert_eq!(from_range(15.0, Some("<"), None, &r), None);
        assert_eq!(from_range(25.0, Some(">"), None, &r), Some(ResultFlag::High));
        assert_eq!(from_range(15.0, Some(">"), None, &r), None);
        assert_eq!(
            from_range(5.0, Some("<"), None, &range(None, Some(20.0), None)),
            Some(ResultFlag::Normal)
        );
        assert_eq!(
            from_range(30.0, Some(">="), None, &range(Some(20.0), None, None)),
            Some(ResultFlag::Normal)
        );
    }

    #[test]
    fn the_interpretation_wins_over_the_range() {
        let r = range(Some(1.0), Some(2.0), None);
        assert_eq!(
            decide(Some(ResultFlag::Abnormal), Some((1.5, None, None)), Some(&r)),
            (Some(ResultFlag::Abnormal), Some(FlagSource::Interpretation))
        );
        assert_eq!(
            decide(None, Some((3.0, None, None)), Some(&r)),
            (Some(ResultFlag::High), Some(FlagSource::ReferenceRange))
        );
        assert_eq!(decide(None, Some((3.0, None, None)), None), (None, None));
        assert_eq!(decide(None, None, Some(&r)), (None, None));
    }
}
