// A person's own account (issue 11) in the app: activation from the sign-in screen, a forgotten
// pass-phrase reset with an emailed code, the pass-phrase, email address and notices in
// "Your account", drafts locked under a previous pass-phrase (unlocked with it, or discarded
// once confirmed), and staff inviting a patient found. Each: the happy path, a wrong code or
// pass-phrase, a weak pass-phrase, a repeat that differs, and axe-clean.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useBrowser, openApp, closeApp, signIn, text, mockCalls, policy, axeClean, screenshot } from "./harness.mjs";

const PRACTICE = { name: "Dermatology Specialists of Kansas City", phone: "(816) 555-0142" };
const PASSWORD = "correct horse battery staple";
const NEW_PASSWORD = "copper kettle autumn river";
const ACCEPTED = "2026-03-05T17:30:00Z";
const user = (id, email, name, role, pools = []) => ({ id, email, name, role, pools, email_verified: true });
const ANA = user(7, "ana.garcia@example.com", "Ana García", "patient");
const JORDAN = user(31, "jordan.kim@example.com", "Jordan Kim", "staff", ["front_desk"]);
const OKAFOR = user(1, "dr.okafor@dskc.example", "Dr. Adaeze Okafor", "physician");
const CLAUDIE = user(12, "claudie.walsh@example.net", "Claudie Walsh", "patient");
const accounts = [ANA, JORDAN, OKAFOR].map((u) => ({ email: u.email, password: PASSWORD, user: u, acceptedAt: ACCEPTED }));
const INVITATION = { email: CLAUDIE.email, code: "ABCD-2345", dateOfBirth: "1988-02-14", user: CLAUDIE, patientIds: [2] };

const env = useBrowser();
const focusedId = (page) => page.evaluate(() => document.activeElement?.id ?? "");

function scenario(extra = {}) {
  return { practice: PRACTICE, policy: policy(), accounts, ...extra };
}

async function fillActivation(page, { code = INVITATION.code, dob = INVITATION.dateOfBirth, pass = NEW_PASSWORD, repeat = pass } = {}) {
  await page.fill("#activate-email", CLAUDIE.email);
  await page.fill("#activate-code", code);
  await page.fill("#activate-dob", dob);
  await page.fill("#activate-new", pass);
  await page.fill("#activate-repeat", repeat);
  await page.click("#activate-submit");
}

test("activation: from the sign-in screen, a repeat that differs, a wrong code, a weak pass-phrase, then signed in to the policy", async () => {
  const app = await openApp(env.browser, env.base, scenario({ invitations: [INVITATION] }));
  const { page } = app;
  await page.waitForSelector("#sign-in-form");
  await page.focus("#have-activation-code");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#activate-form");
  assert.equal(await page.title(), "Activate your account – Patient Portal");
  assert.equal(await focusedId(page), "", "the heading has focus");
  assert.equal(await page.evaluate(() => document.activeElement?.tagName), "H1");
  assert.equal(await page.getAttribute("#activate-dob", "type"), "date");
  assert.match(await text(page, "#activate-rules"), /^At least 15 characters\./);
  await axeClean(page, "activate");
  await screenshot(page, "activate");

  await fillActivation(page, { repeat: "copper kettle autumn rivers" });
  await page.waitForSelector("#activate-error");
  assert.equal(await text(page, "#activate-error"), "The two new pass-phrases are not the same. Please type the same one twice.");
  assert.equal(await focusedId(page), "activate-repeat");
  assert.equal(await page.getAttribute("#activate-repeat", "aria-invalid"), "true");
  assert.equal((await mockCalls(page, "activate")).length, 0, "nothing sent");
  assert.equal(await page.inputValue("#activate-new"), "", "pass-phrases are not kept in the page");

  await fillActivation(page, { code: "WRONG-CODE" });
  await page.waitForSelector("#activate-error:has-text('activation code')");
  assert.match(await text(page, "#activate-error"), /^The activation code or the date of birth is not correct/);
  assert.equal(await focusedId(page), "activate-code");

  await fillActivation(page, { pass: "too short", repeat: "too short" });
  await page.waitForSelector("#activate-error:has-text('15 characters')");
  assert.equal(await focusedId(page), "activate-new");
  await axeClean(page, "activate, weak pass-phrase");

  await fillActivation(page);
  await page.waitForSelector("#policy-text, #accept-policy, .policy");
  assert.deepEqual((await mockCalls(page, "activate")).at(-1).args, {
    email: CLAUDIE.email,
    code: INVITATION.code,
    dateOfBirth: INVITATION.dateOfBirth,
    password: NEW_PASSWORD,
  });
  assert.equal(await page.title(), "Portal policy – Patient Portal");
  await closeApp(app, assert);
});

