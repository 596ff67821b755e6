//! Issue 12 in the real app. Blair Conroy authorizes Casey Morgan, who has no account yet, to
//! write her messages: Casey's code comes by real mail, Casey activates an account, accepts the
//! invitation, switches to "Acting for: Blair Conroy", reads Blair's conversation and replies
//! in it ("Casey Morgan for Blair Conroy"). Blair ends the grant (through the API) while
//! Casey's screen is open, and that screen says that Casey's access has ended. And the front
//! desk sets up a parent for a child who has no account, who then writes for the child.

use std::time::{Duration, Instant};

use chrono::Utc;
use fantoccini::Locator;
use portal_api::client::{PortalClient, SessionToken};
use portal_api::{Activation, Category, NewMessage, NewThread, Role, ThreadQuery};
use portal_server::demo;
use portal_server::records::import::import_bundle;
use portal_server::store::charts;
use portal_tests::{demo_charts_folder, TestServer, PATIENT};

use super::mail_catcher::{MailCatcher, Security};
use super::{
    find, free_port_pair, in_app, login, prepare, save_screenshot, set_value, sign_in, sign_out, wait_for_count,
    wait_for_text, Driver, WAIT,
};

const CASEY: &str = "casey.morgan@example.org";
const CASEY_NAME: &str = "Casey Morgan";
const CASEY_PASSPHRASE: &str = "harbour lights over quiet water";
const SUBJECT: &str = "The spot on my arm";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_patient_authorizes_a_person_who_writes_for_her_until_she_ends_it_in_the_real_app() {
    let Some((app, shots)) = prepare() else { return };
    let catcher = MailCatcher::start(Security::StartTls).await;
    let server = TestServer::start_with_mail(catcher.settings()).await;
    demo::load_charts(
        &server.state.db,
        &server.state.text_sealer,
        &demo_charts_folder(),
        Utc::now(),
    )
    .await
    .expect("the demo charts");

    // Blair already writes with the practice (through the API), and Dr. Okafor answered.
    let client = PortalClient::with_ca_file(&server.url, &server.ca_file).expect("client");
    let blair = SessionToken::new(login(&client, PATIENT).await.expect("Blair signs in").token);
    let policy = client.policy(&blair).await.expect("policy");
    client.accept_policy(&blair, policy.version).await.expect("accepted");
    let chart = client.me(&blair).await.expect("me").patient_ids[0];
    let thread = NewThread {
        category: Category::MedicalQuestion,
        subject: SUBJECT.into(),
        body: "It has grown since last month.".into(),
        attachment_ids: Vec::new(),
    };
    let sent = client.create_thread(&blair, &key(), &thread).await.expect("sent");
    let okafor = SessionToken::new(login(&client, demo::ACCOUNTS[0]).await.expect("Dr. Okafor").token);
    let answer = NewMessage {
        body: "Please come on Thursday so I can look at it.".into(),
        attachment_ids: Vec::new(),
    };
    client
        .reply(&okafor, sent.thread_id, &key(), &answer)
        .await
        .expect("answered");

    let home = tempfile::tempdir().expect("temp home");
    let port = free_port_pair();
    let driver = Driver::start(port, &server, home.path());

    // Blair authorizes Casey in the app.
    in_app(&app, port, &shots, "grant-give", move |c, shots| async move {
        sign_in(&c, PATIENT).await;
        find(&c, "#home-open-authorized")
            .await
            .click()
            .await
            .expect("Authorized persons");
        set_value(&c, "#grant-name", CASEY_NAME).await;
        set_value(&c, "#grant-email", CASEY).await;
        find(&c, "#grant-scope-write-messages")
            .await
            .click()
            .await
            .expect("write messages");
        save_screenshot(&c, &shots, "grant-form.png").await;
        find(&c, "#grant-send")
            .await
            .click()
            .await
            .expect("send the invitation");
        wait_for_text(&c, "#grants-done", |t| t.contains(CASEY_NAME)).await;
        wait_for_count(&c, "#grants li[data-grant-id][data-status='invited']", 1).await;
        save_screenshot(&c, &shots, "grant-invited.png").await;
        sign_out(&c).await;
    })
    .await;

    let grant_id = client.grants(&blair, chart).await.expect("grants").grants[0].id;
    let code = invitation_code(&catcher).await;
    let (patients_client, patients_token) = (client.clone(), blair.clone());

    // Casey opens an account with the code, accepts, and acts for Blair.
    in_app(&app, port, &shots, "grant-act", move |c, shots| async move {
        find(&c, "#have-activation-code")
            .await
            .click()
            .await
            .expect("I have an activation code");
        set_value(&c, "#activate-email", CASEY).await;
        set_value(&c, "#activate-code", &code).await;
        set_value(&c, "#activate-new", CASEY_PASSPHRASE).await;
        set_value(&c, "#activate-repeat", CASEY_PASSPHRASE).await;
        find(&c, "#activate-submit").await.click().await.expect("activate");
        find(&c, "#accept-policy")
            .await
            .click()
            .await
            .expect("accept the policy");
        find(&c, "#home").await;
        wait_for_text(&c, "#invitations", |t| t.contains("Blair Conroy")).await;
        save_screenshot(&c, &shots, "grant-invitation.png").await;
        find(&c, &format!("#invitation-{grant_id}-accept"))
            .await
            .click()
            .await
            .expect("accept the invitation");

        // Accepted: the switcher appears, listing Casey herself and Blair.
        wait_for_text(&c, "#acting-for", |t| t.contains("Blair Conroy")).await;
        set_value(&c, "#acting-for", &chart.to_string()).await;
        find(&c, "#acting-for-switch").await.click().await.expect("switch");
        wait_for_text(&c, "#acting-banner", |t| t.contains("You are acting for Blair Conroy")).await;
        save_screenshot(&c, &shots, "grant-acting-for.png").await;

        find(&c, "#nav-messages").await.click().await.expect("messages");
        wait_for_text(&c, "#thread-list", |t| t.contains(SUBJECT)).await;
        find(&c, "#thread-list [data-thread-id] .open")
            .await
            .click()
            .await
            .expect("open");
        wait_for_count(&c, "#message-list > li[data-message-id]", 2).await;
        wait_for_text(&c, "#message-list", |t| t.contains("Thursday")).await;
        set_value(&c, "#reply-body", "I will bring her on Thursday. — Casey").await;
        find(&c, "#reply-send").await.click().await.expect("reply");
        wait_for_count(&c, "#message-list > li[data-message-id]", 3).await;
        wait_for_text(&c, "#message-list > li:last-child .author", |t| {
            t.starts_with("Casey Morgan for Blair Conroy")
        })
        .await;
        save_screenshot(&c, &shots, "grant-replied-for.png").await;

        // Blair ends it now; Casey's open screen learns it at its next request (the unread
        // count's poll, every 30 seconds), without a click.
        patients_client
            .end_grant(&patients_token, chart, grant_id)
            .await
            .expect("Blair ends it");
        let deadline = Instant::now() + Duration::from_secs(45);
        loop {
            if let Ok(text) = c.find(Locator::Css("#grant-ended-heading")).await {
                let text = text.text().await.unwrap_or_default();
                assert_eq!(text, "Your access to Blair Conroy's portal has ended.");
                break;
            }
            assert!(Instant::now() < deadline, "the open screen should say the access ended");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        save_screenshot(&c, &shots, "grant-ended.png").await;
        find(&c, "#grant-ended-back")
            .await
            .click()
            .await
            .expect("back to my portal");
        find(&c, "#home").await;
        assert!(
            c.find(Locator::Css("#acting-banner")).await.is_err(),
            "acting for nobody any more"
        );
        save_screenshot(&c, &shots, "grant-ended-own-portal.png").await;
        sign_out(&c).await;
    })
    .await;

    // Blair sees the reply as Casey's, for her, and the grant ended.
    let detail = client.thread(&blair, sent.thread_id).await.expect("Blair's thread");
    let last = detail.messages.last().expect("the reply");
    assert_eq!(
        (last.author.name.as_str(), last.written_for.as_deref()),
        (CASEY_NAME, Some("Blair Conroy"))
    );
    wait_for_mail(&catcher, CASEY, "has ended").await;
    drop(driver);
    drop(server);
}

/// A new idempotency key for a send through the API.
fn key() -> String {
    format!("e2e-{:032x}", rand::random::<u128>())
}

/// The mail to `address` whose subject contains `subject`, once it is delivered.
async fn wait_for_mail(catcher: &MailCatcher, address: &str, subject: &str) -> super::mail_catcher::DeliveredMail {
    let deadline = Instant::now() + WAIT;
    loop {
        let mail = catcher
            .delivered()
            .into_iter()
            .find(|m| m.is_to(address) && m.subject.contains(subject));
        if let Some(mail) = mail {
            return mail;
        }
        assert!(Instant::now() < deadline, "no mail to {address} about {subject:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The activation code in Casey's invitation mail.
async fn invitation_code(catcher: &MailCatcher) -> String {
    wait_for_mail(catcher, CASEY, "invited to act for a patient")
        .await
        .code()
        .expect("the invitation to someone without an account carries a code")
}

/// The front desk sets up an authorized person for a patient who has no account (as for a
/// parent of a child under 12; Claudie Walsh's chart stands for the child's here): found in
/// Patients, the form with the reason and the document seen, a last day. The parent, invited
/// by mail, acts for the child and writes a new message for her in the app; the care team
/// sees it as the parent's, for the child.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_front_desk_sets_up_a_parent_who_writes_for_a_child_in_the_real_app() {
    let Some((app, shots)) = prepare() else { return };
    let catcher = MailCatcher::start(Security::StartTls).await;
    let server = TestServer::start_with_mail(catcher.settings()).await;
    let bytes = std::fs::read(demo_charts_folder().join("claudie-walsh.json")).expect("the chart");
    let imported = import_bundle(&server.state.db, &server.state.text_sealer, &bytes, Utc::now())
        .await
        .expect("imported, linked to no account");
    let chart = charts::find(&server.state.db, &imported.patient_fhir_id)
        .await
        .expect("find")[0]
        .id;
    let client = PortalClient::with_ca_file(&server.url, &server.ca_file).expect("client");
    let last_day = (Utc::now() + chrono::Duration::days(365)).date_naive();

    let home = tempfile::tempdir().expect("temp home");
    let port = free_port_pair();
    let driver = Driver::start(port, &server, home.path());
    let until = last_day.format("%Y-%m-%d").to_string();
    in_app(&app, port, &shots, "practice-grant", move |c, shots| async move {
        sign_in(&c, demo::ACCOUNTS[1]).await;
        find(&c, "#nav-patients").await.click().await.expect("Patients");
        set_value(&c, "#patients-query", "Walsh").await;
        find(&c, "#patients-find").await.click().await.expect("Search");
        find(&c, &format!("#patient-grant-{chart}"))
            .await
            .click()
            .await
            .expect("Set up an authorized person");
        find(&c, "#practice-grant-form").await;
        set_value(&c, "#practice-grant-name", PARENT.name).await;
        set_value(&c, "#practice-grant-email", PARENT.email).await;
        for scope in ["write-messages", "record"] {
            find(&c, &format!("#practice-grant-scope-{scope}"))
                .await
                .click()
                .await
                .expect("a scope");
        }
        set_value(&c, "#practice-grant-until", &until).await;
        set_value(&c, "#practice-grant-reason", "Parent of a patient under 12").await;
        set_value(&c, "#practice-grant-document", "Birth certificate 2019-4471").await;
        save_screenshot(&c, &shots, "practice-grant-form.png").await;
        find(&c, "#practice-grant-send").await.click().await.expect("send");
        wait_for_text(&c, "#patients-grant-done", |t| t.contains("Rowan Conroy may act for")).await;
        save_screenshot(&c, &shots, "practice-grant-done.png").await;
        sign_out(&c).await;
    })
    .await;

    // The parent opens an account with the mailed code and accepts (through the API: the
    // first test does it in the app).
    let code = wait_for_mail(&catcher, PARENT.email, "invited to act for a patient")
        .await
        .code()
        .expect("a code for a new account");
    let activated = client
        .activate(Activation {
            email: PARENT.email,
            code: &code,
            date_of_birth: None,
            password: PARENT.passphrase,
            device: None,
        })
        .await
        .expect("activated");
    let parent = SessionToken::new(activated.token);
    let grant = client.grants_received(&parent).await.expect("received").grants[0].id;
    client.answer_grant(&parent, grant, true).await.expect("accepted");

    in_app(&app, port, &shots, "practice-grant-act", move |c, shots| async move {
        sign_in(&c, PARENT).await;
        wait_for_text(&c, "#acting-for", |t| t.contains("Claudie Walsh")).await;
        set_value(&c, "#acting-for", &chart.to_string()).await;
        find(&c, "#acting-for-switch").await.click().await.expect("switch");
        wait_for_text(&c, "#acting-banner", |t| t.contains("You are acting for Claudie Walsh")).await;
        find(&c, "#nav-messages").await.click().await.expect("messages");
        find(&c, "#new-message").await.click().await.expect("new message");
        set_value(&c, "#compose-category", "medical_question").await;
        set_value(&c, "#compose-subject", CHILD_SUBJECT).await;
        set_value(&c, "#compose-body", "The rash spread to her arms overnight.").await;
        save_screenshot(&c, &shots, "child-compose.png").await;
        find(&c, "#compose-send").await.click().await.expect("send");
        wait_for_text(&c, "#thread-subject", |t| t == CHILD_SUBJECT).await;
        wait_for_text(&c, "#message-list > li:last-child .author", |t| {
            t.starts_with("Rowan Conroy for Claudie Walsh")
        })
        .await;
        save_screenshot(&c, &shots, "child-sent.png").await;
        sign_out(&c).await;
    })
    .await;

    let nurse = SessionToken::new(login(&client, demo::ACCOUNTS[4]).await.expect("the nurse").token);
    let policy = client.policy(&nurse).await.expect("policy");
    client.accept_policy(&nurse, policy.version).await.expect("accepted");
    let threads = client
        .threads(&nurse, &ThreadQuery::default())
        .await
        .expect("triage")
        .threads;
    let thread = threads
        .iter()
        .find(|t| t.subject == CHILD_SUBJECT)
        .expect("the care team has it");
    let detail = client.thread(&nurse, thread.id).await.expect("the thread");
    assert_eq!(
        (
            detail.messages[0].author.name.as_str(),
            detail.messages[0].written_for.as_deref()
        ),
        (PARENT.name, Some("Claudie Walsh"))
    );
    drop(driver);
    drop(server);
}

/// The parent of the front desk's test, once their account is open.
const PARENT: demo::DemoAccount = demo::DemoAccount {
    email: "rowan.conroy@example.org",
    name: "Rowan Conroy",
    role: Role::Patient,
    passphrase: "heron lantern under the quay",
    staff_pools: &[],
    totp_secret: None,
};
const CHILD_SUBJECT: &str = "A rash on my daughter's arms";
