//! `GET /api/v1/limits`: what the service accepts in a message, with the attachment size its
//! operator chose, so the app checks a file against this service and not a number of its own.

use portal_api::{ErrorCode, MessagingLimits, MAX_ATTACHMENTS_PER_MESSAGE, MAX_BODY_CHARS, MAX_SUBJECT_CHARS};
use portal_server::Limits;

use crate::helpers::{api_error, test_limits, TestApp, PATIENT, STAFF};
use crate::on_both_databases;

/// A service started with `--max-attachment-mib 2`.
fn two_mib() -> Limits {
    Limits {
        max_attachment_bytes: 2 * 1024 * 1024,
        ..test_limits()
    }
}

async fn a_service_reports_the_attachment_size_its_operator_set(app: TestApp) {
    let expected = MessagingLimits {
        max_attachment_bytes: 2 * 1024 * 1024,
        max_attachments_per_message: MAX_ATTACHMENTS_PER_MESSAGE as u32,
        max_subject_chars: MAX_SUBJECT_CHARS as u32,
        max_body_chars: MAX_BODY_CHARS as u32,
    };
    // Signed in is enough: the app asks at sign-in, before the policy is accepted.
    let patient = app.login_as(PATIENT).await;
    assert_eq!(app.client.limits(&patient).await.expect("limits"), expected);
    let staff = app.login_as(STAFF).await;
    assert_eq!(app.client.limits(&staff).await.expect("limits"), expected);

    // What it reports is what it enforces: one byte more is refused.
    let patient = app.login_and_accept(PATIENT).await;
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.resize(2 * 1024 * 1024 + 1, 0);
    let (status, code, _, _) = api_error(app.client.upload_attachment(&patient, "big.png", &png, None).await);
    assert_eq!((status, code), (413, ErrorCode::PayloadTooLarge));
}
on_both_databases!(a_service_reports_the_attachment_size_its_operator_set, super::two_mib());

async fn a_service_started_without_options_reports_the_defaults(app: TestApp) {
    let token = app.login_as(PATIENT).await;
    assert_eq!(
        app.client.limits(&token).await.expect("limits"),
        MessagingLimits::default()
    );
    assert_eq!(MessagingLimits::default().max_attachment_bytes, 10 * 1024 * 1024);
}
on_both_databases!(a_service_started_without_options_reports_the_defaults);

async fn the_limits_need_a_session(app: TestApp) {
    let nobody = portal_api::client::SessionToken::new("not-a-session");
    let (status, code, _, _) = api_error(app.client.limits(&nobody).await);
    assert_eq!((status, code), (401, ErrorCode::Unauthenticated));
}
on_both_databases!(the_limits_need_a_session);
