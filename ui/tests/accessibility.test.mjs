// axe-core on every screen, layout at 800x600 and larger, and screenshots
// (tests/screenshots/, git-ignored) for a human look.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import {
  useBrowser, openApp, closeApp, signIn, runAxe, screenshot, policy, text, root,
} from "./harness.mjs";

const PRACTICE = { name: "Dermatology Specialists of Kansas City", phone: "(816) 555-0142" };
const ANA = { id: 7, email: "ana.garcia@example.com", name: "Ana García", role: "patient" };

const PATEL = { id: 21, email: "maya.patel@example.com", name: "Dr. Maya Patel", role: "physician" };
const ADMIN = { id: 41, email: "admin@dskc.example", name: "Alex Morgan", role: "admin", pools: [] };
/** Blair Conroy's chart (tests/fixtures/record-blair.json), in Dr. Patel's care. */
const BLAIR_CHART = JSON.parse(fs.readFileSync(path.join(root, "tests/fixtures/record-blair.json"), "utf8")).patientId;
const BLAIR_MATCH = { patient_id: BLAIR_CHART, name: "Blair Conroy", birth_date: "1975-10-26", mrn: "DSKC-1001", in_care: true };
/** A 1×1 PNG. */
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);

const env = useBrowser();

/** Signed in (policy accepted), with the mock's default messaging world and a few drafts. */
function portal(user = ANA) {
  const now = new Date().toISOString();
  return {
    practice: PRACTICE,
    session: { user, policy: policy({ accepted_at: "2026-03-05T17:30:00Z" }) },
    messaging: {
      drafts: [
        { draft_id: "d-1", owner: user.id, thread_id: null, category: "other", subject: "Sunscreen question", body: "Which SPF?", attachments: [], updated_at: now, version: 1 },
        { draft_id: "d-2", owner: user.id, thread_id: null, category: "other", subject: "", body: "", attachments: [], updated_at: now, version: 1, damaged: true },
      ],
    },
  };
}

/** No element has a style attribute (axe-core leaves empty ones behind after its contrast checks). */
async function noInlineStyles(page) {
  const styled = await page.$$eval("[style]", (els) =>
    els.filter((e) => e.getAttribute("style").trim() !== "").map((e) => e.outerHTML.slice(0, 80)),
  );
  assert.deepEqual(styled, []);
}

async function axeClean(page, label) {
  const r = await runAxe(page);
  console.log(
    `axe ${r.version} ${label}: passes=${r.passes} violations=${r.violations.length} incomplete=${r.incomplete.length}` +
      ` (AA rules passed: ${r.aaPassed.join(" ") || "none"})`,
  );
  for (const v of r.violations) console.log(`  VIOLATION ${v.id} [${v.impact}] ${v.help}: ${v.targets.join(", ")}`);
  for (const i of r.incomplete) console.log(`  needs review: ${i}`);
  assert.equal(r.violations.length, 0, `axe violations on ${label}`);
}

/** No sideways scrolling, and the given controls are inside the window. */
async function fitsWindow(page, selectors) {
  const { scrollWidth, innerWidth, innerHeight } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    innerHeight: window.innerHeight,
  }));
  assert.ok(scrollWidth <= innerWidth, `page scrolls sideways (${scrollWidth} > ${innerWidth})`);
  for (const s of selectors) {
    const box = await page.locator(s).boundingBox();
    assert.ok(box, `${s} is not shown`);
    assert.ok(box.x >= 0 && box.x + box.width <= innerWidth, `${s} is cut off at the side`);
    assert.ok(box.y >= 0 && box.y + box.height <= innerHeight, `${s} is below the window (${box.y + box.height} > ${innerHeight})`);
  }
}

