//! The authorization matrix (issue 12): every route of the OpenAPI document, called by each
//! kind of caller, answers what the table below says, on SQLite and PostgreSQL. A route added
//! without a row fails the test, and so does a row for a route that is gone.
//!
//! One world per database: Blair Conroy (the patient) with her chart, a conversation with a
//! photo, and six authorized persons (one per scope, one whose grant the patient ended, one
//! whose grant ran out), each acting for her (`x-portal-acting-for`); her physician and
//! another; a front-desk and a billing staff member; the admin. Each row is called with fresh
//! sessions, in the table's order, so what a row changes (a sign-out, an ended session) never
//! reaches the next; rows that change what others see (breaking the glass) come last.

use std::collections::BTreeSet;

use chrono::Duration;
use portal_api::client::SessionToken;
use portal_api::{
    Category, GrantRequest, GrantScope, NewThread, Pool, Role, ACTING_FOR_HEADER, IDEMPOTENCY_KEY_HEADER,
};
use portal_server::auth::token;
use portal_server::demo::{self, DemoAccount};
use portal_server::store::sessions::{self, NewSession};
use portal_server::Clock;
use reqwest::Method;
use serde_json::{json, Value};

use crate::attachments::{tiny_png, upload};
use crate::helpers::{api_error, TestApp, ADMIN, OTHER_PATIENT, PATIENT, PHYSICIAN};
use crate::messaging::key;
use crate::on_both_databases;
use crate::records_read::blairs_chart;

/// The callers, in the table's column order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Caller {
    Anonymous,
    Patient,
    OtherPatient,
    ProxyRead,
    ProxyWrite,
    ProxyRecord,
    ProxyResults,
    ProxyEnded,
    ProxyExpired,
    Physician,
    OtherPhysician,
    FrontDesk,
    Billing,
    Admin,
}

const CALLERS: [Caller; 14] = [
    Caller::Anonymous,
    Caller::Patient,
    Caller::OtherPatient,
    Caller::ProxyRead,
    Caller::ProxyWrite,
    Caller::ProxyRecord,
    Caller::ProxyResults,
    Caller::ProxyEnded,
    Caller::ProxyExpired,
    Caller::Physician,
    Caller::OtherPhysician,
    Caller::FrontDesk,
    Caller::Billing,
    Caller::Admin,
];

const fn person(email: &'static str, name: &'static str, role: Role, totp: Option<&'static str>) -> DemoAccount {
    DemoAccount {
        email,
        name,
        role,
        passphrase: "matrix tests walk every corridor twice",
        staff_pools: &[],
        totp_secret: totp,
    }
}

const OTHER_PHYSICIAN: DemoAccount = person(
    "dr.other@dskc.example",
    "Dr. Other Physician",
    Role::Physician,
    Some("MATRIXOTHERPHYSICIANSECRETCODEAA"),
);
const FRONT_DESK: DemoAccount = DemoAccount {
    staff_pools: &[Pool::FrontDesk],
    ..person(
        "desk@dskc.example",
        "Desk Only",
        Role::Staff,
        Some("MATRIXFRONTDESKSECRETCODEAAAAAAA"),
    )
};
const BILLING: DemoAccount = DemoAccount {
    staff_pools: &[Pool::Billing],
    ..person(
        "billing@dskc.example",
        "Billing Only",
        Role::Staff,
        Some("MATRIXBILLINGSECRETCODEAAAAAAAAA"),
    )
};
/// The account the admin's rows change (pools, turned off).
const TARGET: DemoAccount = DemoAccount {
    staff_pools: &[Pool::Billing],
    ..person(
        "target@dskc.example",
        "Target Staff",
        Role::Staff,
        Some("MATRIXTARGETSECRETCODEAAAAAAAAAA"),
    )
};

