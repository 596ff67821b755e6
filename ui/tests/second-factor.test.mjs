// The second factor (issue 11): the code step at sign-in (right, wrong, Back), the care team's
// enrolment at the first sign-in (QR code and key, a wrong code, recovery codes shown once),
// and the Second factor section of Your account; keyboard-usable and axe-clean.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useBrowser, openApp, closeApp, signIn, text, mockCalls, policy, axeClean, screenshot } from "./harness.mjs";

const PRACTICE = { name: "Dermatology Specialists of Kansas City", phone: "(816) 555-0142" };
const PASSWORD = "correct horse battery staple";
const ACCEPTED = "2026-03-05T17:30:00Z";
const user = (id, email, name, role, secondFactor) => ({
  id,
  email,
  name,
  role,
  pools: [],
  email_verified: true,
  second_factor: secondFactor,
});
const OKAFOR = user(1, "dr.okafor@dskc.example", "Dr. Adaeze Okafor", "physician", true);
const NEW_DOCTOR = user(9, "dr.new@dskc.example", "Dr. Noor Haddad", "physician", false);
const ANA = user(7, "ana.garcia@example.com", "Ana García", "patient", false);
const CLAUDIE = user(12, "claudie.walsh@example.net", "Claudie Walsh", "patient", true);
const accounts = [OKAFOR, NEW_DOCTOR, ANA, CLAUDIE].map((u) => ({ email: u.email, password: PASSWORD, user: u, acceptedAt: ACCEPTED }));
const scenario = { practice: PRACTICE, policy: policy(), accounts, totpCode: "314159", recoveryCodes: ["abcde-fghij"] };

const env = useBrowser();

test("sign-in asks for the code after the pass-phrase: a wrong code keeps the step, Back returns, the right code signs in", async () => {
  const app = await openApp(env.browser, env.base, scenario);
  const { page } = app;
  await signIn(page, OKAFOR.email, PASSWORD);
  await page.waitForSelector("#sign-in-code");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "sign-in-code");
  assert.equal(await page.$("#password"), null, "the pass-phrase field is gone at the code step");
  assert.equal(await page.getAttribute("#sign-in-code", "inputmode"), "numeric");
  assert.equal(await page.getAttribute("#sign-in-code", "autocomplete"), "one-time-code");
  assert.equal(await text(page, "label[for=sign-in-code]"), "Code from your authenticator app");
  assert.match(await text(page, "#sign-in-code-hint"), /recovery codes instead/);
  assert.equal(await page.$("#sign-in-error"), null, "asking for the code is not an error");
  await axeClean(page, "sign-in code step");
  await screenshot(page, "second-factor-code-step");

  await page.fill("#sign-in-code", "000000");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#sign-in-error");
  assert.match(await text(page, "#sign-in-error"), /That code is not right/);
  assert.equal(await page.getAttribute("#sign-in-code", "aria-invalid"), "true");
  assert.equal(await page.inputValue("#sign-in-code"), "");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "sign-in-code");
  await axeClean(page, "sign-in wrong code");
  await screenshot(page, "second-factor-code-wrong");

  await page.click("#sign-in-back");
  await page.waitForSelector("#password");
  assert.equal(await page.inputValue("#password"), "", "the pass-phrase is asked for again");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "password");
  assert.equal(await page.inputValue("#email"), OKAFOR.email);

  await signIn(page, OKAFOR.email, PASSWORD);
  await page.waitForSelector("#sign-in-code");
  await page.fill("#sign-in-code", "314159");
  await page.click("#sign-in-code-submit");
  await page.waitForSelector("#home");
  const calls = (await mockCalls(page, "sign_in")).map((c) => c.args);
  assert.deepEqual(
    calls.map((a) => a.code),
    [null, "000000", null, "314159"],
  );
  assert.ok(calls.every((a) => a.password === PASSWORD && a.email === OKAFOR.email));
  await closeApp(app, assert);
});

test("a recovery code signs in instead of the app's code, once", async () => {
  const app = await openApp(env.browser, env.base, scenario);
  const { page } = app;
  await signIn(page, CLAUDIE.email, PASSWORD);
  await page.waitForSelector("#sign-in-code");
  await page.fill("#sign-in-code", "abcde-fghij");
  await page.click("#sign-in-code-submit");
  await page.waitForSelector("#home");
  await closeApp(app, assert);
});

