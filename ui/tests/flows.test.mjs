// End-to-end flows of the built UI in Chromium, with the Rust side mocked.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  useBrowser, openApp, closeApp, signIn, text, mockCalls, policy,
  DEFAULT_EMAIL, DEFAULT_PASSWORD,
} from "./harness.mjs";

const PRACTICE = { name: "Dermatology Specialists of Kansas City", phone: "(816) 555-0142" };
const ANA = { id: 7, email: DEFAULT_EMAIL, name: "Ana García", role: "patient" };
const EXPIRED = {
  code: "session_expired",
  message: "You were signed out after 15 minutes without activity. Please sign in again.",
};

const env = useBrowser();

test("sign in, accept the policy, see home, sign out", async () => {
  const app = await openApp(env.browser, env.base, { practice: PRACTICE, policy: policy() });
  const { page } = app;

  await page.waitForSelector("h1:has-text('Dermatology Specialists of Kansas City')");
  assert.equal(await text(page, ".subtitle"), "Patient Portal");
  assert.match(await text(page, "main"), /The portal is never for emergencies\. In an emergency call 911\./);
  assert.equal(await page.getAttribute("#email", "type"), "email");
  assert.equal(await page.getAttribute("#email", "autocomplete"), "username");
  assert.equal(await page.getAttribute("#password", "type"), "password");
  assert.equal(await page.getAttribute("#password", "autocomplete"), "current-password");
  assert.equal(await text(page, "label[for=password]"), "Pass-phrase");
  assert.equal(await text(page, "#sign-in"), "Sign in");

  await signIn(page);
  await page.waitForSelector("#policy-text");
  assert.deepEqual((await mockCalls(page, "sign_in"))[0].args, { email: DEFAULT_EMAIL, password: DEFAULT_PASSWORD, code: null });
  assert.equal(await text(page, "h1"), "Patient Portal Policy");
  assert.equal(await text(page, "#policy-version"), "Version 3, published March 1, 2026");
  assert.equal(await page.getAttribute("#policy-text", "tabindex"), "0");
  assert.ok(await page.getAttribute("#policy-text", "aria-label"));
  assert.match(await page.textContent("#policy-text"), /1\. Not for emergencies\n/);
  assert.equal(await page.$eval("#policy-text", (e) => getComputedStyle(e).whiteSpace), "pre-wrap");
  assert.equal(await text(page, "#decline-policy"), "Sign out");

  await page.click("#accept-policy");
  await page.waitForSelector("#home");
  assert.deepEqual((await mockCalls(page, "accept_policy"))[0].args, { version: 3 });
  assert.equal(await text(page, "h1"), "Welcome, Ana García");
  assert.equal(await text(page, "#signed-in-as"), "Signed in as Ana García (ana.garcia@example.com) · Patient");
  assert.equal(await page.getAttribute("#emergency-notice", "role"), "note");
  assert.equal(
    await text(page, "#emergency-notice"),
    "This portal is never for emergencies or urgent requests. In an emergency, call 911. " +
      "For urgent questions, call Dermatology Specialists of Kansas City at (816) 555-0142.",
  );
  assert.equal(await page.getAttribute("#emergency-notice a", "href"), "tel:8165550142");
  const today = new Intl.DateTimeFormat("en-US", { dateStyle: "long", timeZone: "America/Chicago" }).format(new Date());
  assert.equal(await text(page, "#policy-accepted"), `You accepted the portal policy (version 3) on ${today}.`);

  await page.click("#sign-out");
  await page.waitForSelector("#sign-in-form");
  assert.equal(await text(page, "#sign-in-status"), "You have signed out.");
  assert.equal((await mockCalls(page, "sign_out")).length, 1);
  // No email address is remembered (issue 9, 5.10): the next person finds the form empty.
  assert.equal(await page.inputValue("#email"), "");
  assert.equal(await page.inputValue("#password"), "");

  // Nothing was stored in the webview.
  const stored = await page.evaluate(async () => ({
    local: localStorage.length,
    session: sessionStorage.length,
    cookie: document.cookie,
    idb: (await indexedDB.databases()).length,
  }));
  assert.deepEqual(stored, { local: 0, session: 0, cookie: "", idb: 0 });

  await closeApp(app, assert);
});

