// The idle timeout: keep_alive while the person is active, the "Are you still
// there?" warning, and the automatic sign-out. The first tests run in real time
// with a 4-second timeout (warning 1 s before, keep_alive at most once a
// second); the others use Playwright's fake clock with the real 15 minutes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useBrowser, openApp, closeApp, signIn, text, mockCalls, policy } from "./harness.mjs";

const ANA = { id: 7, email: "ana.garcia@example.com", name: "Ana García", role: "patient" };
const SIGNED_IN = { session: { user: ANA, policy: policy({ accepted_at: "2026-03-05T17:30:00Z" }) } };
const IDLE_MESSAGE_15 = "You were signed out after 15 minutes without activity.";

const env = useBrowser();

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Everything about the warning dialog at one moment (it may not stay long in the real-time tests). */
function dialogSnapshot(page) {
  return page.evaluate(() => {
    const dialog = document.querySelector("#idle-warning");
    if (!dialog) return null;
    const byId = (id) => document.getElementById(id)?.textContent.replace(/\s+/g, " ").trim() ?? null;
    return {
      role: dialog.getAttribute("role"),
      modal: dialog.getAttribute("aria-modal"),
      label: byId(dialog.getAttribute("aria-labelledby")),
      description: byId(dialog.getAttribute("aria-describedby")),
      live: document.querySelector("#idle-warning [aria-live]")?.getAttribute("aria-live") ?? null,
      focused: document.activeElement?.id ?? null,
      behindInert: document.querySelector(".screens")?.hasAttribute("inert") ?? null,
      buttons: [...dialog.querySelectorAll("button")].map((b) => `${b.id}:${b.textContent.trim()}`),
    };
  });
}

/**
 * Pauses the page's fake clock a little ahead of its time now. The clock flows in real time
 * until then, so on a loaded machine the time read may be past before `pauseAt` arrives
 * (Playwright: "Cannot fast-forward to the past"): the target is read right before each try,
 * a second ahead, and read again if it was overtaken. `beforePause` (tests of this helper)
 * runs between the reading and the pause.
 */
async function pauseSoon(page, { aheadMs = 1000, tries = 5, beforePause = async () => {} } = {}) {
  for (let attempt = 1; ; attempt++) {
    const target = (await page.evaluate(() => Date.now())) + aheadMs;
    await beforePause(attempt);
    try {
      await page.clock.pauseAt(target);
      return target;
    } catch (e) {
      if (attempt >= tries || !/to the past/i.test(String(e?.message ?? e))) throw e;
    }
  }
}

/**
 * Opens the home screen on the fake clock, pauses it, and presses a key so the
 * last activity is exactly now. Returns the app.
 */
async function homeOnFakeClock(scenario = {}) {
  const app = await openApp(env.browser, env.base, { ...SIGNED_IN, ...scenario }, { clock: true });
  await app.page.waitForSelector("#home");
  await pauseSoon(app.page);
  await app.page.keyboard.press("Shift");
  return app;
}

test("the fake clock is paused even when the machine is slower than the margin (the helper the tests below use)", async () => {
  // The defect it replaces: a target read from the page, overtaken before the pause.
  const before = await openApp(env.browser, env.base, SIGNED_IN, { clock: true });
  await before.page.waitForSelector("#home");
  const overtaken = (await before.page.evaluate(() => Date.now())) + 100;
  await sleep(400);
  await assert.rejects(before.page.clock.pauseAt(overtaken), /to the past/i);
  await closeApp(before, assert);

  const app = await openApp(env.browser, env.base, SIGNED_IN, { clock: true });
  const { page } = app;
  await page.waitForSelector("#home");
  // A first try overtaken (slower than the margin) is read again and paused.
  const tried = [];
  const target = await pauseSoon(page, {
    aheadMs: 200,
    beforePause: async (attempt) => {
      tried.push(attempt);
      if (attempt === 1) await sleep(600);
    },
  });
  assert.deepEqual(tried, [1, 2]);
  assert.equal(await page.evaluate(() => Date.now()), target, "paused at the target");
  await sleep(300);
  assert.equal(await page.evaluate(() => Date.now()), target, "and time stands still");
  await closeApp(app, assert);
});

