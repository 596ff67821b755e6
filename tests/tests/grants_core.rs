//! Authorized persons (issue 12) through the desktop app's logic (`DesktopCore`, no window)
//! against a real portal-server: Blair authorizes Claudie, Claudie accepts and acts for Blair
//! (the session's view says whom), reads Blair's conversations; Blair ends the grant, and
//! Claudie's very next request answers `grant_ended` and her session acts for herself again.
//! The front desk sets up a grant for Blair's chart (the practice's way, with a reason, the
//! document seen and a last day); Blair sees it as set up by the practice, Claudie is invited;
//! a nurse is refused.

use portal_api::{ErrorCode, GrantRequest, GrantScope, GrantStatus, PracticeGrantRequest, ThreadQuery};
use portal_desktop::core::drafts::Draft;
use portal_desktop::error::CommandError;
use portal_server::demo::{self, DemoAccount};
use portal_tests::{signed_in_app, TestServer, PATIENT};

const PROXY: DemoAccount = demo::ACCOUNTS[3];
const FRONT_DESK: DemoAccount = demo::ACCOUNTS[1];
const NURSE: DemoAccount = demo::ACCOUNTS[4];

fn code<T: std::fmt::Debug>(result: Result<T, CommandError>) -> &'static str {
    result.expect_err("an error").code()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_proxy_accepts_acts_for_the_patient_and_is_stopped_when_the_grant_ends() {
    let server = TestServer::start_with_charts().await;
    // Invitations reach a verified address only (as `portal-server demo` sets them up).
    demo::verify_addresses(&server.state.db, chrono::Utc::now())
        .await
        .expect("verify the demo addresses");
    let folder = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(folder.path().join("blair")).expect("folder");
    std::fs::create_dir_all(folder.path().join("claudie")).expect("folder");
    let blair = signed_in_app(&server, PATIENT, &folder.path().join("blair")).await;
    let claudie = signed_in_app(&server, PROXY, &folder.path().join("claudie")).await;
    let chart = blair
        .current_session()
        .await
        .expect("session")
        .expect("signed in")
        .patient_ids[0];

    let grant = blair
        .give_grant(
            chart,
            GrantRequest {
                name: "  Claudie Walsh ".into(),
                email: format!(" {} ", PROXY.email),
                scopes: vec![GrantScope::ReadMessages],
                until: None,
            },
        )
        .await
        .expect("give");
    assert_eq!(grant.status, GrantStatus::Invited);
    assert_eq!(grant.grantee_name, "Claudie Walsh", "trimmed");
    assert_eq!(
        blair.list_grants(chart).await.expect("list").grants,
        vec![grant.clone()]
    );

    let before = claudie.current_session().await.expect("session").expect("signed in");
    assert!(before.may_act_for.is_empty() && before.acting_for.is_none());
    assert_eq!(
        code(claudie.act_for(Some(chart)).await),
        "not_found",
        "not accepted yet"
    );
    let received = claudie.grants_received().await.expect("received").grants;
    assert_eq!(received.len(), 1);
    // The name on Blair's chart.
    let blair_name = received[0].patient_name.clone();
    assert!(blair_name.ends_with("Blair Conroy"), "{blair_name}");
    let accepted = claudie.answer_grant(received[0].id, true).await.expect("accept");
    assert_eq!(accepted.status, GrantStatus::Active);

    let acting = claudie.act_for(Some(chart)).await.expect("act for Blair");
    assert_eq!(acting.acting_for.as_ref().map(|a| a.patient_id), Some(chart));
    assert_eq!(acting.may_act_for.len(), 1);
    let now = claudie.current_session().await.expect("session").expect("signed in");
    assert_eq!(now.acting_for.map(|a| a.patient_name), Some(blair_name.clone()));
    claudie
        .list_threads(ThreadQuery::default(), false)
        .await
        .expect("Blair's conversations, read");
    assert_eq!(
        code(claudie.list_grants(chart).await),
        "not_found",
        "a grant is never inherited: Blair's grants are not Claudie's"
    );
    claudie.keep_alive().await.expect("keep alive works while acting");
    let for_blair = claudie
        .drafts()
        .save(Draft::new("For Blair", "Written while acting for her."))
        .await
        .expect("a draft for Blair");
    assert_eq!(claudie.drafts().list().await.expect("drafts").len(), 1);

    blair.end_grant(chart, grant.id).await.expect("end");
    let ended = claudie
        .list_threads(ThreadQuery::default(), false)
        .await
        .expect_err("the grant has ended");
    assert_eq!(ended.code(), ErrorCode::GrantEnded.as_str());
    assert!(
        ended
            .to_string()
            .starts_with(&format!("Your access to {blair_name}'s portal has ended.")),
        "{ended}"
    );
    let after = claudie
        .current_session()
        .await
        .expect("still signed in")
        .expect("session");
    assert_eq!(after.acting_for, None, "acting for herself again");
    assert!(after.may_act_for.is_empty());
    assert!(
        claudie.drafts().list().await.expect("her drafts").is_empty(),
        "a draft for Blair is never listed, opened or sent as Claudie's own"
    );
    assert_eq!(
        code(claudie.drafts().load(&for_blair.draft_id).await),
        "draft_not_found"
    );
    claudie
        .list_threads(ThreadQuery::default(), false)
        .await
        .expect("her own inbox");
    claudie.sign_out().await.expect("sign out");
    assert!(!claudie.is_signed_in().await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_front_desk_sets_up_a_grant_the_patient_sees_as_the_practices() {
    let server = TestServer::start_with_charts().await;
    demo::verify_addresses(&server.state.db, chrono::Utc::now())
        .await
        .expect("verify the demo addresses");
    let folder = tempfile::tempdir().expect("tempdir");
    for name in ["blair", "claudie", "desk", "nurse"] {
        std::fs::create_dir_all(folder.path().join(name)).expect("folder");
    }
    let blair = signed_in_app(&server, PATIENT, &folder.path().join("blair")).await;
    let desk = signed_in_app(&server, FRONT_DESK, &folder.path().join("desk")).await;
    let nurse = signed_in_app(&server, NURSE, &folder.path().join("nurse")).await;
    let chart = blair
        .current_session()
        .await
        .expect("session")
        .expect("signed in")
        .patient_ids[0];
    let until = (chrono::Utc::now() + chrono::TimeDelta::days(400)).date_naive();
    let request = |reason: &str| PracticeGrantRequest {
        name: " Claudie Walsh ".into(),
        email: format!(" {} ", PROXY.email),
        scopes: vec![GrantScope::ReadMessages, GrantScope::Record],
        until,
        reason: reason.into(),
        document: " Guardianship order ".into(),
    };

    assert_eq!(
        code(nurse.give_grant_by_practice(chart, request("Legal guardian")).await),
        "forbidden",
        "the front desk only"
    );
    assert_eq!(
        code(desk.give_grant_by_practice(chart, request("   ")).await),
        "validation",
        "a reason of blanks is none"
    );
    let grant = desk
        .give_grant_by_practice(chart, request("  Legal guardian  "))
        .await
        .expect("set up by the front desk");
    assert_eq!(grant.status, GrantStatus::Invited);
    assert!(grant.by_practice);
    assert_eq!(grant.grantee_name, "Claudie Walsh", "trimmed");
    assert_eq!(grant.until, Some(until));
    assert_eq!(
        blair.list_grants(chart).await.expect("Blair's grants").grants,
        vec![grant.clone()],
        "Blair sees it, set up by the practice"
    );
    let claudie = signed_in_app(&server, PROXY, &folder.path().join("claudie")).await;
    let received = claudie.grants_received().await.expect("received").grants;
    assert_eq!(received.len(), 1, "Claudie is invited");
    assert_eq!(received[0].until, Some(until));
}
