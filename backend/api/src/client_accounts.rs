//! [`PortalClient`] calls for a person's own account: activation, pass-phrase change and
//! reset, email change, notice preferences; and a patient's invitation by the practice.

use chrono::NaiveDate;
use reqwest::Method;

use crate::accounts::{
    ActivateRequest, CodeRequest, EmailChangePending, EmailChangeRequest, InvitationRequest, InvitationSent,
    NoticePreferences, PassphraseChangeRequest, PassphraseChanged, ResetConfirmRequest, ResetRequest,
};
use crate::client::{send, send_empty, ClientError, PortalClient, SessionToken};
use crate::types::{LoginResponse, User};

/// What a person types to activate their account.
#[derive(Clone, Copy)]
pub struct Activation<'a> {
    pub email: &'a str,
    pub code: &'a str,
    pub date_of_birth: Option<NaiveDate>,
    pub password: &'a str,
    pub device: Option<&'a str>,
}

impl PortalClient {
    /// `POST /auth/activate`: opens an invited account and signs in.
    pub async fn activate(&self, activation: Activation<'_>) -> Result<LoginResponse, ClientError> {
        let body = ActivateRequest {
            email: activation.email.into(),
            code: activation.code.into(),
            date_of_birth: activation.date_of_birth,
            password: activation.password.into(),
            device: activation.device.map(str::to_owned),
        };
        send(self.request(Method::POST, "/auth/activate").json(&body)).await
    }

    /// `POST /auth/password`: changes the pass-phrase; every other session ends.
    pub async fn change_passphrase(
        &self,
        token: &SessionToken,
        current: &str,
        new: &str,
    ) -> Result<PassphraseChanged, ClientError> {
        let body = PassphraseChangeRequest {
            current_password: current.into(),
            new_password: new.into(),
        };
        send(self.authed(Method::POST, "/auth/password", token).json(&body)).await
    }

    /// `POST /auth/password-reset`: asks for a reset code (the same answer for any address).
    pub async fn request_reset(&self, email: &str) -> Result<(), ClientError> {
        let body = ResetRequest { email: email.into() };
        send_empty(self.request(Method::POST, "/auth/password-reset").json(&body)).await
    }

    /// `POST /auth/password-reset/confirm`: sets a new pass-phrase with the emailed code.
    pub async fn confirm_reset(&self, email: &str, code: &str, new: &str) -> Result<(), ClientError> {
        let body = ResetConfirmRequest {
            email: email.into(),
            code: code.into(),
            new_password: new.into(),
        };
        send_empty(self.request(Method::POST, "/auth/password-reset/confirm").json(&body)).await
    }

    /// `PUT /me/email`: asks to change the address (a code goes to the new one).
    pub async fn change_email(
        &self,
        token: &SessionToken,
        email: &str,
        password: &str,
    ) -> Result<EmailChangePending, ClientError> {
        let body = EmailChangeRequest {
            email: email.into(),
            password: password.into(),
        };
        send(self.authed(Method::PUT, "/me/email", token).json(&body)).await
    }

    /// `POST /me/email/confirm`: confirms the new address with its code.
    pub async fn confirm_email(&self, token: &SessionToken, code: &str) -> Result<User, ClientError> {
        let body = CodeRequest { code: code.into() };
        send(self.authed(Method::POST, "/me/email/confirm", token).json(&body)).await
    }

    /// `GET /me/notices`.
    pub async fn notice_preferences(&self, token: &SessionToken) -> Result<NoticePreferences, ClientError> {
        send(self.authed(Method::GET, "/me/notices", token)).await
    }

    /// `PUT /me/notices`.
    pub async fn set_notice_preferences(
        &self,
        token: &SessionToken,
        wanted: NoticePreferences,
    ) -> Result<NoticePreferences, ClientError> {
        send(self.authed(Method::PUT, "/me/notices", token).json(&wanted)).await
    }

    /// `POST /patients/{patient_id}/invitation` (staff and admins).
    pub async fn invite_patient(
        &self,
        token: &SessionToken,
        patient_id: i64,
        email: &str,
    ) -> Result<InvitationSent, ClientError> {
        let body = InvitationRequest { email: email.into() };
        send(
            self.authed(Method::POST, &format!("/patients/{patient_id}/invitation"), token)
                .json(&body),
        )
        .await
    }
}

/// Grants to authorized persons (issue 12).
impl PortalClient {
    /// `GET /patients/{patient_id}/grants`.
    pub async fn grants(&self, token: &SessionToken, patient_id: i64) -> Result<crate::grants::GrantList, ClientError> {
        send(self.authed(Method::GET, &format!("/patients/{patient_id}/grants"), token)).await
    }

    /// `POST /patients/{patient_id}/grants`.
    pub async fn give_grant(
        &self,
        token: &SessionToken,
        patient_id: i64,
        request: &crate::grants::GrantRequest,
    ) -> Result<crate::grants::Grant, ClientError> {
        send(
            self.authed(Method::POST, &format!("/patients/{patient_id}/grants"), token)
                .json(request),
        )
        .await
    }

    /// `POST /patients/{patient_id}/grants/by-practice`: the front desk sets up a grant for a
    /// patient who cannot.
    pub async fn give_grant_by_practice(
        &self,
        token: &SessionToken,
        patient_id: i64,
        request: &crate::grants::PracticeGrantRequest,
    ) -> Result<crate::grants::Grant, ClientError> {
        send(
            self.authed(
                Method::POST,
                &format!("/patients/{patient_id}/grants/by-practice"),
                token,
            )
            .json(request),
        )
        .await
    }

    /// `DELETE /patients/{patient_id}/grants/{id}`.
    pub async fn end_grant(&self, token: &SessionToken, patient_id: i64, id: i64) -> Result<(), ClientError> {
        send_empty(self.authed(Method::DELETE, &format!("/patients/{patient_id}/grants/{id}"), token)).await
    }

    /// `GET /me/grants`.
    pub async fn grants_received(&self, token: &SessionToken) -> Result<crate::grants::GrantsReceived, ClientError> {
        send(self.authed(Method::GET, "/me/grants", token)).await
    }

    /// `POST /grants/{id}/accept` or `/decline`.
    pub async fn answer_grant(
        &self,
        token: &SessionToken,
        id: i64,
        accept: bool,
    ) -> Result<crate::grants::GrantReceived, ClientError> {
        let answer = if accept { "accept" } else { "decline" };
        send(self.authed(Method::POST, &format!("/grants/{id}/{answer}"), token)).await
    }
}