test("after inactivity the warning appears, then the app signs out (mouse moves alone do not count)", async () => {
  const app = await openApp(env.browser, env.base, { idleTimeoutSecs: 4, policy: policy() });
  const { page } = app;
  // From before the sign-in (the idle clock starts when it completes): a loaded machine shows
  // the policy late, and timing from then made a warning on time look early.
  const signedInAt = Date.now();
  await signIn(page);
  await page.waitForSelector("#policy-text");
  for (let i = 0; i < 8; i++) {
    await page.mouse.move(100 + i * 40, 200 + (i % 3) * 30);
    await sleep(200);
  }
  await page.waitForSelector("#idle-warning", { timeout: 6000 });
  const shownAfter = Date.now() - signedInAt;
  const dialog = await dialogSnapshot(page);
  assert.ok(shownAfter >= 2700, `the warning came after ${shownAfter} ms, expected about 3000`);
  assert.deepEqual(dialog, {
    role: "alertdialog",
    modal: "true",
    label: "Are you still there?",
    description: "For your privacy, you will be signed out in 1 second.",
    live: "polite",
    focused: "stay-signed-in",
    behindInert: true,
    buttons: ["stay-signed-in:Stay signed in", "idle-sign-out:Sign out now"],
  });

  await page.waitForSelector("#sign-in-form", { timeout: 3000 });
  const signedOutAfter = Date.now() - signedInAt;
  assert.ok(signedOutAfter >= 3700, `signed out after ${signedOutAfter} ms, expected about 4000`);
  assert.equal(await text(page, "#sign-in-status"), "You were signed out after 4 seconds without activity.");
  assert.equal(await page.$("#idle-warning"), null);
  assert.equal(await page.$eval(".screens", (e) => e.hasAttribute("inert")), false);
  assert.equal((await mockCalls(page, "sign_out")).length, 1);
  assert.equal((await mockCalls(page, "keep_alive")).length, 0, "moving the mouse is not activity");
  assert.equal(await page.inputValue("#email"), "", "no email address is remembered (issue 9, 5.10)");
  assert.equal(await page.inputValue("#password"), "");
  await closeApp(app, assert);
});

test("key presses postpone the warning and call keep_alive at most once per window", async () => {
  const app = await openApp(env.browser, env.base, { ...SIGNED_IN, idleTimeoutSecs: 4 });
  const { page } = app;
  await page.waitForSelector("#home");
  const started = Date.now();
  let lastKey = started;
  while (Date.now() - started < 4500) {
    await page.keyboard.press("Shift");
    lastKey = Date.now();
    await sleep(300);
  }
  assert.equal(await page.$("#idle-warning"), null, "no warning while the person types");
  const calls = await mockCalls(page, "keep_alive");
  assert.ok(calls.length >= 3 && calls.length <= 6, `${calls.length} keep_alive calls in 4.5 s`);
  for (let i = 1; i < calls.length; i++) {
    const gap = calls[i].at - calls[i - 1].at;
    assert.ok(gap >= 950, `keep_alive calls ${gap} ms apart`);
  }

  await page.waitForSelector("#idle-warning", { timeout: 5000 });
  const quietFor = Date.now() - lastKey;
  assert.ok(quietFor >= 2700, `the warning came ${quietFor} ms after the last key press`);
  await page.waitForSelector("#sign-in-form", { timeout: 3000 });
  await closeApp(app, assert);
});

