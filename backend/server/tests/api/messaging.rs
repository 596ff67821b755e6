//! Secure messaging: sending, routing to pools, triage, unread counts, read receipts and
//! idempotent retries.

use portal_api::client::SessionToken;
use portal_api::{
    AssignedFilter, Category, ErrorCode, NewMessage, NewThread, Pool, ThreadQuery, ThreadStatus, MAX_BODY_CHARS,
    MAX_SUBJECT_CHARS,
};

use crate::helpers::{api_error, two_instances_on_postgres, TestApp, NURSE, OTHER_PATIENT, PATIENT, PHYSICIAN, STAFF};
use crate::on_both_databases;

pub fn new_thread(category: Category, subject: &str, body: &str) -> NewThread {
    NewThread {
        category,
        subject: subject.into(),
        body: body.into(),
        attachment_ids: vec![],
    }
}

pub fn reply(body: &str) -> NewMessage {
    NewMessage {
        body: body.into(),
        attachment_ids: vec![],
    }
}

pub fn pool(pool: Pool) -> ThreadQuery {
    ThreadQuery {
        pool: Some(pool),
        ..ThreadQuery::default()
    }
}

/// A fresh idempotency key.
pub fn key() -> String {
    format!("k-{}", hex::encode(rand::random::<[u8; 12]>()))
}

pub async fn send_thread(app: &TestApp, token: &SessionToken, body: &NewThread) -> i64 {
    app.client
        .create_thread(token, &key(), body)
        .await
        .expect("send")
        .thread_id
}

async fn a_patient_message_reaches_the_pool_of_its_category(app: TestApp) {
    let patient = app.login_and_accept(PATIENT).await;
    // Each pool is read by staff who work in it.
    let front_desk = app.login_and_accept(STAFF).await;
    let nurse = app.login_and_accept(NURSE).await;
    let staff_of = |pool: Pool| if pool == Pool::Clinical { &nurse } else { &front_desk };
    let cases = [
        (Category::MedicalQuestion, Pool::Clinical),
        (Category::PrescriptionRenewal, Pool::Clinical),
        (Category::Appointment, Pool::FrontDesk),
        (Category::Billing, Pool::Billing),
        (Category::Other, Pool::FrontDesk),
    ];
    for (category, expected) in cases {
        let id = send_thread(&app, &patient, &new_thread(category, "Question", "Hello")).await;
        let list = app
            .client
            .threads(staff_of(expected), &pool(expected))
            .await
            .expect("triage");
        let thread = list.threads.iter().find(|t| t.id == id).expect("in the pool");
        assert_eq!(thread.pool, expected);
        assert_eq!(thread.category, category);
        assert_eq!(thread.status, ThreadStatus::Open);
        assert_eq!(thread.unread, 1, "the team has not read it");
        assert_eq!(thread.patient.name, PATIENT.name);
        for other in Pool::ALL.into_iter().filter(|p| *p != expected) {
            let list = app.client.threads(staff_of(other), &pool(other)).await.expect("triage");
            assert!(list.threads.iter().all(|t| t.id != id), "{category:?} not in {other:?}");
        }
    }
    let mine = app
        .client
        .threads(&patient, &ThreadQuery::default())
        .await
        .expect("inbox");
    assert_eq!(mine.threads.len(), 5);
    assert_eq!(mine.unread_total, 0, "nothing from the practice yet");
    assert!(mine
        .threads
        .windows(2)
        .all(|w| w[0].last_message_at >= w[1].last_message_at));
}
on_both_databases!(a_patient_message_reaches_the_pool_of_its_category);

