// The care team's record screens (issue 10): "Patients" in the navigation for physicians and
// staff, the search (a clear message under 2 characters; name, date of birth, MRN and "in
// your care" for each patient found), a chart in care opening on the same record view the
// patient has (without "Who looked", "Download" or the results preference), a chart outside
// care asking for a reason first (break the glass: too short refused, then accepted), front
// desk and billing staff refused in plain words. Keyboard-usable and axe-clean.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { useBrowser, openApp, closeApp, signIn, text, mockCalls, policy, axeClean, screenshot, root } from "./harness.mjs";

const PRACTICE = { name: "Dermatology Specialists of Kansas City", phone: "(816) 555-0142" };
const PASSWORD = "violet kettle hums at dawn";
const OKAFOR = { id: 1, email: "dr.okafor@dskc.example", name: "Dr. Adaeze Okafor", role: "physician", pools: [] };
const JORDAN = { id: 31, email: "jordan.kim@example.com", name: "Jordan Kim", role: "staff", pools: ["clinical"] };
const CHRIS = { id: 32, email: "chris.ortiz@example.com", name: "Chris Ortiz", role: "staff", pools: ["front_desk", "billing"] };
const BLAIR = { id: 3, email: "blair.conroy@example.com", name: "Blair Conroy", role: "patient", pools: [] };
const ADMIN = { id: 41, email: "admin@dskc.example", name: "Alex Morgan", role: "admin", pools: [] };
const ACCEPTED = "2026-03-05T17:30:00Z";

const FIXTURE = JSON.parse(fs.readFileSync(path.join(root, "tests/fixtures/record-blair.json"), "utf8"));

const PATIENTS = [
  { patient_id: FIXTURE.patientId, name: "Blair Conroy", birth_date: "1975-10-26", mrn: "DSKC-1001", in_care: true },
  { patient_id: 2, name: "Claudie Walsh", birth_date: "1988-02-14", mrn: "DSKC-1002", in_care: false },
  { patient_id: 9, name: "Conroy Adams", birth_date: null, mrn: null, in_care: false },
];

const env = useBrowser();

function scenario(record = {}) {
  return {
    practice: PRACTICE,
    policy: policy(),
    accounts: [OKAFOR, JORDAN, CHRIS, BLAIR, ADMIN].map((user) => ({
      email: user.email,
      password: PASSWORD,
      user,
      acceptedAt: ACCEPTED,
      patientIds: user === BLAIR ? [FIXTURE.patientId] : [],
    })),
    record: { patients: PATIENTS, ...record },
  };
}

const focusedId = (page) => page.evaluate(() => document.activeElement?.id ?? "");

async function openPatients(page, user = OKAFOR) {
  await signIn(page, user.email, PASSWORD);
  await page.waitForSelector("#home");
  await page.click("#nav-patients");
  await page.waitForSelector("#patients");
}

/** Types the query and presses Enter, as a keyboard user would. */
async function search(page, query) {
  await page.focus("#patients-query");
  await page.fill("#patients-query", query);
  await page.keyboard.press("Enter");
}

test("Patients is offered to physicians and staff only", async () => {
  for (const [user, offered] of [
    [OKAFOR, true],
    [JORDAN, true],
    [CHRIS, true],
    [BLAIR, false],
    [ADMIN, false],
  ]) {
    const app = await openApp(env.browser, env.base, scenario());
    await signIn(app.page, user.email, PASSWORD);
    await app.page.waitForSelector("#home");
    assert.equal((await app.page.$$("#nav-patients")).length, offered ? 1 : 0, user.email);
    await closeApp(app, assert);
  }
});

test("the search: under 2 characters says so, then lists name, date of birth, MRN and care", async () => {
  const app = await openApp(env.browser, env.base, scenario());
  const { page } = app;
  await openPatients(page);
  assert.equal(await page.title(), "Patients – Patient Portal");
  assert.equal(await page.getAttribute("#nav-patients", "aria-current"), "page");
  assert.equal(await page.evaluate(() => document.activeElement?.tagName), "H1", "focus on the heading");
  await axeClean(page, "patients (empty)");

  await search(page, " C ");
  await page.waitForSelector("#patients-query-problem");
  assert.match(await text(page, "#patients-query-problem"), /at least 2 characters/);
  assert.equal(await page.getAttribute("#patients-query", "aria-invalid"), "true");
  assert.match(await page.getAttribute("#patients-query", "aria-describedby"), /patients-query-problem/);
  assert.equal(await focusedId(page), "patients-query");
  assert.equal((await mockCalls(page, "find_patients")).length, 0, "nothing sent under 2 characters");
  await axeClean(page, "patients (too short)");

  await search(page, "conroy");
  await page.waitForSelector("#patients-results");
  assert.equal(await page.$("#patients-query-problem"), null, "the message goes once the query is long enough");
  assert.equal(await text(page, "#patients-summary"), "2 patients found.");
  const rows = await page.$$eval("#patients-results li", (els) =>
    els.map((el) => el.textContent.replace(/\s+/g, " ").trim()),
  );
  assert.deepEqual(rows, [
    "Blair Conroy Born October 26, 1975 · MRN DSKC-1001 In your care",
    "Conroy Adams Date of birth not recorded · No MRN Not in your care",
  ]);
  const calls = await mockCalls(page, "find_patients");
  assert.deepEqual(
    calls.map((c) => c.args),
    [{ query: "conroy" }],
  );
  await screenshot(page, "careteam-search");
  await axeClean(page, "patients (results)");

  await search(page, "1988-02-14");
  await page.waitForFunction(() => document.querySelector("#patients-summary")?.textContent?.includes("1 patient found."));
  assert.match(await text(page, "#patients-results"), /Claudie Walsh .* Not in your care/);

  await search(page, "nobody here");
  await page.waitForFunction(() => document.querySelector("#patients-summary")?.textContent?.includes("No patient found"));
  assert.equal(await page.$("#patients-results"), null);
  await closeApp(app, assert);
});

