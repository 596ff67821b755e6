// What the app says after something happens is said the right way (issue 9, 6.5): the idle
// sign-out is information, not a success, and says when the draft was kept; a new
// conversation gets "Your message was sent." as a reply does.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useBrowser, openApp, closeApp, signIn, text, screenshot, policy } from "./harness.mjs";

const ANA = { id: 7, email: "ana.garcia@example.com", name: "Ana García", role: "patient" };
const SIGNED_IN = { session: { user: ANA, policy: policy({ accepted_at: "2026-03-05T17:30:00Z" }) } };

const env = useBrowser();

/** The tone a status message is shown in: its class, and its left border's colour. */
function tone(page, selector) {
  return page.$eval(selector, (e) => ({
    info: e.classList.contains("info"),
    success: e.classList.contains("success"),
    border: getComputedStyle(e).borderLeftColor,
  }));
}

/** The success colour of the app (--color-ok-border), as the browser computes it. */
function successColour(page) {
  return page.evaluate(() => {
    const probe = document.createElement("div");
    probe.style.color = "var(--color-ok-border)";
    document.body.append(probe);
    const colour = getComputedStyle(probe).color;
    probe.remove();
    return colour;
  });
}

test("the idle sign-out is a neutral notice that says the draft was kept", async () => {
  const app = await openApp(env.browser, env.base, { ...SIGNED_IN, idleTimeoutSecs: 4 });
  const { page } = app;
  await page.waitForSelector("#home");
  await page.click("#nav-messages");
  await page.click("#new-message");
  await page.waitForSelector("#compose-form");
  await page.fill("#compose-body", "Half-written message");
  await page.waitForSelector("#sign-in-form", { timeout: 8000 });
  assert.equal(
    await text(page, "#sign-in-status"),
    "You were signed out after 4 seconds without activity. Your draft was kept.",
  );
  const shown = await tone(page, "#sign-in-status");
  assert.equal(shown.info, true, "an information notice");
  assert.equal(shown.success, false, "not a success");
  assert.notEqual(shown.border, await successColour(page), "not in the success colour");
  await screenshot(page, "idle-signed-out-draft-kept");
  await closeApp(app, assert);
});

test("the idle sign-out without a draft does not mention one; a sign-out of one's own is a success", async () => {
  const app = await openApp(env.browser, env.base, { ...SIGNED_IN, idleTimeoutSecs: 4 });
  const { page } = app;
  await page.waitForSelector("#home");
  await page.waitForSelector("#sign-in-form", { timeout: 8000 });
  assert.equal(await text(page, "#sign-in-status"), "You were signed out after 4 seconds without activity.");
  assert.equal((await tone(page, "#sign-in-status")).info, true);

  // Signing out oneself (here: declining the policy) is a success.
  await signIn(page);
  await page.click("#decline-policy");
  await page.waitForSelector("#sign-in-status:has-text('You have signed out.')");
  const own = await tone(page, "#sign-in-status");
  assert.deepEqual([own.success, own.info], [true, false]);
  assert.equal(own.border, await successColour(page));
  await closeApp(app, assert);
});

test("a new conversation says 'Your message was sent.' as a reply does", async () => {
  const app = await openApp(env.browser, env.base, SIGNED_IN);
  const { page } = app;
  await page.waitForSelector("#home");
  await page.click("#nav-messages");
  await page.click("#new-message");
  await page.waitForSelector("#compose-form");
  await page.selectOption("#compose-category", "appointment");
  await page.fill("#compose-subject", "Moving my appointment");
  await page.fill("#compose-body", "Could we move Thursday's visit to Friday?");
  await page.click("#compose-send");
  await page.waitForSelector("#thread");
  await page.waitForSelector("#reply-sent:has-text('Your message was sent.')");
  assert.equal(await page.getAttribute("#reply-sent", "role"), "status");
  // Opening the conversation again later says nothing about sending.
  await page.click("#back-to-list");
  await page.click("#thread-list [data-thread-id] .open");
  await page.waitForSelector("#message-list");
  assert.equal(await text(page, "#reply-sent"), "");
  await closeApp(app, assert);
});