test("a forgotten pass-phrase: a code by email, a wrong code, a weak one, a differing repeat, then back to sign-in with the address filled", async () => {
  const app = await openApp(env.browser, env.base, scenario({ resetCodes: { [ANA.email]: "731942" } }));
  const { page } = app;
  await page.waitForSelector("#sign-in-form");
  await page.click("#forgot-passphrase");
  await page.waitForSelector("#reset-request-form");
  assert.equal(await page.title(), "Forgot your pass-phrase? – Patient Portal");
  await axeClean(page, "reset, address");
  await page.fill("#reset-email", ANA.email);
  await page.keyboard.press("Enter");
  await page.waitForSelector("#reset-confirm-form");
  assert.equal(
    await text(page, "#reset-sent"),
    "If this address belongs to an account with a verified email, a code is on its way; it works for 15 minutes.",
  );
  assert.equal(await page.getAttribute("#reset-sent", "role"), "status");
  assert.equal(await focusedId(page), "reset-code");
  await axeClean(page, "reset, code");
  await screenshot(page, "reset-code");

  const confirm = async (code, pass, repeat = pass) => {
    await page.fill("#reset-code", code);
    await page.fill("#reset-new", pass);
    await page.fill("#reset-repeat", repeat);
    await page.click("#reset-submit");
  };
  await confirm("731942", NEW_PASSWORD, "something else entirely");
  await page.waitForSelector("#reset-error");
  assert.equal(await focusedId(page), "reset-repeat");
  assert.equal((await mockCalls(page, "confirm_reset")).length, 0);
  await confirm("000000", NEW_PASSWORD);
  await page.waitForSelector("#reset-error:has-text('code')");
  assert.match(await text(page, "#reset-error"), /^That code is not correct/);
  assert.equal(await focusedId(page), "reset-code");
  await confirm("731942", "short one");
  await page.waitForSelector("#reset-error:has-text('15 characters')");
  assert.equal(await focusedId(page), "reset-new");

  await confirm("731942", NEW_PASSWORD);
  await page.waitForSelector("#sign-in-form");
  assert.equal(
    await text(page, "#sign-in-status"),
    "Your pass-phrase is changed; every session was signed out. Sign in with the new one.",
  );
  assert.equal(await page.inputValue("#email"), ANA.email);
  await page.fill("#password", PASSWORD);
  await page.click("#sign-in");
  await page.waitForSelector("#sign-in-error");
  await page.fill("#password", NEW_PASSWORD);
  await page.click("#sign-in");
  await page.waitForSelector("#home");
  await closeApp(app, assert);
});

async function openAccount(page, who = ANA) {
  await signIn(page, who.email, PASSWORD);
  await page.waitForSelector("#home");
  await page.click("#nav-account");
  await page.waitForSelector("#passphrase-form");
}