test("a patient in care opens on the same record view, without who looked, download or the preference", async () => {
  const app = await openApp(env.browser, env.base, scenario());
  const { page } = app;
  await openPatients(page);
  await search(page, "Blair");
  await page.waitForSelector(`#patient-open-${FIXTURE.patientId}`);
  await page.focus(`#patient-open-${FIXTURE.patientId}`);
  await page.keyboard.press("Enter");
  await page.waitForSelector("#record-summary");
  assert.equal(await page.title(), "Patient's record – Patient Portal");
  assert.equal(await page.getAttribute("#nav-patients", "aria-current"), "page");
  assert.equal(await text(page, "#record h1"), "Blair Conroy");
  assert.equal(await page.evaluate(() => document.activeElement?.tagName), "H1");
  assert.match(await text(page, "#record-patient"), /Blair Conroy · Born October 26, 1975/);
  assert.equal(await page.$("#record-outside-care"), null, "in care: no break-the-glass notice");
  assert.equal(await page.getAttribute("#record-nav", "aria-label"), "Patient's record");
  for (const absent of ["#record-nav-access-log", "#record-nav-download", "#nav-record"]) {
    assert.equal(await page.$(absent), null, absent);
  }
  await screenshot(page, "careteam-chart-summary");
  await axeClean(page, "care team: summary");

  await page.click("#record-nav-results");
  await page.waitForSelector("#section-list, #record .results, [id^='result-']");
  await page.waitForFunction(() => !document.querySelector("#section-loading"));
  assert.equal(await page.$("#result-preference"), null, "no results preference for the care team");
  assert.equal(await page.$("[id^='result-preference']"), null);
  assert.equal(await page.title(), "Results – Patient's record – Patient Portal");
  await axeClean(page, "care team: results");
  const sections = await mockCalls(page, "record_section");
  assert.deepEqual(sections.at(-1).args.patientId, FIXTURE.patientId);
  assert.equal((await mockCalls(page, "result_preferences")).length, 0);

  // Back to the same list, on the patient just seen.
  await page.click("#back-to-patients");
  await page.waitForSelector("#patients-results");
  assert.equal(await page.inputValue("#patients-query"), "Blair");
  await page.waitForFunction((id) => document.activeElement?.id === id, `patient-open-${FIXTURE.patientId}`);
  assert.equal((await mockCalls(page, "find_patients")).length, 1, "the list is kept, not searched again");
  await closeApp(app, assert);
});

test("a patient outside care: a reason first (too short refused, then accepted), then the chart", async () => {
  const app = await openApp(env.browser, env.base, scenario());
  const { page } = app;
  await openPatients(page);
  await search(page, "Walsh");
  await page.waitForSelector("#patient-open-2");
  await page.click("#patient-open-2");
  await page.waitForSelector("#break-the-glass");
  assert.equal(await page.title(), "Open a chart outside your care – Patient Portal");
  assert.equal(await text(page, "#break-the-glass h1"), "Open Claudie Walsh's chart");
  assert.match(await text(page, "#btg-warning"), /not in your care/);
  assert.match(await text(page, "#btg-warning"), /recorded, and shown to the patient/);
  assert.match(await text(page, "#btg-reason-hint"), /10 to 500 characters/);
  assert.equal(await page.getAttribute("#btg-reason", "maxlength"), "500");
  assert.equal((await mockCalls(page, "record_summary")).length, 0, "nothing of the chart is read before");
  await screenshot(page, "careteam-break-the-glass");
  await axeClean(page, "break the glass");

  // Too short: refused here, nothing sent.
  await page.fill("#btg-reason", "  urgent  ");
  await page.click("#btg-open");
  await page.waitForSelector("#btg-reason-problem");
  assert.match(await text(page, "#btg-reason-problem"), /at least 10 characters/);
  assert.equal(await page.getAttribute("#btg-reason", "aria-invalid"), "true");
  assert.equal(await focusedId(page), "btg-reason");
  assert.equal((await mockCalls(page, "break_the_glass")).length, 0);
  await axeClean(page, "break the glass (too short)");

  // A reason: the grant, then the chart, saying it was opened outside care.
  await page.fill("#btg-reason", "Seen in the emergency room tonight, on call for Dr. Patel.");
  await page.focus("#btg-open");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#record-summary");
  assert.deepEqual((await mockCalls(page, "break_the_glass")).map((c) => c.args), [
    { patientId: 2, reason: "Seen in the emergency room tonight, on call for Dr. Patel." },
  ]);
  assert.equal(await text(page, "#record h1"), "Claudie Walsh");
  assert.match(await text(page, "#record-outside-care"), /outside your care.*recorded and shown to the patient/);
  await screenshot(page, "careteam-chart-outside-care");
  await axeClean(page, "care team: chart outside care");
  await closeApp(app, assert);
});

