//! Who may see what: another patient's thread, message or attachment id answers 404 exactly
//! like an id that does not exist, on every route; health-data routes need a patient to have
//! accepted the current policy (the care team is not asked to).

use portal_api::client::{ClientError, PortalClient, SessionToken};
use portal_api::{Category, ErrorCode, ThreadQuery};

use crate::attachments::{tiny_png, upload};
use crate::helpers::{api_error, TestApp, ADMIN, NURSE, OTHER_PATIENT, PATIENT, PHYSICIAN, STAFF};
use crate::messaging::{key, new_thread, reply, send_thread};
use crate::on_both_databases;

/// Every route that takes a thread or attachment id, called with `thread_id`/`attachment_id`:
/// the `(status, code, message)` of each answer.
async fn answers_for(
    client: &PortalClient,
    token: &SessionToken,
    thread_id: i64,
    attachment_id: &str,
) -> Vec<(&'static str, u16, ErrorCode, String)> {
    fn error<T: std::fmt::Debug>(
        route: &'static str,
        r: Result<T, ClientError>,
    ) -> (&'static str, u16, ErrorCode, String) {
        let (status, code, message, _) = api_error(r);
        (route, status, code, message)
    }
    let mut with_attachment = reply("Look at this");
    with_attachment.attachment_ids = vec![attachment_id.to_string()];
    vec![
        error("GET thread", client.thread(token, thread_id).await),
        error("POST reply", client.reply(token, thread_id, &key(), &reply("Hi")).await),
        error("POST read", client.mark_read(token, thread_id).await),
        error("GET attachment", client.attachment(token, attachment_id).await),
    ]
}

async fn another_patients_ids_answer_exactly_like_missing_ones(app: TestApp) {
    let owner = app.login_and_accept(PATIENT).await;
    let intruder = app.login_and_accept(OTHER_PATIENT).await;
    let photo = upload(&app, &owner, "arm.png", &tiny_png()).await.expect("upload");
    let mut first = new_thread(Category::MedicalQuestion, "Private", "Private words");
    first.attachment_ids = vec![photo.id.clone()];
    let sent = app.client.create_thread(&owner, &key(), &first).await.expect("send");
    let unsent = upload(&app, &owner, "leg.png", &tiny_png()).await.expect("upload");

    let foreign = answers_for(&app.client, &intruder, sent.thread_id, &photo.id).await;
    let missing = answers_for(&app.client, &intruder, sent.thread_id + 1000, &"0".repeat(32)).await;
    for (f, m) in foreign.iter().zip(&missing) {
        assert_eq!((f.1, f.2, &f.3), (404, ErrorCode::NotFound, &m.3), "{}", f.0);
        assert_eq!((m.1, m.2), (404, ErrorCode::NotFound), "{}", m.0);
    }
    // An unsent upload belongs to its uploader only.
    let (status, ..) = api_error(app.client.attachment(&intruder, &unsent.id).await);
    assert_eq!(status, 404);
    // Sending someone else's upload, or one already sent, is a missing attachment.
    for id in [&unsent.id, &photo.id] {
        let mut steal = new_thread(Category::Other, "Mine now", "x");
        steal.attachment_ids = vec![id.clone()];
        let (status, code, ..) = api_error(app.client.create_thread(&intruder, &key(), &steal).await);
        assert_eq!((status, code), (404, ErrorCode::NotFound));
    }
    let mut reuse = reply("again");
    reuse.attachment_ids = vec![photo.id.clone()];
    let (status, ..) = api_error(app.client.reply(&owner, sent.thread_id, &key(), &reuse).await);
    assert_eq!(status, 404, "a sent attachment cannot be sent again");
    // Nothing of the owner's shows in the intruder's list, and the owner still sees it all.
    let theirs = app
        .client
        .threads(&intruder, &ThreadQuery::default())
        .await
        .expect("list");
    assert!(theirs.threads.is_empty());
    assert_eq!(theirs.unread_total, 0);
    let detail = app.client.thread(&owner, sent.thread_id).await.expect("own thread");
    assert_eq!(detail.messages[0].attachments[0].id, photo.id);
    // Staff see it; triage routes stay closed to patients whatever the id.
    let staff = app.login_and_accept(NURSE).await;
    app.client
        .thread(&staff, sent.thread_id)
        .await
        .expect("staff of the pool see it");
    for result in [
        app.client.assign(&intruder, sent.thread_id, None).await.map(drop),
        app.client.close_thread(&intruder, sent.thread_id).await.map(drop),
        app.client.reopen_thread(&intruder, 999_999).await.map(drop),
    ] {
        assert_eq!(api_error(result).0, 403);
    }
    // Junk ids are simply not found.
    for path in [
        "/threads/abc",
        "/threads/-1",
        "/threads/0",
        "/attachments/xyz",
        "/attachments/..%2f..%2fetc",
    ] {
        let resp = app
            .client
            .authed(reqwest::Method::GET, path, &owner)
            .send()
            .await
            .expect("request");
        assert_eq!(resp.status(), 404, "{path}");
    }
}
on_both_databases!(another_patients_ids_answer_exactly_like_missing_ones);

