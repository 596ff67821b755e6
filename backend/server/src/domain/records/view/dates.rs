//! FHIR dates (`date`, `dateTime`, `instant`) as [`ChartDate`]s, and the order of dated things.

use std::cmp::Ordering;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use fhir_sdk::r4b::types::Period;
use fhir_sdk::{Date, DateTime as FhirDateTime, Instant};
use portal_api::{ChartDate, DatePrecision};

/// A FHIR `date`, `dateTime` or `instant` as written (`2012`, `2012-05`, `2012-05-06`,
/// `2012-05-06T05:35:54+00:00`). The calendar date is the one written, in the chart's own time
/// zone. None when the text is none of these (the parser of the import refuses such a date,
/// so this only guards).
pub fn parse(text: &str) -> Option<ChartDate> {
    let text = text.trim();
    let (date_part, time_part) = match text.split_once('T') {
        Some((date, time)) => (date, Some(time)),
        None => (text, None),
    };
    let mut fields = date_part.split('-');
    let year: i32 = fields.next().filter(|y| y.len() == 4)?.parse().ok()?;
    let month = match fields.next() {
        Some(text) => Some(two_digits(text)?),
        None => None,
    };
    let day = match fields.next() {
        Some(text) => Some(two_digits(text)?),
        None => None,
    };
    if fields.next().is_some() {
        return None;
    }
    let (date, precision) = match (month, day) {
        (None, None) => (NaiveDate::from_ymd_opt(year, 1, 1)?, DatePrecision::Year),
        (Some(month), None) => (NaiveDate::from_ymd_opt(year, month, 1)?, DatePrecision::Month),
        (Some(month), Some(day)) => (NaiveDate::from_ymd_opt(year, month, day)?, DatePrecision::Day),
        (None, Some(_)) => return None,
    };
    let at = match time_part {
        None => None,
        Some(_) if precision != DatePrecision::Day => return None,
        Some(_) => Some(DateTime::parse_from_rfc3339(text).ok()?.with_timezone(&Utc)),
    };
    Some(ChartDate { date, precision, at })
}

/// A FHIR `date` (a year, a month or a day).
pub fn from_date(date: &Date) -> Option<ChartDate> {
    let (date, precision) = match date {
        Date::Year(year) => (NaiveDate::from_ymd_opt(*year, 1, 1)?, DatePrecision::Year),
        Date::YearMonth(year, month) => (
            NaiveDate::from_ymd_opt(*year, u32::from(*month as u8), 1)?,
            DatePrecision::Month,
        ),
        Date::Date(date) => (
            NaiveDate::from_ymd_opt(date.year(), u32::from(date.month() as u8), u32::from(date.day()))?,
            DatePrecision::Day,
        ),
    };
    Some(ChartDate {
        date,
        precision,
        at: None,
    })
}

/// A FHIR `instant`: the date as written in its own offset, and the instant.
pub fn from_instant(instant: &Instant) -> Option<ChartDate> {
    let written = instant.0;
    let date = NaiveDate::from_ymd_opt(
        written.year(),
        u32::from(written.month() as u8),
        u32::from(written.day()),
    )?;
    let at = DateTime::from_timestamp(written.unix_timestamp(), written.nanosecond())?;
    Some(ChartDate {
        date,
        precision: DatePrecision::Day,
        at: Some(at),
    })
}

/// A FHIR `dateTime`.
pub fn from_date_time(value: &FhirDateTime) -> Option<ChartDate> {
    match value {
        FhirDateTime::Date(date) => from_date(date),
        FhirDateTime::DateTime(instant) => from_instant(instant),
    }
}

/// A dateTime that may be absent.
pub fn optional(value: Option<&FhirDateTime>) -> Option<ChartDate> {
    value.and_then(from_date_time)
}

/// A period's start and end.
pub fn period(period: Option<&Period>) -> (Option<ChartDate>, Option<ChartDate>) {
    match period {
        Some(period) => (optional(period.start.as_ref()), optional(period.end.as_ref())),
        None => (None, None),
    }
}

fn two_digits(text: &str) -> Option<u32> {
    if text.len() == 2 && text.bytes().all(|b| b.is_ascii_digit()) {
        text.parse().ok()
    } else {
        None
    }
}

/// The instant a date stands for when ordering: its time when it has one, else the start of
/// its day (in UTC).
pub fn instant(date: &ChartDate) -> DateTime<Utc> {
    date.at.unwrap_or_else(|| date.date.and_time(NaiveTime::MIN).and_utc())
}

/// Newest first; undated things last.
pub fn newest_first(a: Option<&ChartDate>, b: Option<&ChartDate>) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) => instant(b).cmp(&instant(a)),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn partial_dates_keep_their_precision() {
        assert_eq!(
            parse("2010").unwrap(),
            ChartDate {
                date: day(2010, 1, 1),
                precision: DatePrecision::Year,
                at: None
            }
        );
        assert_eq!(parse("2010-07").unwrap().precision, DatePrecision::Month);
        assert_eq!(parse("2010-07").unwrap().date, day(2010, 7, 1));
        assert_eq!(
            parse("2010-07-14").unwrap(),
            ChartDate {
                date: day(2010, 7, 14),
                precision: DatePrecision::Day,
                at: None
            }
        );
    }

    #[test]
    fn a_date_time_keeps_the_date_written_and_the_instant() {
        let date = parse("2012-05-06T23:35:54-05:00").unwrap();
        assert_eq!(date.date, day(2012, 5, 6), "the date as written, not the UTC date");
        assert_eq!(date.at.unwrap().to_rfc3339(), "2012-05-07T04:35:54+00:00");
        assert_eq!(
            parse("2012-05-06T05:35:54.645+00:00")
                .unwrap()
                .at
                .unwrap()
                .timestamp_subsec_millis(),
            645
        );
        assert!(parse("2012-05-06T05:35:54Z").is_some());
    }

    #[test]
    fn anything_else_is_no_date() {
        for text in [
            "",
            "12",
            "2012-5",
            "2012-13",
            "2012-02-30",
            "2012-05-06T05:35",
            "2012-05T05:35:54Z",
            "yesterday",
        ] {
            assert_eq!(parse(text), None, "{text:?}");
        }
    }

    #[test]
    fn typed_dates_say_the_same_as_their_text() {
        for text in [
            "2010",
            "2010-07",
            "2010-07-14",
            "2012-05-06T23:35:54-05:00",
            "2012-05-06T05:35:54.645+00:00",
        ] {
            let typed: FhirDateTime = serde_json::from_value(serde_json::json!(text)).unwrap();
            assert_eq!(from_date_time(&typed), parse(text), "{text}");
        }
        let instant: Instant = serde_json::from_value(serde_json::json!("2012-05-06T23:35:54-05:00")).unwrap();
        assert_eq!(from_instant(&instant), parse("2012-05-06T23:35:54-05:00"));
    }

    #[test]
    fn newest_first_puts_undated_last() {
        let old = parse("2001-01-01");
        let new = parse("2001-01-01T10:00:00Z");
        let mut dates = vec![None, old, new];
        dates.sort_by(|a, b| newest_first(a.as_ref(), b.as_ref()));
        assert_eq!(dates, vec![new, old, None]);
    }
}
