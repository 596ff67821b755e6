//! Breaking the glass: the reason a physician or clinical staff member states to open a chart
//! outside their care, and how long that opens it. Who may is `domain::access`'s.

use chrono::{DateTime, Duration, Utc};
use portal_api::{MAX_BREAK_THE_GLASS_REASON, MIN_BREAK_THE_GLASS_REASON};

/// How long a stated reason opens the chart.
pub const GRANT_HOURS: i64 = 8;

/// A reason, trimmed, of an accepted length.
#[derive(Clone, PartialEq, Eq)]
pub struct Reason(String);

impl std::fmt::Debug for Reason {
    /// The reason is about a patient's care: never printed.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Reason(..)")
    }
}

impl Reason {
    /// `Err`: the sentence for the person.
    pub fn parse(text: &str) -> Result<Self, String> {
        let (min, max) = (MIN_BREAK_THE_GLASS_REASON as usize, MAX_BREAK_THE_GLASS_REASON as usize);
        // The longest as sent (what the OpenAPI document states), the shortest once trimmed.
        let sent = text.chars().count();
        let text = text.trim();
        if text.chars().count() < min {
            return Err(format!(
                "Please say why you must open this record now (at least {min} characters): the patient will read it."
            ));
        }
        if sent > max {
            return Err(format!("The reason is too long: at most {max} characters."));
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Until when a grant made at `now` opens the chart.
pub fn grant_until(now: DateTime<Utc>) -> DateTime<Utc> {
    now + Duration::hours(GRANT_HOURS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reason_is_ten_to_five_hundred_characters_after_trimming() {
        assert_eq!(
            Reason::parse("  Covering for Dr. Okafor  ").unwrap().as_str(),
            "Covering for Dr. Okafor"
        );
        assert!(Reason::parse("   too short   ").is_err());
        assert!(Reason::parse("ééééééééé").is_err(), "9 characters");
        assert!(Reason::parse("éééééééééé").is_ok(), "10 characters, 20 bytes");
        assert!(Reason::parse(&"x".repeat(500)).is_ok());
        assert!(Reason::parse(&"x".repeat(501)).is_err());
        assert!(Reason::parse(&format!("{} ", "x".repeat(500))).is_err(), "as sent");
        assert_eq!(
            format!("{:?}", Reason::parse("a private reason").unwrap()),
            "Reason(..)"
        );
    }

    #[test]
    fn a_grant_lasts_eight_hours() {
        let now = DateTime::parse_from_rfc3339("2026-11-30T22:00:00Z").unwrap().to_utc();
        assert_eq!(grant_until(now).to_rfc3339(), "2026-12-01T06:00:00+00:00");
    }
}
