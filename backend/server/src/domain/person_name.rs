//! A person's display name.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            return Err("Please enter a name.".into());
        }
        if name.chars().count() > 200 || name.chars().any(char::is_control) {
            return Err("A name must be at most 200 characters, without control characters.".into());
        }
        Ok(Self(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_tidied_and_checked() {
        assert_eq!(
            PersonName::parse("  Dr.  Ada   Okafor ").expect("valid").as_str(),
            "Dr. Ada Okafor"
        );
        assert!(PersonName::parse("   ").is_err());
        assert!(PersonName::parse("a\u{0007}b").is_err());
    }
}