/// The authorized persons: who, and what their grant allows.
const PROXIES: [(Caller, DemoAccount, GrantScope); 6] = [
    (
        Caller::ProxyRead,
        person("read@example.com", "Reed Reader", Role::Patient, None),
        GrantScope::ReadMessages,
    ),
    (
        Caller::ProxyWrite,
        person("write@example.com", "Wren Writer", Role::Patient, None),
        GrantScope::WriteMessages,
    ),
    (
        Caller::ProxyRecord,
        person("record@example.com", "Rory Record", Role::Patient, None),
        GrantScope::Record,
    ),
    (
        Caller::ProxyResults,
        person("results@example.com", "Remy Results", Role::Patient, None),
        GrantScope::Results,
    ),
    (
        Caller::ProxyEnded,
        person("ended@example.com", "Eden Ended", Role::Patient, None),
        GrantScope::Record,
    ),
    (
        Caller::ProxyExpired,
        person("expired@example.com", "Ezra Expired", Role::Patient, None),
        GrantScope::Record,
    ),
];

/// The ids the rows' paths name.
struct World {
    chart: i64,
    thread: i64,
    attachment: String,
    /// A grant of Blair's to someone who is none of the callers (ended by the patient's row).
    spare_grant: i64,
    /// Invitations to the reading and the writing person, not answered yet.
    invite_read: i64,
    invite_write: i64,
    result: String,
    policy_version: i64,
    target_user: i64,
    users: Vec<(Caller, i64)>,
}

const CHOLESTEROL: &str = "2093-3";

/// A request's body.
#[derive(Clone)]
enum Body {
    None,
    Json(Value),
    Png,
}

/// One row: the OpenAPI operation, the path called (`{chart}`, `{thread}`, … stand for the
/// world's ids; `{session}`: another session of the patient's), the body (`{n}`: the caller's
/// column, where each needs their own: a failed sign-in counts against its address), and each
/// caller's status.
struct Row {
    op: &'static str,
    path: &'static str,
    body: Body,
    expect: [u16; 14],
}

fn row(op: &'static str, path: &'static str, body: Body, expect: [u16; 14]) -> Row {
    Row { op, path, body, expect }
}

fn j(value: Value) -> Body {
    Body::Json(value)
}

