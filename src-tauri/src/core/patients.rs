//! The care team's way into charts in the app: the patient search (name, date of birth or MRN)
//! and breaking the glass to open a chart outside one's care, for a stated reason. The service
//! decides who may search and who may break the glass; its answers are passed on as they are.
//! The query and the reason are checked here against the contract's limits before anything is
//! sent, and neither is logged nor kept.

use portal_api::{
    BreakTheGlassGrant, PatientMatches, MAX_BREAK_THE_GLASS_REASON, MAX_PATIENT_QUERY, MIN_BREAK_THE_GLASS_REASON,
    MIN_PATIENT_QUERY,
};

use super::DesktopCore;
use crate::error::CommandError;

impl DesktopCore {
    /// `find_patients`: the patients a query finds, by name, each saying whether the signed-in
    /// person cares for them.
    pub async fn find_patients(&self, query: String) -> Result<PatientMatches, CommandError> {
        let query = patient_query(&query)?;
        self.with_session(|c, t| async move { c.find_patients(&t, &query).await })
            .await
    }

    /// `break_the_glass`: opens a chart outside the person's care for the reason they gave
    /// (recorded, and shown to the patient).
    pub async fn break_the_glass(&self, patient_id: i64, reason: String) -> Result<BreakTheGlassGrant, CommandError> {
        let reason = break_the_glass_reason(&reason)?;
        self.with_session(|c, t| async move { c.break_the_glass(&t, patient_id, &reason).await })
            .await
    }
}

/// The query as sent: trimmed, between [`MIN_PATIENT_QUERY`] and [`MAX_PATIENT_QUERY`]
/// characters.
fn patient_query(query: &str) -> Result<String, CommandError> {
    let query = query.trim();
    let chars = query.chars().count();
    if chars < MIN_PATIENT_QUERY as usize {
        return Err(CommandError::Invalid(
            "Please type at least 2 characters of a name, a date of birth or an MRN.",
        ));
    }
    if chars > MAX_PATIENT_QUERY as usize {
        return Err(CommandError::Invalid("A search holds at most 100 characters."));
    }
    Ok(query.to_owned())
}

/// The reason as sent: trimmed, between [`MIN_BREAK_THE_GLASS_REASON`] and
/// [`MAX_BREAK_THE_GLASS_REASON`] characters.
fn break_the_glass_reason(reason: &str) -> Result<String, CommandError> {
    let reason = reason.trim();
    let chars = reason.chars().count();
    if chars < MIN_BREAK_THE_GLASS_REASON as usize {
        return Err(CommandError::Invalid(
            "Please say why you need this chart now, in at least 10 characters.",
        ));
    }
    if chars > MAX_BREAK_THE_GLASS_REASON as usize {
        return Err(CommandError::Invalid("A reason holds at most 500 characters."));
    }
    Ok(reason.to_owned())
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::core::{MemoryPreferences, StartupOverrides};

    #[test]
    fn a_query_is_trimmed_and_held_to_the_contracts_limits() {
        assert_eq!(patient_query("  Conroy ").expect("a name"), "Conroy");
        assert_eq!(patient_query("Lé").expect("two characters"), "Lé");
        assert_eq!(patient_query(" C ").expect_err("one").code(), "validation");
        assert!(patient_query("").is_err());
        assert!(patient_query(&"a".repeat(MAX_PATIENT_QUERY as usize)).is_ok());
        assert!(patient_query(&"a".repeat(MAX_PATIENT_QUERY as usize + 1)).is_err());
    }

    #[test]
    fn a_reason_is_trimmed_and_held_to_the_contracts_limits() {
        assert_eq!(
            break_the_glass_reason(" Seen in the ER tonight ").expect("a reason"),
            "Seen in the ER tonight"
        );
        assert_eq!(
            break_the_glass_reason("  Seen in ER  ").expect("ten, once trimmed"),
            "Seen in ER"
        );
        assert_eq!(
            break_the_glass_reason("too short").expect_err("nine").code(),
            "validation"
        );
        assert!(break_the_glass_reason(&"é".repeat(MAX_BREAK_THE_GLASS_REASON as usize)).is_ok());
        assert!(break_the_glass_reason(&"a".repeat(MAX_BREAK_THE_GLASS_REASON as usize + 1)).is_err());
    }

    #[tokio::test]
    async fn without_a_session_nothing_is_searched_or_opened() {
        let core = DesktopCore::new(
            Box::new(MemoryPreferences::default()),
            &StartupOverrides::default(),
            PathBuf::from("/"),
            None,
        );
        assert_eq!(
            core.find_patients("Conroy".into())
                .await
                .expect_err("no session")
                .code(),
            "unauthenticated"
        );
        assert_eq!(
            core.break_the_glass(1, "Seen in the ER tonight".into())
                .await
                .expect_err("no session")
                .code(),
            "unauthenticated"
        );
    }
}