test("a wrong pass-phrase shows the message and empties the pass-phrase field", async () => {
  const app = await openApp(env.browser, env.base);
  const { page } = app;
  await page.waitForSelector("#sign-in-form");
  assert.equal(await page.inputValue("#email"), "", "no email address is remembered (issue 9, 5.10)");
  await page.fill("#email", DEFAULT_EMAIL);

  await page.fill("#password", "not my pass-phrase");
  await page.press("#password", "Enter");
  await page.waitForSelector("#sign-in-error");
  assert.equal(await page.getAttribute("#sign-in-error", "role"), "alert");
  assert.equal(
    await text(page, "#sign-in-error"),
    "The email address or pass-phrase is not right. Please check them and try again.",
  );
  assert.equal(await page.inputValue("#password"), "");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "password");
  assert.equal(await page.isEnabled("#sign-in"), true);
  await closeApp(app, assert);
});

test("while signing in the button is disabled and the pass-phrase is already cleared", async () => {
  const app = await openApp(env.browser, env.base, { delayMs: { sign_in: 600 } });
  const { page } = app;
  await signIn(page);
  await page.waitForSelector("#sign-in:disabled");
  assert.equal(await text(page, "#sign-in"), "Signing in…");
  assert.equal(await page.inputValue("#password"), "");
  await page.waitForSelector("#policy-text");
  await closeApp(app, assert);
});

test("empty fields are explained without calling the server", async () => {
  const app = await openApp(env.browser, env.base, {});
  const { page } = app;
  await page.click("#sign-in");
  assert.equal(await text(page, "#sign-in-error"), "Please enter your email address.");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "email");
  await page.fill("#email", DEFAULT_EMAIL);
  await page.click("#sign-in");
  assert.equal(await text(page, "#sign-in-error"), "Please enter your pass-phrase.");
  assert.equal((await mockCalls(page, "sign_in")).length, 0);
  await closeApp(app, assert);
});

test("a locked account shows when to try again", async () => {
  const message = "Your account is locked after too many tries. You can try again after 3:45 PM, or call the office.";
  const app = await openApp(env.browser, env.base, { fail: { sign_in: { code: "account_locked", message } } });
  const { page } = app;
  await signIn(page);
  await page.waitForSelector("#sign-in-error");
  assert.equal(await text(page, "#sign-in-error"), message);
  assert.equal(await page.inputValue("#password"), "");
  await closeApp(app, assert);
});

test("an account the practice turned off says so and whom to call, the server settings stay closed", async () => {
  const message =
    "This account has been turned off by the practice. Nothing in it was deleted: please call the practice to have it turned back on.";
  const app = await openApp(env.browser, env.base, { fail: { sign_in: { code: "account_disabled", message } } });
  const { page } = app;
  await signIn(page);
  await page.waitForSelector("#sign-in-error");
  assert.equal(await text(page, "#sign-in-error"), message);
  assert.equal(await page.$eval("details", (d) => d.open), false);
  assert.equal(await page.evaluate(() => document.activeElement?.id), "sign-in");
  await closeApp(app, assert);
});

for (const [code, message] of [
  ["server_unreachable", "We can't reach your practice's server right now. Please check your internet connection and try again."],
  ["untrusted_certificate", "We could not confirm that this is your practice's server, so we did not connect. Please call the office."],
]) {
  test(`practice_info ${code}: the message is shown in #server-error and the form stays usable`, async () => {
    const app = await openApp(env.browser, env.base, { fail: { practice_info: { code, message } } });
    const { page } = app;
    await page.waitForSelector("#server-error");
    assert.equal(await page.isVisible("#server-error"), true);
    assert.equal(await page.getAttribute("#server-error", "role"), "alert");
    assert.equal(await text(page, "#server-error"), message);
    assert.equal(await page.$eval("details", (d) => d.open), true, "server settings opened");
    assert.equal(await text(page, "h1"), "Patient Portal");
    assert.equal(await page.isEnabled("#email"), true);
    assert.equal(await page.isEnabled("#sign-in"), true);
    await signIn(page);
    await page.waitForSelector("#policy-text");
    await closeApp(app, assert);
  });
}