/// The table. Columns: anonymous, the patient, another patient, proxies that may read
/// messages / write messages / see the record / see results, a proxy whose grant ended, one
/// whose grant expired, the patient's physician, another physician, front desk, billing, admin.
#[rustfmt::skip]
fn table() -> Vec<Row> {
    let n = Body::None;
    let blair = PATIENT.passphrase;
    let okafor = PHYSICIAN.passphrase;
    vec![
        //                                                                              anon pat  oth  rd   wr   rec  res  end  exp  doc  doc2 desk bill adm
        row("GET /health", "/health", n.clone(),                                        [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
        row("GET /practice", "/practice", n.clone(),                                    [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
        row("GET /openapi.json", "/openapi.json", n.clone(),                            [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
        row("GET /limits", "/limits", n.clone(),                                        [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
        row("GET /policy", "/policy", n.clone(),                                        [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
        row("POST /policy/{version}/accept", "/policy/{version}/accept", n.clone(),     [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
        row("POST /auth/login", "/auth/login",
            j(json!({"email": "nobody{n}@example.com", "password": "not the right one at all"})),
                                                                                        [401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401]),
        row("POST /auth/activate", "/auth/activate",
            j(json!({"email": "nobody@example.com", "code": "12345678", "password": "a long enough new pass-phrase"})),
                                                                                        [422, 422, 422, 422, 422, 422, 422, 422, 422, 422, 422, 422, 422, 422]),
        row("POST /auth/password-reset", "/auth/password-reset", j(json!({"email": "nobody@example.com"})),
                                                                                        [202, 202, 202, 202, 202, 202, 202, 202, 202, 202, 202, 202, 202, 202]),
        row("POST /auth/password-reset/confirm", "/auth/password-reset/confirm",
            j(json!({"email": "nobody@example.com", "code": "12345678", "new_password": "a long enough new pass-phrase"})),
                                                                                        [422, 422, 422, 422, 422, 422, 422, 422, 422, 422, 422, 422, 422, 422]),
        row("GET /me", "/me", n.clone(),                                                [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
        row("GET /me/grants", "/me/grants", n.clone(),                                  [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
        row("GET /me/sessions", "/me/sessions", n.clone(),                              [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
        row("GET /me/notices", "/me/notices", n.clone(),                                [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
        row("PUT /me/notices", "/me/notices", j(json!({"messages": true, "results": true})),
                                                                                        [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
        row("GET /me/result-preferences", "/me/result-preferences", n.clone(),          [401, 200, 200, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403]),
        row("PUT /me/result-preferences", "/me/result-preferences", j(json!({"only_after_review": false})),
                                                                                        [401, 200, 200, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403]),
        row("PUT /me/email", "/me/email", j(json!({"email": "new.address@example.com", "password": blair})),
                                                                                        [401, 202, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403]),
        row("POST /me/email/confirm", "/me/email/confirm", j(json!({"code": "12345678"})),
                                                                                        [401, 422, 422, 422, 422, 422, 422, 422, 422, 422, 422, 422, 422, 422]),
        row("POST /me/recovery-codes", "/me/recovery-codes", j(json!({"password": okafor})),
                                                                                        [401, 409, 409, 409, 409, 409, 409, 409, 409, 200, 403, 403, 403, 403]),
        row("POST /me/totp", "/me/totp", n.clone(),                                     [401, 200, 200, 200, 200, 200, 200, 200, 200, 409, 409, 409, 409, 409]),
        row("POST /me/totp/confirm", "/me/totp/confirm", j(json!({"code": "123456"})),  [401, 422, 422, 422, 422, 422, 422, 422, 422, 409, 409, 409, 409, 409]),
        row("DELETE /me/totp", "/me/totp", j(json!({"password": okafor})),              [401, 409, 409, 409, 409, 409, 409, 409, 409, 403, 403, 403, 403, 403]),
        row("POST /me/sessions/end-others", "/me/sessions/end-others", n.clone(),       [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
        row("DELETE /me/sessions/{id}", "/me/sessions/{session}", n.clone(),            [401, 204, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404]),
        row("POST /auth/password", "/auth/password",
            j(json!({"current_password": blair, "new_password": "a long enough new pass-phrase for blair"})),
                                                                                        [401, 200, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403]),
        row("POST /auth/logout", "/auth/logout", n.clone(),                             [401, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204]),

        // Conversations.
        row("GET /threads", "/threads", n.clone(),                                      [401, 200, 200, 200, 200, 403, 403, 403, 403, 200, 200, 200, 200, 200]),
        row("POST /threads", "/threads",
            j(json!({"category": "medical_question", "subject": "A rash", "body": "It itches."})),
                                                                                        [401, 201, 201, 403, 201, 403, 403, 403, 403, 403, 403, 403, 403, 403]),
        row("GET /threads/{id}", "/threads/{thread}", n.clone(),                        [401, 200, 404, 200, 200, 404, 404, 403, 403, 200, 404, 404, 404, 404]),
        row("POST /threads/{id}/messages", "/threads/{thread}/messages", j(json!({"body": "And now?"})),
                                                                                        [401, 201, 404, 403, 201, 404, 404, 403, 403, 201, 404, 404, 404, 404]),
        row("POST /threads/{id}/read", "/threads/{thread}/read", n.clone(),             [401, 200, 404, 200, 200, 404, 404, 403, 403, 200, 404, 404, 404, 404]),
        row("POST /threads/{id}/assign", "/threads/{thread}/assign", j(json!({"user_id": null})),
                                                                                        [401, 403, 403, 403, 403, 403, 403, 403, 403, 200, 404, 404, 404, 403]),
        row("POST /threads/{id}/close", "/threads/{thread}/close", n.clone(),           [401, 403, 403, 403, 403, 403, 403, 403, 403, 200, 404, 404, 404, 403]),
        row("POST /threads/{id}/reopen", "/threads/{thread}/reopen", n.clone(),         [401, 403, 403, 403, 403, 403, 403, 403, 403, 200, 404, 404, 404, 403]),
        row("GET /care-team", "/care-team", n.clone(),                                  [401, 403, 403, 403, 403, 403, 403, 403, 403, 200, 200, 200, 200, 403]),
        row("POST /attachments", "/attachments", Body::Png,                             [401, 201, 201, 403, 201, 403, 403, 403, 403, 201, 201, 201, 201, 403]),
        row("GET /attachments/{id}", "/attachments/{attachment}", n.clone(),            [401, 200, 404, 200, 200, 404, 404, 403, 403, 200, 404, 404, 404, 404]),

        // The record.
        row("GET /patients/{patient_id}/record", "/patients/{chart}/record", n.clone(), [401, 200, 404, 404, 404, 200, 403, 403, 403, 200, 403, 404, 404, 404]),
        row("GET /patients/{patient_id}/record/{section}", "/patients/{chart}/record/allergies", n.clone(),
                                                                                        [401, 200, 404, 404, 404, 200, 403, 403, 403, 200, 403, 404, 404, 404]),
        row("GET /patients/{patient_id}/record/{section}", "/patients/{chart}/record/results", n.clone(),
                                                                                        [401, 200, 404, 404, 404, 403, 200, 403, 403, 200, 403, 404, 404, 404]),
        row("GET /patients/{patient_id}/record/results/{code}/series", "/patients/{chart}/record/results/{code}/series", n.clone(),
                                                                                        [401, 200, 404, 404, 404, 403, 200, 403, 403, 200, 403, 404, 404, 404]),
        row("GET /patients/{patient_id}/record/export", "/patients/{chart}/record/export", n.clone(),
                                                                                        [401, 200, 404, 404, 404, 403, 403, 403, 403, 200, 403, 404, 404, 404]),
        row("POST /patients/{patient_id}/record/results/{result_id}/review", "/patients/{chart}/record/results/{result}/review",
            j(json!({"note": null})),                                                   [401, 403, 403, 403, 403, 403, 403, 403, 403, 200, 403, 403, 403, 403]),
        row("GET /patients/{patient_id}/access-log", "/patients/{chart}/access-log", n.clone(),
                                                                                        [401, 200, 404, 404, 404, 404, 404, 403, 403, 404, 404, 404, 404, 404]),
        row("GET /patients", "/patients?query=Conroy", n.clone(),                           [401, 403, 403, 403, 403, 403, 403, 403, 403, 200, 200, 200, 200, 403]),
        row("POST /patients/{patient_id}/invitation", "/patients/{chart}/invitation", j(json!({"email": "blair.again@example.com"})),
                                                                                        [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 409, 409, 409]),

        // Authorized persons.
        row("GET /patients/{patient_id}/grants", "/patients/{chart}/grants", n.clone(), [401, 200, 404, 404, 404, 404, 404, 403, 403, 404, 404, 404, 404, 404]),
        row("POST /patients/{patient_id}/grants", "/patients/{chart}/grants",
            j(json!({"name": "Friend", "email": "friend@example.com", "scopes": ["record"]})),
                                                                                        [401, 201, 404, 404, 404, 404, 404, 403, 403, 404, 404, 404, 404, 404]),
        // The practice sets one up for a patient who cannot: the front desk only (other members
        // of the practice 403; patients, and anyone acting for one, 404 as for a chart not theirs).
        row("POST /patients/{patient_id}/grants/by-practice", "/patients/{chart}/grants/by-practice",
            j(json!({"name": "Guardian", "email": "guardian{n}@example.com", "scopes": ["record"], "until": "2099-12-31",
                     "reason": "Parent of a patient under 12", "document": "Birth certificate"})),
                                                                                        [401, 404, 404, 404, 404, 404, 404, 403, 403, 403, 403, 201, 403, 403]),
        row("DELETE /patients/{patient_id}/grants/{id}", "/patients/{chart}/grants/{spare_grant}", n.clone(),
                                                                                        [401, 204, 404, 404, 404, 404, 404, 403, 403, 404, 404, 404, 404, 404]),
        row("POST /grants/{id}/accept", "/grants/{invite_read}/accept", n.clone(),      [401, 404, 404, 200, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404]),
        row("POST /grants/{id}/decline", "/grants/{invite_write}/decline", n.clone(),   [401, 404, 404, 404, 200, 404, 404, 404, 404, 404, 404, 404, 404, 404]),

        // Running the practice.
        row("GET /practice/result-release", "/practice/result-release", n.clone(),      [401, 200, 200, 200, 200, 200, 200, 403, 403, 200, 200, 200, 200, 200]),
        row("PUT /practice/result-release", "/practice/result-release", j(json!({"rule": {"kind": "at_once"}})),
                                                                                        [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200]),
        row("GET /staff", "/staff", n.clone(),                                          [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200]),
        row("PUT /staff/{id}/pools", "/staff/{target}/pools", j(json!({"pools": ["billing", "front_desk"]})),
                                                                                        [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200]),
        row("PUT /users/{id}/disabled", "/users/{target}/disabled", j(json!({"disabled": true})),
                                                                                        [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200]),

        // Last: it opens the chart to the other physician for 8 hours.
        row("POST /patients/{patient_id}/break-the-glass", "/patients/{chart}/break-the-glass",
            j(json!({"reason": "Covering for Dr. Okafor today"})),                      [401, 403, 404, 404, 404, 403, 403, 403, 403, 200, 200, 404, 404, 404]),
    ]
}

/// A fresh session of `user_id`, made in the store (no pass-phrase to hash).
async fn fresh_session(app: &TestApp, user_id: i64) -> SessionToken {
    let secret = token::generate().expect("token");
    let now = app.clock.now();
    sessions::create(
        &app.state.db,
        &token::hash(&secret),
        NewSession {
            user_id,
            now,
            expires_at: now + Duration::hours(12),
            client_addr: "127.0.0.1",
            device: None,
        },
    )
    .await
    .expect("session");
    SessionToken::new(secret)
}

async fn user_id(app: &TestApp, email: &str) -> i64 {
    portal_server::store::users::find_by_email(&app.state.db, email)
        .await
        .expect("user")
        .expect("exists")
        .id
}

async fn build_world(app: &TestApp) -> World {
    let state = &app.state;
    let now = app.clock.now();
    let chart = blairs_chart(app).await;
    let mut extra = vec![OTHER_PHYSICIAN, FRONT_DESK, BILLING, TARGET];
    extra.extend(PROXIES.iter().map(|(_, account, _)| *account));
    for account in &extra {
        demo::add_account(&state.db, &state.hasher, &state.text_sealer, account, now)
            .await
            .expect("account");
    }
    for (_, account, _) in PROXIES {
        let id = user_id(app, account.email).await;
        let mut conn = state.db.pool.acquire().await.expect("connection");
        portal_server::store::users::mark_email_verified(&mut conn, id, now)
            .await
            .expect("verified");
    }
    let mut users = vec![
        (Caller::Patient, user_id(app, PATIENT.email).await),
        (Caller::OtherPatient, user_id(app, OTHER_PATIENT.email).await),
        (Caller::Physician, user_id(app, PHYSICIAN.email).await),
        (Caller::OtherPhysician, user_id(app, OTHER_PHYSICIAN.email).await),
        (Caller::FrontDesk, user_id(app, FRONT_DESK.email).await),
        (Caller::Billing, user_id(app, BILLING.email).await),
        (Caller::Admin, user_id(app, ADMIN.email).await),
    ];
    for (caller, account, _) in PROXIES {
        users.push((caller, user_id(app, account.email).await));
    }
    // Patients and authorized persons accept the policy (each for themselves).
    let policy_version = {
        let token = fresh_session(app, users[0].1).await;
        app.client.policy(&token).await.expect("policy").version
    };
    for (caller, id) in &users {
        if matches!(caller, Caller::Patient | Caller::OtherPatient) || PROXIES.iter().any(|p| p.0 == *caller) {
            let token = fresh_session(app, *id).await;
            app.client
                .accept_policy(&token, policy_version)
                .await
                .expect("accepted");
        }
    }
    let blair = fresh_session(app, users[0].1).await;
    let grant = |email: &str, scopes: Vec<GrantScope>| GrantRequest {
        name: "Someone trusted".into(),
        email: email.into(),
        scopes,
        until: None,
    };
    for (caller, account, scope) in PROXIES {
        let given = app
            .client
            .give_grant(&blair, chart, &grant(account.email, vec![scope]))
            .await
            .expect("given");
        let id = users.iter().find(|(c, _)| *c == caller).expect("user").1;
        let token = fresh_session(app, id).await;
        app.client.answer_grant(&token, given.id, true).await.expect("accepted");
        match caller {
            Caller::ProxyEnded => app.client.end_grant(&blair, chart, given.id).await.expect("ended"),
            Caller::ProxyExpired => {
                let yesterday = (now - Duration::days(1)).date_naive().format("%Y-%m-%d").to_string();
                sqlx::query("UPDATE grants SET last_day = $1 WHERE id = $2")
                    .bind(yesterday)
                    .bind(given.id)
                    .execute(&state.db.pool)
                    .await
                    .expect("ran out");
            }
            _ => {}
        }
    }
    let spare_grant = app
        .client
        .give_grant(&blair, chart, &grant("spare@example.com", vec![GrantScope::Record]))
        .await
        .expect("spare")
        .id;
    let invite_read = app
        .client
        .give_grant(
            &blair,
            chart,
            &grant(PROXIES[0].1.email, vec![GrantScope::ReadMessages]),
        )
        .await
        .expect("invite")
        .id;
    let invite_write = app
        .client
        .give_grant(&blair, chart, &grant(PROXIES[1].1.email, vec![GrantScope::Results]))
        .await
        .expect("invite")
        .id;

    // A conversation with a photo, and a result to review.
    let photo = upload(app, &blair, "arm.png", &tiny_png()).await.expect("upload");
    let thread = NewThread {
        category: Category::MedicalQuestion,
        subject: "The spot on my arm".into(),
        body: "It has grown since last month.".into(),
        attachment_ids: vec![photo.id.clone()],
    };
    let sent = app.client.create_thread(&blair, &key(), &thread).await.expect("sent");
    let results = app
        .client
        .record_section(
            &blair,
            chart,
            portal_api::RecordSection::Results,
            &portal_api::PageQuery::default(),
        )
        .await
        .expect("results");
    let portal_api::SectionEntries::Results(reports) = results.entries else {
        panic!("not results")
    };
    World {
        chart,
        thread: sent.thread_id,
        attachment: photo.id,
        spare_grant,
        invite_read,
        invite_write,
        result: reports.first().expect("a result").id.clone(),
        policy_version,
        target_user: user_id(app, TARGET.email).await,
        users,
    }
}

/// `path` with the world's ids in place of its names.
fn concrete(path: &str, world: &World, session: i64) -> String {
    path.replace("{chart}", &world.chart.to_string())
        .replace("{thread}", &world.thread.to_string())
        .replace("{attachment}", &world.attachment)
        .replace("{spare_grant}", &world.spare_grant.to_string())
        .replace("{invite_read}", &world.invite_read.to_string())
        .replace("{invite_write}", &world.invite_write.to_string())
        .replace("{result}", &world.result)
        .replace("{code}", CHOLESTEROL)
        .replace("{version}", &world.policy_version.to_string())
        .replace("{target}", &world.target_user.to_string())
        .replace("{session}", &session.to_string())
}

/// The status `caller` gets for `row` (with a fresh session; proxies act for the patient).
async fn call(app: &TestApp, world: &World, row: &Row, column: usize, patient_session: i64) -> u16 {
    let caller = CALLERS[column];
    let (method, _) = row.op.split_once(' ').expect("METHOD /path");
    let method = Method::from_bytes(method.as_bytes()).expect("method");
    let token = match world.users.iter().find(|(c, _)| *c == caller) {
        Some((_, id)) => fresh_session(app, *id).await,
        None => SessionToken::new(""),
    };
    let acting_for = PROXIES.iter().any(|p| p.0 == caller).then_some(world.chart);
    if let Body::Png = row.body {
        let token = token.acting_for(acting_for);
        return match app.client.upload_attachment(&token, "arm.png", &tiny_png(), None).await {
            Ok(_) => 201,
            failed => api_error(failed).0,
        };
    }
    let path = concrete(row.path, world, patient_session);
    let (path, query) = path.split_once('?').unwrap_or((&path, ""));
    let mut request = app.client.request(method, path);
    if !query.is_empty() {
        let pairs: Vec<(&str, &str)> = query.split('&').filter_map(|p| p.split_once('=')).collect();
        request = request.query(&pairs);
    }
    if !token.expose().is_empty() {
        request = request.bearer_auth(token.expose());
    }
    if let Some(chart) = acting_for {
        request = request.header(ACTING_FOR_HEADER, chart.to_string());
    }
    request = request.header(IDEMPOTENCY_KEY_HEADER, key());
    if let Body::Json(value) = &row.body {
        let text = value.to_string().replace("{n}", &column.to_string());
        request = request
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(text);
    }
    request.send().await.expect("answer").status().as_u16()
}

/// The `METHOD /path` of every operation of the OpenAPI document, below the API prefix.
async fn documented_operations(app: &TestApp) -> BTreeSet<String> {
    let document = app.client.openapi().await.expect("openapi");
    let mut ops = BTreeSet::new();
    for (path, item) in document["paths"].as_object().expect("paths") {
        let path = path.strip_prefix(portal_api::API_PREFIX).unwrap_or(path);
        for method in item.as_object().expect("path item").keys() {
            if ["get", "put", "post", "delete", "patch"].contains(&method.as_str()) {
                ops.insert(format!("{} {path}", method.to_uppercase()));
            }
        }
    }
    ops
}

async fn every_route_answers_each_caller_as_the_table_says(app: TestApp) {
    let table = table();
    let documented = documented_operations(&app).await;
    let rows: BTreeSet<String> = table.iter().map(|r| r.op.to_owned()).collect();
    let missing: Vec<&String> = documented.difference(&rows).collect();
    let gone: Vec<&String> = rows.difference(&documented).collect();
    assert!(
        missing.is_empty(),
        "routes without a row in the authorization matrix: {missing:?}"
    );
    assert!(gone.is_empty(), "rows for routes the API does not have: {gone:?}");

    let world = build_world(&app).await;
    let mut wrong = Vec::new();
    let mut seen = String::new();
    for row in &table {
        let mut got = [0u16; 14];
        // The row that ends a session by id names another of the patient's: she may end it,
        // nobody else finds it.
        let session_id = match row.path.contains("{session}") {
            true => {
                let other = fresh_session(&app, world.users[0].1).await;
                sessions::find_by_token_hash(&app.state.db, &token::hash(other.expose()))
                    .await
                    .expect("session")
                    .expect("exists")
                    .id
            }
            false => 0,
        };
        for (i, caller) in CALLERS.into_iter().enumerate() {
            let status = call(&app, &world, row, i, session_id).await;
            got[i] = status;
            if status != row.expect[i] {
                wrong.push(format!(
                    "{} {} as {caller:?}: expected {}, got {status}",
                    row.op, row.path, row.expect[i]
                ));
            }
        }
        seen.push_str(&format!("{:<60} {:?}\n", format!("{} {}", row.op, row.path), got));
    }
    assert!(
        wrong.is_empty(),
        "{} answers differ from the table:\n{}\n\nas answered:\n{seen}",
        wrong.len(),
        wrong.join("\n")
    );
}

on_both_databases!(every_route_answers_each_caller_as_the_table_says);
