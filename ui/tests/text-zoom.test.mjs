// Text resized to 200% loses nothing (WCAG 1.4.4, issue 13): at the app's smallest window
// (800x600), every main screen of each role with Chromium's text size doubled (its font-size
// setting, as a person sets it: 16px → 32px, so rem and em double). On each screen: every text
// grew with it (none fixed in px); no text is clipped by a box that hides its overflow; the page
// does not scroll sideways; every button, link and field is shown, inside the window's width
// (or a box that scrolls to it), and can be scrolled to and reached (not covered by anything).
// In English and in Spanish (longer words). Screenshots at 200% in tests/screenshots/zoom-*.png.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { useBrowser, openApp, closeApp, signIn, policy, screenshot, root, DEFAULT_EMAIL } from "./harness.mjs";

const PRACTICE = { name: "Dermatology Specialists of Kansas City", phone: "(816) 555-0142" };
const ACCEPTED = "2026-03-05T17:30:00Z";
const SIZE = { width: 800, height: 600 };
const ANA = { id: 7, email: DEFAULT_EMAIL, name: "Ana García", role: "patient", pools: [] };
const OKAFOR = { id: 1, email: "dr.okafor@dskc.example", name: "Dr. Adaeze Okafor", role: "physician", pools: [] };
const ADMIN = { id: 41, email: "admin@dskc.example", name: "Alex Morgan", role: "admin", pools: [] };
const CHRIS = { id: 32, email: "chris.ortiz@example.com", name: "Chris Ortiz", role: "staff", pools: ["front_desk", "billing"] };
const FIXTURE = JSON.parse(fs.readFileSync(path.join(root, "tests/fixtures/record-blair.json"), "utf8"));
const PATIENTS = [
  { patient_id: FIXTURE.patientId, name: "Blair Conroy", birth_date: "1975-10-26", mrn: "DSKC-1001", in_care: true },
  { patient_id: 2, name: "Claudie Walsh", birth_date: "1988-02-14", mrn: "DSKC-1002", in_care: false },
];
const PARTS = [
  "visits", "results", "medications", "allergies", "problems", "immunizations", "procedures", "care-plans", "documents",
  "access-log", "download",
];

const env = useBrowser();

function signedIn(user, extra = {}) {
  return {
    practice: PRACTICE,
    session: { user, policy: policy({ accepted_at: ACCEPTED }), patient_ids: user.role === "patient" ? [1] : [] },
    record: { patients: PATIENTS },
    ...extra,
  };
}

/** Chromium's text size, as its settings set it (the default is 16px, monospace 13px). */
async function textSize(page, percent) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Page.setFontSizes", { fontSizes: { standard: (16 * percent) / 100, fixed: (13 * percent) / 100 } });
  await cdp.detach();
  await page.waitForFunction(
    (px) => getComputedStyle(document.documentElement).fontSize === `${px}px`,
    (16 * percent) / 100,
  );
  // What follows the text size on its own (the trend chart, on a resize observer) has drawn.
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
}

/** The font size of every element that shows text of its own, remembered on the elements. */
function rememberFontSizes(page) {
  return page.evaluate(() => {
    // In a drawing (SVG) the size seen is what counts: its text is drawn to the drawing's scale.
    const size = (el) => (el.closest("svg") ? el.getBoundingClientRect().height : parseFloat(getComputedStyle(el).fontSize));
    window.__FONT_SIZES__ = new Map();
    for (const el of document.body.querySelectorAll("*")) {
      const own = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim() !== "");
      if (own) window.__FONT_SIZES__.set(el, size(el));
    }
  });
}