async fn triage_assign_reply_read_close_and_reopen(app: TestApp) {
    let patient = app.login_and_accept(PATIENT).await;
    let staff = app.login_and_accept(NURSE).await;
    let doctor = app.login_and_accept(PHYSICIAN).await;
    let first = new_thread(
        Category::MedicalQuestion,
        "Mole on my back",
        "It looks darker than in March.",
    );
    let sent = app.client.create_thread(&patient, &key(), &first).await.expect("send");

    // Staff assign it to the physician.
    let team = app.client.care_team(&staff).await.expect("care team");
    let okafor = team
        .members
        .iter()
        .find(|m| m.name == PHYSICIAN.name)
        .expect("physician listed");
    assert!(team.members.iter().all(|m| m.role != portal_api::Role::Patient));
    let assigned = app
        .client
        .assign(&staff, sent.thread_id, Some(okafor.id))
        .await
        .expect("assign");
    assert_eq!(assigned.assigned_to.as_ref().map(|p| p.id), Some(okafor.id));
    let mine = ThreadQuery {
        assigned: Some(AssignedFilter::Me),
        ..ThreadQuery::default()
    };
    let doctors = app.client.threads(&doctor, &mine).await.expect("assigned to me");
    assert_eq!(doctors.threads.len(), 1);
    assert_eq!(doctors.unread_total, 1);

    // The physician reads the thread: the patient's message gets its read receipt.
    let receipt = app.client.mark_read(&doctor, sent.thread_id).await.expect("read");
    assert_eq!((receipt.marked, receipt.unread_total), (1, 0));
    let seen_by_patient = app.client.thread(&patient, sent.thread_id).await.expect("thread");
    assert!(seen_by_patient.messages[0].read_at.is_some(), "read receipt");

    // The physician replies; the patient's unread count goes up, then down when read.
    app.advance(chrono::Duration::minutes(3));
    let answer = reply("Please send a photo with a ruler next to it.");
    app.client
        .reply(&doctor, sent.thread_id, &key(), &answer)
        .await
        .expect("reply");
    let inbox = app
        .client
        .threads(&patient, &ThreadQuery::default())
        .await
        .expect("inbox");
    assert_eq!(inbox.unread_total, 1);
    assert_eq!(inbox.threads[0].unread, 1);
    assert_eq!(inbox.threads[0].message_count, 2);
    let detail = app.client.thread(&patient, sent.thread_id).await.expect("thread");
    assert_eq!(detail.messages.len(), 2);
    assert_eq!(detail.messages[1].author.name, PHYSICIAN.name);
    assert_eq!(detail.messages[1].read_at, None);
    let receipt = app.client.mark_read(&patient, sent.thread_id).await.expect("read");
    assert_eq!((receipt.marked, receipt.unread_total), (1, 0));
    let detail = app.client.thread(&doctor, sent.thread_id).await.expect("thread");
    assert!(detail.messages[1].read_at.is_some(), "the physician sees it was read");

    // Close; the patient cannot close or reopen; a patient reply reopens it.
    let closed = app.client.close_thread(&staff, sent.thread_id).await.expect("close");
    assert_eq!(closed.status, ThreadStatus::Closed);
    let (status, code, ..) = api_error(app.client.close_thread(&patient, sent.thread_id).await);
    assert_eq!((status, code), (403, ErrorCode::Forbidden));
    let (status, ..) = api_error(app.client.reopen_thread(&patient, sent.thread_id).await);
    assert_eq!(status, 403);
    let open_only = ThreadQuery {
        pool: Some(Pool::Clinical),
        status: Some(ThreadStatus::Open),
        ..ThreadQuery::default()
    };
    let list = app.client.threads(&staff, &open_only).await.expect("open");
    assert!(list.threads.iter().all(|t| t.id != sent.thread_id));
    let reopened = app.client.reopen_thread(&doctor, sent.thread_id).await.expect("reopen");
    assert_eq!(reopened.status, ThreadStatus::Open);
    app.client.close_thread(&doctor, sent.thread_id).await.expect("close");
    app.client
        .reply(&patient, sent.thread_id, &key(), &reply("Here is the photo."))
        .await
        .expect("reply");
    let after = app.client.thread(&staff, sent.thread_id).await.expect("thread").thread;
    assert_eq!(after.status, ThreadStatus::Open, "a patient's reply reopens");

    // Unassign; assigning to a patient is refused.
    let patient_id = after.patient.id;
    let (status, code, ..) = api_error(app.client.assign(&staff, sent.thread_id, Some(patient_id)).await);
    assert_eq!((status, code), (422, ErrorCode::Validation));
    let unassigned = app.client.assign(&staff, sent.thread_id, None).await.expect("unassign");
    assert_eq!(unassigned.assigned_to, None);
    let (status, ..) = api_error(app.client.care_team(&patient).await);
    assert_eq!(status, 403);
}
on_both_databases!(triage_assign_reply_read_close_and_reopen);