test("the warning counts down; Stay signed in and Escape keep the session; focus stays in and comes back", async () => {
  const app = await homeOnFakeClock();
  const { page } = app;
  await page.focus("#sign-out");

  await page.clock.runFor(839_000);
  assert.equal(await page.$("#idle-warning"), null, "no warning before 14 minutes");
  // The activity before the pause reached the server once, a minute after the previous call.
  assert.equal((await mockCalls(page, "keep_alive")).length, 1);
  await page.clock.runFor(1_000);
  let dialog = await dialogSnapshot(page);
  assert.equal(dialog?.description, "For your privacy, you will be signed out in 60 seconds.");
  assert.equal(dialog.focused, "stay-signed-in");
  assert.equal(dialog.behindInert, true);
  assert.equal(await text(page, "#idle-warning-live"), "", "the opening is announced by the dialog itself");

  // Focus stays in the dialog.
  const focusAfter = async (key) => {
    await page.keyboard.press(key);
    return page.evaluate(() => document.activeElement?.id);
  };
  assert.equal(await focusAfter("Tab"), "idle-sign-out");
  assert.equal(await focusAfter("Tab"), "stay-signed-in");
  assert.equal(await focusAfter("Shift+Tab"), "idle-sign-out");
  assert.equal(await focusAfter("Shift+Tab"), "stay-signed-in");

  // The count goes down every second; screen readers hear it at 30 and 10 seconds only.
  await page.clock.runFor(1_000);
  assert.equal(await text(page, "#idle-warning-text"), "For your privacy, you will be signed out in 59 seconds.");
  assert.equal(await text(page, "#idle-warning-live"), "");
  await page.clock.runFor(29_000);
  assert.equal(await text(page, "#idle-warning-text"), "For your privacy, you will be signed out in 30 seconds.");
  assert.equal(await text(page, "#idle-warning-live"), "You will be signed out in 30 seconds.");
  await page.clock.runFor(19_000);
  assert.equal(await text(page, "#idle-warning-live"), "You will be signed out in 30 seconds.");
  await page.clock.runFor(1_000);
  assert.equal(await text(page, "#idle-warning-live"), "You will be signed out in 10 seconds.");

  // Key presses and clicks outside the buttons do not dismiss it (the person must choose),
  // and a click beside the dialog leaves the focus in it.
  await page.keyboard.press("Shift");
  await page.mouse.click(5, 5);
  dialog = await dialogSnapshot(page);
  assert.equal(dialog?.description, "For your privacy, you will be signed out in 10 seconds.");
  assert.equal(dialog.focused, "stay-signed-in");
  const keepAlivesBefore = (await mockCalls(page, "keep_alive")).length;

  await page.click("#stay-signed-in");
  assert.equal(await page.$("#idle-warning"), null);
  assert.equal((await mockCalls(page, "keep_alive")).length, keepAlivesBefore + 1);
  assert.equal(await page.evaluate(() => document.activeElement?.id), "sign-out", "focus is back where it was");
  assert.equal(await page.$eval(".screens", (e) => e.hasAttribute("inert")), false);

  // A full new period before the next warning; Escape also means "stay".
  await page.clock.runFor(839_000);
  assert.equal(await page.$("#idle-warning"), null);
  await page.clock.runFor(1_000);
  assert.ok(await page.$("#idle-warning"));
  await page.keyboard.press("Escape");
  assert.equal(await page.$("#idle-warning"), null);
  assert.equal((await mockCalls(page, "keep_alive")).length, keepAlivesBefore + 2);
  assert.equal(await page.evaluate(() => document.activeElement?.id), "sign-out");
  assert.equal(await text(page, "h1"), "Welcome, Ana García");
  assert.equal((await mockCalls(page, "sign_out")).length, 0);
  await closeApp(app, assert);
});

test("at 0 the app signs out and says why, in minutes", async () => {
  const app = await homeOnFakeClock();
  const { page } = app;
  await page.clock.runFor(899_000);
  assert.equal(await text(page, "#idle-warning-text"), "For your privacy, you will be signed out in 1 second.");
  await page.clock.runFor(1_000);
  await page.waitForSelector("#sign-in-form");
  assert.equal(await text(page, "#sign-in-status"), IDLE_MESSAGE_15);
  assert.equal(await page.$("#idle-warning"), null);
  assert.equal((await mockCalls(page, "sign_out")).length, 1);
  assert.equal(await page.title(), "Sign in – Patient Portal");
  // Nothing left running: no second sign-out, the message stays.
  await page.clock.runFor(3_600_000);
  assert.equal((await mockCalls(page, "sign_out")).length, 1);
  assert.equal(await text(page, "#sign-in-status"), IDLE_MESSAGE_15);
  await closeApp(app, assert);
});

