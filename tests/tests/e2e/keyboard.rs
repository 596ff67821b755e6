//! Issue 13, keyboard only: every main flow of the real app done without a mouse. The keys go
//! through WebDriver key actions (Tab, Shift+Tab, Enter, Space, the arrow keys, Escape) and text
//! is typed into the element that has the focus; nothing is clicked and nothing is focused by
//! a script. After each step the test checks where the focus landed, so the order is proved
//! usable, not only possible.
//!
//! (a) Blair, a patient: signs in, accepts the policy, opens her record and each of its parts
//! (the results switch turned with Space and back; a trend read with the arrow keys, Escape,
//! and closed), writes a message (the topic chosen with an arrow key; the emergency question
//! answered from the keyboard: its focus trap, Escape), opens the conversation from the list,
//! begins a reply and deletes the draft, replies, goes to Account (a notice box turned off and on) and back, reads the app in Español
//! and back, signs out. (b) Dr. Okafor: signs in with her second factor, opens the conversation
//! from Triage, assigns it, answers it, closes and reopens it, signs out. (c) The front desk:
//! finds Blair's chart in Patients, opens it and comes back to her entry, signs out.
//!
//! What it found: a control that saves in place and is disabled meanwhile loses the focus in
//! WebKit (now aria-disabled while busy); a trend closed from its own button, and a reply draft
//! deleted, left the focus nowhere (now back on Show trend, and on the new empty reply).

use std::fmt;
use std::path::Path;
use std::time::{Duration, Instant};

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::elements::Element;
use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use portal_server::demo;
use portal_tests::{TestServer, PATIENT};

use super::{
    code_for, find, free_port_pair, in_app, prepare, save_screenshot, value_of, wait_for_count, wait_for_text, Driver,
    WAIT,
};

/// Dr. Okafor, who cares for Blair and answers clinical questions.
const PHYSICIAN: demo::DemoAccount = demo::ACCOUNTS[0];
/// Sam Rivera at the front desk.
const FRONT_DESK: demo::DemoAccount = demo::ACCOUNTS[1];

const SUBJECT: &str = "Refill before my trip";
/// Mentions chest pain: the app asks whether this is an emergency before sending.
const BODY: &str = "I leave for two weeks on the 20th. The chest pain from last month is gone.";
const PATIENT_REPLY: &str = "Thank you, I can come on Monday morning.";
const PHYSICIAN_REPLY: &str = "Monday at 9 is booked for you. Bring your list of medications.";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_main_flow_is_done_with_the_keyboard_alone_in_the_real_app() {
    let Some((app, shots)) = prepare() else { return };
    let server = TestServer::start_with_charts().await;
    let home = tempfile::tempdir().expect("temp home");
    let port = free_port_pair();
    let driver = Driver::start(port, &server, home.path());
    in_app(&app, port, &shots, "keyboard", |c, shots| async move {
        patient(&c, &shots).await;
        care_team(&c, &shots).await;
        front_desk(&c, &shots).await;
    })
    .await;
    drop(driver);
    drop(server);
}