test("account: the pass-phrase changed (wrong current, weak, differing repeat first); other devices signed out; drafts kept", async () => {
  const app = await openApp(env.browser, env.base, scenario());
  const { page } = app;
  await openAccount(page);
  const headings = await page.$$eval("#account h2", (hs) => hs.map((h) => h.textContent.trim()));
  assert.deepEqual(headings, ["Pass-phrase", "Second factor", "Email address", "Email notices", "Devices signed in"]);
  await page.waitForSelector("#devices");
  await axeClean(page, "account, all sections");
  await screenshot(page, "account-sections");

  const change = async (current, pass, repeat = pass) => {
    await page.fill("#passphrase-current", current);
    await page.fill("#passphrase-new", pass);
    await page.fill("#passphrase-repeat", repeat);
    await page.click("#passphrase-submit");
  };
  await change(PASSWORD, NEW_PASSWORD, "copper kettle");
  await page.waitForSelector("#passphrase-error");
  assert.equal(await focusedId(page), "passphrase-repeat");
  assert.equal((await mockCalls(page, "change_passphrase")).length, 0);
  await change("not my pass-phrase", NEW_PASSWORD);
  await page.waitForSelector("#passphrase-error:has-text('current pass-phrase')");
  assert.equal(await text(page, "#passphrase-error"), "Your current pass-phrase is not correct.");
  assert.equal(await focusedId(page), "passphrase-current");
  await change(PASSWORD, "tiny");
  await page.waitForSelector("#passphrase-error:has-text('15 characters')");
  assert.equal(await focusedId(page), "passphrase-new");

  await change(PASSWORD, NEW_PASSWORD);
  await page.waitForSelector("#passphrase-done:has-text('Changed')");
  assert.equal(await text(page, "#passphrase-done"), "Changed. 1 other device was signed out. Your drafts are kept.");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "passphrase-heading");
  await page.waitForSelector("#devices-summary:has-text('Only this device')");
  assert.equal(await page.inputValue("#passphrase-current"), "");
  await axeClean(page, "account, pass-phrase changed");
  await closeApp(app, assert);
});

test("account: the email address changed with a code (wrong pass-phrase and wrong code first), and the notices by email", async () => {
  const app = await openApp(env.browser, env.base, scenario({ notices: { messages: true, results: false } }));
  const { page } = app;
  await openAccount(page);
  assert.equal(await text(page, "#email-current"), `${ANA.email} Verified`);
  await page.click("#email-change");
  assert.equal(await focusedId(page), "email-new");
  await page.fill("#email-new", "ana.g@example.org");
  await page.fill("#email-password", "wrong one");
  await page.click("#email-send");
  await page.waitForSelector("#email-error");
  assert.equal(await focusedId(page), "email-password");
  await page.fill("#email-password", PASSWORD);
  await page.click("#email-send");
  await page.waitForSelector("#email-code-form");
  assert.match(await text(page, "#email-pending"), /^We sent a code to ana\.g@example\.org\. It works until /);
  assert.equal(await focusedId(page), "email-code");
  await axeClean(page, "account, email code");
  await page.fill("#email-code", "111111");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#email-error:has-text('code')");
  assert.equal(await focusedId(page), "email-code");
  await page.fill("#email-code", "246810");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#email-done");
  assert.equal(await text(page, "#email-done"), "Your email address is now ana.g@example.org.");
  assert.equal(await text(page, "#email-current"), "ana.g@example.org Verified");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "email-heading");

  // Notices: as the service has them; one ticked and saved at once.
  assert.equal(await page.isChecked("#notices-messages"), true);
  assert.equal(await page.isChecked("#notices-results"), false);
  assert.match(await text(page, "#notices-security"), /^Security notices always go/);
  await page.focus("#notices-results");
  await page.keyboard.press("Space");
  await page.waitForSelector("#notices-done:has-text('saved')");
  assert.deepEqual((await mockCalls(page, "set_notice_preferences")).at(-1).args, {
    preferences: { messages: true, results: true },
  });
  await axeClean(page, "account, email changed");
  await screenshot(page, "account-email-changed");
  await closeApp(app, assert);
});