async fn a_physician_sees_only_their_patients_and_assigned_threads(app: TestApp) {
    let patient = app.login_and_accept(PATIENT).await;
    let staff = app.login_and_accept(NURSE).await;
    let doctor = app.login_and_accept(PHYSICIAN).await;
    let id = app
        .client
        .create_thread(
            &patient,
            &key(),
            &new_thread(Category::MedicalQuestion, "Rash", "Itchy"),
        )
        .await
        .expect("send")
        .thread_id;
    app.client.thread(&doctor, id).await.expect("her patient");
    // Without the care relationship she no longer sees it …
    sqlx::query("DELETE FROM care_relationships")
        .execute(&app.state.db.pool)
        .await
        .expect("delete");
    assert_eq!(api_error(app.client.thread(&doctor, id).await).0, 404);
    // … until it is assigned to her.
    let team = app.client.care_team(&staff).await.expect("team");
    let okafor = team
        .members
        .iter()
        .find(|m| m.name == PHYSICIAN.name)
        .expect("listed")
        .id;
    app.client.assign(&staff, id, Some(okafor)).await.expect("assign");
    app.client.thread(&doctor, id).await.expect("assigned to her");
}
on_both_databases!(a_physician_sees_only_their_patients_and_assigned_threads);

async fn messaging_needs_the_current_policy_accepted(app: TestApp) {
    let owner = app.login_and_accept(PATIENT).await;
    let id = app
        .client
        .create_thread(&owner, &key(), &new_thread(Category::Other, "Hello", "Hello"))
        .await
        .expect("send")
        .thread_id;
    let newcomer = app.login_as(OTHER_PATIENT).await;
    let results: Vec<Result<(), ClientError>> = vec![
        app.client.threads(&newcomer, &ThreadQuery::default()).await.map(drop),
        app.client
            .create_thread(&newcomer, &key(), &new_thread(Category::Other, "S", "B"))
            .await
            .map(drop),
        app.client.thread(&newcomer, id).await.map(drop),
        app.client.reply(&newcomer, id, &key(), &reply("x")).await.map(drop),
        app.client.mark_read(&newcomer, id).await.map(drop),
        app.client.attachment(&newcomer, &"0".repeat(32)).await.map(drop),
        upload(&app, &newcomer, "a.png", &tiny_png()).await.map(drop),
    ];
    for result in results {
        let (status, code, ..) = api_error(result);
        assert_eq!((status, code), (403, ErrorCode::PolicyNotAccepted));
    }
    // Without a session at all: 401.
    let resp = app
        .client
        .request(reqwest::Method::GET, "/threads")
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status(), 401);
}
on_both_databases!(messaging_needs_the_current_policy_accepted);

/// The portal policy is written to patients ("your medical record"): the care team works
/// without accepting it (issue 9, 6.2), and the gate stays closed for patients.
async fn the_care_team_is_not_asked_to_accept_the_patient_policy(app: TestApp) {
    let patient = app.login_and_accept(PATIENT).await;
    let id = app
        .client
        .create_thread(
            &patient,
            &key(),
            &new_thread(Category::MedicalQuestion, "Rash", "It itches."),
        )
        .await
        .expect("send")
        .thread_id;
    for account in [NURSE, PHYSICIAN] {
        let member = app.login_as(account).await;
        app.client.care_team(&member).await.expect("care team");
        app.client
            .threads(&member, &ThreadQuery::default())
            .await
            .expect("the care team's list");
        app.client.thread(&member, id).await.expect("the patient's thread");
        app.client.mark_read(&member, id).await.expect("mark read");
        app.client
            .reply(&member, id, &key(), &reply("Please send a photo."))
            .await
            .expect("reply");
    }
    let newcomer = app.login_as(OTHER_PATIENT).await;
    let (status, code, ..) = api_error(app.client.threads(&newcomer, &ThreadQuery::default()).await);
    assert_eq!((status, code), (403, ErrorCode::PolicyNotAccepted));
}
on_both_databases!(the_care_team_is_not_asked_to_accept_the_patient_policy);

#[tokio::test]
async fn openapi_lists_the_messaging_routes() {
    crate::helpers::run(
        crate::helpers::Backend::Sqlite,
        crate::helpers::test_limits(),
        |app| async move {
            let doc = app.client.openapi().await.expect("openapi");
            let paths = doc["paths"].as_object().expect("paths");
            for path in [
                "/api/v1/threads",
                "/api/v1/threads/{id}",
                "/api/v1/threads/{id}/messages",
                "/api/v1/threads/{id}/read",
                "/api/v1/threads/{id}/assign",
                "/api/v1/threads/{id}/close",
                "/api/v1/threads/{id}/reopen",
                "/api/v1/care-team",
                "/api/v1/attachments",
                "/api/v1/attachments/{id}",
            ] {
                assert!(paths.contains_key(path), "{path} in openapi.json");
            }
            assert!(paths["/api/v1/threads"]["post"]["parameters"]
                .to_string()
                .contains("Idempotency-Key"));
        },
    )
    .await;
}

