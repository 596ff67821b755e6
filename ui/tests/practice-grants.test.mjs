// The front desk sets up an authorized person for a patient who cannot (issue 12): from a
// patient found in Patients, "Set up an authorized person" opens a form (name, email, what they
// may do, the last day with the child's 12th-birthday hint, the reason, the document seen); the
// form's own checks each focus their field; the service's refusals (409, 422) are shown as it
// words them; a success line names the person and the last day, and the request carries it all.
// Clinical and billing staff, physicians and admins are never offered it. Each state is
// axe-clean.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useBrowser, openApp, closeApp, signIn, text, mockCalls, policy, axeClean, screenshot } from "./harness.mjs";

const PRACTICE = { name: "Dermatology Specialists of Kansas City", phone: "(816) 555-0142" };
const PASSWORD = "correct horse battery staple";
const ACCEPTED = "2026-03-05T17:30:00Z";
const user = (id, email, name, role, pools = []) => ({ id, email, name, role, pools, email_verified: true });
const JORDAN = user(31, "jordan.kim@dskc.example", "Jordan Kim", "staff", ["front_desk"]);
const CHRIS = user(32, "chris.ortiz@dskc.example", "Chris Ortiz", "staff", ["billing"]);
const NURSE = user(33, "lee.nguyen@dskc.example", "Lee Nguyen, RN", "staff", ["clinical"]);
const OKAFOR = user(1, "dr.okafor@dskc.example", "Dr. Adaeze Okafor", "physician");
const ADMIN = user(2, "admin@dskc.example", "Sam Admin", "admin");
const accounts = [JORDAN, CHRIS, NURSE, OKAFOR, ADMIN].map((u) => ({
  email: u.email,
  password: PASSWORD,
  user: u,
  acceptedAt: ACCEPTED,
}));
/** Leo, born March 14, 2019: his parent's access lasts until March 13, 2031. */
const LEO = { patient_id: 3, name: "Leo Walsh", birth_date: "2019-03-14", mrn: "DSKC-1003", in_care: false };
const CLAUDIE = { patient_id: 2, name: "Claudie Walsh", birth_date: "1988-02-14", mrn: "DSKC-1002", in_care: true };
const PATIENTS = [CLAUDIE, LEO];
const MARA = { name: "Mara Walsh", email: "mara.walsh@example.com" };
const REASON = "Mother of a child under 12.";
const DOCUMENT = "Birth certificate";

const env = useBrowser();
const focusedId = (page) => page.evaluate(() => document.activeElement?.id ?? "");

function scenario(extra = {}) {
  return { practice: PRACTICE, policy: policy(), accounts, record: { patients: PATIENTS }, ...extra };
}

/** Signs in as `who` and searches Patients for the Walshes. */
async function findWalshes(page, who) {
  await page.waitForSelector("#sign-in-form");
  await signIn(page, who.email, PASSWORD);
  await page.waitForSelector("#home");
  await page.click("#nav-patients");
  await page.waitForSelector("#patients");
  await page.fill("#patients-query", "walsh");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#patient-open-3");
}

/** Opens Leo Walsh's form and fills it in: Mara may read his messages until 2031-03-13. */
async function fillForLeo(page) {
  await page.click("#patient-grant-3");
  await page.fill("#practice-grant-name", MARA.name);
  await page.fill("#practice-grant-email", MARA.email);
  await page.check("#practice-grant-scope-read-messages");
  await page.fill("#practice-grant-until", "2031-03-13");
  await page.fill("#practice-grant-reason", REASON);
  await page.fill("#practice-grant-document", DOCUMENT);
}

/** Sends the form and waits for its error; answers the error's text. */
async function sendExpectingError(page, pattern) {
  await page.click("#practice-grant-send");
  await page.waitForFunction(
    (source) => new RegExp(source).test(document.querySelector("#practice-grant-error")?.textContent ?? ""),
    pattern.source,
  );
  return text(page, "#practice-grant-error");
}