test("front desk and billing staff are refused in plain words", async () => {
  const app = await openApp(env.browser, env.base, scenario());
  const { page } = app;
  await openPatients(page, CHRIS);
  await search(page, "Walsh");
  await page.waitForSelector("#patient-open-2");
  await page.click("#patient-open-2");
  await page.waitForSelector("#btg-reason");
  await page.fill("#btg-reason", "Checking the insurance on file for a claim.");
  await page.click("#btg-open");
  await page.waitForSelector("#btg-error");
  assert.match(await text(page, "#btg-error"), /Your account cannot open charts outside your care/);
  assert.equal(await page.$("#btg-form"), null, "the form goes: asking again would be refused again");
  assert.equal((await mockCalls(page, "record_summary")).length, 0);
  await axeClean(page, "break the glass (refused)");
  await closeApp(app, assert);
});

test("a chart no longer open (care or grant ended) asks for the reason instead of failing", async () => {
  const app = await openApp(env.browser, env.base, {
    ...scenario(),
    fail: {
      record_summary: {
        code: "break_the_glass_required",
        message: "This patient is not in your care: say why you need the chart to open it.",
      },
    },
  });
  const { page } = app;
  await openPatients(page);
  await search(page, "Blair");
  await page.waitForSelector(`#patient-open-${FIXTURE.patientId}`);
  await page.click(`#patient-open-${FIXTURE.patientId}`);
  await page.waitForSelector("#break-the-glass");
  assert.equal(await text(page, "#break-the-glass h1"), "Open Blair Conroy's chart");
  assert.equal(await page.$("#record-error"), null);
  await closeApp(app, assert);
});

test("break the glass from the keyboard: Open keeps the focus while it is asked (aria-disabled, not disabled: WebKit moves the focus off a disabled control) and after a failure; refused, the focus goes to Back", async () => {
  const failing = {
    ...scenario(),
    delayMs: { break_the_glass: 800 },
    fail: { break_the_glass: { code: "unavailable", message: "The service is not available." } },
  };
  let app = await openApp(env.browser, env.base, failing);
  let page = app.page;
  await openPatients(page);
  await search(page, "Walsh");
  await page.waitForSelector("#patient-open-2");
  await page.click("#patient-open-2");
  await page.waitForSelector("#btg-reason");
  await page.fill("#btg-reason", "Seen in the emergency room tonight, on call for Dr. Patel.");
  await page.focus("#btg-open");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#btg-open[aria-disabled='true']");
  assert.equal(await page.getAttribute("#btg-open", "disabled"), null, "still focusable while asked");
  assert.equal(await focusedId(page), "btg-open");
  await page.waitForSelector("#btg-error");
  await page.waitForSelector("#btg-open:not([aria-disabled])");
  assert.equal(await focusedId(page), "btg-open", "the focus stays on Open after the failure");
  await closeApp(app, assert);

  // Refused (the front desk): the form goes, and the focus with it to Back to patients.
  app = await openApp(env.browser, env.base, scenario());
  page = app.page;
  await openPatients(page, CHRIS);
  await search(page, "Walsh");
  await page.waitForSelector("#patient-open-2");
  await page.click("#patient-open-2");
  await page.waitForSelector("#btg-reason");
  await page.fill("#btg-reason", "Checking the insurance on file for a claim.");
  await page.focus("#btg-open");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#btg-error");
  assert.equal(await page.$("#btg-form"), null);
  await page.waitForFunction(() => document.activeElement?.id === "back-to-patients", null, { timeout: 2000 }).catch(() => {});
  assert.equal(await focusedId(page), "back-to-patients", "the focus is not lost with the form");
  await closeApp(app, assert);
});
