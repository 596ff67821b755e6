// Workstation mode (a shared clinic computer, set by the managed configuration): no email
// address offered or kept, the screen locks after the idle seconds to a lock screen that only
// the person's pass-phrase (and second factor) opens, and "Switch user" signs out and starts
// the next person at an empty sign-in form. Real time, with a 2-second lock.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useBrowser, openApp, closeApp, signIn, text, mockCalls, axeClean, policy } from "./harness.mjs";

const WORKSTATION = {
  settings: { workstation: { idle_lock_secs: 2 } },
  policy: policy({ accepted_at: "2026-03-05T17:30:00Z" }),
  accounts: [
    {
      email: "ana.garcia@example.com",
      password: "correct horse battery staple",
      user: { id: 7, email: "ana.garcia@example.com", name: "Ana García", role: "patient" },
      acceptedAt: "2026-03-05T17:30:00Z",
    },
    {
      email: "jordan.kim@example.com",
      password: "maple lantern drifts over snow",
      user: { id: 31, email: "jordan.kim@example.com", name: "Jordan Kim", role: "staff", pools: ["clinical"], second_factor: true },
      acceptedAt: "2026-03-05T17:30:00Z",
    },
  ],
};

const env = useBrowser();

/** Everything the lock screen shows at one moment. */
function lockSnapshot(page) {
  return page.evaluate(() => ({
    title: document.title,
    heading: document.querySelector("#lock-screen h1")?.textContent.trim() ?? null,
    who: document.querySelector("#lock-who")?.textContent.trim() ?? null,
    portalShown: document.querySelector("#home, .portal, nav") !== null,
    buttons: [...document.querySelectorAll("#lock-screen button")].map((b) => `${b.id}:${b.textContent.trim()}`),
  }));
}

test("the screen locks when idle; a wrong pass-phrase is refused, the right one unlocks; axe-clean", async () => {
  const app = await openApp(env.browser, env.base, WORKSTATION);
  const { page } = app;
  await page.waitForSelector("#sign-in-form");
  assert.equal(await page.getAttribute("#email", "autocomplete"), "off", "no address offered on a shared computer");
  await signIn(page);
  await page.waitForSelector("#home");
  const signedInAt = Date.now();
  await page.waitForSelector("#lock-screen", { timeout: 6000 });
  const lockedAfter = Date.now() - signedInAt;
  assert.ok(lockedAfter >= 1500, `locked after ${lockedAfter} ms, expected about 2000`);
  assert.deepEqual(await lockSnapshot(page), {
    title: "Locked – Patient Portal",
    heading: "Locked for your privacy",
    who: "This portal is open for Ana García.",
    portalShown: false,
    buttons: ["unlock:Unlock", "switch-user:Switch user"],
  });
  assert.equal((await mockCalls(page, "lock_screen")).length, 1);
  assert.equal(await page.evaluate(() => document.activeElement?.textContent?.trim()), "Locked for your privacy");
  await axeClean(page, "lock screen");

  // Nothing else answers while locked (the Rust side refuses every command).
  const refused = await page.evaluate(() =>
    window.__TAURI_INTERNALS__.invoke("list_threads", {}).then(
      () => "answered",
      (e) => e.code,
    ),
  );
  assert.equal(refused, "screen_locked");

  await page.click("#unlock");
  assert.equal(await text(page, "#unlock-error"), "Please enter your pass-phrase.");
  await page.fill("#unlock-password", "not my pass-phrase at all");
  await page.click("#unlock");
  await page.waitForFunction(() => document.querySelector("#unlock-error")?.textContent.includes("not right"));
  assert.equal(await page.inputValue("#unlock-password"), "", "the wrong pass-phrase is not kept");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "unlock-password");
  assert.equal(await page.getAttribute("#unlock-password", "aria-invalid"), "true");
  await axeClean(page, "lock screen with an error");

  await page.fill("#unlock-password", "correct horse battery staple");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#home");
  const unlocks = await mockCalls(page, "unlock_screen");
  assert.equal(unlocks.length, 2);
  assert.equal(unlocks[1].args.password, "correct horse battery staple");
  assert.equal(await page.$("#lock-screen"), null);
  await closeApp(app, assert);
});