test("the front desk sets up an authorized person for a child: the form's checks, the service's refusals, then sent", async () => {
  const app = await openApp(env.browser, env.base, scenario());
  const { page } = app;
  await findWalshes(page, JORDAN);
  assert.equal(await text(page, "#patient-grant-3"), "Set up an authorized person for Leo Walsh");
  assert.equal(await text(page, "#patient-invite-3"), "Invite to the portal Leo Walsh", "staff still invite");

  // Opened with the keyboard; cancelled, the focus goes back to the action.
  await page.focus("#patient-grant-3");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#practice-grant-form");
  assert.equal(await focusedId(page), "practice-grant-name");
  await page.click("#practice-grant-cancel");
  await page.waitForSelector("#practice-grant-form", { state: "detached" });
  assert.equal(await focusedId(page), "patient-grant-3");

  await page.click("#patient-grant-3");
  await page.waitForSelector("#practice-grant-form");
  assert.equal(await text(page, "#practice-grant-heading"), "Set up an authorized person for Leo Walsh");
  assert.equal(
    await text(page, "#practice-grant-until-hint"),
    "The access ends by itself after this day. For a child: the day before their 12th birthday (March 13, 2031 for Leo Walsh).",
  );
  await axeClean(page, "practice grant form");
  await screenshot(page, "practice-grant-form");

  // The form's own checks, each focusing its field, nothing sent.
  assert.equal(await sendExpectingError(page, /name/), "Please enter the person's name.");
  assert.equal(await focusedId(page), "practice-grant-name");
  assert.equal(await page.getAttribute("#practice-grant-name", "aria-invalid"), "true");
  await page.fill("#practice-grant-name", MARA.name);
  await page.fill("#practice-grant-email", "mara.walsh");
  await sendExpectingError(page, /email address/);
  assert.equal(await focusedId(page), "practice-grant-email");
  await page.fill("#practice-grant-email", JORDAN.email);
  await sendExpectingError(page, /at least one/);
  assert.equal(await focusedId(page), "practice-grant-scopes");
  await page.check("#practice-grant-scope-write-messages");
  assert.equal(await page.isChecked("#practice-grant-scope-read-messages"), true);
  assert.equal(await page.isDisabled("#practice-grant-scope-read-messages"), true);
  assert.equal(await text(page, "#practice-grant-read-implied"), "Writing messages includes reading them.");
  await page.check("#practice-grant-scope-record");
  assert.match(await sendExpectingError(page, /last day/), /^Please enter the last day of the access\./);
  assert.equal(await focusedId(page), "practice-grant-until");
  await page.fill("#practice-grant-until", "2020-01-01");
  assert.equal(await sendExpectingError(page, /past/), "The last day cannot be in the past.");
  await page.fill("#practice-grant-until", "2031-03-13");
  assert.equal(await sendExpectingError(page, /why/), "Please write why Leo Walsh cannot do this themselves.");
  assert.equal(await focusedId(page), "practice-grant-reason");
  await page.fill("#practice-grant-reason", REASON);
  await sendExpectingError(page, /document/);
  assert.equal(await focusedId(page), "practice-grant-document");
  await page.fill("#practice-grant-document", DOCUMENT);
  assert.equal((await mockCalls(page, "give_grant_by_practice")).length, 0, "nothing sent");

  // The service refuses the staff member's own address (409): its words, the address focused.
  assert.equal(
    await sendExpectingError(page, /own address/),
    "The authorized person was not set up. That is your own address: give access to someone else's.",
  );
  assert.equal(await focusedId(page), "practice-grant-email");
  assert.equal(await page.getAttribute("#practice-grant-email", "aria-invalid"), "true");
  await axeClean(page, "practice grant refused");

  // A 422 the form cannot foresee is shown as the service words it.
  const invalid = "Write the document seen without control characters.";
  await page.evaluate((message) => {
    window.__PORTAL_MOCK__.fail = { give_grant_by_practice: { code: "validation", message } };
  }, invalid);
  await page.fill("#practice-grant-email", MARA.email);
  assert.equal(await sendExpectingError(page, /control characters/), `The authorized person was not set up. ${invalid}`);
  await page.evaluate(() => {
    window.__PORTAL_MOCK__.fail = {};
  });

  // Sent: the success line names the person and the last day; the focus returns to the action.
  await page.click("#practice-grant-send");
  await page.waitForSelector("#patients-grant-done:has-text('Mara Walsh')");
  assert.equal(
    await text(page, "#patients-grant-done"),
    "Mara Walsh may act for Leo Walsh until March 13, 2031 (the access ends by itself after that day). An invitation went to mara.walsh@example.com.",
  );
  assert.equal(await page.$("#practice-grant-form"), null);
  assert.equal(await focusedId(page), "patient-grant-3");
  const calls = await mockCalls(page, "give_grant_by_practice");
  assert.deepEqual(calls.at(-1).args, {
    patientId: 3,
    request: {
      name: MARA.name,
      email: MARA.email,
      scopes: ["read_messages", "write_messages", "record"],
      until: "2031-03-13",
      reason: REASON,
      document: DOCUMENT,
    },
  });
  await axeClean(page, "practice grant sent");
  await screenshot(page, "practice-grant-sent");

  // Opening another patient's form (or the invitation) clears the line and keeps one form open.
  await page.click("#patient-grant-2");
  await page.waitForSelector("#practice-grant-form");
  assert.equal(await text(page, "#patients-grant-done"), "");
  assert.match(await text(page, "#practice-grant-until-hint"), /12th birthday\.$/, "an adult: no child's date offered");
  await page.click("#patient-invite-3");
  await page.waitForSelector("#patient-invite-form");
  assert.equal(await page.$("#practice-grant-form"), null);
  await closeApp(app, assert);
});

