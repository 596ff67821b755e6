//! Message drafts through the desktop app's logic (`DesktopCore`, no window), signed in to a
//! real portal-server started in this process: the vault is unlocked by signing in and locked
//! by signing out or by the session ending, drafts survive both, files are checked, damage is
//! reported without stopping the rest, and nothing readable reaches the disk.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use portal_api::client::{PortalClient, SessionToken};
use portal_api::Category;
use portal_desktop::core::drafts::{Draft, DraftStatus, DRAFTS_FILE};
use portal_desktop::core::{DesktopCore, MemoryPreferences, StartupOverrides};
use portal_desktop::error::CommandError;
use portal_desktop::vault::DraftVault;
use portal_tests::{TestServer, PATIENT, TEST_KDF};

/// The other demo patient.
const OTHER_PATIENT: portal_server::demo::DemoAccount = portal_server::demo::ACCOUNTS[3];

/// A desktop core signed in to nothing yet, with its vault at `vault_path`.
fn core_at(server: &TestServer, vault_path: &Path) -> (DesktopCore, Arc<MemoryPreferences>) {
    let preferences = Arc::new(MemoryPreferences::default());
    let overrides = StartupOverrides {
        server_url: Some(server.url.clone()),
        ca_file: Some(server.ca_file_text()),
    };
    let core = DesktopCore::new(
        Box::new(preferences.clone()),
        &overrides,
        std::env::temp_dir(),
        Some(vault_path.to_path_buf()),
    )
    .with_vault_kdf_for_tests(TEST_KDF);
    (core, preferences)
}

fn vault_path(server: &TestServer) -> PathBuf {
    server.data_dir.path().join("desktop").join(DRAFTS_FILE)
}

fn code<T: std::fmt::Debug>(result: Result<T, CommandError>) -> &'static str {
    result.expect_err("an error").code()
}

fn jpeg(len: usize) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00];
    bytes.resize(len, 0x5A);
    bytes
}

fn pdf_with(text: &str) -> Vec<u8> {
    format!("%PDF-1.7\n% {text}\n%%EOF\n").into_bytes()
}

