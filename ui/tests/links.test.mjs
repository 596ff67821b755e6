// The practice's phone number is a link that must never take the window away from the app:
// it is handed to the computer's app for calls (the opener plugin), and when there is none
// the number is said in words.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useBrowser, openApp, closeApp, signIn, text, mockCalls, policy } from "./harness.mjs";

const PRACTICE = { name: "Dermatology Specialists of Kansas City", phone: "(816) 555-0142" };

const env = useBrowser();

/** Clicks the phone link in `container` and checks that the app handed it on and stayed. */
async function clickPhone(page, container, stays) {
  const before = page.url();
  const calls = (await mockCalls(page, "plugin:opener|open_url")).length;
  await page.click(`${container} a[href^="tel:"]`);
  await page.waitForFunction(
    (n) => (window.__PORTAL_CALLS__ ?? []).filter((c) => c.cmd === "plugin:opener|open_url").length > n,
    calls,
    { timeout: 2000 },
  );
  const opened = await mockCalls(page, "plugin:opener|open_url");
  assert.equal(opened[opened.length - 1].args.url, "tel:8165550142");
  assert.equal(page.url(), before, "the window did not navigate");
  await page.waitForSelector(stays);
}

test("the practice's phone number opens the phone app and the window stays in the app", async () => {
  const app = await openApp(env.browser, env.base, { practice: PRACTICE, policy: policy() });
  const { page } = app;
  await page.waitForSelector(".help a[href^='tel:']");
  assert.equal(await text(page, ".help"), "Trouble signing in? Call Dermatology Specialists of Kansas City at (816) 555-0142.");

  await clickPhone(page, ".help", "#sign-in-form");

  await signIn(page);
  await page.click("#accept-policy");
  await page.waitForSelector("#home");
  await clickPhone(page, "#emergency-notice", "#home");
  assert.equal(
    await text(page, "#emergency-notice"),
    "This portal is never for emergencies or urgent requests. In an emergency, call 911. " +
      "For urgent questions, call Dermatology Specialists of Kansas City at (816) 555-0142.",
  );
  await closeApp(app, assert);
});

test("without an app for calls, the number is said in words to dial from a phone", async () => {
  const app = await openApp(env.browser, env.base, {
    practice: PRACTICE,
    fail: { "plugin:opener|open_url": "Failed to open url: no handler for tel" },
  });
  const { page } = app;
  await page.waitForSelector(".help a[href^='tel:']");
  await clickPhone(page, ".help", "#sign-in-form");
  await page.waitForSelector(".help .no-phone-app:has-text('no app for phone calls')");
  assert.equal(
    await text(page, ".help"),
    "Trouble signing in? Call Dermatology Specialists of Kansas City at (816) 555-0142 " +
      "(This computer has no app for phone calls. Please dial (816) 555-0142 from a phone.).",
  );
  await closeApp(app, assert);
});
