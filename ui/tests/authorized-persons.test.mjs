// Authorized persons (issue 12) in the app: a patient gives and ends a grant; the invited person
// accepts, then switches whose portal is shown with the keyboard ("Acting for"); acting, they see
// only what the grant allows (no compose without writing, just the results with results alone),
// messages written for the patient read "Jane Doe for John Doe"; a grant ended meanwhile
// replaces the open screen with "Your access to John Doe's portal has ended."; a proxy never
// sees the patient's own "Authorized persons"; the access log marks authorized persons. Each new
// screen is axe-clean.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useBrowser, openApp, closeApp, signIn, text, mockCalls, policy, axeClean, screenshot } from "./harness.mjs";

const PRACTICE = { name: "Dermatology Specialists of Kansas City", phone: "(816) 555-0142" };
const PASSWORD = "correct horse battery staple";
const ACCEPTED = "2026-03-05T17:30:00Z";
const user = (id, email, name, role, pools = []) => ({ id, email, name, role, pools, email_verified: true });
const ANA = user(7, "ana.garcia@example.com", "Ana García", "patient");
const JANE = user(40, "jane.doe@example.com", "Jane Doe", "patient");
const JOHN_CHART = 50;
const JOHN = { id: JOHN_CHART, name: "John Doe", role: "patient" };
const JANE_PERSON = { id: JANE.id, name: "Jane Doe", role: "patient" };
const DR_PATEL = { id: 21, name: "Dr. Maya Patel", role: "physician" };
const accounts = [
  { email: ANA.email, password: PASSWORD, user: ANA, acceptedAt: ACCEPTED, patientIds: [1] },
  { email: JANE.email, password: PASSWORD, user: JANE, acceptedAt: ACCEPTED },
];

const env = useBrowser();
const focusedId = (page) => page.evaluate(() => document.activeElement?.id ?? "");

function received(id, status, scopes, until = null) {
  return { id, patient_id: JOHN_CHART, patient_name: "John Doe", scopes, until, status };
}

const ago = (minutes) => new Date(Date.now() - minutes * 60_000).toISOString();

/** John Doe's conversation: his question, the care team's answer, and Jane's reply for him. */
const JOHN_THREAD = {
  id: 301,
  subject: "Refill of my cream",
  category: "prescription",
  pool: "clinical",
  status: "open",
  urgent: false,
  patient: JOHN,
  assigned_to: DR_PATEL,
  created_at: ago(300),
  messages: [
    { id: 3001, author: JOHN, body: "Could I get a refill?", created_at: ago(300), read_at: ago(200), attachments: [], written_for: null },
    { id: 3002, author: DR_PATEL, body: "Yes, it is sent to your pharmacy.", created_at: ago(120), read_at: null, attachments: [], written_for: null },
    { id: 3003, author: JANE_PERSON, body: "Thank you, I will pick it up for him.", created_at: ago(60), read_at: null, attachments: [], written_for: "John Doe" },
  ],
};

function scenario(extra = {}) {
  return { practice: PRACTICE, policy: policy(), accounts, ...extra };
}

async function signInAs(page, who) {
  await page.waitForSelector("#sign-in-form");
  await signIn(page, who.email, PASSWORD);
  await page.waitForSelector("#home");
}

/** Chooses `label` in "Acting for" with the keyboard only, then presses "Switch". */
async function switchTo(page, label) {
  const before = (await mockCalls(page, "act_for")).length;
  await page.focus("#acting-for");
  const options = await page.$$eval("#acting-for option", (os) => os.map((o) => o.textContent.trim()));
  const target = options.findIndex((o) => o.startsWith(label));
  assert.ok(target >= 0, `${label} in ${options}`);
  const current = await page.$eval("#acting-for", (s) => s.selectedIndex);
  const key = target > current ? "ArrowDown" : "ArrowUp";
  for (let i = 0; i < Math.abs(target - current); i++) await page.keyboard.press(key);
  assert.equal((await mockCalls(page, "act_for")).length, before, "choosing alone switches nothing");
  await page.keyboard.press("Tab");
  assert.equal(await focusedId(page), "acting-for-switch");
  await page.keyboard.press("Enter");
}