/// The vault user id the app uses for `user_id` on this test server.
fn vault_user(server: &TestServer, user_id: i64) -> String {
    format!("{user_id}@localhost:{}", server.addr.port())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drafts_round_trip_and_survive_sign_out_and_restart() {
    let server = TestServer::start().await;
    let path = vault_path(&server);
    let (core, _) = core_at(&server, &path);
    assert_eq!(code(core.drafts().list().await), "vault_locked", "before sign-in");

    core.sign_in(PATIENT.email, PATIENT.passphrase, None)
        .await
        .expect("sign in");
    assert!(core.drafts().list().await.expect("list").is_empty());
    let mut draft = Draft::new("Question about my cream", "Should I keep using");
    draft.category = Some(Category::MedicalQuestion);
    let first = core.drafts().save(draft).await.expect("save");
    assert_eq!(first.version, 1);

    // Autosave: every save is a new version of the same draft.
    let mut versions = vec![first.version];
    for word in [" it", " after", " the rash is gone?"] {
        let mut draft = core.drafts().load(&first.draft_id).await.expect("load");
        draft.body.push_str(word);
        let saved = core.drafts().save(draft).await.expect("autosave");
        assert_eq!(saved.draft_id, first.draft_id);
        versions.push(saved.version);
    }
    assert_eq!(versions, [1, 2, 3, 4]);
    let loaded = core.drafts().load(&first.draft_id).await.expect("load");
    assert_eq!(loaded.body, "Should I keep using it after the rash is gone?");
    assert_eq!(loaded.category, Some(Category::MedicalQuestion));
    let json = serde_json::to_value(&loaded).expect("json");
    assert_eq!(json["draft_id"], first.draft_id.as_str());
    assert_eq!(json["category"], "medical_question");
    assert!(json["attachments"].as_array().is_some_and(Vec::is_empty));

    // Signing out locks the drafts.
    core.sign_out().await.expect("sign out");
    for error in [
        core.drafts().list().await.expect_err("locked"),
        core.drafts().load(&first.draft_id).await.expect_err("locked"),
        core.drafts()
            .save(Draft::new("s", "b"))
            .await
            .map(drop)
            .expect_err("locked"),
    ] {
        let json = serde_json::to_value(&error).expect("json");
        assert_eq!(json["code"], "vault_locked");
        assert_eq!(json["message"], "Your drafts are locked. Please sign in again.");
    }

    // Signing in again opens them, as does a new start of the app.
    core.sign_in(PATIENT.email, PATIENT.passphrase, None)
        .await
        .expect("sign in again");
    let again = core.drafts().load(&first.draft_id).await.expect("still there");
    assert_eq!(again.body, loaded.body);
    core.sign_out().await.expect("sign out");
    drop(core);
    let (restarted, _) = core_at(&server, &path);
    restarted
        .sign_in(PATIENT.email, PATIENT.passphrase, None)
        .await
        .expect("sign in after restart");
    let list = restarted.drafts().list().await.expect("list");
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].draft_id, first.draft_id);
    assert_eq!(list[0].subject, "Question about my cream");
    assert_eq!(list[0].status, DraftStatus::Ok);
    let json = serde_json::to_value(&list[0]).expect("json");
    assert_eq!(json["status"], "ok");
    assert!(json["updated_at"].as_str().is_some_and(|t| t.ends_with('Z')), "{json}");
    let next = restarted.drafts().save(again).await.expect("save");
    assert_eq!(next.version, 5, "versions go on across restarts");

    // Another account on the same computer has its own drafts.
    restarted
        .sign_in(OTHER_PATIENT.email, OTHER_PATIENT.passphrase, None)
        .await
        .expect("other patient");
    assert!(restarted.drafts().list().await.expect("list").is_empty());
    assert_eq!(code(restarted.drafts().load(&first.draft_id).await), "draft_not_found");
    restarted.sign_out().await.expect("sign out");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_ended_by_the_server_locks_the_drafts() {
    let server = TestServer::start().await;
    let (core, _) = core_at(&server, &vault_path(&server));
    core.sign_in(PATIENT.email, PATIENT.passphrase, None)
        .await
        .expect("sign in");
    let saved = core
        .drafts()
        .save(Draft::new("kept", "across the end"))
        .await
        .expect("save");

    // The session ends behind the app's back (idle timeout, another device, an operator).
    let token = SessionToken::new(core.session_token_for_tests().await.expect("token"));
    let client = PortalClient::with_ca_file(&server.url, &server.ca_file).expect("client");
    client.logout(&token).await.expect("revoke");
    assert!(core.drafts().is_unlocked(), "the app has not heard yet");
    let error = core.keep_alive().await.expect_err("session ended");
    assert!(error.ends_session());
    assert_eq!(code(core.drafts().list().await), "vault_locked");
    assert!(!core.drafts().is_unlocked());

    core.sign_in(PATIENT.email, PATIENT.passphrase, None)
        .await
        .expect("sign in again");
    assert_eq!(
        core.drafts().load(&saved.draft_id).await.expect("kept").body,
        "across the end"
    );
    core.sign_out().await.expect("sign out");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_itself_locks_the_drafts_once_the_session_has_been_idle_too_long() {
    use std::time::{Duration, Instant};
    let server = TestServer::start().await;
    let (core, _) = core_at(&server, &vault_path(&server));
    let session = core
        .sign_in(PATIENT.email, PATIENT.passphrase, None)
        .await
        .expect("sign in");
    let idle = Duration::from_secs(session.idle_timeout_secs);
    core.drafts()
        .save(Draft::new("kept", "while idle"))
        .await
        .expect("save");

    // No window asks anything (its timer stopped, or it hangs): the app's own check ends it.
    let start = Instant::now();
    assert!(
        !core.end_idle_session_at(start + idle / 2).await,
        "not idle long enough"
    );
    assert!(core.drafts().is_unlocked());
    assert!(core.end_idle_session_at(start + idle + Duration::from_secs(1)).await);
    assert!(!core.is_signed_in().await);
    assert!(!core.drafts().is_unlocked());
    assert_eq!(code(core.drafts().list().await), "vault_locked");
    assert_eq!(code(core.keep_alive().await), "unauthenticated");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attachments_are_checked_by_type_size_and_count() {
    let server = TestServer::start().await;
    let (core, _) = core_at(&server, &vault_path(&server));
    core.sign_in(PATIENT.email, PATIENT.passphrase, None)
        .await
        .expect("sign in");
    let drafts = core.drafts();

    let added = drafts
        .add_attachment(None, "IMG_0042.JPG", &jpeg(50_000))
        .await
        .expect("add");
    let draft_id = added.draft_id.clone();
    let json = serde_json::to_value(&added).expect("json");
    assert_eq!(json["draft_id"], draft_id.as_str());
    assert_eq!(json["attachment"]["filename"], "IMG_0042.JPG");
    assert_eq!(json["attachment"]["media_type"], "image/jpeg");
    assert_eq!(json["attachment"]["size"], 50_000);

    // The type comes from the content, never the name.
    let error = drafts
        .add_attachment(Some(&draft_id), "photo.jpg", b"<html><script>alert(1)</script>")
        .await
        .expect_err("not a photo");
    assert_eq!(error.code(), "unsupported_media_type");
    assert_eq!(
        error.to_string(),
        "Only photos (JPEG, PNG) and PDF files can be attached."
    );
    let error = drafts
        .add_attachment(Some(&draft_id), "huge.jpg", &jpeg(10 * 1024 * 1024 + 1))
        .await
        .expect_err("too large");
    assert_eq!(error.code(), "payload_too_large");
    assert!(
        error.to_string().starts_with("This file is larger than 10 MB, "),
        "{error}"
    );

    let renamed = drafts
        .add_attachment(Some(&draft_id), "../../secret\u{202E}fdp.exe", &pdf_with("lab results"))
        .await
        .expect("a PDF whatever its name");
    assert_eq!(
        renamed.attachment.filename, "secretfdp.exe.pdf",
        "cleaned, and named for its real type"
    );
    assert_eq!(renamed.attachment.media_type, portal_api::media::MediaType::Pdf);
    for i in 0..3 {
        drafts
            .add_attachment(Some(&draft_id), &format!("page-{i}.pdf"), &pdf_with("page"))
            .await
            .expect("up to five");
    }
    let error = drafts
        .add_attachment(Some(&draft_id), "sixth.pdf", &pdf_with("one too many"))
        .await
        .expect_err("six");
    assert_eq!(error.code(), "validation");

    let draft = drafts.load(&draft_id).await.expect("load");
    assert_eq!(draft.attachments.len(), 5);
    let after = drafts
        .remove_attachment(&draft_id, &draft.attachments[0].id)
        .await
        .expect("remove");
    assert_eq!(after.attachments.len(), 4);
    assert_eq!(after.attachments[0].filename, "secretfdp.exe.pdf");
    drafts
        .add_attachment(Some(&draft_id), "room-again.jpg", &jpeg(10))
        .await
        .expect("room for one more");

    // Subject and body limits are the server's.
    assert_eq!(code(drafts.save(Draft::new("s".repeat(201), "")).await), "validation");
    assert_eq!(
        code(drafts.save(Draft::new("", "b".repeat(20_001))).await),
        "validation"
    );

    drafts.discard(&draft_id).await.expect("discard");
    assert_eq!(code(drafts.load(&draft_id).await), "draft_not_found");
    assert_eq!(code(drafts.load_for_send(&draft_id).await), "draft_not_found");
    core.sign_out().await.expect("sign out");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_damaged_draft_is_reported_and_the_rest_still_works() {
    let server = TestServer::start().await;
    let path = vault_path(&server);
    let (core, _) = core_at(&server, &path);
    let session = core
        .sign_in(PATIENT.email, PATIENT.passphrase, None)
        .await
        .expect("sign in");
    let drafts = core.drafts();
    let one = drafts.save(Draft::new("one", "first")).await.expect("save");
    let two = drafts.add_attachment(None, "two.jpg", &jpeg(3000)).await.expect("add");
    let three = drafts.save(Draft::new("three", "third")).await.expect("save");

    // Someone with the file flips one byte of the second draft's record.
    let raw = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display()))
        .await
        .expect("open the file");
    let user = vault_user(&server, session.user.id);
    let record: Vec<u8> = sqlx::query_scalar("SELECT record FROM drafts WHERE user_id = ? AND draft_id = ?")
        .bind(&user)
        .bind(&two.draft_id)
        .fetch_one(&raw)
        .await
        .expect("the record");
    let mut damaged = record.clone();
    let last = damaged.len() - 1;
    damaged[last] ^= 0x01;
    sqlx::query("UPDATE drafts SET record = ? WHERE user_id = ? AND draft_id = ?")
        .bind(&damaged)
        .bind(&user)
        .bind(&two.draft_id)
        .execute(&raw)
        .await
        .expect("tamper");

    let error = drafts.load(&two.draft_id).await.expect_err("damaged");
    let json = serde_json::to_value(&error).expect("json");
    assert_eq!(json["code"], "draft_damaged");
    assert_eq!(json["message"], "This draft could not be opened and was set aside.");
    // Set aside: not listed, not loadable, its file set aside with it; the others work.
    assert_eq!(code(drafts.load(&two.draft_id).await), "draft_not_found");
    let list = drafts.list().await.expect("list");
    let mut ids: Vec<&str> = list.iter().map(|s| s.draft_id.as_str()).collect();
    let mut expected = [three.draft_id.as_str(), one.draft_id.as_str()];
    ids.sort_unstable();
    expected.sort_unstable();
    assert_eq!(ids, expected);
    assert_eq!(drafts.load(&one.draft_id).await.expect("one").body, "first");
    drafts
        .save(Draft::new("four", "new drafts still save"))
        .await
        .expect("save");
    let quarantined: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM quarantine WHERE user_id = ?")
        .bind(&user)
        .fetch_one(&raw)
        .await
        .expect("count");
    assert_eq!(quarantined, 1, "kept as evidence, not destroyed");
    let attachments_aside: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM quarantined_attachments WHERE user_id = ?")
        .bind(&user)
        .fetch_one(&raw)
        .await
        .expect("count");
    assert_eq!(attachments_aside, 1);

    // A damaged record found while listing is reported there, once.
    sqlx::query("UPDATE drafts SET record = x'0102' WHERE user_id = ? AND draft_id = ?")
        .bind(&user)
        .bind(&three.draft_id)
        .execute(&raw)
        .await
        .expect("tamper");
    let list = drafts.list().await.expect("list");
    let damaged: Vec<_> = list.iter().filter(|s| s.status == DraftStatus::Damaged).collect();
    assert_eq!(damaged.len(), 1);
    assert_eq!(damaged[0].draft_id, three.draft_id);
    assert_eq!(damaged[0].subject, "", "nothing of a damaged draft is shown");
    assert_eq!(serde_json::to_value(damaged[0]).expect("json")["status"], "damaged");
    assert_eq!(drafts.list().await.expect("list").len(), 2);

    // A damaged attachment: the send path hears it, the draft keeps its text.
    let with_file = drafts.add_attachment(None, "arm.jpg", &jpeg(999)).await.expect("add");
    sqlx::query("UPDATE draft_attachments SET record = x'00' WHERE user_id = ? AND attachment_id = ?")
        .bind(&user)
        .bind(&with_file.attachment.id)
        .execute(&raw)
        .await
        .expect("tamper");
    assert_eq!(
        code(drafts.load_for_send(&with_file.draft_id).await),
        "attachment_damaged"
    );
    let (content, files) = drafts.load_for_send(&with_file.draft_id).await.expect("the rest");
    assert!(content.attachments.is_empty() && files.is_empty());
    raw.close().await;
    core.sign_out().await.expect("sign out");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_readable_reaches_the_disk_or_the_preferences() {
    const SUBJECT: &str = "SUBJECT-MARKER-itchy-mole";
    const BODY: &str = "BODY-MARKER-it-bled-twice-this-week";
    const FILE: &str = "FILE-MARKER-biopsy-report";
    let server = TestServer::start().await;
    let path = vault_path(&server);
    let folder = path.parent().expect("folder").to_path_buf();
    let (core, preferences) = core_at(&server, &path);
    core.sign_in(PATIENT.email, PATIENT.passphrase, None)
        .await
        .expect("sign in");
    let mut id = None;
    for i in 0..30 {
        let mut draft = Draft::new(SUBJECT, format!("{BODY} {i}"));
        draft.draft_id = id.clone();
        id = Some(core.drafts().save(draft).await.expect("save").draft_id);
    }
    let id = id.expect("an id");
    core.drafts()
        .add_attachment(Some(&id), &format!("{FILE}.pdf"), &pdf_with(&FILE.repeat(100)))
        .await
        .expect("attach");

    let needles: [&[u8]; 6] = [
        SUBJECT.as_bytes(),
        BODY.as_bytes(),
        FILE.as_bytes(),
        b"MARKER",
        PATIENT.passphrase.as_bytes(),
        b"itchy",
    ];
    let scan = |stage: &str| {
        let mut files = 0;
        for entry in std::fs::read_dir(&folder).expect("folder") {
            let file = entry.expect("entry").path();
            // SQLite removes `-wal`/`-shm` as the last connection closes: a file gone by now
            // holds nothing to find.
            let Ok(bytes) = std::fs::read(&file) else { continue };
            files += 1;
            for needle in needles {
                assert!(
                    !bytes.windows(needle.len()).any(|w| w == needle),
                    "{stage}: {} holds draft text",
                    file.display()
                );
            }
        }
        files
    };
    assert!(scan("while signed in") >= 2, "the vault and its WAL");
    let stored = serde_json::to_string(&preferences.saved()).expect("json");
    for needle in [SUBJECT, BODY, FILE, "MARKER", PATIENT.passphrase] {
        assert!(!stored.contains(needle), "preferences: {stored}");
    }
    core.sign_out().await.expect("sign out");
    core.drafts().close().await;
    scan("after sign-out and close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drafts_saved_under_a_previous_pass_phrase_stay_locked_and_are_kept() {
    let server = TestServer::start().await;
    let path = vault_path(&server);
    let (core, _) = core_at(&server, &path);
    let session = core
        .sign_in(PATIENT.email, PATIENT.passphrase, None)
        .await
        .expect("sign in");
    let saved = core
        .drafts()
        .save(Draft::new("older", "written before"))
        .await
        .expect("save");
    core.sign_out().await.expect("sign out");
    core.drafts().close().await;

    // As if the vault had been made under the pass-phrase the patient has since changed on
    // another computer.
    let user = vault_user(&server, session.user.id);
    let vault = DraftVault::open(&path).await.expect("open");
    vault
        .rewrap(&user, PATIENT.passphrase.as_bytes(), b"the previous pass phrase")
        .await
        .expect("rewrap");

    let view = core
        .sign_in(PATIENT.email, PATIENT.passphrase, None)
        .await
        .expect("sign-in still works");
    assert_eq!(view.user.email, PATIENT.email);
    let error = core.drafts().list().await.expect_err("locked");
    assert_eq!(error.code(), "vault_previous_passphrase");
    let message = error.to_string();
    assert!(message.contains("previous pass-phrase"), "{message}");
    assert!(message.contains("not deleted"), "{message}");
    assert_eq!(
        code(core.drafts().save(Draft::new("new", "text")).await),
        "vault_previous_passphrase"
    );
    core.sign_out().await.expect("sign out");

    // Nothing was deleted: the old pass-phrase still opens the draft.
    let old = vault.unlock(&user, b"the previous pass phrase").await.expect("unlock");
    assert!(old.load_draft(&saved.draft_id).await.is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vault_that_cannot_be_opened_does_not_stop_sign_in() {
    let server = TestServer::start().await;
    let blocker = server.data_dir.path().join("not-a-folder");
    std::fs::write(&blocker, b"a file where the data folder should be").expect("write");
    let (core, _) = core_at(&server, &blocker.join(DRAFTS_FILE));
    core.sign_in(PATIENT.email, PATIENT.passphrase, None)
        .await
        .expect("sign in");
    assert!(core.is_signed_in().await);
    let error = core.drafts().list().await.expect_err("no vault");
    assert_eq!(error.code(), "vault_unavailable");
    assert!(error.to_string().contains("You can still use the portal"), "{error}");
    assert!(core.get_policy().await.is_ok(), "the rest of the app works");
    core.sign_out().await.expect("sign out");
}

/// An operator who started the service with `--max-attachment-mib 1`: the app refuses a larger
/// file before it reaches the vault, saying the service's figure, and accepts one at it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_above_the_services_own_limit_is_refused_with_its_figure() {
    let server = TestServer::start_with(portal_server::Limits {
        max_attachment_bytes: 1024 * 1024,
        ..portal_server::Limits::default()
    })
    .await;
    let path = vault_path(&server);
    let (core, _) = core_at(&server, &path);
    let session = core
        .sign_in(PATIENT.email, PATIENT.passphrase, None)
        .await
        .expect("sign in");
    assert_eq!(
        session.limits.max_attachment_bytes,
        1024 * 1024,
        "the service said its own"
    );

    let error = core
        .drafts()
        .add_attachment(None, "scan.jpg", &jpeg(1024 * 1024 + 1))
        .await
        .expect_err("over the service's limit");
    assert_eq!(error.code(), "payload_too_large");
    assert_eq!(
        error.to_string(),
        "This file is larger than 1 MB, the largest file the practice's portal accepts. Please choose a smaller file, or take a photo at a lower resolution."
    );
    assert!(core.drafts().list().await.expect("list").is_empty(), "nothing was kept");

    let added = core
        .drafts()
        .add_attachment(None, "scan.jpg", &jpeg(1024 * 1024))
        .await
        .expect("a file at the limit");
    assert_eq!(added.attachment.size, 1024 * 1024);
}