/** Everything lost at the text size now, in words (empty when nothing is). */
function lost(page) {
  return page.evaluate(() => {
    const found = [];
    const name = (el) => {
      const id = el.id ? `#${el.id}` : "";
      const cls = typeof el.className === "string" && el.className.trim() ? `.${el.className.trim().split(/\s+/).join(".")}` : "";
      const words = (el.textContent ?? "").replace(/\s+/g, " ").trim().slice(0, 40);
      return `${el.tagName.toLowerCase()}${id}${cls} "${words}"`;
    };
    // Hidden for sight on purpose: display none, or the "visually hidden" pattern (a clipped box of 1px).
    const forSight = (el) => {
      for (let box = el; box && box !== document.body; box = box.parentElement) {
        const r = box.getBoundingClientRect();
        if (r.width <= 1 && r.height <= 1 && getComputedStyle(box).overflow !== "visible") return false;
      }
      return true;
    };
    const shown = (el) => el.checkVisibility({ visibilityProperty: true }) && forSight(el);
    const hides = (v) => v === "hidden" || v === "clip";

    // Every text grew with the setting.
    const size = (el) => (el.closest("svg") ? el.getBoundingClientRect().height : parseFloat(getComputedStyle(el).fontSize));
    for (const [el, before] of window.__FONT_SIZES__ ?? []) {
      if (!el.isConnected || !shown(el)) continue;
      const now = size(el);
      if (now < before * 1.9) found.push(`text did not grow (${Math.round(before)}px → ${Math.round(now)}px): ${name(el)}`);
    }

    // No text clipped by a box hiding its overflow.
    for (const el of document.body.querySelectorAll("*")) {
      if (!shown(el) || !(el.textContent ?? "").trim()) continue;
      const cs = getComputedStyle(el);
      const wide = el.scrollWidth > el.clientWidth + 1;
      const tall = el.scrollHeight > el.clientHeight + 1;
      if ((hides(cs.overflowX) && wide) || (hides(cs.overflowY) && tall) || (cs.textOverflow === "ellipsis" && wide)) {
        found.push(`clipped (${el.scrollWidth}x${el.scrollHeight} in ${el.clientWidth}x${el.clientHeight}): ${name(el)}`);
      }
    }

    // The page reflows: no sideways scrolling at the smallest window.
    const pageWidth = document.documentElement.scrollWidth;
    if (pageWidth > innerWidth + 1) {
      // Named by the innermost boxes that reach past the window's right edge.
      const past = [...document.body.querySelectorAll("*")].filter(
        (el) => shown(el) && el.getBoundingClientRect().right + scrollX > innerWidth + 1,
      );
      const innermost = past.filter((el) => !past.some((other) => other !== el && el.contains(other)));
      found.push(`the page scrolls sideways (${pageWidth}px in ${innerWidth}px): ${innermost.slice(0, 4).map(name).join("; ")}`);
    }

    // Every control shown, inside the width (or in a box that scrolls to it), and reachable.
    const x0 = scrollX;
    const y0 = scrollY;
    const controls = document.body.querySelectorAll(
      "button, a[href], input:not([type=hidden]), select, textarea, summary, [tabindex='0']",
    );
    for (const el of controls) {
      if (!shown(el) || el.closest("[inert]")) continue;
      el.scrollIntoView({ block: "center", inline: "center" });
      const r = el.getBoundingClientRect();
      if (r.width < 1 || r.height < 1) {
        found.push(`control of no size: ${name(el)}`);
        continue;
      }
      if (r.left < -1 || r.right > innerWidth + 1) {
        found.push(`control outside the window's width (${Math.round(r.left)}–${Math.round(r.right)}): ${name(el)}`);
        continue;
      }
      for (let box = el.parentElement; box && box !== document.body; box = box.parentElement) {
        const cs = getComputedStyle(box);
        if (!hides(cs.overflowX) && !hides(cs.overflowY)) continue;
        const b = box.getBoundingClientRect();
        if (r.left < b.left - 1 || r.right > b.right + 1 || r.top < b.top - 1 || r.bottom > b.bottom + 1) {
          found.push(`control cut off by ${name(box).slice(0, 40)}: ${name(el)}`);
        }
      }
      const x = Math.min(Math.max(r.left + r.width / 2, 0), innerWidth - 1);
      const y = Math.min(Math.max(r.top + Math.min(r.height / 2, 10), 0), innerHeight - 1);
      const hit = document.elementFromPoint(x, y);
      const label = el.id ? document.querySelector(`label[for="${el.id}"]`) : null;
      if (!hit || !(el.contains(hit) || hit.contains(el) || (label && label.contains(hit)))) {
        found.push(`control covered by ${hit ? name(hit) : "nothing"}: ${name(el)}`);
      }
    }
    scrollTo(x0, y0);
    return found;
  });
}