test("after the machine slept past the end, the app signs out on wake, even if a key is pressed", async () => {
  for (const wake of ["visibilitychange", "keydown", "late timer"]) {
    const app = await homeOnFakeClock();
    const { page } = app;
    await page.clock.runFor(5_000);
    const keepAlives = (await mockCalls(page, "keep_alive")).length;
    if (wake === "late timer") {
      // Both clocks moved on (as on Windows); the due timer fires once, late.
      await page.clock.fastForward(20 * 60_000);
    } else {
      // Linux and macOS: the monotonic clock stood still, only the wall clock moved on.
      await page.clock.setSystemTime(Date.now() + 20 * 60_000);
      if (wake === "visibilitychange") {
        await page.evaluate(() => document.dispatchEvent(new Event("visibilitychange")));
      } else {
        await page.keyboard.press("a");
      }
    }
    await page.waitForSelector("#sign-in-form");
    assert.equal(await text(page, "#sign-in-status"), IDLE_MESSAGE_15, wake);
    assert.equal((await mockCalls(page, "keep_alive")).length, keepAlives, `${wake}: no keep_alive after the end`);
    assert.equal((await mockCalls(page, "sign_out")).length, 1, wake);
    await closeApp(app, assert);
  }
});

test("Sign out now signs out", async () => {
  const app = await homeOnFakeClock();
  const { page } = app;
  await page.clock.runFor(845_000);
  await page.click("#idle-sign-out");
  await page.waitForSelector("#sign-in-form");
  assert.equal(await text(page, "#sign-in-status"), "You have signed out.");
  assert.equal((await mockCalls(page, "sign_out")).length, 1);
  await page.clock.runFor(120_000);
  assert.equal((await mockCalls(page, "sign_out")).length, 1);
  assert.equal(await text(page, "#sign-in-status"), "You have signed out.");
  await closeApp(app, assert);
});

test("signing out stops the idle timers", async () => {
  const app = await homeOnFakeClock();
  const { page } = app;
  await page.click("#sign-out");
  await page.waitForSelector("#sign-in-form");
  await page.clock.runFor(3_600_000);
  await page.keyboard.press("Shift");
  assert.equal(await page.$("#idle-warning"), null);
  assert.equal(await text(page, "#sign-in-status"), "You have signed out.");
  assert.equal((await mockCalls(page, "sign_out")).length, 1);
  assert.equal((await mockCalls(page, "keep_alive")).length, 0);
  await closeApp(app, assert);
});

test("keep_alive reporting an ended session returns to sign-in with its message", async () => {
  const expired = { code: "session_expired", message: "You were signed out after 15 minutes without activity. Please sign in again." };
  const app = await homeOnFakeClock({ fail: { keep_alive: expired } });
  const { page } = app;
  await page.clock.runFor(60_000); // the key press before reaches the server a minute after sign-in
  await page.waitForSelector("#sign-in-form");
  assert.equal(await text(page, "#sign-in-status"), expired.message);
  assert.equal((await mockCalls(page, "keep_alive")).length, 1);
  await closeApp(app, assert);
});

test("keep_alive failing for another reason changes nothing", async () => {
  const unreachable = { code: "server_unreachable", message: "The portal server could not be reached." };
  const app = await homeOnFakeClock({ fail: { keep_alive: unreachable } });
  const { page } = app;
  await page.clock.runFor(60_000);
  assert.equal((await mockCalls(page, "keep_alive")).length, 1);
  assert.equal(await text(page, "h1"), "Welcome, Ana García");
  assert.equal(await page.$("#home-error"), null);
  await closeApp(app, assert);
});

test("the server's idle timeout from keep_alive is used from then on", async () => {
  const app = await homeOnFakeClock();
  const { page } = app;
  // The server now ends idle sessions after 10 minutes; keep_alive (a minute after sign-in,
  // for the key press) says so.
  await page.evaluate(() => (window.__PORTAL_MOCK__.idleTimeoutSecs = 600));
  await page.clock.runFor(60_000);
  assert.equal((await mockCalls(page, "keep_alive")).length, 1);
  await page.clock.runFor(479_000); // 9 minutes after the key press
  assert.equal(await page.$("#idle-warning"), null);
  await page.clock.runFor(1_000);
  assert.equal(await text(page, "#idle-warning-text"), "For your privacy, you will be signed out in 60 seconds.");
  await page.clock.runFor(60_000);
  await page.waitForSelector("#sign-in-form");
  assert.equal(await text(page, "#sign-in-status"), "You were signed out after 10 minutes without activity.");
  await closeApp(app, assert);
});
