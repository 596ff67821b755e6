// A patient's record (issue 10): "My record" for a patient whose chart is linked, the
// summary first, each section a page at a time with "Show more", results with values,
// ranges, flags in words, release and review, a numeric result's trend chart (band, points,
// values on focus, a table), who looked at the record (break the glass marked), the results
// preference, and the download through the save dialog. Keyboard-usable and axe-clean.
// The record is the view of the demo patient Blair Conroy's chart (tests/fixtures/).
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { useBrowser, openApp, closeApp, signIn, text, mockCalls, policy, axeClean, screenshot, root } from "./harness.mjs";

const PRACTICE = { name: "Dermatology Specialists of Kansas City", phone: "(816) 555-0142" };
const PASSWORD = "violet kettle hums at dawn";
const BLAIR = { id: 3, email: "blair.conroy@example.com", name: "Blair Conroy", role: "patient", pools: [] };
const ANA = { id: 7, email: "ana.garcia@example.com", name: "Ana García", role: "patient", pools: [] };
const OKAFOR = { id: 1, email: "dr.okafor@dskc.example", name: "Dr. Adaeze Okafor", role: "physician", pools: [] };
const ACCEPTED = "2026-03-05T17:30:00Z";

const FIXTURE = JSON.parse(fs.readFileSync(path.join(root, "tests/fixtures/record-blair.json"), "utf8"));

const env = useBrowser();

const accounts = [
  { email: BLAIR.email, password: PASSWORD, user: BLAIR, acceptedAt: ACCEPTED, patientIds: [FIXTURE.patientId] },
  { email: ANA.email, password: PASSWORD, user: ANA, acceptedAt: ACCEPTED },
  { email: OKAFOR.email, password: PASSWORD, user: OKAFOR, acceptedAt: ACCEPTED },
];

function daysAgo(days) {
  return new Date(Date.now() - days * 86_400_000).toISOString();
}

const hasCode = (code) => (report) => report.values.some((v) => v.name.code === code);

/** The fixture's results with a release and a review: the newest weight, reviewed with a note;
 * the newest blood count, waiting for review (as the service sends it: names and dates, no
 * values or flags). */
function resultsWithRelease() {
  const results = structuredClone(FIXTURE.sections.results);
  const weight = results.find(hasCode("29463-7"));
  weight.release = { state: "released", at: daysAgo(3) };
  weight.review = { by: "Dr. Adaeze Okafor", at: daysAgo(2), note: "Your weight is going down nicely. Keep it up." };
  const count = results.find(hasCode("718-7"));
  count.release = { state: "waiting", until: null, reviewer: "Dr. Adaeze Okafor" };
  for (const value of count.values) Object.assign(value, { value: null, flag: null, flag_source: null, components: [] });
  count.has_flags = false;
  return results;
}

function scenario(record = {}) {
  return {
    practice: PRACTICE,
    policy: policy(),
    accounts,
    record: { sections: { ...FIXTURE.sections, results: resultsWithRelease() }, ...record },
  };
}

async function openRecord(page) {
  await signIn(page, BLAIR.email, PASSWORD);
  await page.waitForSelector("#home");
  await page.click("#nav-record");
  await page.waitForSelector("#record-summary");
}

const focusedId = (page) => page.evaluate(() => document.activeElement?.id ?? "");

test("My record is offered only to a patient whose chart is linked", async () => {
  for (const [user, offered] of [
    [BLAIR, true],
    [ANA, false],
    [OKAFOR, false],
  ]) {
    const app = await openApp(env.browser, env.base, scenario());
    await signIn(app.page, user.email, PASSWORD);
    await app.page.waitForSelector("#home");
    assert.equal((await app.page.$$("#nav-record, #home-open-record")).length, offered ? 2 : 0, user.email);
    await closeApp(app, assert);
  }
});