test("sign_in connection errors are shown in #sign-in-error", async () => {
  const message = "We can't reach your practice's server right now. Please try again in a few minutes.";
  const app = await openApp(env.browser, env.base, { fail: { sign_in: { code: "server_unreachable", message } } });
  const { page } = app;
  await signIn(page);
  await page.waitForSelector("#sign-in-error");
  assert.equal(await text(page, "#sign-in-error"), message);
  assert.equal(await page.$eval("details", (d) => d.open), true);
  await closeApp(app, assert);
});

test("server settings: a bad address is explained; saving fetches the practice again", async () => {
  const app = await openApp(env.browser, env.base, {
    practice: PRACTICE,
    fail: { practice_info: { code: "server_unreachable", message: "We can't reach your practice's server right now." } },
  });
  const { page } = app;
  await page.waitForSelector("#server-error");
  assert.equal(await page.inputValue("#server-url"), "https://portal.dskc.example");

  await page.fill("#server-url", "http://portal.dskc.example");
  await page.click("#save-server");
  await page.waitForSelector("#server-error:has-text('https://')");
  assert.deepEqual((await mockCalls(page, "save_settings"))[0].args, {
    serverUrl: "http://portal.dskc.example",
    caFile: "",
    confirm: false,
  });

  await page.fill("#ca-file", "/home/ana/practice.crt");
  await page.fill("#server-url", "https://portal2.dskc.example");
  await page.click("#save-server");
  await page.waitForSelector("#server-error:has-text('certificate file')");

  await page.evaluate(() => delete window.__PORTAL_MOCK__.fail.practice_info);
  await page.fill("#ca-file", "/home/ana/practice.pem");
  await page.click("#save-server");
  await page.waitForSelector("#server-confirm");
  await page.click("#confirm-server");
  await page.waitForSelector("#server-status:has-text('connected')");
  assert.equal(await page.$("#server-error"), null);
  assert.equal(await text(page, "#server-status"), "Server settings saved. The portal is connected.");
  assert.equal(await text(page, "h1"), PRACTICE.name);
  assert.deepEqual((await mockCalls(page, "save_settings")).at(-1).args, {
    serverUrl: "https://portal2.dskc.example",
    caFile: "/home/ana/practice.pem",
    confirm: true,
  });
  await closeApp(app, assert);
});

test("server settings: a different server is only saved after a clear confirmation", async () => {
  const app = await openApp(env.browser, env.base, {
    practice: PRACTICE,
    settings: { server_url: "https://portal.dskc.example", ca_file: "/home/ana/practice.pem" },
  });
  const { page } = app;
  await page.click("summary");
  await page.waitForFunction(() => document.querySelector("#server-url")?.value === "https://portal.dskc.example");

  await page.fill("#server-url", "https://evil.example");
  await page.click("#save-server");
  await page.waitForSelector("#server-confirm");
  assert.equal(await page.getAttribute("#server-confirm", "role"), "alertdialog");
  assert.equal(
    await text(page, "#server-confirm-message"),
    "You are about to connect to a different portal server: https://evil.example. Only continue if the practice told you to.",
  );
  assert.equal(await page.evaluate(() => document.activeElement?.id), "cancel-server");
  assert.equal(await page.$("#save-server"), null);
  assert.deepEqual((await mockCalls(page, "save_settings")).at(-1).args, {
    serverUrl: "https://evil.example",
    caFile: "/home/ana/practice.pem",
    confirm: false,
  });

  // Cancel: nothing saved.
  await page.click("#cancel-server");
  await page.waitForSelector("#save-server");
  assert.equal(await page.$("#server-confirm"), null);
  assert.equal(await text(page, "#server-status"), "Server settings not changed.");
  assert.equal((await mockCalls(page, "save_settings")).length, 1);

  // Saving the same settings asks nothing.
  await page.fill("#server-url", "https://portal.dskc.example");
  await page.click("#save-server");
  await page.waitForSelector("#server-status:has-text('saved')");
  assert.equal(await page.$("#server-confirm"), null);
  await closeApp(app, assert);
});

test("an already-accepted policy goes straight to home", async () => {
  const app = await openApp(env.browser, env.base, {
    accounts: [{ email: DEFAULT_EMAIL, password: DEFAULT_PASSWORD, user: ANA, acceptedAt: "2026-03-05T17:30:00Z" }],
  });
  const { page } = app;
  await signIn(page);
  await page.waitForSelector("#home");
  assert.equal(await text(page, "#policy-accepted"), "You accepted the portal policy (version 3) on March 5, 2026.");
  assert.equal(await page.$("#policy-text"), null);
  await closeApp(app, assert);
});

