//! Secure messaging through the desktop app's logic (`DesktopCore`, no window) against a real
//! portal-server: a patient's draft with a photo is sent (files uploaded with progress, then
//! the draft leaves the vault), the care team finds it in triage and replies, the patient's
//! unread count goes up and back down, and a retried send never duplicates.

use std::sync::{Arc, Mutex};

use portal_api::client::{PortalClient, SessionToken};
use portal_api::{Category, NewThread, Pool, ThreadQuery};
use portal_desktop::core::drafts::Draft;
use portal_desktop::core::send::{ProgressSink, SendProgress};
use portal_server::demo::{self, DemoAccount};
use portal_tests::{signed_in_app, TestServer, PATIENT};

const PHYSICIAN: DemoAccount = demo::ACCOUNTS[0];

/// A photo as a phone takes it: a JPEG with EXIF (the server removes it).
const PHOTO: &[u8] = include_bytes!("../../backend/server/tests/fixtures/gps-photo.jpg");

fn recorder() -> (ProgressSink, Arc<Mutex<Vec<SendProgress>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    let sink: ProgressSink = Arc::new(move |p| record.lock().expect("lock").push(p));
    (sink, seen)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_draft_with_a_photo_is_sent_triaged_answered_and_read() {
    let server = TestServer::start().await;
    let folder = tempfile::tempdir().expect("tempdir");
    let patient = signed_in_app(&server, PATIENT, folder.path()).await;

    let mut draft = Draft::new("Mole on my arm", "It has grown since March. Photo attached.");
    draft.category = Some(Category::MedicalQuestion);
    let saved = patient.drafts().save(draft).await.expect("save draft");
    let added = patient
        .drafts()
        .add_attachment(Some(&saved.draft_id), "IMG_0001.JPG", PHOTO)
        .await
        .expect("attach the photo");
    let (sink, progress) = recorder();
    let sent = patient.send_draft(&saved.draft_id, sink).await.expect("send");

    let progress = progress.lock().expect("lock").clone();
    assert!(!progress.is_empty(), "upload progress was reported");
    assert!(progress.iter().all(|p| p.attachment_id == added.attachment.id));
    let last = progress.last().expect("progress");
    assert_eq!(last.sent, last.total);
    assert!(
        patient.drafts().list().await.expect("drafts").is_empty(),
        "a sent draft leaves the vault"
    );

    let mine = patient
        .list_threads(ThreadQuery::default(), false)
        .await
        .expect("inbox");
    assert_eq!(mine.threads.len(), 1);
    assert_eq!(mine.threads[0].id, sent.thread_id);
    let detail = patient.get_thread(sent.thread_id).await.expect("thread");
    let photo = &detail.messages[0].attachments[0];
    let stored = patient.get_attachment(photo.id.clone()).await.expect("photo bytes");
    assert!(stored.starts_with(&[0xFF, 0xD8]));
    assert!(
        !stored.windows(3).any(|w| w == b"GPS"),
        "no location reached the server"
    );

    // The physician finds it in the clinical triage list and replies.
    let doctor = signed_in_app(&server, PHYSICIAN, folder.path()).await;
    let triage = ThreadQuery {
        pool: Some(Pool::Clinical),
        ..ThreadQuery::default()
    };
    let list = doctor.list_threads(triage, false).await.expect("triage");
    assert_eq!(list.threads[0].id, sent.thread_id);
    assert_eq!(list.threads[0].unread, 1);
    doctor.mark_thread_read(sent.thread_id).await.expect("read");
    let mut answer = Draft::new("", "Thank you. It looks benign; let us check it at your visit.");
    answer.thread_id = Some(sent.thread_id);
    let reply = doctor.drafts().save(answer).await.expect("reply draft");
    let (sink, _) = recorder();
    doctor.send_draft(&reply.draft_id, sink).await.expect("reply");
    let saved_to = tempfile::tempdir().expect("downloads");
    let file = doctor
        .save_attachment(photo.id.clone(), Some("../IMG_0001.JPG".into()), saved_to.path())
        .await
        .expect("save the photo");
    assert!(file.path.ends_with("IMG_0001.JPG"), "{}", file.path);

    // The patient sees the reply, reads it, and the unread count goes back down.
    let inbox = patient.list_threads(ThreadQuery::default(), true).await.expect("inbox");
    assert_eq!(inbox.unread_total, 1);
    let detail = patient.get_thread(sent.thread_id).await.expect("thread");
    assert_eq!(detail.messages[1].author.name, PHYSICIAN.name);
    assert!(
        detail.messages[0].read_at.is_some(),
        "the patient sees their message was read"
    );
    assert_eq!(
        patient
            .mark_thread_read(sent.thread_id)
            .await
            .expect("read")
            .unread_total,
        0
    );
    assert_eq!(
        patient.emergency_check("Tengo dolor de pecho").matched.as_deref(),
        Some("dolor de pecho")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_send_retried_after_a_lost_answer_is_stored_once() {
    let server = TestServer::start().await;
    let folder = tempfile::tempdir().expect("tempdir");
    let patient = signed_in_app(&server, PATIENT, folder.path()).await;
    let mut draft = Draft::new("Refill", "Please renew my prescription.");
    draft.category = Some(Category::PrescriptionRenewal);
    let saved = patient.drafts().save(draft).await.expect("save");

    // A first attempt stored its key, reached the server, and its answer was lost (the app
    // crashed): the draft is still in the vault with that key.
    patient
        .drafts()
        .remember_send_state(&saved.draft_id, "lost-answer-key".into(), Default::default())
        .await
        .expect("send state");
    let client = PortalClient::with_ca_file(&server.url, &server.ca_file).expect("client");
    let token = SessionToken::new(patient.session_token_for_tests().await.expect("token"));
    let first = client
        .create_thread(
            &token,
            "lost-answer-key",
            &NewThread {
                category: Category::PrescriptionRenewal,
                subject: "Refill".into(),
                body: "Please renew my prescription.".into(),
                attachment_ids: vec![],
            },
        )
        .await
        .expect("the first attempt reached the server");

    // Sending the draft again answers the same message and stores nothing new.
    let (sink, _) = recorder();
    let retried = patient.send_draft(&saved.draft_id, sink).await.expect("retry");
    assert_eq!(
        (retried.thread_id, retried.message_id),
        (first.thread_id, first.message_id)
    );
    let list = patient
        .list_threads(ThreadQuery::default(), false)
        .await
        .expect("inbox");
    assert_eq!(list.threads.len(), 1);
    assert_eq!(list.threads[0].message_count, 1);
    assert!(patient.drafts().list().await.expect("drafts").is_empty());

    // An edited draft whose earlier text was stored is told so, and kept.
    let mut edited = Draft::new("Refill", "Please renew both prescriptions.");
    edited.category = Some(Category::PrescriptionRenewal);
    let edited = patient.drafts().save(edited).await.expect("save");
    patient
        .drafts()
        .remember_send_state(&edited.draft_id, "lost-answer-key".into(), Default::default())
        .await
        .expect("send state");
    let (sink, _) = recorder();
    let refused = patient.send_draft(&edited.draft_id, sink.clone()).await;
    assert_eq!(refused.expect_err("conflict").code(), "earlier_version_sent");
    assert_eq!(
        patient.drafts().list().await.expect("drafts").len(),
        1,
        "the edited text is kept"
    );
    let sent = patient
        .send_draft(&edited.draft_id, sink)
        .await
        .expect("sent as a new message");
    assert_ne!(sent.thread_id, first.thread_id);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_uploaded_long_ago_and_deleted_unsent_are_uploaded_again() {
    let server = TestServer::start().await;
    let folder = tempfile::tempdir().expect("tempdir");
    let patient = signed_in_app(&server, PATIENT, folder.path()).await;
    let mut draft = Draft::new("Rash", "Photo from last week attached.");
    draft.category = Some(Category::MedicalQuestion);
    let saved = patient.drafts().save(draft).await.expect("save");
    let added = patient
        .drafts()
        .add_attachment(Some(&saved.draft_id), "rash.jpg", PHOTO)
        .await
        .expect("attach");
    // An earlier attempt uploaded the photo, then the service deleted it unsent after a day.
    let gone = [(added.attachment.id.clone(), "0".repeat(32))].into_iter().collect();
    patient
        .drafts()
        .remember_send_state(&saved.draft_id, "key-from-last-week".into(), gone)
        .await
        .expect("send state");
    let (sink, progress) = recorder();
    let sent = patient
        .send_draft(&saved.draft_id, sink)
        .await
        .expect("sent after uploading again");
    assert!(
        !progress.lock().expect("lock").is_empty(),
        "the photo was uploaded again"
    );
    let detail = patient.get_thread(sent.thread_id).await.expect("thread");
    assert_eq!(detail.messages[0].attachments.len(), 1);
}
