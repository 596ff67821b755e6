//! Attachments: type by content, size limits, metadata removed before storage, sealed at
//! rest, and served only as downloads.

use portal_api::client::{ClientError, SessionToken};
use portal_api::media::MediaType;
use portal_api::{AttachmentInfo, Category, ErrorCode};

use crate::helpers::{api_error, test_limits, TestApp, PATIENT, PHYSICIAN};
use crate::messaging::{key, new_thread};
use crate::on_both_databases;

/// A 2×2 PNG carrying a tEXt chunk with a location and a name in it.
pub fn tiny_png() -> Vec<u8> {
    hex::decode(
        "89504e470d0a1a0a0000000d4948445200000002000000020802000000fdd49a730000002974455874436f6d6d656e74\
         004750532033392e30393937202d39342e3537383620426c61697220436f6e726f79e129f3700000001049444154789c\
         63f8cfc000440c100a001fee03fd8b5f14d40000000049454e44ae426082",
    )
    .expect("hex")
}

pub async fn upload(
    app: &TestApp,
    token: &SessionToken,
    name: &str,
    bytes: &[u8],
) -> Result<AttachmentInfo, ClientError> {
    app.client.upload_attachment(token, name, bytes, None).await
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

async fn photos_lose_their_metadata_and_are_sealed_at_rest(app: TestApp) {
    let patient = app.login_and_accept(PATIENT).await;
    let png = tiny_png();
    assert!(contains(&png, b"tEXt") && contains(&png, b"39.0997"));
    let info = upload(&app, &patient, "C:\\photos\\arm.png", &png)
        .await
        .expect("upload");
    assert_eq!(info.media_type, MediaType::Png);
    assert_eq!(info.filename, "arm.png");
    assert_eq!(info.id.len(), 32);
    let (media_type, stored) = app.client.attachment(&patient, &info.id).await.expect("download");
    assert_eq!(media_type, "image/png");
    assert_eq!(stored.len() as i64, info.size);
    assert!(stored.starts_with(b"\x89PNG\r\n\x1a\n"));
    assert!(!contains(&stored, b"tEXt") && !contains(&stored, b"39.0997") && !contains(&stored, b"Blair"));
    assert!(contains(&stored, b"IDAT"), "the picture itself is kept");

    let jpeg = std::fs::read(fixture("gps-photo.jpg")).expect("fixture photo");
    let info = upload(&app, &patient, "mole.jpg", &jpeg).await.expect("upload photo");
    assert_eq!(info.media_type, MediaType::Jpeg);
    let (_, stored) = app.client.attachment(&patient, &info.id).await.expect("download");
    assert!(contains(&jpeg, b"Exif\0\0"));
    assert!(stored.starts_with(&[0xFF, 0xD8]) && stored.ends_with(&[0xFF, 0xD9]));
    assert!(!contains(&stored, b"GPS") && !contains(&stored, b"http://ns.adobe.com/xap"));
    assert!(stored.len() < jpeg.len());

    // At rest the bytes are sealed: no file signature or pixel data in the database.
    let blobs: Vec<Vec<u8>> = sqlx::query_scalar("SELECT sealed FROM attachment_blobs")
        .fetch_all(&app.state.db.pool)
        .await
        .expect("blobs");
    assert_eq!(blobs.len(), 2);
    for blob in blobs {
        assert!(!contains(&blob, b"IDAT") && !contains(&blob, b"JFIF") && !contains(&blob, b"\x89PNG"));
    }
}
on_both_databases!(photos_lose_their_metadata_and_are_sealed_at_rest);

pub fn fixture(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

async fn downloads_are_attachments_never_sniffed_never_cached(app: TestApp) {
    let patient = app.login_and_accept(PATIENT).await;
    let pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
    let info = upload(&app, &patient, "résultats \"final\".pdf", pdf)
        .await
        .expect("upload pdf");
    assert_eq!(info.media_type, MediaType::Pdf);
    let mut thread = new_thread(Category::MedicalQuestion, "Lab results", "From the other clinic");
    thread.attachment_ids = vec![info.id.clone()];
    let sent = app.client.create_thread(&patient, &key(), &thread).await.expect("send");
    let doctor = app.login_and_accept(PHYSICIAN).await;
    let resp = app
        .client
        .authed(reqwest::Method::GET, &format!("/attachments/{}", info.id), &doctor)
        .send()
        .await
        .expect("download");
    assert_eq!(resp.status(), 200);
    let h = resp.headers();
    assert_eq!(h["content-type"], "application/pdf");
    let disposition = h["content-disposition"].to_str().expect("ascii");
    assert!(
        disposition.starts_with("attachment; filename=\"r_sultats _final_.pdf\""),
        "{disposition}"
    );
    assert!(
        disposition.ends_with("filename*=UTF-8''r%C3%A9sultats%20_final_.pdf"),
        "{disposition}"
    );
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["cache-control"], "no-store");
    assert_eq!(resp.bytes().await.expect("body").as_ref(), pdf);
    let detail = app.client.thread(&doctor, sent.thread_id).await.expect("thread");
    assert_eq!(detail.messages[0].attachments[0].filename, "résultats _final_.pdf");
}
on_both_databases!(downloads_are_attachments_never_sniffed_never_cached);

async fn pdfs_with_active_content_are_refused_and_others_lose_their_author(app: TestApp) {
    let patient = app.login_and_accept(PATIENT).await;
    let scripted: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog /OpenAction 2 0 R >> endobj\n\
        2 0 obj << /S /JavaScript /JS (app.alert\\(1\\)) >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
    let (status, code, message, _) = api_error(upload(&app, &patient, "results.pdf", scripted).await);
    assert_eq!((status, code), (422, ErrorCode::ActiveContent), "{message}");
    assert!(
        message.contains("active content") && message.contains("print it to a new PDF"),
        "{message}"
    );
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM attachments")
        .fetch_one(&app.state.db.pool)
        .await
        .expect("count");
    assert_eq!(count, 0, "nothing was stored");

    let signed: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n\
        2 0 obj << /Author (Jane Q. Patient) /Producer (Office Suite) >> endobj\n\
        trailer << /Root 1 0 R /Info 2 0 R >>\n%%EOF\n";
    let info = upload(&app, &patient, "results.pdf", signed)
        .await
        .expect("an ordinary PDF passes");
    assert_eq!(info.media_type, MediaType::Pdf);
    let (_, stored) = app.client.attachment(&patient, &info.id).await.expect("download");
    assert_eq!(stored.len(), signed.len(), "blanked in place");
    assert!(!contains(&stored, b"Jane") && !contains(&stored, b"Office"));
    assert!(contains(&stored, b"/Author (               )") && stored.starts_with(b"%PDF-1.4"));
}
on_both_databases!(pdfs_with_active_content_are_refused_and_others_lose_their_author);

async fn wrong_types_and_sizes_are_refused(app: TestApp) {
    let patient = app.login_and_accept(PATIENT).await;
    for (name, bytes) in [
        ("notes.txt", b"just some text".to_vec()),
        ("photo.jpg", b"<html><script>alert(1)</script></html>".to_vec()),
        ("virus.pdf", b"MZ\x90\x00\x03".to_vec()),
        ("image.gif", b"GIF89a\x01\x00\x01\x00".to_vec()),
    ] {
        let (status, code, message, _) = api_error(upload(&app, &patient, name, &bytes).await);
        assert_eq!((status, code), (415, ErrorCode::UnsupportedMediaType), "{name}");
        assert!(message.contains("JPEG"), "{message}");
    }
    let (status, code, ..) = api_error(upload(&app, &patient, "empty.png", b"").await);
    assert_eq!((status, code), (422, ErrorCode::Validation));
    let mut broken = tiny_png();
    broken.truncate(60);
    let (status, ..) = api_error(upload(&app, &patient, "broken.png", &broken).await);
    assert_eq!(status, 422, "a damaged image is refused with a reason");

    // Limit: 64 KiB in this test (10 MiB by default).
    let mut big = tiny_png();
    big.resize(64 * 1024 + 1, 0);
    let (status, code, ..) = api_error(upload(&app, &patient, "big.png", &big).await);
    assert_eq!((status, code), (413, ErrorCode::PayloadTooLarge));
    let mut huge = tiny_png();
    huge.resize(3 * 1024 * 1024, 0);
    let (status, ..) = api_error(upload(&app, &patient, "huge.png", &huge).await);
    assert_eq!(status, 413);

    // Not multipart at all.
    let resp = app
        .client
        .authed(reqwest::Method::POST, "/attachments", &patient)
        .body(tiny_png())
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status(), 415);

    // Five per message.
    let mut ids = Vec::new();
    for i in 0..6 {
        ids.push(
            upload(&app, &patient, &format!("p{i}.png"), &tiny_png())
                .await
                .expect("upload")
                .id,
        );
    }
    let mut six = new_thread(Category::MedicalQuestion, "Photos", "Six photos");
    six.attachment_ids = ids.clone();
    assert_eq!(api_error(app.client.create_thread(&patient, &key(), &six).await).0, 422);
    six.attachment_ids.truncate(5);
    let sent = app
        .client
        .create_thread(&patient, &key(), &six)
        .await
        .expect("five are fine");
    let detail = app.client.thread(&patient, sent.thread_id).await.expect("thread");
    assert_eq!(detail.messages[0].attachments.len(), 5);
}
on_both_databases!(
    wrong_types_and_sizes_are_refused,
    portal_server::Limits {
        max_attachment_bytes: 64 * 1024,
        ..test_limits()
    }
);