test("the care team's first sign-in without a second factor: set it up before anything else", async () => {
  const app = await openApp(env.browser, env.base, scenario);
  const { page } = app;
  await signIn(page, NEW_DOCTOR.email, PASSWORD);
  await page.waitForSelector("#totp-qr");
  assert.equal(await page.title(), "Set up your second factor – Patient Portal");
  assert.equal(await text(page, "h1"), "Set up your second factor");
  assert.equal(await page.$("#home"), null);
  assert.equal(await page.$("nav"), null, "no way into the app before it is set up");
  const qr = await page.$eval("#totp-qr", (img) => ({ src: img.getAttribute("src"), alt: img.alt, ok: img.complete && img.naturalWidth > 0 }));
  assert.match(qr.src, /^data:image\/svg\+xml;base64,/);
  assert.equal(qr.alt, "QR code to add your portal account to an authenticator app");
  assert.ok(qr.ok, "the QR code image loads under the app's CSP");
  assert.equal(await page.$$eval("#totp-setup svg", (s) => s.length), 0, "the SVG is never put in the page as markup");
  assert.equal(await text(page, "#totp-secret"), "JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP");
  assert.equal(
    await page.getAttribute(".secret[role=group]", "aria-label"),
    "Key, spelled out: J B S W, Y 3 D P, E H P K, 3 P X P, J B S W, Y 3 D P, E H P K, 3 P X P",
  );
  assert.equal(await page.getAttribute("#totp-code", "inputmode"), "numeric");
  assert.ok(await page.$("#enrol-sign-out"), "signing out is offered");
  await axeClean(page, "second factor enrolment");
  await screenshot(page, "second-factor-enrolment");

  await page.fill("#totp-code", "12345");
  await page.click("#totp-confirm");
  await page.waitForSelector("#totp-error");
  assert.match(await text(page, "#totp-error"), /6-digit code/);
  assert.equal((await mockCalls(page, "confirm_totp")).length, 0, "a code of the wrong shape is not sent");
  await page.fill("#totp-code", "000000");
  await page.click("#totp-confirm");
  await page.waitForSelector("#totp-error:has-text('not right')");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "totp-code");
  await axeClean(page, "second factor enrolment, wrong code");

  await page.fill("#totp-code", "314 159");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#recovery-codes");
  assert.deepEqual((await mockCalls(page, "confirm_totp")).map((c) => c.args), [{ code: "000000" }, { code: "314159" }]);
  const codes = await page.$$eval("#recovery-codes li", (li) => li.map((x) => x.textContent.trim()));
  assert.equal(codes.length, 10);
  assert.equal(
    await text(page, "#recovery-codes-explain"),
    "Save these codes somewhere safe: each works once if you lose your phone. They are shown only now.",
  );
  assert.equal(await page.evaluate(() => document.activeElement?.id), "recovery-codes-heading");
  await axeClean(page, "recovery codes");
  await screenshot(page, "second-factor-recovery-codes");

  await page.click("#recovery-codes-saved");
  await page.waitForSelector("#home");
  assert.equal(await page.$("#recovery-codes"), null, "the codes are shown once");
  await page.click("#nav-account");
  await page.waitForSelector("#second-factor-status");
  assert.match(await text(page, "#second-factor-status"), /^On /);
  assert.equal(await page.$("#second-factor-turn-off"), null, "the care team cannot turn it off");
  assert.ok(await page.$("#second-factor-new-codes"));
  const body = await page.textContent("body");
  assert.ok(!codes.some((c) => body.includes(c)), "no recovery code is shown again");
  await closeApp(app, assert);
});

test("signing out from the enrolment screen", async () => {
  const app = await openApp(env.browser, env.base, scenario);
  const { page } = app;
  await signIn(page, NEW_DOCTOR.email, PASSWORD);
  await page.waitForSelector("#totp-qr");
  await page.click("#enrol-sign-out");
  await page.waitForSelector("#sign-in-status:has-text('signed out')");
  assert.equal((await mockCalls(page, "sign_out")).length, 1);
  await closeApp(app, assert);
});

test("Your account: a patient sets up a second factor, gets new recovery codes, and turns it off", async () => {
  const app = await openApp(env.browser, env.base, scenario);
  const { page } = app;
  await signIn(page, ANA.email, PASSWORD);
  await page.waitForSelector("#home");
  await page.click("#nav-account");
  await page.waitForSelector("#second-factor-status");
  assert.match(await text(page, "#second-factor-status"), /^Off /);
  await axeClean(page, "account, second factor off");

  await page.click("#second-factor-set-up");
  await page.waitForSelector("#totp-qr");
  await page.fill("#totp-code", "314159");
  await page.click("#totp-confirm");
  await page.waitForSelector("#recovery-codes");
  await page.click("#recovery-codes-saved");
  await page.waitForSelector("#second-factor-done:has-text('is on')");
  assert.match(await text(page, "#second-factor-status"), /^On /);
  await screenshot(page, "second-factor-account-on");

  // New recovery codes: the pass-phrase first; a wrong one is refused.
  await page.click("#second-factor-new-codes");
  await page.waitForSelector("#second-factor-password");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "second-factor-password");
  await page.fill("#second-factor-password", "not it");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#second-factor-error");
  assert.match(await text(page, "#second-factor-error"), /not correct/);
  assert.equal(await page.inputValue("#second-factor-password"), "");
  await axeClean(page, "account, new recovery codes, wrong pass-phrase");
  await page.fill("#second-factor-password", PASSWORD);
  await page.click("#second-factor-submit");
  await page.waitForSelector("#recovery-codes");
  const fresh = await page.$$eval("#recovery-codes li", (li) => li.map((x) => x.textContent.trim()));
  assert.equal(fresh.length, 10);
  assert.ok(fresh.every((c) => c.startsWith("nw")));
  await page.click("#recovery-codes-saved");
  await page.waitForSelector("#second-factor-done:has-text('old ones no longer work')");
  assert.equal(await page.$("#recovery-codes"), null);

  // Turning it off.
  await page.click("#second-factor-turn-off");
  await page.fill("#second-factor-password", PASSWORD);
  await page.click("#second-factor-submit");
  await page.waitForSelector("#second-factor-done:has-text('is off')");
  assert.match(await text(page, "#second-factor-status"), /^Off /);
  assert.deepEqual((await mockCalls(page, "disable_totp")).map((c) => c.args), [{ password: PASSWORD }]);
  await axeClean(page, "account, second factor turned off");

  // Signing in again asks only for the pass-phrase.
  await page.click("#sign-out");
  await page.waitForSelector("#email");
  await signIn(page, ANA.email, PASSWORD);
  await page.waitForSelector("#home");
  await closeApp(app, assert);
});