/// (a) The patient's flows.
async fn patient(c: &Client, shots: &Path) {
    find(c, "#sign-in-form").await;
    wait_for_text(c, "h1", |t| t == demo::PRACTICE_NAME).await;
    // The app starts with nothing focused: Tab goes through the language choice to the email.
    sign_in_by_keyboard(c, PATIENT, 3).await;
    save_screenshot(c, shots, "keyboard-home.png").await;

    // My record, from the home screen's button; then each of its parts from its navigation.
    tab_to(c, "home-open-record", 3).await;
    press(c, Key::Enter).await;
    find(c, "#record[data-part='summary']").await;
    wait_focus(c, "the record's heading", |f| f.tag == "h1").await;
    wait_for_text(c, "#record-patient", |t| t.contains(PATIENT.name)).await;
    for part in [
        "visits",
        "results",
        "medications",
        "allergies",
        "problems",
        "immunizations",
        "procedures",
        "care-plans",
        "documents",
        "access-log",
        "download",
    ] {
        let button = format!("record-nav-{part}");
        if part == "medications" {
            // Coming back up from the trend (below the navigation).
            shift_tab_to(c, &button, 40).await;
        } else {
            tab_to(c, &button, 14).await;
        }
        press(c, Key::Enter).await;
        find(c, &format!("#record[data-part='{part}']")).await;
        let heading = wait_focus(c, "the part's heading", |f| f.tag == "h1").await;
        assert!(!heading.text.is_empty(), "{part}: {heading}");
        if part == "results" {
            results_switch(c).await;
            read_a_trend(c, shots).await;
        }
    }
    save_screenshot(c, shots, "keyboard-record-download.png").await;

    // Messages: back up to the sections with Shift+Tab.
    shift_tab_to(c, "nav-messages", 8).await;
    press(c, Key::Enter).await;
    find(c, "#inbox").await;
    wait_focus(c, "the inbox's heading", |f| f.tag == "h1").await;
    tab_to(c, "new-message", 1).await;
    press(c, Key::Enter).await;
    find(c, "#compose").await;
    wait_focus(c, "the new message's heading", |f| f.tag == "h1").await;

    // The topic with the arrow keys, then the subject and the message.
    tab_to(c, "compose-category", 3).await;
    press(c, Key::Down).await;
    assert_eq!(value_of(c, "#compose-category").await, "medical_question");
    press(c, Key::Tab).await;
    expect_focus(c, "compose-subject").await;
    type_text(c, SUBJECT).await;
    press(c, Key::Tab).await;
    expect_focus(c, "compose-body").await;
    type_text(c, BODY).await;
    tab_to(c, "compose-send", 4).await;
    press(c, Key::Enter).await;

    // "Chest pain": the emergency question takes the focus and keeps it on its two buttons;
    // Escape closes it, nothing is sent, and the focus is back on Send.
    wait_focus(c, "Call 911", |f| f.id == "emergency-call-911").await;
    save_screenshot(c, shots, "keyboard-emergency.png").await;
    press(c, Key::Tab).await;
    expect_focus(c, "emergency-send-anyway").await;
    press(c, Key::Tab).await;
    expect_focus(c, "emergency-call-911").await;
    press_shifted(c, Key::Tab).await;
    expect_focus(c, "emergency-send-anyway").await;
    press(c, Key::Escape).await;
    wait_focus(c, "Send again", |f| f.id == "compose-send").await;
    wait_for_count(c, "#emergency-dialog", 0).await;
    assert!(c.find(Locator::Css("#thread")).await.is_err(), "nothing was sent");
    // Sent after all, with Space on "Send anyway".
    press(c, Key::Enter).await;
    wait_focus(c, "Call 911", |f| f.id == "emergency-call-911").await;
    press(c, Key::Tab).await;
    expect_focus(c, "emergency-send-anyway").await;
    press(c, Key::Space).await;
    wait_for_text(c, "#thread-subject", |t| t == SUBJECT).await;
    wait_focus(c, "the conversation's subject", |f| f.id == "thread-subject").await;

    // Back to the list, and the conversation opened from it.
    shift_tab_to(c, "back-to-list", 2).await;
    press(c, Key::Enter).await;
    find(c, "#inbox").await;
    wait_focus(c, "the inbox's heading", |f| f.tag == "h1").await;
    tab_until(c, "the conversation in the list", 3, |f| f.text == SUBJECT).await;
    press(c, Key::Enter).await;
    wait_focus(c, "the conversation's subject", |f| {
        f.id == "thread-subject" && f.text == SUBJECT
    })
    .await;
    wait_for_count(c, "#message-list > li[data-message-id]", 1).await;

    // A reply begun, kept as a draft, then deleted (asked first: "No" has the focus); the
    // focus goes to the new, empty reply.
    tab_to(c, "reply-body", 10).await;
    type_text(c, "Never mind, I will call the office.").await;
    wait_for_text(c, "#reply-draft-status", |t| t.contains("Saved on this computer")).await;
    tab_to(c, "reply-discard", 4).await;
    press(c, Key::Enter).await;
    wait_focus(c, "keep the draft", |f| f.id == "reply-discard-no").await;
    press_shifted(c, Key::Tab).await;
    expect_focus(c, "reply-discard-yes").await;
    press(c, Key::Enter).await;
    wait_for_text(c, "#reply-sent", |t| !t.is_empty()).await;
    wait_focus(c, "the new reply", |f| f.id == "reply-body").await;
    assert_eq!(value_of(c, "#reply-body").await, "", "the reply starts empty");

    // A reply: the focus goes to it once sent.
    type_text(c, PATIENT_REPLY).await;
    tab_to(c, "reply-send", 4).await;
    press(c, Key::Enter).await;
    wait_for_count(c, "#message-list > li[data-message-id]", 2).await;
    wait_focus(c, "the reply sent", |f| {
        f.tag == "article" && f.text.contains(PATIENT_REPLY)
    })
    .await;
    save_screenshot(c, shots, "keyboard-replied.png").await;

    // Account, and back to Messages.
    shift_tab_to(c, "nav-account", 10).await;
    press(c, Key::Enter).await;
    find(c, "#account").await;
    wait_focus(c, "the account's heading", |f| f.tag == "h1").await;
    // A notice turned off with Space and on again: the focus stays on the box while it is saved.
    tab_to(c, "notices-results", 30).await;
    for wanted in [false, true] {
        press(c, Key::Space).await;
        let deadline = Instant::now() + WAIT;
        while find(c, "#notices-results").await.is_selected().await.expect("checked") != wanted {
            assert!(Instant::now() < deadline, "the box did not change");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        wait_for_text(c, "#notices-done", |t| !t.is_empty()).await;
        expect_focus(c, "notices-results").await;
    }
    shift_tab_to(c, "nav-messages", 40).await;
    press(c, Key::Enter).await;
    find(c, "#inbox").await;
    wait_focus(c, "the inbox's heading", |f| f.tag == "h1").await;

    // Español with Space, and back to English with Enter: the focus stays on the switch.
    shift_tab_to(c, "language-es", 4).await;
    press(c, Key::Space).await;
    wait_for_text(c, "#nav-messages", |t| t.starts_with("Mensajes")).await;
    expect_focus(c, "language-es").await;
    save_screenshot(c, shots, "keyboard-espanol.png").await;
    press_shifted(c, Key::Tab).await;
    expect_focus(c, "language-en").await;
    press(c, Key::Enter).await;
    wait_for_text(c, "#nav-messages", |t| t.starts_with("Messages")).await;
    expect_focus(c, "language-en").await;

    // Sign out: the sign-in screen's heading has the focus.
    tab_to(c, "sign-out", 2).await;
    press(c, Key::Enter).await;
    find(c, "#sign-in-form").await;
    wait_for_text(c, "#sign-in-status", |t| t.contains("signed out")).await;
    wait_focus(c, "the sign-in heading", |f| f.tag == "h1").await;
}

/// In Results: Enter on the body weight's "Show trend", then its chart read with the arrow keys;
/// Escape leaves the values.
async fn read_a_trend(c: &Client, shots: &Path) {
    find(c, "#section-list").await;
    let mut tabs = 0;
    loop {
        let button = tab_until(c, "a trend button", 40 - tabs, |f| f.class.contains("trend-button")).await;
        tabs += button.tabs;
        if button.element.attr("data-trend-code").await.expect("attr").as_deref() == Some("29463-7") {
            break;
        }
    }
    press(c, Key::Enter).await;
    wait_for_count(c, "#trend-29463-7 [data-point]", 5).await;
    let slider = tab_until(c, "the trend chart", 6, |f| f.role == "slider").await;
    let hint = slider
        .element
        .attr("aria-valuetext")
        .await
        .expect("attr")
        .unwrap_or_default();
    press(c, Key::Right).await;
    press(c, Key::Right).await;
    let slider = focused(c).await;
    assert_eq!(slider.role, "slider", "the chart keeps the focus");
    let now = slider.element.attr("aria-valuenow").await.expect("attr");
    assert_eq!(now.as_deref(), Some("2"), "two steps from the oldest value");
    let words = slider
        .element
        .attr("aria-valuetext")
        .await
        .expect("attr")
        .unwrap_or_default();
    assert!(words != hint && words.contains("kg"), "the value in words: {words:?}");
    save_screenshot(c, shots, "keyboard-trend.png").await;
    press(c, Key::Escape).await;
    let words = focused(c).await.element.attr("aria-valuetext").await.expect("attr");
    assert_eq!(words.unwrap_or_default(), hint, "Escape leaves the values");

    // Closed from its own button: the focus goes back to the button that opened it.
    shift_tab_to(c, "trend-29463-7-close", 3).await;
    press(c, Key::Enter).await;
    wait_for_count(c, "#trend-29463-7", 0).await;
    let back = wait_focus(c, "the body weight's Show trend", |f| f.class.contains("trend-button")).await;
    let code = back.element.attr("data-trend-code").await.expect("attr");
    assert_eq!(code.as_deref(), Some("29463-7"), "the focus is on {back}");
}

/// Results: the switch "only after my doctor looked" turned with Space, and back; the focus stays
/// on it while it is saved.
async fn results_switch(c: &Client) {
    tab_to(c, "results-preference", 14).await;
    for _ in 0..2 {
        let before = find(c, "#results-preference")
            .await
            .attr("aria-checked")
            .await
            .expect("attr");
        press(c, Key::Space).await;
        let deadline = Instant::now() + WAIT;
        while find(c, "#results-preference")
            .await
            .attr("aria-checked")
            .await
            .expect("attr")
            == before
        {
            assert!(Instant::now() < deadline, "the switch did not turn");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        wait_for_text(c, "#results-preference-status", |t| !t.is_empty()).await;
        expect_focus(c, "results-preference").await;
    }
}

/// (b) Dr. Okafor answers Blair from Triage.
async fn care_team(c: &Client, shots: &Path) {
    sign_in_by_keyboard(c, PHYSICIAN, 2).await;
    tab_to(c, "home-open-triage", 6).await;
    press(c, Key::Enter).await;
    find(c, "#triage").await;
    wait_focus(c, "the triage heading", |f| f.tag == "h1").await;
    wait_for_text(c, "#triage-list", |t| t.contains(SUBJECT)).await;
    tab_until(c, "Blair's conversation", 12, |f| f.text == SUBJECT).await;
    save_screenshot(c, shots, "keyboard-triage.png").await;
    press(c, Key::Enter).await;
    wait_focus(c, "the conversation's subject", |f| {
        f.id == "thread-subject" && f.text == SUBJECT
    })
    .await;
    wait_for_count(c, "#message-list > li[data-message-id]", 2).await;

    // Assigned to someone chosen with the arrow keys.
    tab_to(c, "assign-to", 4).await;
    press(c, Key::Down).await;
    assert_ne!(value_of(c, "#assign-to").await, "", "someone is chosen");
    tab_to(c, "assign-thread", 1).await;
    press(c, Key::Enter).await;
    wait_for_text(c, "#triage-action-status", |t| !t.is_empty()).await;
    expect_focus(c, "assign-thread").await;

    tab_to(c, "reply-body", 12).await;
    type_text(c, PHYSICIAN_REPLY).await;
    tab_to(c, "reply-send", 4).await;
    press(c, Key::Enter).await;
    wait_for_count(c, "#message-list > li[data-message-id]", 3).await;
    wait_focus(c, "the reply sent", |f| {
        f.tag == "article" && f.text.contains(PHYSICIAN_REPLY)
    })
    .await;
    save_screenshot(c, shots, "keyboard-answered.png").await;

    // Closed and reopened: the focus stays on the button while each is saved.
    shift_tab_to(c, "close-thread", 6).await;
    press(c, Key::Enter).await;
    find(c, "#thread-closed").await;
    wait_focus(c, "Reopen", |f| f.id == "reopen-thread").await;
    press(c, Key::Enter).await;
    find(c, "#reply-form").await;
    wait_focus(c, "Close", |f| f.id == "close-thread").await;

    shift_tab_to(c, "sign-out", 16).await;
    press(c, Key::Enter).await;
    find(c, "#sign-in-form").await;
    wait_focus(c, "the sign-in heading", |f| f.tag == "h1").await;
}

/// (c) The front desk finds Blair's chart in Patients, opens it and comes back.
async fn front_desk(c: &Client, shots: &Path) {
    sign_in_by_keyboard(c, FRONT_DESK, 2).await;
    shift_tab_to(c, "nav-patients", 8).await;
    press(c, Key::Enter).await;
    find(c, "#patients").await;
    wait_focus(c, "the patients heading", |f| f.tag == "h1").await;
    tab_to(c, "patients-query", 1).await;
    type_text(c, "Conroy").await;
    press(c, Key::Enter).await;
    wait_for_text(c, "#patients-results", |t| t.contains(PATIENT.name)).await;
    let blair = tab_until(c, "Blair in the results", 3, |f| {
        f.id.starts_with("patient-open-") && f.text.contains(PATIENT.name)
    })
    .await;
    save_screenshot(c, shots, "keyboard-patients.png").await;
    press(c, Key::Enter).await;
    // In the front desk's care or not (then a reason is asked first), the way back is the
    // first stop and the entry gets the focus again.
    wait_focus(c, "the chart's heading", |f| f.tag == "h1").await;
    shift_tab_to(c, "back-to-patients", 2).await;
    press(c, Key::Enter).await;
    find(c, "#patients").await;
    wait_focus(c, "Blair's entry again", |f| f.id == blair.id).await;

    shift_tab_to(c, "sign-out", 12).await;
    press(c, Key::Enter).await;
    find(c, "#sign-in-form").await;
    wait_focus(c, "the sign-in heading", |f| f.tag == "h1").await;
}

/// Signs in by keyboard from the sign-in screen: Tab (at most `tabs` times) to the email, the
/// pass-phrase, Enter; the code of the second factor if asked (the focus is on its field),
/// Enter; the policy accepted if asked. Ends on the home screen with its heading focused.
pub(super) async fn sign_in_by_keyboard(c: &Client, account: demo::DemoAccount, tabs: usize) {
    tab_to(c, "email", tabs).await;
    sign_in_from_email(c, account).await;
}

/// [`sign_in_by_keyboard`] from the email field, which has the focus.
pub(super) async fn sign_in_from_email(c: &Client, account: demo::DemoAccount) {
    expect_focus(c, "email").await;
    type_text(c, account.email).await;
    press(c, Key::Tab).await;
    expect_focus(c, "password").await;
    type_text(c, account.passphrase).await;
    press(c, Key::Enter).await;
    let deadline = Instant::now() + WAIT;
    loop {
        let now = focused(c).await;
        if now.id == "sign-in-code" {
            let code = code_for(account).await.expect("the account has a second factor");
            type_text(c, &code).await;
            press(c, Key::Enter).await;
            wait_focus(c, "the next screen", |f| f.id != "sign-in-code").await;
        } else if now.tag == "h1" && c.find(Locator::Css("#accept-policy")).await.is_ok() {
            // The policy: its heading, then its text (scrolled with the arrow keys), then Accept.
            press(c, Key::Tab).await;
            expect_focus(c, "policy-text").await;
            press(c, Key::Down).await;
            tab_to(c, "accept-policy", 1).await;
            press(c, Key::Enter).await;
            wait_focus(c, "the home screen", |f| f.id != "accept-policy").await;
        } else if now.tag == "h1" && c.find(Locator::Css("#home")).await.is_ok() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{} signed in; the focus is on {now}",
            account.email
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    wait_for_text(c, "#signed-in-as", |t| t.contains(account.name)).await;
    let heading = focused(c).await;
    assert!(
        heading.text.contains(account.name),
        "the welcome has the focus: {heading}"
    );
}

/// The element that has the keyboard focus.
pub(super) struct Focused {
    pub(super) element: Element,
    pub(super) id: String,
    pub(super) tag: String,
    pub(super) class: String,
    pub(super) role: String,
    pub(super) text: String,
    /// How many Tabs it took to get here (for [`tab_until`]).
    pub(super) tabs: usize,
}

impl fmt::Display for Focused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text: String = self.text.chars().take(40).collect();
        if self.id.is_empty() {
            write!(f, "<{} class={:?}> {text:?}", self.tag, self.class)
        } else {
            write!(f, "#{} {text:?}", self.id)
        }
    }
}

pub(super) async fn focused(c: &Client) -> Focused {
    let element = c.active_element().await.expect("the focused element");
    let attr = |name: &'static str| {
        let element = element.clone();
        async move { element.attr(name).await.ok().flatten().unwrap_or_default() }
    };
    let id = attr("id").await;
    let class = attr("class").await;
    let role = attr("role").await;
    let tag = element.tag_name().await.map(|t| t.to_lowercase()).unwrap_or_default();
    let text = element.text().await.map(|t| t.trim().to_owned()).unwrap_or_default();
    Focused {
        element,
        id,
        tag,
        class,
        role,
        text,
        tabs: 0,
    }
}