test("drafts locked under the previous pass-phrase: a wrong one refused, unlocked with the right one; or discarded once confirmed", async () => {
  const now = new Date().toISOString();
  const drafts = [
    { draft_id: "d-1", owner: ANA.id, thread_id: null, category: "other", subject: "Sunscreen question", body: "Which SPF?", attachments: [], updated_at: now, version: 1 },
  ];
  for (const way of ["recover", "discard"]) {
    const app = await openApp(env.browser, env.base, scenario({ draftsLockedUnder: "my old pass phrase here", messaging: { drafts } }));
    const { page } = app;
    await signIn(page, ANA.email, PASSWORD);
    await page.waitForSelector("#home");
    await page.click("#nav-messages");
    await page.waitForSelector("#locked-drafts");
    assert.equal(
      await text(page, "#locked-drafts-title"),
      "Drafts saved on this computer under your previous pass-phrase are locked",
    );
    assert.equal(await page.$("#drafts-error"), null, "no second message");
    await axeClean(page, "locked drafts");
    if (way === "recover") {
      await screenshot(page, "locked-drafts");
      await page.click("#locked-drafts-recover");
      assert.equal(await focusedId(page), "locked-drafts-previous");
      await page.fill("#locked-drafts-previous", "not the old one");
      await page.fill("#locked-drafts-current", PASSWORD);
      await page.click("#locked-drafts-confirm");
      await page.waitForSelector("#locked-drafts-error");
      assert.equal(await focusedId(page), "locked-drafts-previous");
      await page.fill("#locked-drafts-previous", "my old pass phrase here");
      await page.fill("#locked-drafts-current", "wrong current");
      await page.click("#locked-drafts-confirm");
      await page.waitForSelector("#locked-drafts-error:has-text('current')");
      assert.equal(await focusedId(page), "locked-drafts-current");
      await page.fill("#locked-drafts-previous", "my old pass phrase here");
      await page.fill("#locked-drafts-current", PASSWORD);
      await page.click("#locked-drafts-confirm");
      await page.waitForSelector("#draft-list");
      assert.equal(await text(page, "#drafts-done"), "Your drafts are unlocked.");
      assert.match(await text(page, "#draft-list"), /Sunscreen question/);
    } else {
      await page.click("#locked-drafts-discard");
      assert.match(await text(page, "#locked-drafts-warning"), /^Discard the locked drafts\?/);
      assert.equal(await focusedId(page), "locked-drafts-current");
      await axeClean(page, "locked drafts, discard asked");
      await page.click("#locked-drafts-cancel");
      assert.equal(await page.$("#locked-drafts-warning"), null);
      assert.equal((await mockCalls(page, "discard_locked_drafts")).length, 0, "nothing discarded on cancel");
      await page.click("#locked-drafts-discard");
      await page.fill("#locked-drafts-current", PASSWORD);
      await page.click("#locked-drafts-confirm");
      await page.waitForSelector("#no-drafts");
      assert.match(await text(page, "#drafts-done"), /^The locked drafts were discarded\./);
    }
    assert.equal(await page.$("#locked-drafts"), null);
    assert.equal(await page.evaluate(() => document.activeElement?.id), "drafts-heading");
    await closeApp(app, assert);
  }
});

