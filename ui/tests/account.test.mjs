// The person's account screen (issue 11): the devices signed in, this one marked; one other
// signed out, then every other; keyboard-usable and axe-clean; offered to every role.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useBrowser, openApp, closeApp, signIn, text, mockCalls, policy, axeClean, screenshot } from "./harness.mjs";

const PRACTICE = { name: "Dermatology Specialists of Kansas City", phone: "(816) 555-0142" };
const ANA = { id: 7, email: "ana.garcia@example.com", name: "Ana García", role: "patient", pools: [] };
const ADMIN = { id: 41, email: "admin@dskc.example", name: "Alex Morgan", role: "admin", pools: [] };
const PASSWORD = "correct horse battery staple";
const ACCEPTED = "2026-03-05T17:30:00Z";
const accounts = [ANA, ADMIN].map((user) => ({ email: user.email, password: PASSWORD, user, acceptedAt: ACCEPTED }));
const LAPTOP = {
  id: 69,
  device: null,
  signed_in_from: "192.0.2.9",
  started_at: "2026-11-28T08:00:00Z",
  last_active_at: "2026-11-28T08:05:00Z",
  current: false,
};

const env = useBrowser();

async function openAccount(page, who = ANA) {
  await signIn(page, who.email, PASSWORD);
  await page.waitForSelector("#home");
  await page.click("#nav-account");
  await page.waitForSelector("#devices");
}

test("the devices signed in: this one marked, one other signed out with the keyboard, then every other", async () => {
  const app = await openApp(env.browser, env.base, { practice: PRACTICE, policy: policy(), accounts });
  const { page } = app;
  await openAccount(page);
  assert.equal(await page.title(), "Your account – Patient Portal");
  assert.equal(await page.getAttribute("#nav-account", "aria-current"), "page");
  const rows = await page.$$eval("#devices > li", (items) => items.map((li) => li.textContent.replace(/\s+/g, " ").trim()));
  assert.equal(rows.length, 2);
  assert.match(rows[0], /^Patient Portal on Linux, front-desk-2 This device Signed in from 203\.0\.113\.7 · started .+ · last active .+$/);
  assert.match(rows[1], /^Patient Portal on macOS, Ana's laptop Signed in from 198\.51\.100\.23/);
  assert.equal(await page.$("#device-71-end"), null, "this device is signed out with Sign out");
  assert.equal(await text(page, "#device-70-end"), "Sign out Patient Portal on macOS, Ana's laptop");
  assert.equal(await text(page, "#devices-summary"), "1 other device signed in.");
  await axeClean(page, "account");
  await screenshot(page, "account-devices");

  await page.focus("#device-70-end");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#devices-done:has-text('signed out')");
  assert.equal(await text(page, "#devices-done"), "Patient Portal on macOS, Ana's laptop is signed out.");
  assert.equal(await page.$$eval("#devices > li", (items) => items.length), 1);
  assert.equal(await text(page, "#devices-summary"), "Only this device is signed in.");
  assert.equal(await page.$("#devices-end-others"), null);
  assert.equal(await page.evaluate(() => document.activeElement?.id), "devices");
  assert.deepEqual(
    (await mockCalls(page, "end_session")).map((c) => c.args),
    [{ sessionId: 70 }],
  );
  await closeApp(app, assert);
});

test("every other device signed out at once; a device with no name is still listed", async () => {
  const sessions = [
    { ...LAPTOP, id: 71, device: "Patient Portal on Windows, reception", current: true },
    { ...LAPTOP, id: 70, device: "Patient Portal on Linux, home" },
    LAPTOP,
  ];
  const app = await openApp(env.browser, env.base, { practice: PRACTICE, policy: policy(), accounts, sessions });
  const { page } = app;
  await openAccount(page, ADMIN);
  assert.match(await text(page, "#devices > li:nth-child(3)"), /^A device that gave no name/);
  assert.equal(await text(page, "#devices-summary"), "2 other devices signed in.");
  await page.click("#devices-end-others");
  await page.waitForSelector("#devices-done:has-text('signed out')");
  assert.equal(await text(page, "#devices-done"), "2 other devices are signed out.");
  assert.equal(await page.$$eval("#devices > li", (items) => items.length), 1);
  await axeClean(page, "account, others signed out");
  await closeApp(app, assert);
});

test("a device already signed out elsewhere says so, and the list is read again", async () => {
  const app = await openApp(env.browser, env.base, {
    practice: PRACTICE,
    policy: policy(),
    accounts,
    fail: { end_session: { code: "not_found", message: "Not found." } },
  });
  const { page } = app;
  await openAccount(page);
  await page.click("#device-70-end");
  await page.waitForSelector("#devices-error");
  assert.equal(await text(page, "#devices-error"), "Patient Portal on macOS, Ana's laptop was already signed out.");
  assert.equal(await page.getAttribute("#devices-error", "role"), "alert");
  assert.ok((await mockCalls(page, "list_sessions")).length >= 2, "read again");
  await closeApp(app, assert);
});
