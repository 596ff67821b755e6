//! The care team's way into patients' charts and the patient's view of who looked (issue 10):
//! who reaches which chart, breaking the glass, the patient search, and the access log; on
//! both databases.

use chrono::Duration;
use portal_api::client::SessionToken;
use portal_api::{AccessedPart, Category, ErrorCode, PageQuery, RecordSection, Role, MAX_PATIENT_MATCHES};
use portal_server::admin::{self, NewUser};
use portal_server::auth::password::PasswordHasher;
use portal_server::clock::Clock;
use portal_server::domain::access::StaffPools;
use portal_server::domain::second_factor::TotpSecret;
use portal_server::domain::EmailAddress;
use portal_server::records::import::import_bundle;
use portal_server::records::link::link_by_email;
use portal_server::sealed_text::Field;
use portal_server::store::{second_factor, users};
use sqlx::Row;

use crate::helpers::{api_error, TestApp, ADMIN, NURSE, OTHER_PATIENT, PATIENT, PHYSICIAN, STAFF};
use crate::messaging::{new_thread, send_thread};
use crate::on_both_databases;
use crate::records_read::blairs_chart;

const COVERING: &str = "Dr. Okafor is away; covering her patient's urgent call";
const OTHER_DOCTOR_EMAIL: &str = "dr.nakamura@dskc.example";
const OTHER_DOCTOR_PASSPHRASE: &str = "slow rivers carve deep stone";

/// A physician who does not care for the demo patients.
async fn other_physician(app: &TestApp) -> SessionToken {
    let user = NewUser {
        email: OTHER_DOCTOR_EMAIL,
        name: "Dr. Kenji Nakamura",
        role: Role::Physician,
        passphrase: OTHER_DOCTOR_PASSPHRASE,
        staff_pools: StaffPools::NONE,
    };
    admin::add_user(&app.state.db, &PasswordHasher::new(2), &user, app.clock.now())
        .await
        .expect("physician added");
    other_physician_signs_in(app).await
}

/// The other physician's second factor (the care team has one before reaching anything).
fn other_doctor_secret() -> TotpSecret {
    TotpSecret::from_base32("DEMONAKAMURASLOWRIVERSCARVESTONE").expect("base32")
}

async fn other_physician_signs_in(app: &TestApp) -> SessionToken {
    let user = users::find_by_email(&app.state.db, OTHER_DOCTOR_EMAIL)
        .await
        .expect("read")
        .expect("added");
    if user.totp_enabled_at.is_none() {
        let sealed = app
            .state
            .text_sealer
            .seal(Field::TotpSecret, user.id, &other_doctor_secret().to_base32())
            .expect("seal");
        second_factor::set_confirmed(&app.state.db, user.id, &sealed, app.clock.now())
            .await
            .expect("second factor");
    }
    let code = app.code_for(OTHER_DOCTOR_EMAIL, &other_doctor_secret());
    let login = app
        .client
        .login_with_code(OTHER_DOCTOR_EMAIL, OTHER_DOCTOR_PASSPHRASE, &code, None)
        .await
        .expect("signs in");
    SessionToken::new(login.token)
}

/// Claudie Walsh's chart (the demo's), linked to the other demo patient.
async fn claudies_chart(app: &TestApp) -> i64 {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/demo-charts/claudie-walsh.json"
    ))
    .expect("the demo chart");
    let now = app.clock.now();
    let report = import_bundle(&app.state.db, &app.state.text_sealer, &bytes, now)
        .await
        .expect("imported");
    let email = EmailAddress::parse(OTHER_PATIENT.email).expect("email");
    link_by_email(&app.state.db, &report.patient_fhir_id, &email, now)
        .await
        .expect("linked")
        .id
}

async fn user_id(app: &TestApp, email: &str) -> i64 {
    portal_server::store::users::find_by_email(&app.state.db, email)
        .await
        .expect("find")
        .expect("user")
        .id
}