/// Issue 9, 6.4: each member of the care team has their own unread marks. The nurse
/// opening a patient's message does not mark it read for the physician, who never opened it;
/// the patient's read receipt shows once anyone on the team read it.
async fn each_care_team_member_has_their_own_unread_marks(app: TestApp) {
    let patient = app.login_and_accept(PATIENT).await;
    let nurse = app.login_and_accept(NURSE).await;
    let doctor = app.login_and_accept(PHYSICIAN).await;
    let id = send_thread(
        &app,
        &patient,
        &new_thread(
            Category::MedicalQuestion,
            "Chest",
            "I have chest pain since this morning.",
        ),
    )
    .await;
    let unread_for = |token: &SessionToken, query: ThreadQuery| {
        let app = &app;
        let token = token.clone();
        async move {
            let list = app.client.threads(&token, &query).await.expect("list");
            let unread = list.threads.iter().find(|t| t.id == id).map(|t| t.unread);
            (unread, list.unread_total)
        }
    };
    assert_eq!(unread_for(&doctor, ThreadQuery::default()).await, (Some(1), 1));
    assert_eq!(unread_for(&nurse, pool(Pool::Clinical)).await, (Some(1), 1));

    // The nurse opens it in triage.
    let receipt = app.client.mark_read(&nurse, id).await.expect("read");
    assert_eq!((receipt.marked, receipt.unread_total), (1, 0));
    assert_eq!(unread_for(&nurse, pool(Pool::Clinical)).await, (Some(0), 0));
    assert!(
        app.client.thread(&patient, id).await.expect("thread").messages[0]
            .read_at
            .is_some(),
        "the patient sees the practice read it"
    );

    // The physician never opened it: it is still unread for him, in his list and in triage.
    assert_eq!(unread_for(&doctor, ThreadQuery::default()).await, (Some(1), 1));
    assert_eq!(unread_for(&doctor, pool(Pool::Clinical)).await, (Some(1), 1));
    let detail = app.client.thread(&doctor, id).await.expect("thread");
    assert_eq!(detail.thread.unread, 1);

    // He opens it; then the patient writes again: unread for both, until each reads it.
    let receipt = app.client.mark_read(&doctor, id).await.expect("read");
    assert_eq!((receipt.marked, receipt.unread_total), (0, 0));
    assert_eq!(unread_for(&doctor, ThreadQuery::default()).await, (Some(0), 0));
    app.client
        .reply(&patient, id, &key(), &reply("It is worse now."))
        .await
        .expect("reply");
    assert_eq!(unread_for(&doctor, ThreadQuery::default()).await, (Some(1), 1));
    assert_eq!(unread_for(&nurse, pool(Pool::Clinical)).await, (Some(1), 1));
    app.client.mark_read(&doctor, id).await.expect("read");
    assert_eq!(unread_for(&doctor, ThreadQuery::default()).await, (Some(0), 0));
    assert_eq!(unread_for(&nurse, pool(Pool::Clinical)).await, (Some(1), 1));

    // The care team's own replies are never unread for the team.
    app.client
        .reply(&doctor, id, &key(), &reply("Please call 911 now."))
        .await
        .expect("reply");
    assert_eq!(unread_for(&nurse, pool(Pool::Clinical)).await, (Some(1), 1));
    assert_eq!(unread_for(&doctor, ThreadQuery::default()).await, (Some(0), 0));
}
on_both_databases!(each_care_team_member_has_their_own_unread_marks);