for (const size of [{ width: 1024, height: 768 }, { width: 800, height: 600 }]) {
  const tag = `${size.width}x${size.height}`;

  test(`sign-in screen at ${tag}: no axe violations`, async () => {
    const app = await openApp(env.browser, env.base, { practice: PRACTICE }, size);
    const { page } = app;
    await page.waitForSelector(`h1:has-text('${PRACTICE.name}')`);
    await axeClean(page, `sign-in ${tag}`);
    await fitsWindow(page, ["#email", "#password", "#sign-in"]);
    await screenshot(page, `sign-in-${tag}`);
    await closeApp(app, assert);
  });

  test(`sign-in screen with errors and server settings at ${tag}: no axe violations`, async () => {
    const app = await openApp(
      env.browser,
      env.base,
      {
        fail: {
          practice_info: {
            code: "untrusted_certificate",
            message: "We could not confirm that this is your practice's server, so we did not connect. Please call the office.",
          },
        },
      },
      size,
    );
    const { page } = app;
    await page.waitForSelector("#server-error");
    await screenshot(page, `sign-in-server-error-${tag}`);
    await signIn(page, "ana.garcia@example.com", "wrong");
    await page.waitForSelector("#sign-in-error");
    await axeClean(page, `sign-in with errors ${tag}`);
    await screenshot(page, `sign-in-errors-${tag}`);
    await closeApp(app, assert);
  });

  test(`policy screen at ${tag}: no axe violations, actions visible`, async () => {
    const app = await openApp(env.browser, env.base, { practice: PRACTICE, policy: policy() }, size);
    const { page } = app;
    await page.waitForSelector(`h1:has-text('${PRACTICE.name}')`);
    await signIn(page);
    await page.waitForSelector("#policy-text");
    await axeClean(page, `policy ${tag}`);
    await fitsWindow(page, ["#accept-policy", "#decline-policy", "#policy-text"]);
    // the long text scrolls inside its own region
    assert.ok(await page.$eval("#policy-text", (e) => e.scrollHeight > e.clientHeight));
    await screenshot(page, `policy-${tag}`);
    await closeApp(app, assert);
  });

  test(`idle warning at ${tag}: no axe violations, the dialog fits`, async () => {
    const app = await openApp(
      env.browser,
      env.base,
      { practice: PRACTICE, session: { user: ANA, policy: policy({ accepted_at: "2026-03-05T17:30:00Z" }) } },
      { ...size, clock: true },
    );
    const { page } = app;
    await page.waitForSelector("#home");
    await page.waitForSelector("#emergency-notice a");
    await page.clock.runFor(14 * 60_000); // time flows on afterwards: a minute is plenty for axe
    await page.waitForSelector("#idle-warning");
    assert.equal(await page.evaluate(() => document.activeElement?.id), "stay-signed-in");
    await axeClean(page, `idle warning ${tag}`);
    await fitsWindow(page, ["#idle-warning", "#stay-signed-in", "#idle-sign-out"]);
    await screenshot(page, `idle-warning-${tag}`);
    await closeApp(app, assert);
  });

  test(`home screen at ${tag}: no axe violations`, async () => {
    const app = await openApp(
      env.browser,
      env.base,
      { practice: PRACTICE, session: { user: ANA, policy: policy({ accepted_at: "2026-03-05T17:30:00Z" }) } },
      size,
    );
    const { page } = app;
    await page.waitForSelector("#home");
    await page.waitForSelector("#emergency-notice a");
    await axeClean(page, `home ${tag}`);
    await fitsWindow(page, ["#sign-out", "#emergency-notice"]);
    await screenshot(page, `home-${tag}`);
    await closeApp(app, assert);
  });

  test(`messages (inbox with drafts) at ${tag}: no axe violations`, async () => {
    const app = await openApp(env.browser, env.base, portal(), size);
    const { page } = app;
    await page.waitForSelector("#home");
    await page.click("#nav-messages");
    await page.waitForSelector("#thread-list");
    await page.waitForSelector("#draft-list");
    await noInlineStyles(page);
    await axeClean(page, `inbox ${tag}`);
    await fitsWindow(page, ["#nav-messages", "#sign-out", "#new-message", "#thread-102-row"]);
    await screenshot(page, `inbox-${tag}`);
    await closeApp(app, assert);
  });

  test(`conversation with a photo and a PDF at ${tag}: no axe violations`, async () => {
    const app = await openApp(env.browser, env.base, portal(), size);
    const { page } = app;
    await page.waitForSelector("#home");
    await page.click("#nav-messages");
    await page.click("#thread-101-row .open");
    await page.waitForSelector('img[alt="Attached photo: typical-reaction.png"]');
    await page.waitForSelector("#attachment-att-pdf-1 button");
    await page.waitForSelector("#reply-form");
    await page.click("#attachment-att-pdf-1 button");
    await page.waitForSelector("#attachment-att-pdf-1-saved:has-text('Saved to')");
    await noInlineStyles(page);
    await axeClean(page, `thread ${tag}`);
    await page.evaluate(() => window.scrollTo(0, 0));
    await fitsWindow(page, ["#back-to-list", "#thread-subject"]);
    await screenshot(page, `thread-${tag}`);
    await page.locator("#reply-form").scrollIntoViewIfNeeded();
    await screenshot(page, `thread-reply-${tag}`);
    await closeApp(app, assert);
  });

  test(`new message (empty, with files, with the emergency dialog) at ${tag}: no axe violations`, async () => {
    const app = await openApp(env.browser, env.base, portal(), size);
    const { page } = app;
    await page.waitForSelector("#home");
    await page.click("#nav-messages");
    await page.click("#new-message");
    await page.waitForSelector("#compose-form");
    await noInlineStyles(page);
    await axeClean(page, `compose empty ${tag}`);
    await fitsWindow(page, ["#back-to-messages", "#compose-emergency-notice"]);
    await screenshot(page, `compose-${tag}`);

    await page.selectOption("#compose-category", "medical_question");
    await page.fill("#compose-subject", "Pain and a new spot");
    await page.fill("#compose-body", "I have chest pain.\nAnd a new spot on my arm.");
    await page.setInputFiles("#compose-files", [
      { name: "arm.png", mimeType: "image/png", buffer: PNG },
      { name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("text") },
    ]);
    await page.waitForSelector('[data-file="arm.png"] button.remove:enabled');
    await page.waitForSelector('[data-file="notes.txt"] .error');
    await page.waitForSelector("#compose-draft-status:has-text('Saved')");
    await noInlineStyles(page);
    await axeClean(page, `compose with files ${tag}`);
    await page.locator("#compose-attachments").scrollIntoViewIfNeeded();
    await screenshot(page, `compose-files-${tag}`);

    await page.click("#compose-send");
    await page.waitForSelector("#emergency-dialog");
    await noInlineStyles(page);
    await axeClean(page, `compose with the emergency dialog ${tag}`);
    await fitsWindow(page, ["#emergency-dialog", "#emergency-call-911", "#emergency-send-anyway"]);
    await screenshot(page, `emergency-dialog-${tag}`);
    await page.click("#emergency-call-911");
    await page.waitForSelector("#emergency-call");
    await axeClean(page, `compose after "Call 911" ${tag}`);
    await screenshot(page, `emergency-call-${tag}`);
    await closeApp(app, assert);
  });

  test(`triage and a conversation with the triage actions at ${tag}: no axe violations`, async () => {
    const app = await openApp(env.browser, env.base, portal(PATEL), size);
    const { page } = app;
    await page.waitForSelector("#home");
    await page.click("#nav-triage");
    await page.waitForSelector("#triage-list");
    await noInlineStyles(page);
    await axeClean(page, `triage ${tag}`);
    await fitsWindow(page, ["#nav-triage", "#triage-team-all", "#triage-team-billing", "#triage-assigned", "#thread-104-row"]);
    await screenshot(page, `triage-${tag}`);

    await page.click("#thread-104-row .open");
    await page.waitForSelector("#triage-controls");
    await page.waitForSelector("#assign-to option[value='31']", { state: "attached" });
    await page.selectOption("#assign-to", "31");
    await page.click("#assign-thread");
    await page.waitForSelector("#triage-action-status:has-text('Assigned')");
    await axeClean(page, `thread with triage actions ${tag}`);
    await fitsWindow(page, ["#assign-to", "#assign-thread", "#close-thread"]);
    await screenshot(page, `thread-triage-${tag}`);
    await closeApp(app, assert);
  });

  test(`a physician's look at a patient's results, with "Mark reviewed", at ${tag}: no axe violations`, async () => {
    const app = await openApp(env.browser, env.base, { ...portal(PATEL), record: { patients: [BLAIR_MATCH] } }, size);
    const { page } = app;
    await page.waitForSelector("#home");
    await page.click("#nav-patients");
    await page.fill("#patients-query", "Blair");
    await page.keyboard.press("Enter");
    await page.click(`#patient-open-${BLAIR_CHART}`);
    await page.waitForSelector("#record-summary");
    await page.click("#record-nav-results");
    await page.waitForSelector("#section-list [id$='-review-form']");
    const form = "#section-list li:first-child [id$='-review-form']";
    await page.fill(`${form} textarea`, "x".repeat(1700));
    await page.locator(`${form} button[type=submit]`).scrollIntoViewIfNeeded();
    await noInlineStyles(page);
    await axeClean(page, `physician's results with the review form ${tag}`);
    await fitsWindow(page, [`${form} textarea`, `${form} button[type=submit]`]);
    await screenshot(page, `results-review-${tag}`);
    await closeApp(app, assert);
  });

  test(`an admin's test results release at ${tag}: no axe violations`, async () => {
    const app = await openApp(
      env.browser,
      env.base,
      { practice: PRACTICE, session: { user: ADMIN, policy: policy({ accepted_at: "2026-03-05T17:30:00Z" }) } },
      size,
    );
    const { page } = app;
    await page.waitForSelector("#home");
    await page.click("#nav-staff");
    await page.waitForSelector("#release-form");
    await page.check("#release-after_days");
    await page.fill("#release-days", "45");
    await page.click("#release-save");
    await page.waitForSelector("#release-days-problem");
    await page.locator("#release-save").scrollIntoViewIfNeeded();
    await noInlineStyles(page);
    await axeClean(page, `admin's test results release ${tag}`);
    await fitsWindow(page, ["#release-days", "#release-save"]);
    await screenshot(page, `release-rule-${tag}`);
    await closeApp(app, assert);
  });
}