async fn a_care_team_thread_list_is_audited_for_each_patient_it_shows(app: TestApp) {
    let blair = app.login_and_accept(PATIENT).await;
    let claudie = app.login_and_accept(OTHER_PATIENT).await;
    send_thread(
        &app,
        &blair,
        &new_thread(Category::MedicalQuestion, "Rash", "It itches"),
    )
    .await;
    send_thread(
        &app,
        &claudie,
        &new_thread(Category::MedicalQuestion, "Mole", "It grew"),
    )
    .await;
    let (blair_id, claudie_id) = (
        user_id(&app, PATIENT.email).await,
        user_id(&app, OTHER_PATIENT.email).await,
    );
    for account in [PHYSICIAN, NURSE] {
        let token = app.login_as(account).await;
        let list = app.client.threads(&token, &Default::default()).await.expect("list");
        assert_eq!(list.threads.len(), 2, "{}", account.email);
        let actor = user_id(&app, account.email).await;
        let mut subjects: Vec<Option<i64>> = sqlx::query(
            "SELECT subject_user_id FROM audit_events WHERE action = 'threads.listed' AND actor_user_id = $1",
        )
        .bind(actor)
        .fetch_all(&app.state.db.pool)
        .await
        .expect("audit")
        .iter()
        .map(|row| row.try_get("subject_user_id").expect("subject"))
        .collect();
        subjects.sort();
        assert_eq!(
            subjects,
            vec![Some(blair_id), Some(claudie_id)],
            "one row per patient the list showed ({})",
            account.email
        );
    }
}
on_both_databases!(a_care_team_thread_list_is_audited_for_each_patient_it_shows);

async fn the_care_team_reaches_charts_as_the_table_says(app: TestApp) {
    let chart = blairs_chart(&app).await;
    let physician = app.login_as(PHYSICIAN).await;
    let nurse = app.login_as(NURSE).await;
    let front_desk = app.login_as(STAFF).await;
    let admin = app.login_as(ADMIN).await;
    let patient = app.login_and_accept(PATIENT).await;
    let other_patient = app.login_and_accept(OTHER_PATIENT).await;
    let stranger = other_physician(&app).await;

    // Her physician, and the clinical staff of the practice: open.
    for token in [&physician, &nurse, &patient] {
        let summary = app.client.record_summary(token, chart).await.expect("summary");
        assert!(summary.patient.name.contains("Blair"));
    }
    // Front desk, admins and other patients: as if there were no chart.
    for token in [&front_desk, &admin, &other_patient] {
        let (status, code, ..) = api_error(app.client.record_summary(token, chart).await);
        assert_eq!((status, code), (404, ErrorCode::NotFound));
        let (status, code, ..) = api_error(app.client.break_the_glass(token, chart, COVERING).await);
        assert_eq!((status, code), (404, ErrorCode::NotFound));
    }
    // A patient does not break the glass on their own chart.
    let (status, code, ..) = api_error(app.client.break_the_glass(&patient, chart, COVERING).await);
    assert_eq!((status, code), (403, ErrorCode::Forbidden));

    // Another physician: a reason is needed, and the answer says so.
    let (status, code, message, _) = api_error(app.client.record_summary(&stranger, chart).await);
    assert_eq!((status, code), (403, ErrorCode::BreakTheGlassRequired));
    assert!(message.contains("reason"), "{message}");
    // Every route that opens the chart answers the same (a section, the export).
    let results = RecordSection::Results;
    let (status, code, ..) = api_error(
        app.client
            .record_section(&stranger, chart, results, &PageQuery::default())
            .await,
    );
    assert_eq!((status, code), (403, ErrorCode::BreakTheGlassRequired));
    let (status, code, ..) = api_error(app.client.record_export(&stranger, chart).await);
    assert_eq!((status, code), (403, ErrorCode::BreakTheGlassRequired));
    let (status, ..) = api_error(
        app.client
            .record_section(&front_desk, chart, results, &PageQuery::default())
            .await,
    );
    assert_eq!(status, 404);
    for short in ["", "   urgent   ", "123456789"] {
        let (status, code, message, _) = api_error(app.client.break_the_glass(&stranger, chart, short).await);
        assert_eq!((status, code), (422, ErrorCode::Validation), "{short:?}");
        assert!(message.contains("10 characters"), "{message}");
    }
    let (status, ..) = api_error(app.client.break_the_glass(&stranger, chart, &"x".repeat(501)).await);
    assert_eq!(status, 422);
    let (status, ..) = api_error(app.client.break_the_glass(&stranger, chart + 1000, COVERING).await);
    assert_eq!(status, 404, "no such chart");
    let grant = app
        .client
        .break_the_glass(&stranger, chart, &format!("  {COVERING}  "))
        .await
        .expect("the glass broken");
    assert_eq!(grant.patient_id, chart);
    assert_eq!(grant.until, app.clock.now() + Duration::hours(8));
    app.client.record_summary(&stranger, chart).await.expect("open now");
    app.client
        .record_section(&stranger, chart, results, &PageQuery::default())
        .await
        .expect("a section too");

    // The reason is sealed at rest; the grant and each look under it are in the audit log.
    let stored: String = sqlx::query_scalar("SELECT reason FROM break_the_glass_grants")
        .fetch_one(&app.state.db.pool)
        .await
        .expect("grant");
    assert!(!stored.contains("covering") && stored.starts_with("v1."), "sealed");
    let actions: Vec<(String, String)> = sqlx::query(
        "SELECT action, object FROM audit_events WHERE actor_user_id = $1 AND action LIKE 'record.%' ORDER BY id",
    )
    .bind(user_id(&app, OTHER_DOCTOR_EMAIL).await)
    .fetch_all(&app.state.db.pool)
    .await
    .expect("audit")
    .iter()
    .map(|r| {
        (
            r.try_get("action").expect("action"),
            r.try_get("object").expect("object"),
        )
    })
    .collect();
    assert_eq!(
        actions,
        vec![
            (
                "record.break_the_glass".into(),
                format!("chart:{chart}/break-the-glass")
            ),
            ("record.read_under_grant".into(), format!("chart:{chart}/summary")),
            (
                "record.read_under_grant".into(),
                format!("chart:{chart}/section/results")
            ),
        ]
    );

    // Eight hours later the chart is closed to them again.
    app.advance(Duration::hours(8) + Duration::minutes(1));
    let stranger = other_physician_signs_in(&app).await;
    let (status, code, ..) = api_error(app.client.record_summary(&stranger, chart).await);
    assert_eq!((status, code), (403, ErrorCode::BreakTheGlassRequired));
}
on_both_databases!(the_care_team_reaches_charts_as_the_table_says);