test("the summary comes first: problems, allergies with reaction and severity, medications, vaccines, visits", async () => {
  const summary = structuredClone(FIXTURE.summary);
  // The demo chart's allergies record no reaction: one as another chart would give it.
  summary.allergies[0].reactions = [
    { manifestations: [{ text: "Hives", system: null, code: null }], severity: "severe", description: null, substance: null },
  ];
  summary.allergies[0].severity = "severe";
  const app = await openApp(env.browser, env.base, scenario({ summary }));
  const { page } = app;
  await signIn(page, BLAIR.email, PASSWORD);
  await page.waitForSelector("#home-open-record");
  await page.click("#home-open-record");
  await page.waitForSelector("#record-summary");
  assert.equal(await page.title(), "My record – Patient Portal");
  assert.equal(await page.getAttribute("#nav-record", "aria-current"), "page");
  assert.equal(await page.getAttribute("#record-nav-summary", "aria-current"), "page");
  assert.equal(await page.evaluate(() => document.activeElement?.tagName), "H1", "focus on the heading");
  // The name as the chart writes it.
  assert.match(await text(page, "#record-patient"), /^Mr\. Blair Conroy · Born October 26, 1975 · Male$/);

  const problems = await page.$$eval("#summary-problems li .name", (els) => els.map((e) => e.textContent.trim()));
  assert.deepEqual(problems, summary.active_problems.map((p) => p.name.text));
  const allergy = await text(page, "#summary-allergies li:first-child");
  assert.match(allergy, new RegExp(`^${summary.allergies[0].substance.text}`));
  assert.match(allergy, /Reaction: Hives/);
  assert.match(allergy, /Severity: Severe/);
  assert.match(allergy, /Low risk of a serious reaction/);
  assert.equal(
    (await page.$$("#summary-allergies li")).length,
    summary.allergies.length,
    "every allergy is listed",
  );
  const medications = await page.$$eval("#summary-medications li .name", (els) => els.map((e) => e.textContent.trim()));
  assert.deepEqual(medications, summary.current_medications.map((m) => m.name.text));
  assert.equal((await page.$$("#summary-immunizations li")).length, summary.immunizations.length);
  assert.match(await text(page, "#summary-last-visit"), /^Last visit \w+ \d+, \d{4} at \d+:\d\d [AP]M/);
  assert.match(await text(page, "#summary-next-visit"), /^Next visit/);
  await axeClean(page, "record summary");
  await screenshot(page, "record-summary");
  await closeApp(app, assert);
});

test("a section shows its entries in words, newest first, with Show more", async () => {
  const app = await openApp(env.browser, env.base, scenario({ pageSize: 5 }));
  const { page } = app;
  await openRecord(page);
  await page.click("#record-nav-visits");
  await page.waitForSelector("#section-list");
  assert.equal(await page.title(), "Visits – My record – Patient Portal");
  const total = FIXTURE.sections.visits.length;
  assert.equal(await text(page, "#section-summary"), `Showing 5 of ${total} visits, newest first.`);
  assert.equal((await page.$$("#section-list > li")).length, 5);
  // FHIR statuses in words, never the codes.
  const statuses = await page.$$eval("#section-list .status", (els) => els.map((e) => e.textContent.trim()));
  assert.ok(statuses.includes("Completed"), statuses.join(", "));
  assert.ok(!statuses.some((s) => /finished|in-progress/.test(s)), statuses.join(", "));
  // Dates by precision: a day with its time.
  assert.match(await text(page, "#section-list > li:first-child .when"), /^\w+ \d+, \d{4} at \d+:\d\d [AP]M$/);
  await axeClean(page, "visits");
  await screenshot(page, "record-visits");

  await page.click("#section-more");
  await page.waitForFunction(() => document.querySelectorAll("#section-list > li").length === 10);
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.entryId), FIXTURE.sections.visits[5].id, "focus on the first new entry");
  const calls = await mockCalls(page, "record_section");
  assert.equal(calls.length, 2);
  assert.equal(calls[0].args.cursor, null);
  assert.ok(typeof calls[1].args.cursor === "string" && calls[1].args.cursor.length > 0);
  assert.deepEqual({ patientId: calls[1].args.patientId, section: calls[1].args.section }, { patientId: 1, section: "visits" });
  while (await page.$("#section-more")) {
    await page.click("#section-more");
    await page.waitForTimeout(50);
  }
  assert.equal((await page.$$("#section-list > li")).length, total);
  assert.equal(await text(page, "#section-summary"), `${total} visits, newest first.`);

  for (const section of ["medications", "allergies", "problems", "immunizations", "procedures", "care-plans", "documents"]) {
    await page.click(`#record-nav-${section}`);
    await page.waitForSelector(`#record[data-part='${section}'] #section-summary:not(:empty)`);
    const entries = FIXTURE.sections[section] ?? [];
    if (entries.length > 0) await page.waitForSelector("#section-list > li");
    assert.equal((await page.$$("#section-list > li")).length, Math.min(entries.length, 5), section);
    await axeClean(page, section);
    await screenshot(page, `record-${section}`);
  }
  await closeApp(app, assert);
});