async fn staff_see_only_the_threads_of_their_pools(app: TestApp) {
    let patient = app.login_and_accept(PATIENT).await;
    let front_desk = app.login_and_accept(STAFF).await;
    let nurse = app.login_and_accept(NURSE).await;
    let clinical = send_thread(&app, &patient, &new_thread(Category::MedicalQuestion, "Rash", "Itchy")).await;
    let billing = send_thread(&app, &patient, &new_thread(Category::Billing, "Invoice", "Twice?")).await;
    let ids = |list: portal_api::ThreadList| list.threads.iter().map(|t| t.id).collect::<Vec<_>>();
    let everything = portal_api::ThreadQuery::default();

    // The front desk (front desk and billing pools) never sees the clinical thread …
    assert_eq!(
        ids(app.client.threads(&front_desk, &everything).await.expect("list")),
        vec![billing]
    );
    assert_eq!(api_error(app.client.thread(&front_desk, clinical).await).0, 404);
    assert_eq!(api_error(app.client.close_thread(&front_desk, clinical).await).0, 404);
    assert_eq!(
        api_error(app.client.reply(&front_desk, clinical, &key(), &reply("Hello")).await).0,
        404
    );
    // … and the nurse (clinical pool) never sees the billing one.
    assert_eq!(
        ids(app.client.threads(&nurse, &everything).await.expect("list")),
        vec![clinical]
    );
    assert_eq!(api_error(app.client.thread(&nurse, billing).await).0, 404);

    // A clinical thread cannot be given to the front desk, who could not read it.
    let team = app.client.care_team(&nurse).await.expect("team");
    let sam = team.members.iter().find(|m| m.name == STAFF.name).expect("listed").id;
    let (status, _, message, _) = api_error(app.client.assign(&nurse, clinical, Some(sam)).await);
    assert_eq!(status, 422);
    assert!(message.contains("does not work in the thread's pool"), "{message}");

    // An admin gives the front desk the clinical pool: it shows once the session is re-read.
    let email = portal_server::domain::EmailAddress::parse(STAFF.email).unwrap();
    let all = portal_server::domain::access::StaffPools::of(portal_api::Pool::ALL);
    portal_server::admin::set_staff_pools(&app.state.db, &email, all)
        .await
        .expect("pools set");
    app.advance(chrono::Duration::seconds(3));
    app.client
        .thread(&front_desk, clinical)
        .await
        .expect("now in a pool of theirs");
}
on_both_databases!(staff_see_only_the_threads_of_their_pools);

async fn an_admin_sets_a_staff_members_pools_and_nobody_else_may(app: TestApp) {
    let admin = app.login_as(ADMIN).await;
    let patient = app.login_and_accept(PATIENT).await;
    let front_desk = app.login_and_accept(STAFF).await;
    let clinical = send_thread(&app, &patient, &new_thread(Category::MedicalQuestion, "Rash", "Itchy")).await;
    let get = |token: &SessionToken| app.client.authed(reqwest::Method::GET, "/staff", token).send();
    let put = |token: &SessionToken, id: i64, pools: serde_json::Value| {
        app.client
            .authed(reqwest::Method::PUT, &format!("/staff/{id}/pools"), token)
            .json(&serde_json::json!({ "pools": pools }))
            .send()
    };

    // Only an admin sees the staff and their pools.
    for token in [&patient, &front_desk] {
        assert_eq!(get(token).await.expect("answer").status(), 403);
    }
    let list: portal_api::StaffList = get(&admin).await.expect("answer").json().await.expect("list");
    let sam = list.members.iter().find(|m| m.name == STAFF.name).expect("listed");
    assert_eq!(sam.pools, vec![portal_api::Pool::FrontDesk, portal_api::Pool::Billing]);
    assert!(list.members.iter().all(|m| m.name != PATIENT.name), "staff only");

    // The front desk cannot read the clinical thread until the admin adds the clinical pool;
    // then it can at once.
    assert_eq!(api_error(app.client.thread(&front_desk, clinical).await).0, 404);
    assert_eq!(
        put(&front_desk, sam.id, serde_json::json!(["clinical"]))
            .await
            .expect("answer")
            .status(),
        403
    );
    assert_eq!(
        put(&admin, sam.id, serde_json::json!([]))
            .await
            .expect("answer")
            .status(),
        422
    );
    assert_eq!(
        put(&admin, 999_999, serde_json::json!(["clinical"]))
            .await
            .expect("answer")
            .status(),
        404
    );
    let changed = put(&admin, sam.id, serde_json::json!(["clinical", "front_desk"]))
        .await
        .expect("answer");
    assert_eq!(changed.status(), 200);
    let member: portal_api::StaffMember = changed.json().await.expect("member");
    assert_eq!(
        member.pools,
        vec![portal_api::Pool::Clinical, portal_api::Pool::FrontDesk]
    );
    app.client
        .thread(&front_desk, clinical)
        .await
        .expect("now in a pool of theirs");
    let audited: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE action = 'admin.staff_pools_set'")
        .fetch_one(&app.state.db.pool)
        .await
        .expect("count");
    assert_eq!(audited, 1);
}
on_both_databases!(an_admin_sets_a_staff_members_pools_and_nobody_else_may);