test("an existing session at start-up opens home, or the policy when a patient has not accepted it yet", async () => {
  const physician = { ...ANA, role: "physician", name: "Dr. Lee" };
  for (const [user, acceptedAt, selector] of [
    [physician, "2026-03-05T17:30:00Z", "#home"],
    [ANA, null, "#policy-text"],
    // The policy is the patients'; the care team is not asked to accept it.
    [physician, null, "#home"],
  ]) {
    const app = await openApp(env.browser, env.base, { session: { user, policy: policy({ accepted_at: acceptedAt }) } });
    await app.page.waitForSelector(selector);
    if (user === physician) assert.match(await text(app.page, "#signed-in-as"), /· Physician$/);
    assert.equal((await mockCalls(app.page, "sign_in")).length, 0);
    await closeApp(app, assert);
  }
});

test("session_expired from any command returns to sign-in with its message", async () => {
  // 1. at start-up (a page loaded again: the window's first page is told nobody is signed in)
  let app = await openApp(env.browser, env.base, { handover: false, fail: { current_session: EXPIRED } });
  await app.page.waitForSelector("#sign-in-status:has-text('15 minutes')");
  assert.equal(await text(app.page, "#sign-in-status"), EXPIRED.message);
  await closeApp(app, assert);

  // 2. accepting the policy
  app = await openApp(env.browser, env.base, { session: { user: ANA, policy: policy() } });
  await app.page.waitForSelector("#policy-text");
  await app.page.evaluate((e) => (window.__PORTAL_MOCK__.fail = { accept_policy: e }), EXPIRED);
  await app.page.click("#accept-policy");
  await app.page.waitForSelector("#sign-in-form");
  assert.equal(await text(app.page, "#sign-in-status"), EXPIRED.message);
  assert.equal(await app.page.$("#policy-error"), null);
  await closeApp(app, assert);

  // 3. signing out from home, with `unauthenticated`
  app = await openApp(env.browser, env.base, { session: { user: ANA, policy: policy({ accepted_at: "2026-03-05T17:30:00Z" }) } });
  await app.page.waitForSelector("#home");
  const message = "Please sign in again to continue.";
  await app.page.evaluate((m) => (window.__PORTAL_MOCK__.fail = { sign_out: { code: "unauthenticated", message: m } }), message);
  await app.page.click("#sign-out");
  await app.page.waitForSelector("#sign-in-form");
  assert.equal(await text(app.page, "#sign-in-status"), message);
  // and signing in again works
  await app.page.evaluate(() => (window.__PORTAL_MOCK__.fail = {}));
  await signIn(app.page);
  await app.page.waitForSelector("#policy-text");
  await closeApp(app, assert);
});

test("policy text is shown as plain text, never as HTML", async () => {
  const evil = `Before <img src=x onerror=alert(1)> after\n\n<script>alert(2)</script><b>bold?</b>`;
  const app = await openApp(env.browser, env.base, { session: { user: ANA, policy: policy({ title: "<i>Policy</i>", text: evil }) } });
  const { page } = app;
  await page.waitForSelector("#policy-text");
  assert.equal(await page.textContent("#policy-text"), evil);
  assert.equal(await text(page, "h1"), "<i>Policy</i>");
  assert.equal(await page.$$eval("#policy-text *", (els) => els.length), 0);
  assert.equal(await page.$$eval("img", (els) => els.length), 0);
  await page.waitForTimeout(200);
  await closeApp(app, assert); // also asserts no dialog opened
});