/// Lists are answered again from a cache while nothing changed (SQLite): each change must
/// show in the very next list, for the patient and for the care team.
async fn lists_show_every_change_in_the_next_list(app: TestApp) {
    let patient = app.login_and_accept(PATIENT).await;
    let staff = app.login_and_accept(NURSE).await;
    let (everything, clinical) = (ThreadQuery::default(), pool(Pool::Clinical));
    let inbox = || app.client.threads(&patient, &everything);
    let triage = || app.client.threads(&staff, &clinical);
    let first = send_thread(&app, &patient, &new_thread(Category::MedicalQuestion, "Rash", "Itchy")).await;
    for _ in 0..2 {
        let mine = inbox().await.expect("inbox");
        assert_eq!((mine.threads.len(), mine.unread_total), (1, 0));
        let pool_list = triage().await.expect("triage");
        assert_eq!((pool_list.threads.len(), pool_list.unread_total), (1, 1));
    }

    app.client
        .reply(&staff, first, &key(), &reply("Since when?"))
        .await
        .expect("reply");
    let mine = inbox().await.expect("inbox");
    assert_eq!((mine.unread_total, mine.threads[0].message_count), (1, 2));
    assert_eq!(
        mine.threads[0].assigned_to.as_ref().map(|p| p.name.as_str()),
        Some(NURSE.name)
    );
    assert_eq!(triage().await.expect("triage").threads[0].message_count, 2);

    app.client.mark_read(&patient, first).await.expect("read");
    assert_eq!(inbox().await.expect("inbox").unread_total, 0);
    app.client.mark_read(&staff, first).await.expect("read");
    assert_eq!(triage().await.expect("triage").unread_total, 0);

    app.client.close_thread(&staff, first).await.expect("close");
    assert_eq!(inbox().await.expect("inbox").threads[0].status, ThreadStatus::Closed);
    app.client.reopen_thread(&staff, first).await.expect("reopen");
    assert_eq!(inbox().await.expect("inbox").threads[0].status, ThreadStatus::Open);
    app.client.assign(&staff, first, None).await.expect("unassign");
    assert_eq!(inbox().await.expect("inbox").threads[0].assigned_to, None);

    let second = send_thread(&app, &patient, &new_thread(Category::Other, "Also", "One more")).await;
    let mine = inbox().await.expect("inbox");
    assert_eq!(
        mine.threads.iter().map(|t| t.id).collect::<Vec<_>>(),
        vec![second, first]
    );
    let others = app.login_and_accept(OTHER_PATIENT).await;
    assert!(app
        .client
        .threads(&others, &ThreadQuery::default())
        .await
        .expect("theirs")
        .threads
        .is_empty());
    let front_desk_staff = app.login_and_accept(STAFF).await;
    let front_desk = app
        .client
        .threads(&front_desk_staff, &pool(Pool::FrontDesk))
        .await
        .expect("front desk");
    assert_eq!(
        front_desk.threads.iter().map(|t| t.id).collect::<Vec<_>>(),
        vec![second]
    );
}
on_both_databases!(lists_show_every_change_in_the_next_list);