async fn upload_progress_is_reported(app: TestApp) {
    let patient = app.login_and_accept(PATIENT).await;
    let mut png = tiny_png();
    // Padding after IEND is dropped by the server; it makes the upload span several chunks.
    png.resize(300 * 1024, 0);
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let record = seen.clone();
    let progress: portal_api::ProgressFn = std::sync::Arc::new(move |sent, total| {
        record.lock().expect("lock").push((sent, total));
    });
    let info = app
        .client
        .upload_attachment(&patient, "big.png", &png, Some(progress))
        .await
        .expect("upload");
    assert!(info.size < 1024);
    let seen = seen.lock().expect("lock").clone();
    assert!(seen.len() >= 4, "{seen:?}");
    assert!(seen.windows(2).all(|w| w[0].0 < w[1].0));
    let (last, total) = *seen.last().expect("progress");
    assert_eq!(last, total);
}
on_both_databases!(upload_progress_is_reported);

async fn unsent_uploads_are_limited_per_person(app: TestApp) {
    let patient = app.login_and_accept(PATIENT).await;
    for i in 0..2 {
        upload(&app, &patient, &format!("p{i}.png"), &tiny_png())
            .await
            .expect("upload");
    }
    let (status, code, message, _) = api_error(upload(&app, &patient, "p3.png", &tiny_png()).await);
    assert_eq!((status, code), (422, ErrorCode::Validation));
    assert!(message.contains("too many attachments waiting"), "{message}");
    // Another person is not affected.
    let doctor = app.login_and_accept(PHYSICIAN).await;
    upload(&app, &doctor, "d.png", &tiny_png()).await.expect("upload");
}
on_both_databases!(
    unsent_uploads_are_limited_per_person,
    portal_server::Limits {
        max_unsent_attachments: 2,
        ..test_limits()
    }
);