/// Presses `key` (down, up).
pub(super) async fn press(c: &Client, key: Key) {
    let key: char = key.into();
    let keys = KeyActions::new("keyboard".into())
        .then(KeyAction::Down { value: key })
        .then(KeyAction::Up { value: key });
    c.perform_actions(keys).await.expect("key press");
}

/// Presses `key` with Shift held.
pub(super) async fn press_shifted(c: &Client, key: Key) {
    let shift: char = Key::Shift.into();
    let key: char = key.into();
    let keys = KeyActions::new("keyboard".into())
        .then(KeyAction::Down { value: shift })
        .then(KeyAction::Down { value: key })
        .then(KeyAction::Up { value: key })
        .then(KeyAction::Up { value: shift });
    c.perform_actions(keys).await.expect("key press");
}

/// Types `text` into the element that has the focus.
pub(super) async fn type_text(c: &Client, text: &str) {
    c.active_element()
        .await
        .expect("the focused element")
        .send_keys(text)
        .await
        .expect("typing");
}

/// Erases the `count` characters before the end of the focused field: End, then Backspace.
pub(super) async fn erase_back(c: &Client, count: usize) {
    press(c, Key::End).await;
    for _ in 0..count {
        press(c, Key::Backspace).await;
    }
}

/// The focus must be on `#id` now.
pub(super) async fn expect_focus(c: &Client, id: &str) {
    let now = focused(c).await;
    assert_eq!(now.id, id, "the focus is on {now}");
}