/// Asks `app` for the list until `done` holds, for up to two seconds (well under the list
/// cache's own five-second lifetime, so only a dropped list passes); the last list if never.
async fn list_until(
    app: &TestApp,
    token: &SessionToken,
    done: impl Fn(&portal_api::ThreadList) -> bool,
) -> portal_api::ThreadList {
    let until = std::time::Instant::now() + std::time::Duration::from_secs(2);
    loop {
        let answer = app.client.threads(token, &ThreadQuery::default()).await.expect("list");
        if done(&answer) || std::time::Instant::now() > until {
            return answer;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn lists_cached_by_one_instance_show_what_another_commits() {
    // Two instances on one PostgreSQL database: the second answers lists from its cache, and
    // hears of the first's commits through LISTEN/NOTIFY, also after its listening
    // connection is cut.
    let Some((first, second, _database)) = two_instances_on_postgres().await else {
        return;
    };
    let listening = || async {
        for _ in 0..200 {
            if second.state.lists.is_live() {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        panic!("the second instance never listened for changes");
    };
    listening().await;
    let patient = first.login_and_accept(PATIENT).await;
    let staff = first.login_and_accept(STAFF).await;
    let everything = ThreadQuery::default();
    let on_second = || async { second.client.threads(&patient, &everything).await.expect("list") };
    let thread = send_thread(&first, &patient, &new_thread(Category::Billing, "Invoice", "Twice?")).await;
    assert_eq!(on_second().await.threads.len(), 1);
    assert_eq!(
        on_second().await.threads[0].message_count,
        1,
        "kept by the second instance"
    );

    first
        .client
        .reply(&staff, thread, &key(), &reply("Let me check."))
        .await
        .expect("reply");
    let seen = list_until(&second, &patient, |l| l.threads[0].message_count == 2).await;
    assert_eq!(seen.threads[0].message_count, 2, "the first instance's reply");

    let cut: i64 = sqlx::query_scalar(
        "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity \
         WHERE datname = current_database() AND query LIKE 'LISTEN%'",
    )
    .fetch_one(&first.state.db.pool)
    .await
    .expect("cut the listening connections");
    assert!(cut >= 1, "each instance listens");
    send_thread(&first, &patient, &new_thread(Category::Other, "Also", "One more")).await;
    let seen = list_until(&second, &patient, |l| l.threads.len() == 2).await;
    assert_eq!(
        seen.threads.len(),
        2,
        "a change while the second instance was not listening"
    );
    listening().await;
    assert_eq!(on_second().await.threads.len(), 2);
}

async fn a_team_reply_takes_an_unassigned_thread_and_urgent_threads_come_first(app: TestApp) {
    let patient = app.login_and_accept(PATIENT).await;
    let staff = app.login_and_accept(NURSE).await;
    let calm = send_thread(
        &app,
        &patient,
        &new_thread(Category::MedicalQuestion, "Cream", "Which cream?"),
    )
    .await;
    app.advance(chrono::Duration::minutes(1));
    let urgent = send_thread(
        &app,
        &patient,
        &new_thread(Category::MedicalQuestion, "Help", "I have chest pain since noon"),
    )
    .await;
    app.advance(chrono::Duration::minutes(1));
    let later = send_thread(
        &app,
        &patient,
        &new_thread(Category::MedicalQuestion, "Refill", "Refill please"),
    )
    .await;
    let list = app.client.threads(&staff, &pool(Pool::Clinical)).await.expect("triage");
    let order: Vec<i64> = list.threads.iter().map(|t| t.id).collect();
    assert_eq!(order, vec![urgent, later, calm], "urgent first, then newest activity");
    assert!(list.threads[0].urgent);
    assert!(!list.threads[1].urgent);
    // The patient's own inbox is by activity only.
    let inbox = app
        .client
        .threads(&patient, &ThreadQuery::default())
        .await
        .expect("inbox");
    assert_eq!(
        inbox.threads.iter().map(|t| t.id).collect::<Vec<_>>(),
        vec![later, urgent, calm]
    );

    app.client
        .reply(&staff, calm, &key(), &reply("The one from March."))
        .await
        .expect("reply");
    let thread = app.client.thread(&staff, calm).await.expect("thread").thread;
    assert_eq!(thread.assigned_to.map(|p| p.name), Some(NURSE.name.to_string()));
}
on_both_databases!(a_team_reply_takes_an_unassigned_thread_and_urgent_threads_come_first);

async fn a_retried_send_is_stored_once(app: TestApp) {
    let patient = app.login_and_accept(PATIENT).await;
    let body = new_thread(Category::Appointment, "Reschedule", "Can I move my visit to Friday?");
    let k = key();
    let first = app.client.create_thread(&patient, &k, &body).await.expect("send");
    app.advance(chrono::Duration::seconds(30));
    let again = app.client.create_thread(&patient, &k, &body).await.expect("retry");
    assert_eq!(again, first, "the retry answers the first result");
    let inbox = app
        .client
        .threads(&patient, &ThreadQuery::default())
        .await
        .expect("inbox");
    assert_eq!(inbox.threads.len(), 1);
    assert_eq!(inbox.threads[0].message_count, 1);

    // The same key for other content is refused.
    let other = new_thread(Category::Appointment, "Reschedule", "Actually Monday.");
    let (status, code, ..) = api_error(app.client.create_thread(&patient, &k, &other).await);
    assert_eq!((status, code), (409, ErrorCode::Conflict));

    // Twenty concurrent retries of one reply store one message.
    let rk = key();
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let client = app.client.clone();
        let token = patient.clone();
        let rk = rk.clone();
        tasks.push(tokio::spawn(async move {
            client
                .reply(&token, first.thread_id, &rk, &reply("Friday after 3 pm works."))
                .await
        }));
    }
    let mut ids = Vec::new();
    for task in tasks {
        ids.push(task.await.expect("join").expect("reply").message_id);
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "every retry answered the same message");
    let detail = app.client.thread(&patient, first.thread_id).await.expect("thread");
    assert_eq!(detail.messages.len(), 2);
}
on_both_databases!(a_retried_send_is_stored_once);

/// JSON as a client that escapes everything past ASCII writes it: a character outside the
/// Basic Multilingual Plane becomes a surrogate pair, `\ud83d\ude00`, 12 bytes.
fn ascii_json_string(text: &str) -> String {
    let mut out = String::from("\"");
    for unit in text.encode_utf16() {
        out.push_str(&format!("\\u{unit:04x}"));
    }
    out.push('"');
    out
}

/// The longest subject and message the document allows fit in a request however they are
/// written: in emoji, with every character escaped.
async fn the_longest_message_fits_in_a_request(app: TestApp) {
    let patient = app.login_and_accept(PATIENT).await;
    let body = format!(
        r#"{{"category":"other","subject":{},"body":{},"attachment_ids":[]}}"#,
        ascii_json_string(&"😀".repeat(MAX_SUBJECT_CHARS)),
        ascii_json_string(&"😀".repeat(MAX_BODY_CHARS)),
    );
    let resp = app
        .client
        .authed(reqwest::Method::POST, "/threads", &patient)
        .header("idempotency-key", key())
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status(), 201, "{}", resp.text().await.unwrap_or_default());
}
on_both_databases!(the_longest_message_fits_in_a_request);

async fn bad_sends_get_clear_errors(app: TestApp) {
    let patient = app.login_and_accept(PATIENT).await;
    let staff = app.login_and_accept(STAFF).await;
    let cases = [
        (new_thread(Category::Other, " ", "body"), "subject"),
        (new_thread(Category::Other, "Subject", " \n "), "message"),
        (new_thread(Category::Other, &"s".repeat(201), "body"), "subject"),
        (
            new_thread(Category::Other, "Subject", &"b".repeat(MAX_BODY_CHARS + 1)),
            "20000",
        ),
    ];
    for (body, word) in cases {
        let (status, code, message, _) = api_error(app.client.create_thread(&patient, &key(), &body).await);
        assert_eq!((status, code), (422, ErrorCode::Validation));
        assert!(
            message.to_lowercase().contains(word) || message.contains("20,000"),
            "{message}"
        );
    }
    let ok = new_thread(Category::Other, "Subject", &"b".repeat(MAX_BODY_CHARS));
    app.client
        .create_thread(&patient, &key(), &ok)
        .await
        .expect("20,000 characters are fine");

    let mut six = new_thread(Category::Other, "Photos", "six photos");
    six.attachment_ids = (0..6).map(|i| format!("{i:032x}")).collect();
    let (status, _, message, _) = api_error(app.client.create_thread(&patient, &key(), &six).await);
    assert_eq!(status, 422);
    assert!(message.contains('5'), "{message}");

    // No idempotency key.
    let resp = app
        .client
        .authed(reqwest::Method::POST, "/threads", &patient)
        .json(&new_thread(Category::Other, "Subject", "Body"))
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status(), 422);
    let body: portal_api::ApiErrorBody = resp.json().await.expect("error body");
    assert!(body.message.contains("Idempotency-Key"));

    // Only patients start threads; bad query values are refused.
    let (status, ..) = api_error(
        app.client
            .create_thread(&staff, &key(), &new_thread(Category::Other, "S", "B"))
            .await,
    );
    assert_eq!(status, 403);
    let huge = ThreadQuery {
        limit: Some(1000),
        ..ThreadQuery::default()
    };
    assert_eq!(api_error(app.client.threads(&patient, &huge).await).0, 422);
    let junk = ThreadQuery {
        cursor: Some("junk".into()),
        ..ThreadQuery::default()
    };
    assert_eq!(api_error(app.client.threads(&patient, &junk).await).0, 422);
    let resp = app
        .client
        .authed(reqwest::Method::GET, "/threads", &staff)
        .query(&[("pool", "everything")])
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status(), 422);
}
on_both_databases!(bad_sends_get_clear_errors);

/// A right-to-left override makes "Refill \u{202E}txt.exe" show as "Refill exe.txt"; such
/// characters are refused in subjects and bodies, new threads and replies alike.
async fn direction_changing_and_invisible_characters_are_refused(app: TestApp) {
    let patient = app.login_and_accept(PATIENT).await;
    for (subject, body) in [
        ("Refill \u{202E}txt.exe", "Please renew"),
        ("Refill", "Please\u{200B} renew"),
        ("\u{2067}Urgent\u{2069}", "Please renew"),
    ] {
        let thread = new_thread(Category::PrescriptionRenewal, subject, body);
        let (status, code, message, _) = api_error(app.client.create_thread(&patient, &key(), &thread).await);
        assert_eq!((status, code), (422, ErrorCode::Validation), "{subject:?} {body:?}");
        assert!(message.contains("invisible or direction-changing"), "{message}");
    }
    let sent = app
        .client
        .create_thread(
            &patient,
            &key(),
            &new_thread(Category::Other, "Thanks \u{1F469}\u{200D}\u{2695}\u{FE0F}", "Fine"),
        )
        .await
        .expect("an emoji sequence is ordinary text");
    let reply = portal_api::NewMessage {
        body: "ok \u{202E}".into(),
        attachment_ids: Vec::new(),
    };
    let (status, ..) = api_error(app.client.reply(&patient, sent.thread_id, &key(), &reply).await);
    assert_eq!(status, 422);
    let detail = app.client.thread(&patient, sent.thread_id).await.expect("thread");
    assert_eq!(detail.messages.len(), 1, "nothing else was stored");
}
on_both_databases!(direction_changing_and_invisible_characters_are_refused);

async fn lists_page_with_a_cursor(app: TestApp) {
    let patient = app.login_and_accept(PATIENT).await;
    for i in 0..7 {
        app.advance(chrono::Duration::seconds(1));
        send_thread(
            &app,
            &patient,
            &new_thread(Category::Other, &format!("Thread {i}"), "Hello"),
        )
        .await;
    }
    let mut seen = Vec::new();
    let mut query = ThreadQuery {
        limit: Some(3),
        ..ThreadQuery::default()
    };
    loop {
        let page = app.client.threads(&patient, &query).await.expect("page");
        seen.extend(page.threads.iter().map(|t| t.subject.clone()));
        match page.next_cursor {
            Some(cursor) => query.cursor = Some(cursor),
            None => break,
        }
    }
    let expected: Vec<String> = (0..7).rev().map(|i| format!("Thread {i}")).collect();
    assert_eq!(seen, expected);
    let other = app.login_and_accept(OTHER_PATIENT).await;
    let theirs = app
        .client
        .threads(&other, &ThreadQuery::default())
        .await
        .expect("inbox");
    assert!(theirs.threads.is_empty());
}
on_both_databases!(lists_page_with_a_cursor);

async fn every_read_and_write_is_audited(app: TestApp) {
    let patient = app.login_and_accept(PATIENT).await;
    let doctor = app.login_and_accept(PHYSICIAN).await;
    let id = send_thread(&app, &patient, &new_thread(Category::MedicalQuestion, "Audit", "Body")).await;
    app.client
        .threads(&doctor, &ThreadQuery::default())
        .await
        .expect("list");
    app.client.thread(&doctor, id).await.expect("read");
    app.client.mark_read(&doctor, id).await.expect("mark");
    app.client
        .reply(&doctor, id, &key(), &reply("Answer"))
        .await
        .expect("reply");
    app.client.close_thread(&doctor, id).await.expect("close");
    let rows: Vec<(String, Option<i64>, Option<String>)> = sqlx::query_as(
        "SELECT a.action, a.subject_user_id, a.object FROM audit_events a JOIN users u ON u.id = a.actor_user_id \
         WHERE u.email = $1 ORDER BY a.id",
    )
    .bind(PHYSICIAN.email)
    .fetch_all(&app.state.db.pool)
    .await
    .expect("audit rows");
    let actions: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    for expected in [
        "threads.listed",
        "thread.read",
        "thread.marked_read",
        "message.sent",
        "thread.closed",
    ] {
        assert!(actions.contains(&expected), "{expected} in {actions:?}");
    }
    let read = rows.iter().find(|r| r.0 == "thread.read").expect("read row");
    let patient_id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(PATIENT.email)
        .fetch_one(&app.state.db.pool)
        .await
        .expect("id");
    assert_eq!(read.1, Some(patient_id), "acting for the patient");
    assert_eq!(read.2.as_deref(), Some(format!("thread:{id}").as_str()));
    let listed = rows.iter().find(|r| r.0 == "threads.listed").expect("listed row");
    assert_eq!(listed.2.as_deref(), Some(format!("threads:{id}").as_str()));
    // Audit rows name things, never their content.
    let all: Vec<String> = sqlx::query_scalar("SELECT COALESCE(object, '') FROM audit_events")
        .fetch_all(&app.state.db.pool)
        .await
        .expect("objects");
    assert!(all.iter().all(|o| !o.contains("Answer") && !o.contains("Audit")));
}
on_both_databases!(every_read_and_write_is_audited);

async fn a_copy_of_the_database_reveals_no_subject_or_body(app: TestApp) {
    let patient = app.login_and_accept(PATIENT).await;
    let doctor = app.login_and_accept(PHYSICIAN).await;
    let id = send_thread(
        &app,
        &patient,
        &new_thread(
            Category::MedicalQuestion,
            "Mole on my shoulder",
            "It itches and bled twice",
        ),
    )
    .await;
    app.client
        .reply(&doctor, id, &key(), &reply("Please book a biopsy appointment"))
        .await
        .expect("reply");
    // The app reads them back as written …
    let thread = app.client.thread(&patient, id).await.expect("thread");
    assert_eq!(thread.thread.subject, "Mole on my shoulder");
    assert_eq!(thread.messages[1].body, "Please book a biopsy appointment");
    // … while the database holds them sealed.
    let stored: Vec<String> = sqlx::query_scalar("SELECT subject FROM threads UNION ALL SELECT body FROM messages")
        .fetch_all(&app.state.db.pool)
        .await
        .expect("stored text");
    for text in &stored {
        assert!(text.starts_with("v1."), "stored in the clear: {text}");
        for secret in ["Mole", "itches", "biopsy"] {
            assert!(!text.contains(secret));
        }
    }
    // A copy of the SQLite files (database and write-ahead log) holds none of the words.
    if app.state.db.engine == portal_server::store::Engine::Sqlite {
        for entry in std::fs::read_dir(app.data_dir.path()).expect("data dir").flatten() {
            let bytes = std::fs::read(entry.path()).unwrap_or_default();
            for secret in [&b"Mole on my"[..], b"itches and bled", b"biopsy appointment"] {
                assert!(
                    !bytes.windows(secret.len()).any(|w| w == secret),
                    "{} holds message text",
                    entry.path().display()
                );
            }
        }
    }
}
on_both_databases!(a_copy_of_the_database_reveals_no_subject_or_body);