test("keyboard: Tab reaches the controls in order and focus is visible", async () => {
  const app = await openApp(env.browser, env.base, { practice: PRACTICE });
  const { page } = app;
  await page.waitForSelector(`h1:has-text('${PRACTICE.name}')`);
  const order = [];
  for (let i = 0; i < 9; i++) {
    await page.keyboard.press("Tab");
    order.push(
      await page.evaluate(() => {
        const el = document.activeElement;
        const style = getComputedStyle(el);
        return `${el.id || el.tagName.toLowerCase()}:${style.outlineStyle !== "none" && style.outlineWidth !== "0px"}`;
      }),
    );
  }
  assert.deepEqual(order, [
    // The language switch comes first, where a person who does not read the language shown finds it.
    "language-en:true",
    "language-es:true",
    "email:true",
    "password:true",
    "sign-in:true",
    "forgot-passphrase:true",
    "have-activation-code:true",
    "a:true",
    "summary:true",
  ]);
  await page.keyboard.press("Tab");
  await page.keyboard.press("Shift+Tab"); // back on the summary
  await page.keyboard.press("Enter");
  assert.equal(await page.$eval("details", (d) => d.open), true);
  await screenshot(page, "sign-in-keyboard-focus");
  await closeApp(app, assert);
});

test("screen changes move focus to the new heading", async () => {
  const app = await openApp(env.browser, env.base, { practice: PRACTICE });
  const { page } = app;
  await signIn(page);
  await page.waitForSelector("#policy-text");
  assert.equal(await page.evaluate(() => document.activeElement?.tagName), "H1");
  assert.equal(await page.title(), "Portal policy – Patient Portal");
  await page.click("#accept-policy");
  await page.waitForSelector("#home");
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Welcome, Ana García");
  assert.equal(await page.title(), "Home – Patient Portal");
  await closeApp(app, assert);
});