/// A bundle holding only a Patient, for searches over many charts.
fn patient_only_bundle(n: usize) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "resourceType": "Bundle", "type": "collection",
        "entry": [{"fullUrl": format!("urn:uuid:p-{n}"), "resource": {
            "resourceType": "Patient", "id": format!("p-{n}"),
            "name": [{"use": "official", "family": "Testperson", "given": [format!("Number{n:02}")]}],
            "birthDate": "2001-02-03"
        }}]
    }))
    .expect("json")
}

async fn the_search_finds_patients_by_name_part_birth_date_and_mrn(app: TestApp) {
    let blair = blairs_chart(&app).await;
    let claudie = claudies_chart(&app).await;
    let physician = app.login_as(PHYSICIAN).await;
    let stranger = other_physician(&app).await;
    let front_desk = app.login_as(STAFF).await;
    let nurse = app.login_as(NURSE).await;

    let found = app.client.find_patients(&physician, "conr").await.expect("search");
    assert!(!found.more);
    assert_eq!(found.patients.len(), 1);
    let match_ = &found.patients[0];
    assert_eq!(match_.patient_id, blair);
    assert!(match_.name.contains("Blair Conroy"), "{}", match_.name);
    assert_eq!(match_.birth_date.map(|d| d.to_string()).as_deref(), Some("1975-10-26"));
    assert_eq!(match_.mrn.as_deref(), Some("8de41d0d-0ae7-4cb6-97e2-900b07a1e4f7"));
    assert!(match_.in_care);

    for query in [
        "CONROY blair",
        "1975-10-26",
        "10/26/1975",
        "8de41d0d-0ae7-4cb6-97e2-900b07a1e4f7",
    ] {
        let found = app.client.find_patients(&physician, query).await.expect("search");
        let ids: Vec<i64> = found.patients.iter().map(|p| p.patient_id).collect();
        assert_eq!(ids, vec![blair], "{query}");
    }
    let found = app
        .client
        .find_patients(&physician, "  CLAUDIE ")
        .await
        .expect("search");
    assert_eq!(
        found.patients.iter().map(|p| p.patient_id).collect::<Vec<_>>(),
        vec![claudie]
    );
    // Matched but not in their care: another physician, and the front desk (who never opens a
    // chart); the clinical staff reach the patients of the practice's physicians.
    for (token, in_care) in [(&stranger, false), (&front_desk, false), (&nurse, true)] {
        let found = app.client.find_patients(token, "conroy").await.expect("search");
        assert_eq!(found.patients.len(), 1);
        assert_eq!(found.patients[0].in_care, in_care);
    }
    assert!(app
        .client
        .find_patients(&physician, "nobody-like-this")
        .await
        .expect("search")
        .patients
        .is_empty());
    let (status, code, ..) = api_error(app.client.find_patients(&physician, " b ").await);
    assert_eq!((status, code), (422, ErrorCode::Validation));
    let patient = app.login_and_accept(PATIENT).await;
    let admin = app.login_as(ADMIN).await;
    for token in [&patient, &admin] {
        let (status, code, ..) = api_error(app.client.find_patients(token, "conroy").await);
        assert_eq!((status, code), (403, ErrorCode::Forbidden));
    }

    // At most 25, by name, and `more` says there were more.
    for n in 0..=MAX_PATIENT_MATCHES as usize {
        import_bundle(
            &app.state.db,
            &app.state.text_sealer,
            &patient_only_bundle(n),
            app.clock.now(),
        )
        .await
        .expect("imported");
    }
    let found = app
        .client
        .find_patients(&physician, "testperson")
        .await
        .expect("search");
    assert!(found.more);
    assert_eq!(found.patients.len(), MAX_PATIENT_MATCHES as usize);
    let names: Vec<&str> = found.patients.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names[0], "Number00 Testperson");
    assert!(names.windows(2).all(|w| w[0] < w[1]), "{names:?}");
    assert!(found.patients.iter().all(|p| !p.in_care));
    let by_date = app
        .client
        .find_patients(&physician, "02/03/2001")
        .await
        .expect("search");
    assert!(by_date.more);

    // Searches are audited, never with their words.
    let objects: Vec<String> = sqlx::query_scalar("SELECT object FROM audit_events WHERE action = 'patients.searched'")
        .fetch_all(&app.state.db.pool)
        .await
        .expect("audit");
    assert!(objects.len() >= 8);
    assert!(objects
        .iter()
        .all(|o| o.starts_with("charts:") && !o.to_lowercase().contains("conr")));
    assert!(objects.contains(&format!("charts:{blair}")));
}
on_both_databases!(the_search_finds_patients_by_name_part_birth_date_and_mrn);

