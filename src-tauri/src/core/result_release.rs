//! When results reach patients, in the app: a physician marks a result reviewed (with a note
//! the patient reads beside it), and an admin reads and sets the practice's release rule. The
//! service decides who may do which (physicians review, in a chart they reach; admins set the
//! rule) and checks the note and the rule; its answers are passed on as they are. The note is
//! neither logged nor kept here.

use portal_api::{ReleaseRule, ResultReleaseSetting, ResultReview};

use super::records::check_result_key;
use super::DesktopCore;
use crate::error::CommandError;

impl DesktopCore {
    /// `review_result`: marks result `result_id` (a report's id, or a result's reported on its
    /// own) of chart `patient_id` reviewed, with `note` for the patient; a blank note is no
    /// note. Answers the review as stored (reviewing again replaces the note).
    pub async fn review_result(
        &self,
        patient_id: i64,
        result_id: String,
        note: Option<String>,
    ) -> Result<ResultReview, CommandError> {
        check_result_key(&result_id)?;
        let note = note.filter(|n| !n.trim().is_empty());
        self.with_session(|c, t| async move { c.review_result(&t, patient_id, &result_id, note.as_deref()).await })
            .await
    }

    /// `result_release_rule`: when the practice releases results to patients.
    pub async fn result_release_rule(&self) -> Result<ResultReleaseSetting, CommandError> {
        self.with_session(|c, t| async move { c.result_release(&t).await })
            .await
    }

    /// `set_result_release_rule` (admins): answers the rule as the service stored it.
    pub async fn set_result_release_rule(&self, rule: ReleaseRule) -> Result<ResultReleaseSetting, CommandError> {
        self.with_session(|c, t| async move { c.set_result_release(&t, rule).await })
            .await
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::core::{MemoryPreferences, StartupOverrides};

    fn core() -> DesktopCore {
        DesktopCore::new(
            Box::new(MemoryPreferences::default()),
            &StartupOverrides::default(),
            PathBuf::from("/"),
            None,
        )
    }

    #[tokio::test]
    async fn a_result_id_that_cannot_go_into_a_path_is_not_found_before_anything_is_sent() {
        let error = core()
            .review_result(1, "../../practice/result-release".into(), None)
            .await
            .expect_err("refused");
        assert_eq!(error.code(), "not_found");
    }

    #[tokio::test]
    async fn without_a_session_each_command_says_sign_in() {
        let core = core();
        let review = core.review_result(1, "a1b2".into(), Some("Normal.".into())).await;
        assert_eq!(review.expect_err("no session").code(), "unauthenticated");
        assert_eq!(
            core.result_release_rule().await.expect_err("no session").code(),
            "unauthenticated"
        );
        let set = core.set_result_release_rule(ReleaseRule::AfterDays { days: 3 }).await;
        assert_eq!(set.expect_err("no session").code(), "unauthenticated");
    }
}