test("a patient authorizes someone, sees the form's checks and the service's answer, then ends the access", async () => {
  const given = [
    {
      id: 11,
      patient_id: 1,
      grantee_name: "Luis García",
      grantee_email: "luis.garcia@example.com",
      scopes: ["read_messages", "record"],
      until: "2027-06-30",
      status: "active",
      created_at: "2026-11-01T15:00:00Z",
      by_practice: true,
    },
    {
      id: 10,
      patient_id: 1,
      grantee_name: "Marta Ruiz",
      grantee_email: "marta.ruiz@example.com",
      scopes: ["results"],
      until: null,
      status: "declined",
      created_at: "2026-10-01T15:00:00Z",
      by_practice: false,
    },
  ];
  const app = await openApp(env.browser, env.base, scenario({ grants: { given } }));
  const { page } = app;
  await signInAs(page, ANA);
  assert.equal(await page.$("#acting-for"), null, "nobody to act for: no switcher");
  await page.click("#home-open-authorized");
  await page.waitForSelector("#grants");
  assert.equal(await page.title(), "Authorized persons – Patient Portal");
  assert.equal(await page.evaluate(() => document.activeElement?.tagName), "H1");
  const luis = await text(page, "li[data-grant-id='11']");
  assert.match(luis, /Luis García luis\.garcia@example\.com Active/);
  assert.match(luis, /May read messages and see the record, until June 30, 2027\./);
  assert.match(luis, /Set up by the practice/);
  assert.match(await text(page, "li[data-grant-id='10']"), /Declined/);
  assert.equal(await page.$("#grant-10-end"), null, "a declined grant cannot be ended");
  await axeClean(page, "authorized persons");
  await screenshot(page, "authorized-persons");

  // The form's own checks, each focusing the field.
  await page.click("#grant-send");
  await page.waitForSelector("#grant-form-error");
  assert.equal(await text(page, "#grant-form-error"), "Please enter the person's name.");
  assert.equal(await focusedId(page), "grant-name");
  assert.equal(await page.getAttribute("#grant-name", "aria-invalid"), "true");
  await page.fill("#grant-name", "Jane Doe");
  await page.fill("#grant-email", "jane.doe");
  await page.click("#grant-send");
  await page.waitForSelector("#grant-form-error:has-text('email address')");
  assert.equal(await focusedId(page), "grant-email");
  await page.fill("#grant-email", "ana.garcia@example.com");
  await page.click("#grant-send");
  await page.waitForSelector("#grant-form-error:has-text('at least one')");
  assert.equal((await mockCalls(page, "give_grant")).length, 0, "nothing sent");

  // Writing includes reading, and the form shows it.
  await page.check("#grant-scope-write-messages");
  assert.equal(await page.isChecked("#grant-scope-read-messages"), true);
  assert.equal(await page.isDisabled("#grant-scope-read-messages"), true);
  assert.equal(await text(page, "#grant-read-implied"), "Writing messages includes reading them.");
  await page.check("#grant-scope-results");
  await page.fill("#grant-until", "2030-01-31");
  await axeClean(page, "authorized persons, form filled");

  // The service refuses the patient's own address: its message is shown.
  await page.click("#grant-send");
  await page.waitForSelector("#grant-form-error:has-text('your own email address')");
  assert.match(await text(page, "#grant-form-error"), /^The invitation was not sent\. That is your own email address\./);

  await page.fill("#grant-email", "jane.doe@example.com");
  await page.click("#grant-send");
  await page.waitForSelector("#grants-done:has-text('invited')");
  assert.equal(await text(page, "#grants-done"), "Jane Doe is invited. They get an email at jane.doe@example.com.");
  assert.deepEqual((await mockCalls(page, "give_grant")).at(-1).args, {
    patientId: 1,
    request: { name: "Jane Doe", email: "jane.doe@example.com", scopes: ["read_messages", "write_messages", "results"], until: "2030-01-31" },
  });
  const jane = await page.$eval("#grants > li:first-child", (li) => li.dataset.grantId);
  assert.match(await text(page, `li[data-grant-id='${jane}']`), /Invited.*May read and write messages and see test results, until January 31, 2030\./);
  assert.equal(await page.inputValue("#grant-name"), "", "the form is empty again");

  // End access: asked first, Cancel gives focus back, then ended.
  await page.click(`#grant-${jane}-end`);
  assert.equal(await focusedId(page), `grant-${jane}-end-cancel`);
  assert.match(await text(page, `#grant-${jane}-question`), /^End Jane Doe's access now\?/);
  await axeClean(page, "authorized persons, end asked");
  await page.keyboard.press("Enter");
  assert.equal(await focusedId(page), `grant-${jane}-end`);
  assert.equal((await mockCalls(page, "end_grant")).length, 0);
  await page.click(`#grant-${jane}-end`);
  await page.click(`#grant-${jane}-end-confirm`);
  await page.waitForSelector(`li[data-grant-id='${jane}'][data-status='ended']`);
  assert.equal(await text(page, "#grants-done"), "Jane Doe's access has ended.");
  assert.deepEqual((await mockCalls(page, "end_grant")).at(-1).args, { patientId: 1, grantId: Number(jane) });
  assert.equal(await page.$(`#grant-${jane}-end`), null);

  // Also reached from the account.
  await page.click("#authorized-back");
  await page.waitForSelector("#account");
  await page.click("#account-open-authorized");
  await page.waitForSelector("#authorized-persons");
  await closeApp(app, assert);
});

test("an invitation is accepted; the switcher then lists the patient; a decline is said", async () => {
  const grants = {
    received: [received(21, "invited", ["read_messages", "write_messages"], "2027-06-30"), { ...received(22, "invited", ["results"]), patient_id: 51, patient_name: "Mary Doe" }],
  };
  const app = await openApp(env.browser, env.base, scenario({ grants }));
  const { page } = app;
  await signInAs(page, JANE);
  await page.waitForSelector("#invitations");
  assert.equal(await page.$("#home-open-authorized"), null, "no chart of her own: nothing to authorize");
  assert.equal(await page.$("#acting-for"), null);
  assert.match(
    await text(page, "#invitation-21-text"),
    /^John Doe invites you to act for them in their portal: you may read and write messages, until June 30, 2027\.$/,
  );
  await axeClean(page, "invitations received");
  await screenshot(page, "invitations");

  // Declining is asked first: Cancel gives the focus back, nothing is sent.
  await page.click("#invitation-22-decline");
  assert.equal(await focusedId(page), "invitation-22-decline-cancel");
  assert.equal(
    await text(page, "#invitation-22-question"),
    "Decline Mary Doe's invitation? It stops working: only Mary Doe can invite you again.",
  );
  await axeClean(page, "invitation decline asked");
  await page.keyboard.press("Enter");
  assert.equal(await focusedId(page), "invitation-22-decline");
  assert.equal(await page.$("#invitation-22-confirm"), null);
  assert.equal((await mockCalls(page, "decline_grant")).length, 0);
  await page.keyboard.press("Enter");
  assert.equal(await focusedId(page), "invitation-22-decline-cancel");
  await page.keyboard.press("Shift+Tab");
  assert.equal(await focusedId(page), "invitation-22-decline-confirm");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#invitations-done:has-text('declined')");
  assert.equal(await focusedId(page), "invitations-heading");
  assert.deepEqual((await mockCalls(page, "decline_grant")).at(-1).args, { grantId: 22 });
  assert.equal(await text(page, "#invitations-done"), "You declined Mary Doe's invitation.");
  assert.equal(await page.$("#invitation-22-accept"), null);

  const sessionAsked = (await mockCalls(page, "current_session")).length;
  await page.click("#invitation-21-accept");
  await page.waitForSelector("#acting-for");
  assert.match(await text(page, "#invitations-done"), /^You can now act for John Doe\./);
  assert.match(await text(page, "#acting-for-list"), /You may act for John Doe: read and write messages, until June 30, 2027\./);
  assert.deepEqual(
    await page.$$eval("#acting-for option", (os) => os.map((o) => o.textContent.trim())),
    ["Myself (Jane Doe)", "John Doe"],
  );
  assert.deepEqual((await mockCalls(page, "accept_grant")).at(-1).args, { grantId: 21 });
  assert.ok((await mockCalls(page, "current_session")).length > sessionAsked, "the session is asked again");
  await axeClean(page, "home with the switcher");
  await closeApp(app, assert);
});

test("switching with the keyboard shows John Doe's portal within the grant, and back", async () => {
  const grants = { received: [received(21, "active", ["read_messages", "write_messages"])] };
  const app = await openApp(env.browser, env.base, scenario({ grants, messaging: { threads: [JOHN_THREAD] } }));
  const { page } = app;
  await signInAs(page, JANE);
  assert.equal(await page.getAttribute("#acting-for", "id"), "acting-for");
  assert.equal(await text(page, "label[for='acting-for']"), "Acting for");
  await switchTo(page, "John Doe");
  await page.waitForSelector("#acting-banner");
  assert.deepEqual((await mockCalls(page, "act_for")).at(-1).args, { patientId: JOHN_CHART });
  assert.equal(
    await text(page, "#acting-banner"),
    "You are acting for John Doe. This is John Doe's portal: you may read and write messages, until ended.",
  );
  assert.equal(await text(page, "#home h1"), "John Doe's portal");
  assert.equal(await page.$("#nav-record"), null, "no record in the grant");
  assert.equal(await page.$("#invitations"), null, "the person's own invitations are not John's");
  await axeClean(page, "acting for John Doe, home");
  await screenshot(page, "acting-for-home");

  await page.click("#nav-messages");
  await page.waitForSelector("#inbox");
  assert.ok(await page.$("#new-message"), "writing is allowed: a new message can be written");
  await page.click("text=Refill of my cream");
  await page.waitForSelector("#message-3003");
  assert.equal(await text(page, "#message-3003-author"), "Jane Doe for John Doe · you");
  assert.equal(await text(page, "#message-3001-author"), "John Doe (patient)");
  await axeClean(page, "acting for John Doe, conversation");

  // Switching back reloads the inbox for the person herself.
  await switchTo(page, "Myself");
  await page.waitForFunction(() => !document.querySelector("#acting-banner"));
  assert.deepEqual((await mockCalls(page, "act_for")).at(-1).args, { patientId: null });
  await page.waitForSelector("#inbox");
  assert.equal(await page.$("text=Refill of my cream"), null, "John's conversation is not hers");
  await closeApp(app, assert);
});

test("reading only: no compose, no reply; results only: just the results", async () => {
  const grants = {
    received: [received(21, "active", ["read_messages"]), { ...received(23, "active", ["results"]), patient_id: 52, patient_name: "Rosa Díaz" }],
  };
  const app = await openApp(env.browser, env.base, scenario({ grants, messaging: { threads: [JOHN_THREAD] }, record: { patientId: 52 } }));
  const { page } = app;
  await signInAs(page, JANE);
  await switchTo(page, "John Doe");
  await page.waitForSelector("#acting-banner");
  await page.click("#nav-messages");
  await page.waitForSelector("#inbox");
  assert.equal(await page.$("#new-message"), null, "no compose without write_messages");
  await page.click("text=Refill of my cream");
  await page.waitForSelector("#thread-read-only");
  assert.equal(await text(page, "#thread-read-only"), "John Doe's authorization lets you read this conversation, not reply.");
  assert.equal(await page.$("#reply-heading"), null);

  await switchTo(page, "Rosa Díaz");
  await page.waitForSelector("#acting-banner:has-text('Rosa Díaz')");
  assert.equal(await page.$("#nav-messages"), null, "no messages in a results-only grant");
  assert.equal(await text(page, "#nav-record"), "Rosa Díaz's record");
  await page.click("#nav-record");
  await page.waitForSelector("#record[data-part='results']");
  assert.equal(await page.title(), "Rosa Díaz's record – Patient Portal");
  assert.deepEqual(await page.$$eval("#record-nav button", (bs) => bs.map((b) => b.id)), ["record-nav-results"]);
  assert.equal(await page.$("#record-nav-access-log"), null, "who looked at the record stays Rosa's own");
  assert.ok((await mockCalls(page, "record_section")).some((c) => c.args.section === "results"));
  assert.equal((await mockCalls(page, "record_summary")).length, 0, "the summary needs the record scope");
  await axeClean(page, "acting for Rosa Díaz, results only");
  await closeApp(app, assert);
});

test("a grant ended meanwhile: the open screen says so, and back to one's own portal", async () => {
  const grants = { received: [received(21, "active", ["read_messages", "write_messages"])] };
  const app = await openApp(env.browser, env.base, scenario({ grants, messaging: { threads: [JOHN_THREAD] } }));
  const { page } = app;
  await signInAs(page, JANE);
  await switchTo(page, "John Doe");
  await page.waitForSelector("#acting-banner");
  await page.click("#nav-messages");
  await page.waitForSelector("#inbox");

  // John ends the grant; Jane's next step is refused.
  await page.evaluate(() => {
    window.__PORTAL_MOCK__.grants.endedFor = [50];
  });
  await page.click("text=Refill of my cream");
  await page.waitForSelector("#grant-ended");
  assert.equal(await text(page, "#grant-ended-heading"), "Your access to John Doe's portal has ended.");
  assert.match(await text(page, "#grant-ended-detail"), /ask John Doe to authorize you again/);
  assert.equal(await page.$("#acting-banner"), null, "no longer acting");
  assert.equal(await page.$("#acting-for"), null, "nobody left to act for");
  assert.equal(await page.title(), "Access ended – Patient Portal");
  assert.equal(await focusedId(page), "grant-ended-heading");
  await axeClean(page, "grant ended");
  await screenshot(page, "grant-ended");

  await page.click("#grant-ended-back");
  await page.waitForSelector("#home");
  assert.equal(await text(page, "#home h1"), "Welcome, Jane Doe");
  await closeApp(app, assert);
});

test("a patient acting for someone else never sees Authorized persons for them; the access log marks authorized persons", async () => {
  const accessLog = [
    {
      at: "2026-11-29T16:20:00Z",
      first_at: "2026-11-29T16:20:00Z",
      times: 1,
      who: "Luis García",
      role: "patient",
      what: { kind: "section", section: "results" },
      break_the_glass: false,
      reason: null,
      authorized_person: true,
    },
  ];
  const grants = { received: [received(21, "active", ["read_messages"])] };
  const app = await openApp(env.browser, env.base, scenario({ grants, record: { accessLog } }));
  const { page } = app;
  await signInAs(page, ANA);
  assert.ok(await page.$("#home-open-authorized"), "her own authorized persons");
  await page.click("#nav-record");
  await page.click("#record-nav-access-log");
  await page.waitForSelector("#access-log");
  assert.match(await text(page, "#access-log > li:first-child"), /^Luis García \(authorized person\)/);
  await axeClean(page, "access log with an authorized person");

  await switchTo(page, "John Doe");
  await page.waitForSelector("#acting-banner");
  await page.waitForSelector("#home");
  assert.equal(await page.$("#home-open-authorized"), null, "a grant is never inherited");
  await page.click("#nav-account");
  await page.waitForSelector("#account");
  assert.equal(await page.$("#account-open-authorized"), null);
  assert.equal((await mockCalls(page, "list_grants")).length, 0);
  await closeApp(app, assert);
});

const GIVEN_LUIS = {
  id: 11,
  patient_id: 1,
  grantee_name: "Luis García",
  grantee_email: "luis.garcia@example.com",
  scopes: ["read_messages"],
  until: null,
  status: "active",
  created_at: "2026-11-01T15:00:00Z",
  by_practice: false,
};
const UNAVAILABLE = { code: "unavailable", message: "The service is not available." };

/** Ana on her Authorized persons screen. */
async function openAuthorized(page) {
  await signInAs(page, ANA);
  await page.click("#home-open-authorized");
  await page.waitForSelector("#grant-form");
}

test("an invitation that cannot be sent leaves the focus on Send (aria-disabled while sending, not disabled: WebKit moves the focus off a disabled control)", async () => {
  const app = await openApp(env.browser, env.base, scenario({ delayMs: { give_grant: 1000 }, fail: { give_grant: UNAVAILABLE } }));
  const { page } = app;
  await openAuthorized(page);
  await page.fill("#grant-name", "Jane Doe");
  await page.fill("#grant-email", JANE.email);
  await page.check("#grant-scope-results");
  await page.focus("#grant-send");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#grant-send[aria-disabled='true']");
  assert.equal(await page.getAttribute("#grant-send", "disabled"), null, "still focusable while sending");
  assert.equal(await focusedId(page), "grant-send");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#grant-form-error");
  await page.waitForSelector("#grant-send:not([aria-disabled])");
  assert.match(await text(page, "#grant-form-error"), /^The invitation was not sent\. The service is not available\./);
  assert.equal(await focusedId(page), "grant-send", "the focus is on Send with the error");
  assert.equal((await mockCalls(page, "give_grant")).length, 1, "sent once");
  await closeApp(app, assert);
});

test("an End access that fails says why (the list reloaded after it keeps the message) and keeps the question open", async () => {
  const app = await openApp(env.browser, env.base, scenario({ grants: { given: [GIVEN_LUIS] }, fail: { end_grant: UNAVAILABLE } }));
  const { page } = app;
  await openAuthorized(page);
  await page.click("#grant-11-end");
  const loads = (await mockCalls(page, "list_grants")).length;
  await page.click("#grant-11-end-confirm");
  // The list is loaded again after the failure, and the message stays.
  while ((await mockCalls(page, "list_grants")).length === loads) await page.waitForTimeout(50);
  await page.waitForSelector("#grant-11-end-confirm:has-text('End access')");
  assert.equal(await text(page, "#grants-error"), "Luis García's access could not be ended. The service is not available.");
  assert.ok(await page.$("#grant-11-confirm"), "still asked");
  assert.equal(await text(page, "#grant-11-status"), "Active");
  await closeApp(app, assert);
});

test("End access keeps the focus while it is sent and after it fails (aria-disabled, not disabled); Cancel waits meanwhile", async () => {
  const app = await openApp(
    env.browser,
    env.base,
    scenario({ grants: { given: [GIVEN_LUIS] }, delayMs: { end_grant: 1000 }, fail: { end_grant: UNAVAILABLE } }),
  );
  const { page } = app;
  await openAuthorized(page);
  await page.focus("#grant-11-end");
  await page.keyboard.press("Enter");
  assert.equal(await focusedId(page), "grant-11-end-cancel");
  await page.keyboard.press("Shift+Tab");
  assert.equal(await focusedId(page), "grant-11-end-confirm");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#grant-11-end-confirm[aria-disabled='true']");
  assert.equal(await page.getAttribute("#grant-11-end-confirm", "disabled"), null, "still focusable while ending");
  assert.equal(await focusedId(page), "grant-11-end-confirm");
  await page.keyboard.press("Tab");
  assert.equal(await focusedId(page), "grant-11-end-cancel");
  await page.keyboard.press("Enter");
  assert.ok(await page.$("#grant-11-confirm"), "Cancel waits while it is sent");
  await page.keyboard.press("Shift+Tab");
  await page.waitForSelector("#grant-11-end-confirm:not([aria-disabled])");
  assert.equal(await focusedId(page), "grant-11-end-confirm", "the focus is on End access with the error");
  assert.equal((await mockCalls(page, "end_grant")).length, 1, "sent once");
  await closeApp(app, assert);
});

test("a decline that fails keeps the focus on Decline (aria-disabled while sent, not disabled) and says why", async () => {
  const grants = { received: [received(21, "invited", ["results"])] };
  const app = await openApp(
    env.browser,
    env.base,
    scenario({ grants, delayMs: { decline_grant: 1000 }, fail: { decline_grant: UNAVAILABLE } }),
  );
  const { page } = app;
  await signInAs(page, JANE);
  await page.waitForSelector("#invitations");
  await page.focus("#invitation-21-decline");
  await page.keyboard.press("Enter");
  assert.equal(await focusedId(page), "invitation-21-decline-cancel");
  await page.keyboard.press("Shift+Tab");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#invitation-21-decline-confirm[aria-disabled='true']");
  assert.equal(await page.getAttribute("#invitation-21-decline-confirm", "disabled"), null, "still focusable while sent");
  assert.equal(await focusedId(page), "invitation-21-decline-confirm");
  await page.waitForSelector("#invitations-error");
  await page.waitForSelector("#invitation-21-decline-confirm:not([aria-disabled])");
  assert.equal(await text(page, "#invitations-error"), "John Doe's invitation could not be declined. The service is not available.");
  assert.equal(await focusedId(page), "invitation-21-decline-confirm", "the focus is on Decline with the error");
  await closeApp(app, assert);
});

test("a switch that fails gives the focus to the list to choose again (Switch aria-disabled while switching, not disabled)", async () => {
  const grants = { received: [received(21, "active", ["results"])] };
  const app = await openApp(env.browser, env.base, scenario({ grants, delayMs: { act_for: 1000 }, fail: { act_for: UNAVAILABLE } }));
  const { page } = app;
  await signInAs(page, JANE);
  await switchTo(page, "John Doe");
  await page.waitForSelector("#acting-for-switch[aria-disabled='true']");
  assert.equal(await page.getAttribute("#acting-for-switch", "disabled"), null, "still focusable while switching");
  assert.equal(await focusedId(page), "acting-for-switch");
  await page.waitForSelector("#acting-for-error");
  assert.equal(await text(page, "#acting-for-error"), "The service is not available.");
  assert.equal(await page.$eval("#acting-for", (s) => s.value), "self", "the choice is put back");
  assert.equal(await focusedId(page), "acting-for", "the focus is on the list");
  assert.equal(await page.$("#acting-banner"), null);
  await closeApp(app, assert);
});