test("results: values, units, ranges and flags in words, release and the physician's note", async () => {
  const app = await openApp(env.browser, env.base, scenario());
  const { page } = app;
  await openRecord(page);
  await page.click("#record-nav-results");
  await page.waitForSelector("#section-list");
  const results = resultsWithRelease();
  const weight = `#result-${results.find(hasCode("29463-7")).id}`;
  assert.equal(await text(page, `${weight}-release`), "Released 3 days ago");
  assert.match(await text(page, `${weight}-review`), /^Reviewed by Dr\. Adaeze Okafor on \w+ \d+, \d{4} Note from Dr\. Adaeze Okafor: Your weight is going down nicely\. Keep it up\.$/);
  const waiting = `#result-${results.find(hasCode("718-7")).id}`;
  assert.equal(await text(page, `${waiting}-release`), "Waiting for Dr. Adaeze Okafor's review");
  const withheld = await page.$$eval(`${waiting} td.value`, (cells) => cells.map((c) => c.textContent.trim()));
  assert.ok(withheld.length > 0 && withheld.every((t) => t === "Not released yet"), withheld.join(", "));
  assert.equal((await page.$$(`${waiting} [data-trend-code]`)).length, 0, "no trend for a result not released");
  // The flagged HDL cholesterol says so in words.
  const flags = await page.$$eval("#section-list .flag", (els) => els.map((e) => e.textContent.trim()));
  assert.ok(flags.includes("High"), `flags: ${flags.join(", ")}`);
  const rows = await page.$$eval("#section-list tr[data-value-id]", (els) =>
    els.map((row) => [...row.children].map((cell) => cell.textContent.replace(/\s+/g, " ").trim()).join(" | ").trim()),
  );
  assert.ok(
    rows.includes("High Density Lipoprotein Cholesterol | 70.59 mg/dL | 40–60 mg/dL | High | Show trend of High Density Lipoprotein Cholesterol"),
    rows.join("\n"),
  );
  assert.ok(rows.includes("Body Weight | 85.79 kg | — | None | Show trend of Body Weight"), rows.join("\n"));
  assert.ok(rows.includes("Tobacco smoking status NHIS | Never smoker | — | None |"), rows.join("\n"));
  await axeClean(page, "results");
  await screenshot(page, "record-results");
  await closeApp(app, assert);
});

