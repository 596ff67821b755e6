//! The care team's patient search: what a query asks for ([`SearchKey::parse`]) and the name a
//! chart is found by ([`search_name`]). The store turns a key into its query.

use chrono::NaiveDate;

/// Shortest query accepted (characters, after trimming): one letter would list everyone. The
/// contract's figure, which the app checks too.
pub const MIN_QUERY_CHARS: usize = portal_api::MIN_PATIENT_QUERY as usize;
/// Longest query accepted (characters).
pub const MAX_QUERY_CHARS: usize = portal_api::MAX_PATIENT_QUERY as usize;

/// What a search looks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SearchKey {
    /// A date of birth (`YYYY-MM-DD` or `MM/DD/YYYY`).
    BirthDate(NaiveDate),
    /// Charts whose name holds every one of `words` (lower case, in any order), or whose MRN
    /// is `mrn` exactly.
    NameOrMrn { words: Vec<String>, mrn: String },
}

/// Why a query was refused (the sentence is shown as is).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    #[error("Type at least {MIN_QUERY_CHARS} characters of a name, a date of birth or an MRN.")]
    TooShort,
    #[error("The search is too long: at most {MAX_QUERY_CHARS} characters.")]
    TooLong,
}

impl SearchKey {
    pub fn parse(query: &str) -> Result<Self, QueryError> {
        // The longest as sent (what the OpenAPI document states), the shortest once trimmed.
        if query.chars().count() > MAX_QUERY_CHARS {
            return Err(QueryError::TooLong);
        }
        let query = query.trim();
        if query.chars().count() < MIN_QUERY_CHARS {
            return Err(QueryError::TooShort);
        }
        if let Some(date) = birth_date(query) {
            return Ok(SearchKey::BirthDate(date));
        }
        Ok(SearchKey::NameOrMrn {
            words: search_name(query).split_whitespace().map(str::to_owned).collect(),
            mrn: query.to_owned(),
        })
    }
}

/// A name as a search compares it: lower case, runs of spaces as one.
pub fn search_name(name: &str) -> String {
    name.split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

fn birth_date(text: &str) -> Option<NaiveDate> {
    let shaped = |pattern: &str| {
        text.len() == pattern.len()
            && text
                .bytes()
                .zip(pattern.bytes())
                .all(|(t, p)| if p == b'9' { t.is_ascii_digit() } else { t == p })
    };
    if shaped("9999-99-99") {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
    } else if shaped("99/99/9999") {
        NaiveDate::parse_from_str(text, "%m/%d/%Y").ok()
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_is_a_birth_date_or_a_name_and_mrn() {
        let date = NaiveDate::from_ymd_opt(1975, 10, 26).unwrap();
        assert_eq!(SearchKey::parse(" 1975-10-26 "), Ok(SearchKey::BirthDate(date)));
        assert_eq!(SearchKey::parse("10/26/1975"), Ok(SearchKey::BirthDate(date)));
        assert_eq!(
            SearchKey::parse("  Conroy   BLAIR "),
            Ok(SearchKey::NameOrMrn {
                words: vec!["conroy".into(), "blair".into()],
                mrn: "Conroy   BLAIR".into()
            })
        );
        // Not a date: searched as a name or MRN.
        for text in ["1975-13-40", "26/10/1975x", "8de41d0d-0ae7"] {
            assert!(
                matches!(SearchKey::parse(text), Ok(SearchKey::NameOrMrn { .. })),
                "{text}"
            );
        }
        assert_eq!(SearchKey::parse(" b "), Err(QueryError::TooShort));
        assert_eq!(SearchKey::parse(""), Err(QueryError::TooShort));
        assert_eq!(SearchKey::parse(&"x".repeat(101)), Err(QueryError::TooLong));
        assert!(SearchKey::parse("Zoë").is_ok());
    }

    #[test]
    fn names_are_compared_in_lower_case() {
        assert_eq!(search_name("Mr. Blair  Conroy"), "mr. blair conroy");
        assert_eq!(search_name("ZOË Núñez"), "zoë núñez");
    }
}