/// Waits until the focus is on an element that satisfies `ok` (a new screen moves it there).
pub(super) async fn wait_focus(c: &Client, what: &str, ok: impl Fn(&Focused) -> bool) -> Focused {
    let deadline = Instant::now() + WAIT;
    loop {
        let now = focused(c).await;
        if ok(&now) {
            return now;
        }
        assert!(
            Instant::now() < deadline,
            "the focus should be on {what}; it is on {now}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Presses Tab (Shift+Tab if `back`) until the focus is on an element that satisfies `ok`, at
/// most `max` times; the stops on the way are in the failure message.
pub(super) async fn move_until(
    c: &Client,
    back: bool,
    what: &str,
    max: usize,
    ok: impl Fn(&Focused) -> bool,
) -> Focused {
    let mut stops = Vec::new();
    for tabs in 1..=max {
        if back {
            press_shifted(c, Key::Tab).await;
        } else {
            press(c, Key::Tab).await;
        }
        let mut now = focused(c).await;
        if ok(&now) {
            now.tabs = tabs;
            return now;
        }
        stops.push(now.to_string());
    }
    let key = if back { "Shift+Tab" } else { "Tab" };
    panic!(
        "{what} not reached in {max} × {key}; the focus went to: {}",
        stops.join(" → ")
    );
}

pub(super) async fn tab_until(c: &Client, what: &str, max: usize, ok: impl Fn(&Focused) -> bool) -> Focused {
    move_until(c, false, what, max, ok).await
}

pub(super) async fn tab_to(c: &Client, id: &str, max: usize) -> Focused {
    move_until(c, false, &format!("#{id}"), max, |f| f.id == id).await
}

pub(super) async fn shift_tab_to(c: &Client, id: &str, max: usize) -> Focused {
    move_until(c, true, &format!("#{id}"), max, |f| f.id == id).await
}