test("a numeric result opens its trend: the band, the points, values on hover and focus, a table", async () => {
  const app = await openApp(env.browser, env.base, scenario());
  const { page } = app;
  await openRecord(page);
  await page.click("#record-nav-results");
  await page.waitForSelector("#section-list");

  // HDL cholesterol: three values, the lab's range as a band.
  const cholesterol = FIXTURE.series["2085-9"];
  const button = page.locator("[data-trend-code='2085-9']").first();
  assert.equal(await button.getAttribute("aria-expanded"), "false");
  await button.click();
  await page.waitForSelector("#trend-2085-9 .plot");
  assert.equal(await button.getAttribute("aria-expanded"), "true");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "trend-2085-9-heading", "focus moves to the trend");
  assert.equal(await text(page, "#trend-2085-9-heading"), "Trend of High Density Lipoprotein Cholesterol");
  assert.equal((await page.$$("#trend-2085-9 .band")).length, 1, "the expected range is a band");
  assert.equal((await page.$$("#trend-2085-9 [data-point]")).length, cholesterol.lines[0].points.length);
  assert.match(await text(page, "#trend-2085-9 .legend"), /Expected range \(40–60 mg\/dL\)/);
  const calls = await mockCalls(page, "result_series");
  assert.deepEqual(calls.at(-1).args, { patientId: 1, code: "2085-9" });

  // Hovering a point shows its value.
  const point = await page.$("#trend-2085-9 [data-point='0-0']");
  await point.hover();
  await page.waitForSelector("#trend-2085-9-tooltip");
  const oldest = cholesterol.lines[0].points[0];
  assert.match(await text(page, "#trend-2085-9-tooltip"), new RegExp(`mg/dL`));

  // Keyboard: the chart is a slider over the values; the arrows choose one, said in words.
  const plot = "#trend-2085-9 .plot";
  assert.equal(await page.getAttribute(plot, "role"), "slider");
  await page.focus(plot);
  await page.keyboard.press("Home");
  const first = await page.getAttribute(plot, "aria-valuetext");
  assert.match(first, /^\w+ \d+, \d{4}, [\d.,]+ mg\/dL/);
  assert.equal(await page.getAttribute(plot, "aria-valuenow"), "1");
  await page.keyboard.press("ArrowRight");
  const second = await page.getAttribute(plot, "aria-valuetext");
  assert.notEqual(second, first);
  assert.equal(await text(page, "#trend-2085-9-tooltip"), second, "the tooltip shows the value chosen");
  await page.keyboard.press("End");
  assert.match(await page.getAttribute(plot, "aria-valuetext"), /High$/, "the newest value is flagged in words");
  assert.ok(oldest.value > 0);

  // Nothing makes the window scroll sideways (the hidden table keeps its tiny size).
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), true, "no sideways scrolling");
  // The table is there for screen readers, and on screen with "Show as table".
  const table = "#trend-2085-9-table";
  assert.equal((await page.$$(`${table} tbody tr`)).length, cholesterol.lines[0].points.length);
  assert.equal(await page.$eval(table, (t) => t.classList.contains("visually-hidden")), true);
  await page.click("#trend-2085-9-table-toggle");
  assert.equal(await page.getAttribute("#trend-2085-9-table-toggle", "aria-pressed"), "true");
  assert.equal(await page.$eval(table, (t) => t.classList.contains("visually-hidden")), false);
  assert.match(await text(page, `${table} caption`), /^Values of High Density Lipoprotein Cholesterol, oldest first$/);
  await axeClean(page, "results trend");
  await page.hover("#trend-2085-9 [data-point='0-2']");
  await page.locator("#trend-2085-9").scrollIntoViewIfNeeded();
  await screenshot(page, "record-trend");

  // Closed with the keyboard from its own Close: the focus goes back to the value's button (the
  // Close button goes with the panel).
  await page.focus("#trend-2085-9-close");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#trend-2085-9", { state: "detached" });
  assert.equal(
    await page.evaluate(() => document.activeElement?.getAttribute("data-trend-code")),
    "2085-9",
    "the focus is back on Show trend",
  );

  // Body weight (five values, no range), and a blood pressure's two lines.
  await page.locator("[data-trend-code='29463-7']").first().click();
  await page.waitForSelector("#trend-29463-7 .plot");
  assert.equal((await page.$$("#trend-29463-7 [data-point]")).length, FIXTURE.series["29463-7"].lines[0].points.length);
  assert.equal((await page.$$("#trend-29463-7 .band")).length, 0);
  await page.locator("#trend-29463-7").scrollIntoViewIfNeeded();
  await screenshot(page, "record-trend-weight");
  const bp = page.locator("[data-trend-code='55284-4']").first();
  if ((await bp.count()) > 0) {
    await bp.click();
    await page.waitForSelector("#trend-55284-4 .plot");
    assert.equal((await page.$$("#trend-55284-4 path.line")).length, 2, "systolic and diastolic");
    assert.match(await text(page, "#trend-55284-4 .legend"), /Diastolic Blood Pressure.*Systolic Blood Pressure/);
    await page.locator("#trend-55284-4").scrollIntoViewIfNeeded();
    await axeClean(page, "blood pressure trend");
    await screenshot(page, "record-trend-blood-pressure");
  }
  await closeApp(app, assert);
});