async fn charts_imported_before_names_were_kept_are_named_and_found(app: TestApp) {
    let blair = blairs_chart(&app).await;
    sqlx::query("UPDATE charts SET name = NULL, search_name = NULL")
        .execute(&app.state.db.pool)
        .await
        .expect("as before migration 8");
    let physician = app.login_as(PHYSICIAN).await;
    assert!(app
        .client
        .find_patients(&physician, "conroy")
        .await
        .expect("search")
        .patients
        .is_empty());
    let named = portal_server::records::chart_names::fill_missing(&app.state.db, &app.state.text_sealer)
        .await
        .expect("named");
    assert_eq!(named, 1);
    let found = app.client.find_patients(&physician, "conroy").await.expect("search");
    assert_eq!(
        found.patients.iter().map(|p| p.patient_id).collect::<Vec<_>>(),
        vec![blair]
    );
    let again = portal_server::records::chart_names::fill_missing(&app.state.db, &app.state.text_sealer)
        .await
        .expect("nothing left");
    assert_eq!(again, 0);
}
on_both_databases!(charts_imported_before_names_were_kept_are_named_and_found);

async fn the_access_log_lists_others_looks_newest_first(app: TestApp) {
    let chart = blairs_chart(&app).await;
    let patient = app.login_and_accept(PATIENT).await;
    let physician = app.login_as(PHYSICIAN).await;
    let nurse = app.login_as(NURSE).await;

    // The patient's own looks are not listed.
    app.client.record_summary(&patient, chart).await.expect("own");
    let thread = send_thread(
        &app,
        &patient,
        &new_thread(Category::MedicalQuestion, "Rash", "It itches"),
    )
    .await;
    app.client
        .threads(&patient, &Default::default())
        .await
        .expect("own list");
    app.advance(Duration::seconds(5));
    app.client.record_summary(&physician, chart).await.expect("physician");
    app.advance(Duration::seconds(5));
    app.client
        .threads(&nurse, &Default::default())
        .await
        .expect("nurse lists");
    app.advance(Duration::seconds(5));
    app.client.thread(&physician, thread).await.expect("physician reads");
    app.advance(Duration::seconds(5));
    let stranger = other_physician(&app).await;
    app.client
        .break_the_glass(&stranger, chart, COVERING)
        .await
        .expect("broken");
    app.advance(Duration::seconds(5));
    app.client
        .record_summary(&stranger, chart)
        .await
        .expect("under the grant");

    let log = app
        .client
        .access_log(&patient, chart, &PageQuery::default())
        .await
        .expect("log");
    assert!(log.next_cursor.is_none());
    let seen: Vec<(&str, Role, AccessedPart, bool, Option<&str>)> = log
        .entries
        .iter()
        .map(|e| {
            (
                e.who.as_str(),
                e.role,
                e.what.clone(),
                e.break_the_glass,
                e.reason.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        vec![
            (
                "Dr. Kenji Nakamura",
                Role::Physician,
                AccessedPart::Summary,
                true,
                Some(COVERING)
            ),
            (
                "Dr. Kenji Nakamura",
                Role::Physician,
                AccessedPart::BreakTheGlass,
                true,
                Some(COVERING)
            ),
            (PHYSICIAN.name, Role::Physician, AccessedPart::Conversation, false, None),
            (NURSE.name, Role::Staff, AccessedPart::Conversations, false, None),
            (PHYSICIAN.name, Role::Physician, AccessedPart::Summary, false, None),
        ]
    );
    assert!(log.entries.windows(2).all(|w| w[0].at >= w[1].at), "newest first");

    // Page by page, the same entries.
    let mut paged = Vec::new();
    let mut page = PageQuery {
        limit: Some(2),
        cursor: None,
    };
    loop {
        let got = app.client.access_log(&patient, chart, &page).await.expect("page");
        assert!(got.entries.len() <= 2);
        paged.extend(got.entries);
        match got.next_cursor {
            Some(cursor) => page.cursor = Some(cursor),
            None => break,
        }
    }
    assert_eq!(paged, log.entries);
    for bad in [
        PageQuery {
            limit: Some(0),
            cursor: None,
        },
        PageQuery {
            limit: None,
            cursor: Some("x1".into()),
        },
    ] {
        let (status, code, ..) = api_error(app.client.access_log(&patient, chart, &bad).await);
        assert_eq!((status, code), (422, ErrorCode::Validation), "{bad:?}");
    }
    // Reading the log is audited, and not listed.
    let again = app
        .client
        .access_log(&patient, chart, &PageQuery::default())
        .await
        .expect("log");
    assert_eq!(again.entries, log.entries);
    let reads: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE action = 'record.access_log_read'")
        .fetch_one(&app.state.db.pool)
        .await
        .expect("audit");
    assert!(reads >= 4);
    // Nobody else reads it.
    let other_patient = app.login_and_accept(OTHER_PATIENT).await;
    for token in [&physician, &nurse, &stranger, &other_patient] {
        let (status, code, ..) = api_error(app.client.access_log(token, chart, &PageQuery::default()).await);
        assert_eq!((status, code), (404, ErrorCode::NotFound));
    }
    let (status, ..) = api_error(
        app.client
            .access_log(&patient, chart + 1000, &PageQuery::default())
            .await,
    );
    assert_eq!(status, 404);
}
on_both_databases!(the_access_log_lists_others_looks_newest_first);

async fn repeated_looks_are_told_once_in_the_access_log(app: TestApp) {
    let chart = blairs_chart(&app).await;
    let patient = app.login_and_accept(PATIENT).await;
    let nurse = app.login_as(NURSE).await;
    send_thread(
        &app,
        &patient,
        &new_thread(Category::MedicalQuestion, "Rash", "It itches"),
    )
    .await;
    let refresh = |times: usize| {
        let (app, nurse) = (&app, &nurse);
        async move {
            for _ in 0..times {
                app.client
                    .threads(nurse, &Default::default())
                    .await
                    .expect("nurse lists");
                app.advance(Duration::seconds(30));
            }
        }
    };
    // The nurse's open list refreshes every 30 seconds: for 90 minutes, with the physician's
    // look in between.
    refresh(150).await;
    let physician = app.login_as(PHYSICIAN).await;
    app.client.record_summary(&physician, chart).await.expect("physician");
    refresh(30).await;

    let patient = app.login_and_accept(PATIENT).await;
    let log = app
        .client
        .access_log(&patient, chart, &PageQuery::default())
        .await
        .expect("log");
    let told: Vec<(&str, AccessedPart, u32)> = log
        .entries
        .iter()
        .map(|e| (e.who.as_str(), e.what.clone(), e.times))
        .collect();
    assert_eq!(
        told,
        [
            (NURSE.name, AccessedPart::Conversations, 30),
            (PHYSICIAN.name, AccessedPart::Summary, 1),
            (NURSE.name, AccessedPart::Conversations, 121),
            (NURSE.name, AccessedPart::Conversations, 29),
        ]
    );
    for entry in &log.entries {
        let spans = entry.at - entry.first_at;
        assert!(spans <= Duration::hours(1), "{spans}");
        assert_eq!(spans, Duration::seconds(30 * (i64::from(entry.times) - 1)));
    }
    // Page by page, the same looks, each told in full on some page.
    let mut paged = Vec::new();
    let mut page = PageQuery {
        limit: Some(1),
        cursor: None,
    };
    loop {
        let got = app.client.access_log(&patient, chart, &page).await.expect("page");
        assert_eq!(got.entries.len(), 1);
        paged.extend(got.entries);
        match got.next_cursor {
            Some(cursor) => page.cursor = Some(cursor),
            None => break,
        }
    }
    assert_eq!(paged, log.entries);
}
on_both_databases!(repeated_looks_are_told_once_in_the_access_log);