async fn concurrent_uploads_cannot_pass_the_unsent_quota(app: TestApp) {
    use futures_util::StreamExt;
    // 80 uploads, 16 at a time, against a quota of 50.
    let patient = app.login_and_accept(PATIENT).await;
    let png = tiny_png();
    let answers: Vec<_> = futures_util::stream::iter(0..80)
        .map(|i| {
            let (app, patient, png) = (&app, &patient, &png);
            async move { upload(app, patient, &format!("p{i}.png"), png).await }
        })
        .buffer_unordered(16)
        .collect()
        .await;
    let stored_answers = answers.iter().filter(|a| a.is_ok()).count();
    for answer in &answers {
        match answer {
            Ok(_) => {}
            Err(ClientError::Api { status, body, .. }) => assert!(
                matches!(
                    (status, body.code),
                    (422, ErrorCode::Validation) | (429, ErrorCode::RateLimited)
                ),
                "{status} {body:?}"
            ),
            Err(other) => panic!("{other:?}"),
        }
    }
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM attachments WHERE message_id IS NULL")
        .fetch_one(&app.state.db.pool)
        .await
        .expect("count");
    assert!(stored <= 50, "{stored} unsent uploads stored, the quota is 50");
    assert_eq!(
        stored, stored_answers as i64,
        "every stored upload was answered 201, and only those"
    );
}
on_both_databases!(
    concurrent_uploads_cannot_pass_the_unsent_quota,
    portal_server::Limits {
        uploads_in_flight_per_person: 16,
        ..test_limits()
    }
);

async fn uploads_never_sent_are_deleted_after_a_day(app: TestApp) {
    let patient = app.login_and_accept(PATIENT).await;
    let old = upload(&app, &patient, "old.png", &tiny_png()).await.expect("upload");
    let sent = upload(&app, &patient, "sent.png", &tiny_png()).await.expect("upload");
    let mut thread = new_thread(Category::MedicalQuestion, "Photo", "Attached");
    thread.attachment_ids = vec![sent.id.clone()];
    app.client.create_thread(&patient, &key(), &thread).await.expect("send");

    // 23 hours later (a new session: the first ended) nothing is old enough yet.
    app.advance(chrono::Duration::hours(23));
    let patient = app.login_and_accept(PATIENT).await;
    let recent = upload(&app, &patient, "recent.png", &tiny_png()).await.expect("upload");
    let sweep = || portal_server::messaging::sweep::unsent_uploads(&app.state);
    assert_eq!(sweep().await.expect("sweep"), 0);

    // After 25 hours the first unsent upload goes, bytes and all; sent and recent ones stay.
    app.advance(chrono::Duration::hours(2));
    let patient = app.login_and_accept(PATIENT).await;
    assert_eq!(sweep().await.expect("sweep"), 1);
    assert_eq!(api_error(app.client.attachment(&patient, &old.id).await).0, 404);
    app.client
        .attachment(&patient, &recent.id)
        .await
        .expect("a recent upload is kept");
    app.client
        .attachment(&patient, &sent.id)
        .await
        .expect("a sent one is kept");
    let blobs: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM attachment_blobs")
        .fetch_one(&app.state.db.pool)
        .await
        .expect("count");
    assert_eq!(blobs, 2, "the bytes went with it");
}
on_both_databases!(uploads_never_sent_are_deleted_after_a_day);