test("a refusal of the service for the account (403) says only the front desk may", async () => {
  const app = await openApp(
    env.browser,
    env.base,
    scenario({ fail: { give_grant_by_practice: { code: "forbidden", message: "Your account may not do this." } } }),
  );
  const { page } = app;
  await findWalshes(page, JORDAN);
  await fillForLeo(page);
  assert.equal(
    await sendExpectingError(page, /front desk/),
    "Your account cannot set up authorized persons: only the front desk can.",
  );
  assert.equal(await text(page, "#patients-grant-done"), "");
  await closeApp(app, assert);
});

test("clinical and billing staff and physicians are not offered it; admins have no Patients", async () => {
  for (const who of [CHRIS, NURSE, OKAFOR]) {
    const app = await openApp(env.browser, env.base, scenario());
    const { page } = app;
    await findWalshes(page, who);
    assert.equal(await page.$("[data-testid='patient-grant']"), null, `${who.name}: no "Set up an authorized person"`);
    assert.equal(await page.$("#practice-grant-form"), null);
    if (who.role === "staff") assert.ok(await page.$("#patient-invite-3"), `${who.name} still invites`);
    await closeApp(app, assert);
  }
  const app = await openApp(env.browser, env.base, scenario());
  const { page } = app;
  await signIn(page, ADMIN.email, PASSWORD);
  await page.waitForSelector("#home");
  assert.ok(await page.$("#nav-account"), "the admin is signed in, with the portal's navigation");
  assert.equal(await page.$("#nav-patients"), null);
  assert.equal(await page.$("[data-testid='patient-grant']"), null);
  await closeApp(app, assert);
});

test("a refusal while the form is sent leaves the focus on Send (aria-disabled while sending, not disabled: WebKit moves the focus off a disabled control)", async () => {
  const app = await openApp(
    env.browser,
    env.base,
    scenario({
      delayMs: { give_grant_by_practice: 1500 },
      fail: { give_grant_by_practice: { code: "unavailable", message: "The service is not available." } },
    }),
  );
  const { page } = app;
  await findWalshes(page, JORDAN);
  await fillForLeo(page);
  await page.focus("#practice-grant-send");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#practice-grant-send[aria-disabled='true']");
  assert.equal(await page.getAttribute("#practice-grant-send", "disabled"), null, "still focusable while sending");
  assert.equal(await focusedId(page), "practice-grant-send");
  // Cancel waits while the form is sent.
  await page.keyboard.press("Tab");
  assert.equal(await focusedId(page), "practice-grant-cancel");
  await page.keyboard.press("Enter");
  assert.ok(await page.$("#practice-grant-form"), "not closed while sending");
  await page.keyboard.press("Shift+Tab");
  await page.waitForSelector("#practice-grant-error");
  await page.waitForSelector("#practice-grant-send:not([aria-disabled])");
  assert.match(await text(page, "#practice-grant-error"), /not available/);
  assert.equal(await focusedId(page), "practice-grant-send", "the focus is on Send with the error");
  assert.equal((await mockCalls(page, "give_grant_by_practice")).length, 1, "sent once");
  await closeApp(app, assert);
});

test("an invitation that cannot be sent: the focus stays on Send while it is sent (aria-disabled), then goes to the address", async () => {
  const app = await openApp(
    env.browser,
    env.base,
    scenario({
      delayMs: { invite_patient: 1000 },
      fail: { invite_patient: { code: "unavailable", message: "The service is not available." } },
    }),
  );
  const { page } = app;
  await findWalshes(page, JORDAN);
  await page.click("#patient-invite-3");
  await page.fill("#patient-invite-email", MARA.email);
  await page.focus("#patient-invite-send");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#patient-invite-send[aria-disabled='true']");
  assert.equal(await page.getAttribute("#patient-invite-send", "disabled"), null, "still focusable while sending");
  assert.equal(await focusedId(page), "patient-invite-send");
  await page.keyboard.press("Tab");
  await page.keyboard.press("Enter");
  assert.ok(await page.$("#patient-invite-form"), "Cancel waits while it is sent");
  await page.waitForSelector("#patient-invite-error");
  assert.equal(await focusedId(page), "patient-invite-email", "the address, to correct it");
  assert.equal((await mockCalls(page, "invite_patient")).length, 1, "sent once");
  await closeApp(app, assert);
});