/** The screen shown now at 200% text: nothing lost; a screenshot when named. */
async function loseNothing(page, label, shot) {
  await textSize(page, 100);
  await rememberFontSizes(page);
  await textSize(page, 200);
  const problems = await lost(page);
  if (shot) {
    await page.evaluate(() => scrollTo(0, 0));
    await screenshot(page, `zoom-${shot}-${await page.evaluate(() => document.documentElement.lang)}`);
  }
  console.log(`text 200% ${label} (${await page.evaluate(() => document.documentElement.lang)}): ${problems.length === 0 ? "nothing lost" : `${problems.length} problems`}`);
  for (const p of problems) console.log(`  LOST ${p}`);
  await textSize(page, 100);
  return problems.map((p) => `${label}: ${p}`);
}

for (const [name, locale] of [["English", "en-US"], ["Spanish", "es-MX"]]) {
  test(`text at 200% at 800x600 in ${name}: sign-in, its server settings and errors, the policy`, async () => {
    const app = await openApp(env.browser, env.base, { practice: PRACTICE, policy: policy() }, { ...SIZE, locale });
    const { page } = app;
    const problems = [];
    await page.waitForSelector("#sign-in-form");
    problems.push(...(await loseNothing(page, "sign-in", "sign-in")));
    await page.click("summary");
    await page.waitForSelector("#server-url");
    await page.click("#sign-in");
    await page.waitForSelector("#sign-in-error");
    problems.push(...(await loseNothing(page, "sign-in with an error and the server settings")));
    await signIn(page);
    await page.waitForSelector("#policy-text");
    problems.push(...(await loseNothing(page, "policy", "policy")));
    assert.deepEqual(problems, []);
    await closeApp(app, assert);
  });

  test(`text at 200% at 800x600 in ${name}: a patient's home, record and each of its parts`, async () => {
    const app = await openApp(env.browser, env.base, signedIn(ANA), { ...SIZE, locale });
    const { page } = app;
    const problems = [];
    await page.waitForSelector("#home");
    await page.waitForSelector("#emergency-notice a");
    problems.push(...(await loseNothing(page, "home", "home")));
    await page.click("#nav-record");
    await page.waitForSelector("#record-summary");
    problems.push(...(await loseNothing(page, "record summary", "record")));
    for (const part of PARTS) {
      await page.click(`#record-nav-${part}`);
      if (part === "download") await page.waitForSelector("#record-download");
      else {
        const summary = part === "access-log" ? "#access-log-summary" : "#section-summary";
        const list = part === "access-log" ? "#access-log > li" : "#section-list > li";
        await page.waitForFunction(([s, l]) => {
          const said = document.querySelector(s)?.textContent.trim() ?? "";
          return document.querySelector(l) !== null || (said !== "" && said !== "Loading…");
        }, [summary, list]);
      }
      await page.waitForFunction(() => !document.querySelector("[aria-busy=true]"));
      problems.push(...(await loseNothing(page, `record: ${part}`, part === "results" ? "record-results" : undefined)));
      if (part === "results") {
        // A result's trend: the chart, and its values as a table.
        await page.click("#section-list .trend-button");
        await page.waitForSelector("[id$='-table-toggle']");
        problems.push(...(await loseNothing(page, "a result's trend chart", "trend")));
        await page.click("[id$='-table-toggle']");
        problems.push(...(await loseNothing(page, "a result's trend as a table")));
      }
    }
    assert.deepEqual(problems, []);
    await closeApp(app, assert);
  });

  test(`text at 200% at 800x600 in ${name}: a patient's messages, a conversation, a new message, the emergency prompt, account, authorized persons`, async () => {
    const app = await openApp(env.browser, env.base, signedIn(ANA), { ...SIZE, locale });
    const { page } = app;
    const problems = [];
    await page.waitForSelector("#home");
    await page.click("#nav-messages");
    await page.waitForSelector("#thread-list");
    problems.push(...(await loseNothing(page, "inbox", "inbox")));
    await page.click("#thread-101-row .open");
    await page.waitForSelector("#reply-form");
    problems.push(...(await loseNothing(page, "conversation", "thread")));
    await page.click("#back-to-list");
    await page.click("#new-message");
    await page.waitForSelector("#compose-form");
    problems.push(...(await loseNothing(page, "new message", "compose")));
    await page.selectOption("#compose-category", "medical_question");
    await page.fill("#compose-subject", "Pain");
    await page.fill("#compose-body", "I have chest pain.");
    await page.click("#compose-send");
    await page.waitForSelector("#emergency-dialog");
    problems.push(...(await loseNothing(page, "the emergency prompt", "emergency")));
    await page.click("#emergency-call-911");
    await page.waitForSelector("#emergency-call");
    await page.click("#nav-account");
    await page.waitForSelector("#devices");
    problems.push(...(await loseNothing(page, "account", "account")));
    await page.click("#nav-home");
    await page.click("#home-open-authorized");
    await page.waitForSelector("#grant-form-heading");
    problems.push(...(await loseNothing(page, "authorized persons", "authorized")));
    assert.deepEqual(problems, []);
    await closeApp(app, assert);
  });

  test(`text at 200% at 800x600 in ${name}: the care team's triage, a conversation with its actions, patients, a chart`, async () => {
    const app = await openApp(env.browser, env.base, signedIn(OKAFOR), { ...SIZE, locale });
    const { page } = app;
    const problems = [];
    await page.waitForSelector("#home");
    problems.push(...(await loseNothing(page, "care team's home")));
    await page.click("#nav-triage");
    await page.waitForSelector("#thread-104-row");
    problems.push(...(await loseNothing(page, "triage", "triage")));
    await page.click("#thread-104-row .open");
    await page.waitForSelector("#triage-controls");
    await page.waitForSelector("#reply-form");
    problems.push(...(await loseNothing(page, "conversation with the triage actions", "thread-triage")));
    await page.click("#nav-patients");
    await page.fill("#patients-query", "Conroy");
    await page.keyboard.press("Enter");
    await page.waitForSelector(`#patient-open-${FIXTURE.patientId}`);
    problems.push(...(await loseNothing(page, "patients found", "patients")));
    await page.click(`#patient-open-${FIXTURE.patientId}`);
    await page.waitForSelector("#record-summary");
    problems.push(...(await loseNothing(page, "a chart")));
    await page.click("#record-nav-results");
    await page.waitForSelector("#section-list [id$='-review-form']");
    problems.push(...(await loseNothing(page, "a chart's results with Mark reviewed", "chart-results")));
    await page.click("#nav-patients");
    await page.fill("#patients-query", "Walsh");
    await page.keyboard.press("Enter");
    await page.click("#patient-open-2");
    await page.waitForSelector("#break-the-glass");
    problems.push(...(await loseNothing(page, "a chart outside care")));
    assert.deepEqual(problems, []);
    await closeApp(app, assert);
  });

  test(`text at 200% at 800x600 in ${name}: the front desk's patients, the admin's staff and results release`, async () => {
    const desk = await openApp(env.browser, env.base, signedIn(CHRIS), { ...SIZE, locale });
    const problems = [];
    await desk.page.waitForSelector("#home");
    await desk.page.click("#nav-patients");
    await desk.page.fill("#patients-query", "Walsh");
    await desk.page.keyboard.press("Enter");
    await desk.page.click("#patient-grant-2");
    await desk.page.waitForSelector("#practice-grant-form");
    problems.push(...(await loseNothing(desk.page, "front desk: an authorized person for a patient")));
    await closeApp(desk, assert);

    const app = await openApp(env.browser, env.base, signedIn(ADMIN), { ...SIZE, locale });
    const { page } = app;
    await page.waitForSelector("#home");
    await page.click("#nav-staff");
    await page.waitForSelector("#staff-list");
    await page.waitForSelector("#release-form");
    await page.check("#release-after_days");
    problems.push(...(await loseNothing(page, "staff and the results release", "staff")));
    assert.deepEqual(problems, []);
    await closeApp(app, assert);
  });

  test(`text at 200% at 800x600 in ${name}: the lock screen of a workstation`, async () => {
    const scenario = {
      practice: PRACTICE,
      settings: { workstation: { idle_lock_secs: 2 } },
      policy: policy({ accepted_at: ACCEPTED }),
      accounts: [{ email: ANA.email, password: "correct horse battery staple", user: ANA, acceptedAt: ACCEPTED }],
    };
    const app = await openApp(env.browser, env.base, scenario, { ...SIZE, locale });
    const { page } = app;
    await signIn(page);
    await page.waitForSelector("#home");
    await page.waitForSelector("#lock-screen", { timeout: 6000 });
    assert.deepEqual(await loseNothing(page, "lock screen", "lock"), []);
    await closeApp(app, assert);
  });
}
