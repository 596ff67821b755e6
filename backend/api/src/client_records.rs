//! [`PortalClient`] calls for a patient's record: the summary, its sections, a result's
//! series, the export, who looked at it; the care team's patient search and break-the-glass;
//! results' release rule, a patient's preference and a physician's review.

use reqwest::Method;

use crate::client::{send, ClientError, PortalClient, SessionToken};
use crate::record::{RecordSummary, ResultReview, ResultSeries};
use crate::record_access::*;

impl PortalClient {
    /// `GET /patients/{patient_id}/record`.
    pub async fn record_summary(&self, token: &SessionToken, patient_id: i64) -> Result<RecordSummary, ClientError> {
        send(self.authed(Method::GET, &format!("/patients/{patient_id}/record"), token)).await
    }

    /// `GET /patients/{patient_id}/record/{section}`: one page, newest first.
    pub async fn record_section(
        &self,
        token: &SessionToken,
        patient_id: i64,
        section: RecordSection,
        page: &PageQuery,
    ) -> Result<RecordPage, ClientError> {
        let path = format!("/patients/{patient_id}/record/{}", section.as_str());
        send(self.authed(Method::GET, &path, token).query(page)).await
    }

    /// `GET /patients/{patient_id}/record/results/{code}/series`.
    pub async fn result_series(
        &self,
        token: &SessionToken,
        patient_id: i64,
        code: &str,
    ) -> Result<ResultSeries, ClientError> {
        let path = format!("/patients/{patient_id}/record/results/{code}/series");
        send(self.authed(Method::GET, &path, token)).await
    }

    /// `GET /patients/{patient_id}/record/export`: the whole record as a FHIR R4 Bundle.
    pub async fn record_export(&self, token: &SessionToken, patient_id: i64) -> Result<serde_json::Value, ClientError> {
        send(self.authed(Method::GET, &format!("/patients/{patient_id}/record/export"), token)).await
    }

    /// `GET /patients/{patient_id}/access-log`: who else looked, newest first.
    pub async fn access_log(
        &self,
        token: &SessionToken,
        patient_id: i64,
        page: &PageQuery,
    ) -> Result<AccessLog, ClientError> {
        let path = format!("/patients/{patient_id}/access-log");
        send(self.authed(Method::GET, &path, token).query(page)).await
    }

    /// `GET /patients?query=`: the care team's patient search.
    pub async fn find_patients(&self, token: &SessionToken, query: &str) -> Result<PatientMatches, ClientError> {
        let query = PatientQuery { query: query.into() };
        send(self.authed(Method::GET, "/patients", token).query(&query)).await
    }

    /// `POST /patients/{patient_id}/break-the-glass`: opens a chart outside one's care, for a
    /// stated reason.
    pub async fn break_the_glass(
        &self,
        token: &SessionToken,
        patient_id: i64,
        reason: &str,
    ) -> Result<BreakTheGlassGrant, ClientError> {
        let body = BreakTheGlassRequest { reason: reason.into() };
        self.post_json(&format!("/patients/{patient_id}/break-the-glass"), token, &body)
            .await
    }

    /// `GET /practice/result-release`.
    pub async fn result_release(&self, token: &SessionToken) -> Result<ResultReleaseSetting, ClientError> {
        send(self.authed(Method::GET, "/practice/result-release", token)).await
    }

    /// `PUT /practice/result-release` (admins).
    pub async fn set_result_release(
        &self,
        token: &SessionToken,
        rule: ReleaseRule,
    ) -> Result<ResultReleaseSetting, ClientError> {
        let body = ResultReleaseSetting { rule };
        send(self.authed(Method::PUT, "/practice/result-release", token).json(&body)).await
    }

    /// `GET /me/result-preferences` (patients).
    pub async fn result_preferences(&self, token: &SessionToken) -> Result<ResultPreferences, ClientError> {
        send(self.authed(Method::GET, "/me/result-preferences", token)).await
    }

    /// `PUT /me/result-preferences` (patients).
    pub async fn set_result_preferences(
        &self,
        token: &SessionToken,
        preferences: ResultPreferences,
    ) -> Result<ResultPreferences, ClientError> {
        send(
            self.authed(Method::PUT, "/me/result-preferences", token)
                .json(&preferences),
        )
        .await
    }

    /// `POST /patients/{patient_id}/record/results/{result_id}/review` (physicians).
    pub async fn review_result(
        &self,
        token: &SessionToken,
        patient_id: i64,
        result_id: &str,
        note: Option<&str>,
    ) -> Result<ResultReview, ClientError> {
        let body = ReviewRequest {
            note: note.map(str::to_string),
        };
        let path = format!("/patients/{patient_id}/record/results/{result_id}/review");
        self.post_json(&path, token, &body).await
    }
}