test("the test server enforces the app's CSP (an inline style is refused)", async () => {
  const app = await openApp(env.browser, env.base, {});
  const { page } = app;
  await page.waitForSelector("#sign-in-form");
  await page.evaluate(() => {
    const s = document.createElement("style");
    s.textContent = "body { background: red }";
    document.head.append(s);
  });
  await page.waitForFunction(() => (window.__CSP_VIOLATIONS__ ?? []).length > 0);
  assert.match((await page.evaluate(() => window.__CSP_VIOLATIONS__))[0], /^style-src/);
  assert.notEqual(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), "rgb(255, 0, 0)");
  await app.context.close();
});

test("no inline style attributes anywhere in the rendered screens", async () => {
  const app = await openApp(env.browser, env.base, { practice: PRACTICE });
  const { page } = app;
  const styled = () => page.$$eval("[style]", (els) => els.map((e) => e.outerHTML.slice(0, 80)));
  await page.waitForSelector(`h1:has-text('${PRACTICE.name}')`);
  assert.deepEqual(await styled(), []);
  await signIn(page);
  await page.waitForSelector("#policy-text");
  assert.deepEqual(await styled(), []);
  await page.click("#accept-policy");
  await page.waitForSelector("#home");
  assert.deepEqual(await styled(), []);
  assert.match(await text(page, "#policy-accepted"), /version 3/);
  await closeApp(app, assert);
});
