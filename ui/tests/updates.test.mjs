// Signed updates: the bar that says a verified update is ready (the Rust side downloads it
// and checks its signature; here the mock says one is waiting), in both languages, and the
// restart into it. With nothing waiting there is no bar.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useBrowser, openApp, closeApp, signIn, text, mockCalls, axeClean, screenshot } from "./harness.mjs";

const env = useBrowser();

test("with no update waiting there is no bar", async () => {
  const app = await openApp(env.browser, env.base);
  const { page } = app;
  await page.waitForSelector("#sign-in-form");
  await page.waitForFunction(() => (window.__PORTAL_CALLS__ ?? []).some((c) => c.cmd === "update_status"));
  assert.equal(await page.locator("#update-ready").count(), 0);
  await closeApp(app, assert);
});

test("a waiting update is announced at sign-in and inside the portal, and restarting installs it; axe-clean", async () => {
  const app = await openApp(env.browser, env.base, { updateReady: "1.4.0" });
  const { page } = app;
  await page.waitForSelector("#update-ready");
  assert.equal(
    await text(page, "#update-ready"),
    "Version 1.4.0 of the app is ready. It is installed when you restart the app.",
  );
  await axeClean(page, "sign-in with an update ready");
  await signIn(page);
  await page.click("#accept-policy");
  await page.waitForSelector("#home");
  assert.equal(await page.locator("#update-ready").count(), 1, "still shown once signed in");
  assert.deepEqual(
    await page.evaluate(() => [window.scrollY, document.documentElement.scrollHeight <= window.innerHeight]),
    [0, true],
    "the bar takes room from the screen instead of pushing it out of the window",
  );
  await axeClean(page, "home with an update ready");
  await screenshot(page, "update-ready");
  await page.click("#update-restart");
  await page.waitForFunction(() => (window.__PORTAL_CALLS__ ?? []).some((c) => c.cmd === "restart_to_update"));
  assert.equal((await mockCalls(page, "restart_to_update")).length, 1);
  await closeApp(app, assert);
});

test("the bar speaks Spanish when the app does", async () => {
  const app = await openApp(env.browser, env.base, { updateReady: "1.4.0" }, { locale: "es-ES" });
  const { page } = app;
  await page.waitForSelector("#update-ready");
  assert.equal(
    await text(page, "#update-ready"),
    "La versión 1.4.0 de la aplicación está lista. Se instala cuando reinicie la aplicación.",
  );
  assert.equal(await text(page, "#update-restart"), "Reiniciar y actualizar");
  await axeClean(page, "sign-in in Spanish with an update ready");
  await closeApp(app, assert);
});