test("Switch user signs out and leaves an empty sign-in form; the next person signs in", async () => {
  const app = await openApp(env.browser, env.base, WORKSTATION);
  const { page } = app;
  await signIn(page);
  await page.waitForSelector("#home");
  await page.waitForSelector("#lock-screen", { timeout: 6000 });
  await page.fill("#unlock-password", "half typed");
  await page.click("#switch-user");
  await page.waitForSelector("#sign-in-form");
  assert.equal((await mockCalls(page, "switch_user")).length, 1);
  assert.equal(await page.inputValue("#email"), "", "the previous person's address is not filled in");
  assert.equal(await page.inputValue("#password"), "");
  assert.equal(await text(page, "#sign-in-status"), "The previous person was signed out. Sign in with your own account.");
  assert.equal(await page.evaluate(() => window.__TAURI_INTERNALS__.invoke("current_session", {})), null);
  await axeClean(page, "sign-in after switch user");

  // Jordan signs in with a second factor; at the lock screen the code is asked for too.
  await signIn(page, "jordan.kim@example.com", "maple lantern drifts over snow");
  await page.waitForSelector("#sign-in-code");
  await page.fill("#sign-in-code", "123456");
  await page.click("#sign-in-code-submit");
  await page.waitForSelector("#lock-screen", { timeout: 8000 });
  assert.equal(await text(page, "#lock-who"), "This portal is open for Jordan Kim.");
  await page.fill("#unlock-password", "maple lantern drifts over snow");
  await page.click("#unlock");
  await page.waitForSelector("#unlock-code");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "unlock-code");
  await axeClean(page, "lock screen, code step");
  await page.fill("#unlock-code", "000000");
  await page.click("#unlock");
  await page.waitForFunction(() => document.querySelector("#unlock-error")?.textContent.trim().length > 0);
  assert.ok(await page.$("#unlock-code"), "a wrong code asks for the code again");
  await page.fill("#unlock-code", "123456");
  await page.click("#unlock");
  await page.waitForFunction(() => !document.querySelector("#lock-screen"));
  const last = (await mockCalls(page, "unlock_screen")).at(-1);
  assert.deepEqual(last.args, { password: "maple lantern drifts over snow", code: "123456" });
  await closeApp(app, assert);
});

test("a lock screen left until the server's idle timeout ends the session forgets the person's name", async () => {
  const app = await openApp(env.browser, env.base, WORKSTATION);
  const { page } = app;
  await signIn(page);
  await page.waitForSelector("#home");
  await page.waitForSelector("#lock-screen", { timeout: 6000 });
  assert.equal(await text(page, "#lock-who"), "This portal is open for Ana García.");
  // The Rust side ends the session at the server's idle timeout, locked or not.
  await page.evaluate(() => (window.__PORTAL_MOCK__.sessionEndedIdle = true));
  await page.waitForSelector("#sign-in-form", { timeout: 8000 });
  assert.equal(await page.locator("#lock-who").count(), 0);
  assert.doesNotMatch(await page.textContent("body"), /Ana García/, "the name is gone from the page");
  assert.equal(
    await text(page, "#sign-in-status"),
    "The previous person was signed out after a long time without activity. Sign in with your own account.",
  );
  assert.equal(await page.inputValue("#email"), "");
  await closeApp(app, assert);
});

test("in Spanish the lock screen is in Spanish and axe-clean", async () => {
  const app = await openApp(env.browser, env.base, WORKSTATION, { locale: "es-MX" });
  const { page } = app;
  await signIn(page);
  await page.waitForSelector("#home");
  await page.waitForSelector("#lock-screen", { timeout: 6000 });
  const snap = await lockSnapshot(page);
  assert.equal(snap.heading, "Bloqueado para proteger su privacidad");
  assert.equal(snap.who, "Este portal está abierto para Ana García.");
  assert.deepEqual(snap.buttons, ["unlock:Desbloquear", "switch-user:Cambiar de usuario"]);
  await axeClean(page, "lock screen (es)");
  await closeApp(app, assert);
});

test("outside workstation mode the screen never locks", async () => {
  const app = await openApp(env.browser, env.base, { ...WORKSTATION, settings: {} });
  const { page } = app;
  await page.waitForSelector("#sign-in-form");
  assert.equal(await page.getAttribute("#email", "autocomplete"), "username");
  await signIn(page);
  await page.waitForSelector("#home");
  await new Promise((resolve) => setTimeout(resolve, 3000));
  assert.equal(await page.$("#lock-screen"), null);
  assert.equal((await mockCalls(page, "lock_screen")).length, 0);
  await closeApp(app, assert);
});

test("the lock screen's buttons keep the focus while busy (aria-disabled, not disabled: WebKit moves the focus off a disabled control)", async () => {
  const app = await openApp(env.browser, env.base, { ...WORKSTATION, delayMs: { unlock_screen: 1000, switch_user: 1000 } });
  const { page } = app;
  await signIn(page);
  await page.waitForSelector("#lock-screen", { timeout: 6000 });
  await page.fill("#unlock-password", "not the right pass-phrase");
  await page.focus("#unlock");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#unlock[aria-disabled='true']");
  assert.equal(await page.getAttribute("#unlock", "disabled"), null, "still focusable while unlocking");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "unlock");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.querySelector("#unlock-error")?.textContent.trim().length > 0);
  assert.equal(await page.evaluate(() => document.activeElement?.id), "unlock-password", "the pass-phrase again");
  assert.equal((await mockCalls(page, "unlock_screen")).length, 1, "asked once");

  await page.focus("#switch-user");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#switch-user[aria-disabled='true']");
  assert.equal(await page.getAttribute("#unlock", "aria-disabled"), "true", "Unlock waits meanwhile");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "switch-user");
  await page.waitForSelector("#sign-in-form");
  await closeApp(app, assert);
});
