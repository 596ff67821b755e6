//! The code a result's series is asked for (`…/record/results/{code}/series`), checked. The
//! series is made from the whole chart (`view::results::series`), which finds the code
//! wherever it is: a result's first coding or another one, or a part of a panel.

/// Longest code accepted.
pub const MAX_CODE_LEN: usize = 64;

/// The codes accepted, as a regular expression (for the OpenAPI document).
pub const CODE_PATTERN: &str = "^[A-Za-z0-9.-]{1,64}$";

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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loinc_like_codes_are_accepted_and_nothing_else() {
        for good in ["8480-6", "29463-7", "a.b-C9", &"9".repeat(64)] {
            assert_eq!(ResultCode::parse(good).map(|c| c.0), Some(good.to_owned()), "{good}");
        }
        for bad in ["", "8480 6", "8480/6", "8480-6%", "é", "../x", &"9".repeat(65)] {
            assert_eq!(ResultCode::parse(bad), None, "{bad}");
        }
    }
}
