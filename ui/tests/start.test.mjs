// The app's start (issue 13's start target): the window's first page is handed its settings
// by the Rust side (src-tauri/src/start_handover.rs; the mock hands them the same way), so the
// first screen is shown in the language kept, in workstation mode where set, without a call
// through the isolation frame. A page loaded again asks for the settings and the session.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useBrowser, openApp, closeApp, signIn, text, mockCalls, policy } from "./harness.mjs";

const env = useBrowser();

const KEPT_SPANISH_AT_A_WORKSTATION = {
  settings: { language: "es", workstation: { idle_lock_secs: 300 } },
  policy: policy({ accepted_at: "2026-03-05T17:30:00Z" }),
  accounts: [
    {
      email: "ana.garcia@example.com",
      password: "correct horse battery staple",
      user: { id: 7, email: "ana.garcia@example.com", name: "Ana García", role: "patient" },
      acceptedAt: "2026-03-05T17:30:00Z",
    },
  ],
};

/** The commands called so far, in order. */
const called = async (page) => (await mockCalls(page)).map((c) => c.cmd);

test("the first screen is shown from the settings handed over: in the language kept, in workstation mode, nothing asked first", async () => {
  const app = await openApp(env.browser, env.base, KEPT_SPANISH_AT_A_WORKSTATION);
  const { page } = app;
  await page.waitForSelector("#sign-in-form");
  assert.equal(await page.getAttribute("html", "lang"), "es");
  assert.equal(await text(page, "#sign-in"), "Iniciar sesión");
  assert.equal(await page.getAttribute("#email", "autocomplete"), "off", "workstation mode: no address offered");
  const calls = await called(page);
  assert.ok(!calls.includes("get_settings"), `the settings are not asked for: ${calls.join(", ")}`);
  assert.ok(!calls.includes("current_session"), `the session is not asked for: ${calls.join(", ")}`);
  await closeApp(app, assert);
});

test("a page loaded again asks for the settings and the session, and shows the screen they say", async () => {
  const app = await openApp(env.browser, env.base, KEPT_SPANISH_AT_A_WORKSTATION);
  const { page } = app;
  await page.waitForSelector("#sign-in-form");
  await page.reload();
  await page.waitForSelector("#sign-in-form");
  const calls = await called(page);
  assert.ok(calls.includes("get_settings"), `the settings are asked for: ${calls.join(", ")}`);
  assert.ok(calls.includes("current_session"), `the session is asked for: ${calls.join(", ")}`);
  assert.equal(await page.getAttribute("html", "lang"), "es");
  assert.equal(await page.getAttribute("#email", "autocomplete"), "off");
  await signIn(page);
  await page.waitForSelector("#home");
  await closeApp(app, assert);
});

test("a page that starts signed in (loaded again while signed in) asks and shows the person's home", async () => {
  const app = await openApp(env.browser, env.base, {
    ...KEPT_SPANISH_AT_A_WORKSTATION,
    settings: {},
    session: {
      user: { id: 7, email: "ana.garcia@example.com", name: "Ana García", role: "patient" },
      policy: policy({ accepted_at: "2026-03-05T17:30:00Z" }),
    },
  });
  const { page } = app;
  await page.waitForSelector("#home");
  const calls = await called(page);
  assert.ok(calls.includes("get_settings") && calls.includes("current_session"), calls.join(", "));
  await closeApp(app, assert);
});

test("the sign-in form stays where it is when the practice's name arrives (no click lands a line off)", async () => {
  const practice = { name: "Dermatology Specialists of Kansas City", phone: "(816) 555-0142" };
  for (const width of [1024, 800]) {
    const app = await openApp(env.browser, env.base, { practice, delayMs: { practice_info: 1500 } }, { width });
    const { page } = app;
    await page.waitForSelector("#sign-in-form");
    assert.equal(await text(page, "h1"), "Patient Portal", "shown before the practice answers");
    const before = await page.locator("#email").boundingBox();
    await page.waitForSelector(`h1:has-text("${practice.name}")`);
    const after = await page.locator("#email").boundingBox();
    assert.equal(after.y, before.y, `at ${width} px the form moved when the name arrived`);
    await closeApp(app, assert);
  }
});