test("the results preference is a switch kept by the service", async () => {
  const app = await openApp(env.browser, env.base, scenario());
  const { page } = app;
  await openRecord(page);
  await page.click("#record-nav-results");
  await page.waitForSelector("#results-preference:not([disabled])");
  assert.equal(await page.getAttribute("#results-preference", "role"), "switch");
  assert.equal(await page.getAttribute("#results-preference", "aria-checked"), "false");
  assert.equal(await text(page, "#results-preference .label"), "Show my results only after my physician has reviewed them");
  await page.focus("#results-preference");
  await page.keyboard.press("Space");
  await page.waitForSelector("#results-preference[aria-checked='true']");
  assert.match(await text(page, "#results-preference-status"), /^Saved\. New results will be shown after your physician has reviewed them\.$/);
  assert.deepEqual((await mockCalls(page, "set_result_preferences")).map((c) => c.args), [{ onlyAfterReview: true }]);
  assert.equal(await focusedId(page), "results-preference", "the focus stays on the switch");
  await axeClean(page, "results preference");
  const stored = await page.evaluate(() => [localStorage.length, sessionStorage.length, document.cookie]);
  assert.deepEqual(stored, [0, 0, ""], "nothing kept in the window");
  await closeApp(app, assert);
});

test("who looked at my record: who, role, what, when; break the glass marked with its reason; Show more", async () => {
  const app = await openApp(env.browser, env.base, scenario({ pageSize: 3 }));
  const { page } = app;
  await openRecord(page);
  await page.click("#record-nav-access-log");
  await page.waitForSelector("#access-log");
  assert.equal(await page.title(), "Who looked at my record – My record – Patient Portal");
  assert.equal((await page.$$("#access-log > li")).length, 3);
  const firstEntry = await text(page, "#access-log > li:first-child");
  assert.match(firstEntry, /^Dr\. Adaeze Okafor · Physician/);
  assert.match(firstEntry, /Your results/);
  while (await page.$("#access-log-more")) {
    await page.click("#access-log-more");
    await page.waitForTimeout(50);
  }
  assert.equal((await page.$$("#access-log > li")).length, FIXTURE.accessLog.length);
  const glass = page.locator("#access-log > li[data-break-the-glass='true']");
  assert.equal(await glass.count(), 1);
  const glassText = (await glass.textContent()).replace(/\s+/g, " ");
  assert.match(glassText, /Break the glass/);
  assert.match(glassText, /Emergency department visit: patient unconscious, checking allergies before treatment/);
  assert.match(glassText, /Physician/);
  // A list left open, refreshed every 30 seconds for 45 minutes: one entry that says so.
  const repeated = await text(page, "#access-log > li:nth-child(3)");
  assert.match(repeated, /Jordan Lee, RN · Practice staff/);
  assert.match(repeated, /91 times between \d{1,2}:20 [AP]M and \d{1,2}:05 [AP]M \(a list left open refreshes itself\)/);
  assert.equal(await page.$$eval("#access-log .repeats", (found) => found.length), 1);
  await axeClean(page, "access log");
  await glass.scrollIntoViewIfNeeded();
  await screenshot(page, "record-access-log");
  await closeApp(app, assert);
});