test("staff invite a patient found to the portal; a refusal is shown as the service says it; physicians are not offered it", async () => {
  const PATIENTS = [{ patient_id: 2, name: "Claudie Walsh", birth_date: "1988-02-14", mrn: "DSKC-1002", in_care: true }];
  const app = await openApp(env.browser, env.base, scenario({ record: { patients: PATIENTS } }));
  const { page } = app;
  await signIn(page, JORDAN.email, PASSWORD);
  await page.waitForSelector("#home");
  await page.click("#nav-patients");
  await page.waitForSelector("#patients");
  await page.fill("#patients-query", "walsh");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#patient-invite-2");
  assert.equal(await text(page, "#patient-invite-2"), "Invite to the portal Claudie Walsh");
  await page.focus("#patient-invite-2");
  await page.keyboard.press("Enter");
  assert.equal(await focusedId(page), "patient-invite-email");
  await axeClean(page, "invite form");
  await page.fill("#patient-invite-email", CLAUDIE.email);
  await page.keyboard.press("Enter");
  await page.waitForSelector("#patients-invited:has-text('Invitation sent')");
  assert.equal(await text(page, "#patients-invited"), `Invitation sent to ${CLAUDIE.email} (the code works for 7 days).`);
  assert.deepEqual((await mockCalls(page, "invite_patient")).at(-1).args, { patientId: 2, email: CLAUDIE.email });
  assert.equal(await focusedId(page), "patient-invite-2");
  await screenshot(page, "invite-sent");

  const conflict = "This patient already has an account in the portal.";
  await page.evaluate((message) => {
    window.__PORTAL_MOCK__.fail = { invite_patient: { code: "conflict", message } };
  }, conflict);
  await page.click("#patient-invite-2");
  await page.fill("#patient-invite-email", CLAUDIE.email);
  await page.click("#patient-invite-send");
  await page.waitForSelector("#patient-invite-error");
  assert.equal(await text(page, "#patient-invite-error"), conflict);
  assert.equal(await focusedId(page), "patient-invite-email");
  await axeClean(page, "invite refused");
  await closeApp(app, assert);

  const physician = await openApp(env.browser, env.base, scenario({ record: { patients: PATIENTS } }));
  await signIn(physician.page, OKAFOR.email, PASSWORD);
  await physician.page.waitForSelector("#home");
  await physician.page.click("#nav-patients");
  await physician.page.fill("#patients-query", "walsh");
  await physician.page.keyboard.press("Enter");
  await physician.page.waitForSelector("#patient-open-2");
  assert.equal(await physician.page.$("#patient-invite-2"), null);
  await closeApp(physician, assert);
});

test("a notice box keeps the focus while it is saved: aria-disabled, not disabled (WebKit moves the focus off a disabled control), and does not change meanwhile", async () => {
  const app = await openApp(env.browser, env.base, {
    ...scenario({ notices: { messages: true, results: false } }),
    delayMs: { set_notice_preferences: 800 },
  });
  const { page } = app;
  await openAccount(page);
  await page.waitForSelector("#notices-results");
  await page.focus("#notices-results");
  await page.keyboard.press("Space");
  await page.waitForSelector("#notices-results[aria-disabled='true']");
  assert.equal(await page.getAttribute("#notices-results", "disabled"), null, "still focusable while saving");
  assert.equal(await focusedId(page), "notices-results");
  await page.keyboard.press("Space");
  assert.equal(await page.isChecked("#notices-results"), true, "unchanged while saving");
  await page.waitForSelector("#notices-done:has-text('saved')");
  assert.equal(await focusedId(page), "notices-results");
  assert.equal(await page.isChecked("#notices-results"), true);
  assert.deepEqual(
    (await mockCalls(page, "set_notice_preferences")).map((c) => c.args),
    [{ preferences: { messages: true, results: true } }],
    "the press while saving waited",
  );
  await closeApp(app, assert);
});

test("a reset code that cannot be asked for: the focus stays on Send (aria-disabled while asking, not disabled: WebKit moves the focus off a disabled control)", async () => {
  const app = await openApp(env.browser, env.base, {
    ...scenario(),
    delayMs: { request_reset: 600 },
    fail: { request_reset: { code: "unavailable", message: "The service is not available." } },
  });
  const { page } = app;
  await page.waitForSelector("#sign-in-form");
  await page.click("#forgot-passphrase");
  await page.waitForSelector("#reset-request-form");
  await page.fill("#reset-email", ANA.email);
  await page.focus("#reset-send");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#reset-send[aria-disabled='true']");
  assert.equal(await page.getAttribute("#reset-send", "disabled"), null, "still focusable while asking");
  assert.equal(await focusedId(page), "reset-send");
  await page.waitForSelector("#reset-error");
  await page.waitForSelector("#reset-send:not([aria-disabled])");
  assert.equal(await focusedId(page), "reset-send", "the focus is on Send with the error");
  await closeApp(app, assert);
});