test("a newer policy version is loaded and shown again when accepting an outdated one", async () => {
  const newer = policy({ version: 4, title: "Patient Portal Policy (updated)", published_at: "2026-04-02T14:00:00Z", text: "Version four." });
  const app = await openApp(env.browser, env.base, { session: { user: ANA, policy: policy() }, policy: policy(), newerPolicy: newer });
  const { page } = app;
  await page.waitForSelector("#policy-text");
  await page.click("#accept-policy");
  await page.waitForSelector("#policy-error");
  assert.equal(await text(page, "#policy-error"), "The policy was updated while you were reading it. Please read the new version below.");
  assert.equal(await text(page, "h1"), "Patient Portal Policy (updated)");
  assert.equal(await text(page, "#policy-version"), "Version 4, published April 2, 2026");
  assert.equal(await text(page, "#policy-text"), "Version four.");
  assert.equal((await mockCalls(page, "get_policy")).length, 1);
  await page.click("#accept-policy");
  await page.waitForSelector("#home");
  assert.match(await text(page, "#policy-accepted"), /\(version 4\)/);
  await closeApp(app, assert);
});

test("declining the policy signs out", async () => {
  const app = await openApp(env.browser, env.base, { session: { user: ANA, policy: policy() } });
  const { page } = app;
  await page.waitForSelector("#decline-policy");
  await page.click("#decline-policy");
  await page.waitForSelector("#sign-in-form");
  assert.equal(await text(page, "#sign-in-status"), "You have signed out.");
  assert.equal((await mockCalls(page, "sign_out")).length, 1);
  await closeApp(app, assert);
});

test("an unexpected (string) rejection is shown in plain words", async () => {
  const app = await openApp(env.browser, env.base, { fail: { sign_in: "command sign_in not found" } });
  const { page } = app;
  await signIn(page);
  await page.waitForSelector("#sign-in-error");
  assert.match(await text(page, "#sign-in-error"), /^Something went wrong/);
  await closeApp(app, assert);
});

test("server settings set by the organization are read-only and cannot be saved", async () => {
  const app = await openApp(env.browser, env.base, {
    practice: PRACTICE,
    settings: {
      server_url: "https://portal.clinic.example",
      ca_file: "/etc/patient-portal/clinic-ca.pem",
      managed: { server_url: true, ca_file: true },
    },
  });
  const { page } = app;
  await page.click("summary");
  await page.waitForFunction(() => document.querySelector("#server-url")?.value === "https://portal.clinic.example");
  assert.equal(await page.getAttribute("#server-url", "readonly"), "");
  assert.equal(await page.getAttribute("#ca-file", "readonly"), "");
  assert.equal(await text(page, "#server-url-hint"), "Set by your organization");
  assert.equal(await text(page, "#ca-file-hint"), "Set by your organization");
  assert.equal(await page.$("#save-server"), null);
  assert.equal((await mockCalls(page, "save_settings")).length, 0);
  await closeApp(app, assert);
});

test("server settings from the keyboard: Save keeps the focus while it saves (aria-disabled, not disabled: WebKit moves the focus off a disabled control), and Continue in the confirmation gives it back to Save", async () => {
  const app = await openApp(env.browser, env.base, {
    practice: PRACTICE,
    settings: { server_url: "https://portal.dskc.example", ca_file: "/home/ana/practice.pem" },
    delayMs: { save_settings: 800 },
  });
  const { page } = app;
  const focusedId = () => page.evaluate(() => document.activeElement?.id);
  await page.click("summary");
  await page.waitForFunction(() => document.querySelector("#server-url")?.value === "https://portal.dskc.example");

  // The same settings: saved at once, the focus kept on Save meanwhile and after.
  await page.focus("#save-server");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#save-server[aria-disabled='true']");
  assert.equal(await page.getAttribute("#save-server", "disabled"), null, "still focusable while saving");
  assert.equal(await focusedId(), "save-server");
  await page.waitForSelector("#server-status:has-text('saved')");
  await page.waitForSelector("#save-server:not([aria-disabled])");
  assert.equal(await focusedId(), "save-server");

  // Another server, confirmed with the keyboard: the focus back on Save once saved.
  await page.fill("#server-url", "https://portal2.dskc.example");
  await page.focus("#save-server");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#server-confirm");
  await page.waitForFunction(() => document.activeElement?.id === "cancel-server");
  await page.keyboard.press("Shift+Tab");
  assert.equal(await focusedId(), "confirm-server");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#confirm-server[aria-disabled='true']");
  assert.equal(await focusedId(), "confirm-server", "kept while saving");
  await page.waitForSelector("#save-server");
  await page.waitForSelector("#server-status:has-text('connected')");
  assert.equal(await focusedId(), "save-server", "the confirmation gone, the focus is on Save");
  await closeApp(app, assert);
});