test("download my record: the save dialog's choice is said, a cancel saves nothing", async () => {
  const app = await openApp(env.browser, env.base, scenario());
  const { page } = app;
  await openRecord(page);
  await page.click("#record-nav-download");
  await page.waitForSelector("#record-download");
  await page.click("#record-download");
  await page.waitForSelector("#record-download-status:has-text('saved')");
  assert.equal(
    await text(page, "#record-download-status"),
    "Your record was saved to /home/blair/Documents/record-2026-11-30.json",
  );
  assert.deepEqual((await mockCalls(page, "export_record")).map((c) => c.args), [{ patientId: 1 }]);
  await axeClean(page, "download");
  await screenshot(page, "record-download");

  await page.evaluate(() => {
    window.__PORTAL_MOCK__.record = { ...window.__PORTAL_MOCK__.record, exportTo: null };
  });
  await closeApp(app, assert);

  const cancelled = await openApp(env.browser, env.base, scenario({ exportTo: null }));
  await openRecord(cancelled.page);
  await cancelled.page.click("#record-nav-download");
  await cancelled.page.click("#record-download");
  await cancelled.page.waitForSelector("#record-download-status:has-text('Nothing')");
  assert.equal(await text(cancelled.page, "#record-download-status"), "Nothing was saved.");
  assert.equal(await cancelled.page.$("#record-download-error"), null, "a cancel is not an error");
  await closeApp(cancelled, assert);
});

test("keyboard only: open My record, a section, a result's trend and read its values", async () => {
  const app = await openApp(env.browser, env.base, scenario());
  const { page } = app;
  await signIn(page, BLAIR.email, PASSWORD);
  await page.waitForSelector("#home");
  await page.focus("#nav-home");
  await page.keyboard.press("Tab");
  assert.equal(await focusedId(page), "nav-record");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#record-summary");
  assert.equal(await page.evaluate(() => document.activeElement?.tagName), "H1");
  // Tab from the heading reaches the record's navigation: Summary, then Visits, then Results.
  await page.keyboard.press("Tab");
  assert.equal(await focusedId(page), "record-nav-summary");
  await page.keyboard.press("Tab");
  await page.keyboard.press("Tab");
  assert.equal(await focusedId(page), "record-nav-results");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#section-list");
  assert.equal(await page.evaluate(() => document.activeElement?.tagName), "H1");
  assert.equal(await text(page, "h1"), "Results");
  // Tab on until a trend button, open it with Enter.
  for (let i = 0; i < 40 && !(await page.evaluate(() => document.activeElement?.hasAttribute("data-trend-code"))); i += 1) {
    await page.keyboard.press("Tab");
  }
  const code = await page.evaluate(() => document.activeElement?.getAttribute("data-trend-code"));
  assert.ok(code, "a trend button is reached with Tab");
  await page.keyboard.press("Enter");
  await page.waitForSelector(`#trend-${code} .plot`);
  assert.equal(await focusedId(page), `trend-${code}-heading`);
  await page.keyboard.press("Tab"); // Close
  await page.keyboard.press("Tab"); // the chart
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("role")), "slider");
  await page.keyboard.press("ArrowRight");
  assert.match(await page.getAttribute(`#trend-${code} .plot`, "aria-valuetext"), /^\w+ \d+, \d{4}, /);
  await page.keyboard.press("Tab");
  assert.equal(await focusedId(page), `trend-${code}-table-toggle`);
  await page.keyboard.press("Enter");
  assert.equal(await page.getAttribute(`#trend-${code}-table-toggle`, "aria-pressed"), "true");
  await screenshot(page, "record-keyboard");
  await closeApp(app, assert);
});

test("the results switch keeps the focus while it is saved: aria-disabled, not disabled (WebKit moves the focus off a disabled control), and a second press waits", async () => {
  const app = await openApp(env.browser, env.base, { ...scenario(), delayMs: { set_result_preferences: 800 } });
  const { page } = app;
  await openRecord(page);
  await page.click("#record-nav-results");
  await page.waitForSelector("#results-preference:not([disabled])");
  await page.focus("#results-preference");
  await page.keyboard.press("Space");
  await page.waitForSelector("#results-preference[aria-disabled='true']");
  assert.equal(await page.getAttribute("#results-preference", "disabled"), null, "still focusable while saving");
  assert.equal(await focusedId(page), "results-preference");
  await page.keyboard.press("Space");
  await page.waitForSelector("#results-preference[aria-checked='true']:not([aria-disabled])");
  assert.equal(await focusedId(page), "results-preference");
  assert.equal((await mockCalls(page, "set_result_preferences")).length, 1, "the press while saving waited");
  await closeApp(app, assert);
});
