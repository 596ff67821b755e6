// Results' release in the app (issue 10): a physician opens a patient's chart from Patients and
// marks a result reviewed with a note (the counter near the limit; the review replaces the
// form; a failure keeps the note); a reviewed result shows its review, not the button; staff
// and patients never get the control; the patient then reads the note beside the result. An
// admin's "Test results release" on the Staff screen: the current rule, three choices in plain
// words, the days checked before anything is sent, a confirmation, errors in words.
// Keyboard-usable and axe-clean.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { useBrowser, openApp, closeApp, signIn, text, mockCalls, policy, axeClean, screenshot, root } from "./harness.mjs";

const PRACTICE = { name: "Dermatology Specialists of Kansas City", phone: "(816) 555-0142" };
const PASSWORD = "violet kettle hums at dawn";
const OKAFOR = { id: 1, email: "dr.okafor@dskc.example", name: "Dr. Adaeze Okafor", role: "physician", pools: [] };
const JORDAN = { id: 31, email: "jordan.kim@example.com", name: "Jordan Kim", role: "staff", pools: ["clinical"] };
const BLAIR = { id: 3, email: "blair.conroy@example.com", name: "Blair Conroy", role: "patient", pools: [] };
const ADMIN = { id: 41, email: "admin@dskc.example", name: "Alex Morgan", role: "admin", pools: [] };
const ACCEPTED = "2026-03-05T17:30:00Z";

const FIXTURE = JSON.parse(fs.readFileSync(path.join(root, "tests/fixtures/record-blair.json"), "utf8"));
const PATIENTS = [
  { patient_id: FIXTURE.patientId, name: "Blair Conroy", birth_date: "1975-10-26", mrn: "DSKC-1001", in_care: true },
];
const NOTE = "Your cholesterol is a little high.\nLet us talk about it at your next visit.";

const env = useBrowser();

const hasCode = (code) => (report) => report.values.some((v) => v.name.code === code);

/** The fixture's results: the newest lipid panel waiting for review, the newest weight reviewed. */
function results() {
  const all = structuredClone(FIXTURE.sections.results);
  const lipids = all.find((r) => r.name.text === "Lipid Panel");
  lipids.release = { state: "waiting", until: null, reviewer: "Dr. Adaeze Okafor" };
  const weight = all.find(hasCode("29463-7"));
  weight.release = { state: "released", at: new Date(Date.now() - 3 * 86_400_000).toISOString() };
  weight.review = { by: "Dr. Adaeze Okafor", at: new Date(Date.now() - 2 * 86_400_000).toISOString(), note: "Steady. Good." };
  return { all, lipids, weight };
}

function scenario(extra = {}) {
  return {
    practice: PRACTICE,
    policy: policy(),
    accounts: [OKAFOR, JORDAN, BLAIR, ADMIN].map((user) => ({
      email: user.email,
      password: PASSWORD,
      user,
      acceptedAt: ACCEPTED,
      patientIds: user === BLAIR ? [FIXTURE.patientId] : [],
    })),
    record: { patients: PATIENTS, sections: { ...FIXTURE.sections, results: results().all } },
    ...extra,
  };
}

const focusedId = (page) => page.evaluate(() => document.activeElement?.id ?? "");

/** Signs in as `user`, finds Blair in Patients and opens her results. */
async function openBlairsResults(page, user = OKAFOR) {
  await signIn(page, user.email, PASSWORD);
  await page.waitForSelector("#home");
  await page.click("#nav-patients");
  await page.fill("#patients-query", "Blair");
  await page.keyboard.press("Enter");
  await page.click(`#patient-open-${FIXTURE.patientId}`);
  await page.waitForSelector("#record-summary");
  await page.click("#record-nav-results");
  await page.waitForSelector("#section-list");
}

test("a physician marks a waiting result reviewed with a note, and the patient then reads it", async () => {
  const { lipids, weight } = results();
  const card = `#result-${lipids.id}`;
  const app = await openApp(env.browser, env.base, scenario());
  const { page } = app;
  await openBlairsResults(page);

  // The care team sees the values of a result held back, and for whom it waits.
  assert.equal(await text(page, `${card}-release`), "For the patient: Waiting for Dr. Adaeze Okafor's review");
  assert.equal(await page.$(`${card} .withheld`), null, "the physician sees the values");
  // A result reviewed already shows its review, not the button.
  assert.match(await text(page, `#result-${weight.id}-review`), /^Reviewed by Dr\. Adaeze Okafor on /);
  assert.equal(await page.$(`#result-${weight.id}-review-form`), null);

  assert.equal(await text(page, `${card}-review-heading`), "Your review of Lipid Panel");
  assert.equal(await text(page, `label[for='result-${lipids.id}-review-note']`), "Note for the patient (optional)");
  assert.match(await text(page, `${card}-review-hint`), /reads it beside this result\. Up to 2,000 characters\./);
  assert.equal(await page.getAttribute(`${card}-review-note`, "maxlength"), "2000");
  assert.equal(await text(page, `${card}-review-submit`), "Mark reviewed: Lipid Panel");
  await page.locator(`${card}-review-form`).scrollIntoViewIfNeeded();
  await screenshot(page, "review-form");
  await axeClean(page, "physician: results with the review form");

  // The counter shows near the limit.
  await page.fill(`${card}-review-note`, "x".repeat(1700));
  assert.equal(await text(page, `${card}-review-counter`), "1,700 of 2,000 characters (300 left)");
  await axeClean(page, "physician: a long note");

  // Keyboard: type the note, Tab to the button, Enter.
  await page.fill(`${card}-review-note`, NOTE);
  await page.focus(`${card}-review-note`);
  await page.keyboard.press("Tab");
  assert.equal(await focusedId(page), `result-${lipids.id}-review-submit`);
  await page.keyboard.press("Enter");
  await page.waitForSelector(`${card}-review`);
  assert.match(
    await text(page, `${card}-review`),
    /^Reviewed by Dr\. Adaeze Okafor on \w+ \d+, \d{4} Note from Dr\. Adaeze Okafor: Your cholesterol is a little high\. Let us talk about it at your next visit\.$/,
  );
  assert.equal(await page.$(`${card}-review-form`), null, "the form goes once reviewed");
  assert.equal(await text(page, `${card}-reviewed`), "Marked reviewed. The patient sees your review beside this result.");
  assert.equal(await text(page, `${card}-release`), "For the patient: Released today");
  assert.equal(await focusedId(page), `result-${lipids.id}-review`, "the focus goes to the review");
  assert.deepEqual((await mockCalls(page, "review_result")).map((c) => c.args), [
    { patientId: FIXTURE.patientId, resultId: lipids.id, note: NOTE },
  ]);
  await page.locator(`${card}-review`).scrollIntoViewIfNeeded();
  await screenshot(page, "review-done");
  await axeClean(page, "physician: result reviewed");

  // The patient, in the same practice, reads the note beside the result.
  await page.click("#sign-out");
  await signIn(page, BLAIR.email, PASSWORD);
  await page.waitForSelector("#home");
  await page.click("#nav-record");
  await page.click("#record-nav-results");
  await page.waitForSelector("#section-list");
  assert.match(await text(page, `${card}-review`), /Note from Dr\. Adaeze Okafor: Your cholesterol is a little high\./);
  assert.match(await text(page, `${card}-release`), /^Released today$/);
  assert.equal(await page.$("[id$='-review-form']"), null, "no review form for the patient");
  await page.locator(`${card}-review`).scrollIntoViewIfNeeded();
  await screenshot(page, "review-patient-reads-note");
  await closeApp(app, assert);
});

test("no note is sent as none", async () => {
  const { lipids } = results();
  const app = await openApp(env.browser, env.base, scenario());
  const { page } = app;
  await openBlairsResults(page);
  await page.fill(`#result-${lipids.id}-review-note`, "   \n ");
  await page.click(`#result-${lipids.id}-review-submit`);
  await page.waitForSelector(`#result-${lipids.id}-review`);
  assert.match(await text(page, `#result-${lipids.id}-review`), /^Reviewed by Dr\. Adaeze Okafor on \w+ \d+, \d{4}$/);
  assert.equal(await page.$(`#result-${lipids.id}-review .note`), null, "no note shown");
  assert.deepEqual((await mockCalls(page, "review_result")).map((c) => c.args.note), [null]);
  await closeApp(app, assert);
});

test("a review that fails says why and keeps the note; trying again works", async () => {
  const { lipids } = results();
  const card = `#result-${lipids.id}`;
  const app = await openApp(
    env.browser,
    env.base,
    scenario({ fail: { review_result: { code: "server_unreachable", message: "The portal server could not be reached." } } }),
  );
  const { page } = app;
  await openBlairsResults(page);
  await page.fill(`${card}-review-note`, NOTE);
  await page.click(`${card}-review-submit`);
  await page.waitForSelector(`${card}-review-error`);
  assert.equal(
    await text(page, `${card}-review-error`),
    "This result was not marked reviewed. The portal server could not be reached.",
  );
  assert.equal(await page.getAttribute(`${card}-review-error`, "role"), "alert");
  assert.equal(await page.inputValue(`${card}-review-note`), NOTE, "the note is kept");
  assert.equal(await page.$(`${card}-review`), null);
  await page.locator(`${card}-review-form`).scrollIntoViewIfNeeded();
  await screenshot(page, "review-error");
  await axeClean(page, "physician: review failed");

  await page.evaluate(() => {
    delete window.__PORTAL_MOCK__.fail;
  });
  await page.click(`${card}-review-submit`);
  await page.waitForSelector(`${card}-review`);
  assert.equal(await page.$(`${card}-review-error`), null);
  assert.match(await text(page, `${card}-review`), /Let us talk about it/);
  await closeApp(app, assert);
});

test("a chart no longer open when the review is sent: said in words, the note kept, the chart left open", async () => {
  const { lipids } = results();
  const card = `#result-${lipids.id}`;
  const message = "This patient is not in your care: say why you need the chart to open it.";
  const app = await openApp(env.browser, env.base, scenario({ fail: { review_result: { code: "break_the_glass_required", message } } }));
  const { page } = app;
  await openBlairsResults(page);
  await page.fill(`${card}-review-note`, NOTE);
  await page.click(`${card}-review-submit`);
  await page.waitForSelector(`${card}-review-error`);
  assert.equal(await text(page, `${card}-review-error`), `This result was not marked reviewed. ${message}`);
  assert.equal(await page.inputValue(`${card}-review-note`), NOTE);
  assert.equal(await page.$("#break-the-glass"), null, "the results stay on screen");
  await closeApp(app, assert);
});

test("staff and patients never get the review control", async () => {
  for (const user of [JORDAN, BLAIR]) {
    const app = await openApp(env.browser, env.base, scenario());
    const { page } = app;
    if (user === BLAIR) {
      await signIn(page, user.email, PASSWORD);
      await page.waitForSelector("#home");
      await page.click("#nav-record");
      await page.click("#record-nav-results");
      await page.waitForSelector("#section-list");
    } else {
      await openBlairsResults(page, user);
    }
    assert.equal(await page.$("[id$='-review-form']"), null, user.email);
    assert.equal(await page.$("[id$='-review-submit']"), null, user.email);
    // And the command answers forbidden for them.
    const answer = await page.evaluate(
      ([patientId, resultId]) =>
        window.__TAURI_INTERNALS__.invoke("review_result", { patientId, resultId, note: null }).then(
          () => "reviewed",
          (e) => e.code,
        ),
      [FIXTURE.patientId, results().lipids.id],
    );
    assert.equal(answer, "forbidden", user.email);
    await closeApp(app, assert);
  }
});

async function openStaff(page) {
  await signIn(page, ADMIN.email, PASSWORD);
  await page.waitForSelector("#home");
  await page.click("#nav-staff");
  await page.waitForSelector("#release-form");
}

const checkedRule = (page) => page.$eval("#release-form input[type=radio]:checked", (r) => r.value);

test("an admin sees the release rule, sets a delay (checked first) and then review only", async () => {
  const app = await openApp(env.browser, env.base, scenario());
  const { page } = app;
  await openStaff(page);
  assert.equal(await text(page, "#release-heading"), "Test results release");
  assert.equal(await text(page, "#release-current"), "Now: Patients see new results at once.");
  assert.equal(await checkedRule(page), "at_once");
  assert.equal(await text(page, "#release-form legend"), "When patients see new test results");
  assert.match(await text(page, "#release-at_once-explained"), /as soon as it is in their chart, as the 21st Century Cures Act expects/);
  assert.match(await text(page, "#release-after_days-explained"), /that many days after it was issued, or sooner if a physician reviews it first/);
  assert.match(await text(page, "#release-after_review-explained"), /only once a physician has marked it reviewed/);
  assert.equal(await page.$("#release-days"), null, "the days show with their choice only");
  await page.locator("#release").scrollIntoViewIfNeeded();
  await screenshot(page, "release-rule");
  await axeClean(page, "admin: release rule");

  // After a number of days: out of range is refused here, nothing sent.
  await page.check("#release-after_days");
  await page.waitForSelector("#release-days");
  assert.equal(await text(page, "#release-days-hint"), "From 1 to 30 days.");
  assert.equal(await text(page, "#release-unsaved"), "Changes not saved yet.");
  for (const wrong of ["0", "31", "3.5", "two"]) {
    await page.fill("#release-days", wrong);
    await page.click("#release-save");
    await page.waitForSelector("#release-days-problem");
    assert.equal(await text(page, "#release-days-problem"), "Please enter a whole number of days from 1 to 30.", wrong);
    assert.equal(await page.getAttribute("#release-days", "aria-invalid"), "true");
    assert.equal(await focusedId(page), "release-days");
  }
  assert.equal((await mockCalls(page, "set_result_release_rule")).length, 0, "nothing sent out of range");
  await screenshot(page, "release-rule-days-problem");
  await axeClean(page, "admin: days out of range");

  await page.fill("#release-days", "5");
  assert.equal(await page.$("#release-days-problem"), null);
  await page.click("#release-save");
  await page.waitForSelector("#release-saved:has-text('Saved.')");
  assert.equal(
    await text(page, "#release-saved"),
    "Saved. Patients see new results 5 days after they are issued, or once a physician has reviewed them if sooner.",
  );
  assert.match(await text(page, "#release-current"), /^Now: Patients see new results 5 days after/);
  assert.equal(await page.$("#release-unsaved"), null);
  await screenshot(page, "release-rule-saved");
  await axeClean(page, "admin: rule saved");

  // Keyboard: arrow to "Only after a physician's review", Tab to Save, Enter.
  await page.focus("#release-after_days");
  await page.keyboard.press("ArrowDown");
  assert.equal(await focusedId(page), "release-after_review");
  assert.equal(await checkedRule(page), "after_review");
  await page.keyboard.press("Tab");
  assert.equal(await focusedId(page), "release-save");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#release-saved:has-text('only after')");
  assert.equal(await text(page, "#release-saved"), "Saved. Patients see new results only after a physician has reviewed them.");
  assert.deepEqual((await mockCalls(page, "set_result_release_rule")).map((c) => c.args), [
    { rule: { kind: "after_days", days: 5 } },
    { rule: { kind: "after_review" } },
  ]);

  // Kept by the service: the screen opened again shows it.
  await page.click("#nav-home");
  await page.click("#nav-staff");
  await page.waitForSelector("#release-form");
  assert.equal(await checkedRule(page), "after_review");
  await closeApp(app, assert);
});

test("the release rule: a refusal is shown in words and the choice is kept; a load failure offers Try again", async () => {
  const app = await openApp(
    env.browser,
    env.base,
    scenario({
      fail: {
        result_release_rule: { code: "server_unreachable", message: "The portal server could not be reached." },
        set_result_release_rule: { code: "server_unreachable", message: "The portal server could not be reached." },
      },
    }),
  );
  const { page } = app;
  await signIn(page, ADMIN.email, PASSWORD);
  await page.waitForSelector("#home");
  await page.click("#nav-staff");
  await page.waitForSelector("#release-load-error");
  assert.equal(await text(page, "#release-load-error"), "The release rule could not be loaded. The portal server could not be reached.");
  assert.equal(await page.$("#release-form"), null);
  await axeClean(page, "admin: rule not loaded");
  await page.evaluate(() => {
    delete window.__PORTAL_MOCK__.fail.result_release_rule;
  });
  await page.click("#release-retry");
  await page.waitForSelector("#release-form");
  assert.equal(await page.$("#release-load-error"), null);

  await page.check("#release-after_review");
  await page.click("#release-save");
  await page.waitForSelector("#release-error");
  assert.equal(await text(page, "#release-error"), "The portal server could not be reached. Nothing was saved.");
  assert.equal(await page.getAttribute("#release-error", "role"), "alert");
  assert.equal(await checkedRule(page), "after_review", "the choice is kept");
  assert.equal(await text(page, "#release-current"), "Now: Patients see new results at once.");
  assert.equal(await text(page, "#release-unsaved"), "Changes not saved yet.");
  await screenshot(page, "release-rule-error");
  await axeClean(page, "admin: rule refused");
  await closeApp(app, assert);
});

test("only an admin may set the rule: the command answers anyone else forbidden", async () => {
  const app = await openApp(env.browser, env.base, scenario());
  const { page } = app;
  await signIn(page, OKAFOR.email, PASSWORD);
  await page.waitForSelector("#home");
  assert.equal(await page.$("#release"), null);
  const answer = await page.evaluate(() =>
    window.__TAURI_INTERNALS__.invoke("set_result_release_rule", { rule: { kind: "at_once" } }).then(
      () => "set",
      (e) => e.code,
    ),
  );
  assert.equal(answer, "forbidden");
  await closeApp(app, assert);
});

test("the release rule in Spanish: every word, the days' check, the confirmation and an error by its code; the switch turns them", async () => {
  const unreachable = { code: "server_unreachable", message: "The portal server could not be reached." };
  const app = await openApp(env.browser, env.base, scenario({ fail: { result_release_rule: unreachable } }), { locale: "es-MX" });
  const { page } = app;
  await signIn(page, ADMIN.email, PASSWORD);
  await page.waitForSelector("#home");
  await page.click("#nav-staff");
  await page.waitForSelector("#release-load-error");
  assert.equal(
    await text(page, "#release-load-error"),
    "No se pudo cargar la regla de publicación. No se pudo conectar con el servidor del portal. Revise su conexión a internet y la dirección del servidor, e inténtelo de nuevo.",
  );
  assert.equal(await text(page, "#release-retry"), "Intentar de nuevo");
  await axeClean(page, "admin: rule not loaded, in Spanish");
  await page.evaluate(() => {
    delete window.__PORTAL_MOCK__.fail.result_release_rule;
  });
  await page.click("#release-retry");
  await page.waitForSelector("#release-form");

  assert.equal(await page.evaluate(() => document.documentElement.lang), "es");
  assert.equal(await text(page, "#release-heading"), "Publicación de resultados de análisis");
  assert.equal(await text(page, "#release-current"), "Ahora: Los pacientes ven los nuevos resultados de inmediato.");
  assert.equal(await text(page, "#release-form legend"), "Cuándo ven los pacientes los nuevos resultados de análisis");
  assert.equal(
    await text(page, "#release-hint"),
    "La regla se aplica a todos los resultados desde ahora, incluidos los que ya están en los expedientes.",
  );
  assert.equal(await text(page, "label[for=release-at_once]"), "De inmediato");
  assert.equal(await text(page, "label[for=release-after_days]"), "Después de un número de días");
  assert.equal(await text(page, "label[for=release-after_review]"), "Solo después de la revisión de un médico");
  assert.match(await text(page, "#release-at_once-explained"), /^Los pacientes ven cada resultado en cuanto está en su expediente/);
  assert.match(await text(page, "#release-after_days-explained"), /o antes si un médico lo revisa primero\.$/);
  assert.equal(await text(page, "#release-after_review-explained"), "Los pacientes ven cada resultado solo cuando un médico lo ha marcado como revisado.");
  assert.equal(await text(page, "#release-save"), "Guardar cuándo se publican los resultados");

  await page.check("#release-after_days");
  await page.waitForSelector("#release-days");
  assert.equal(await text(page, "label[for=release-days]"), "Días de espera");
  assert.equal(await text(page, "#release-days-hint"), "De 1 a 30 días.");
  assert.equal(await text(page, "#release-unsaved"), "Cambios todavía sin guardar.");
  await page.fill("#release-days", "31");
  await page.click("#release-save");
  await page.waitForSelector("#release-days-problem");
  assert.equal(await text(page, "#release-days-problem"), "Escriba un número entero de días de 1 a 30.");
  await axeClean(page, "admin: days out of range, in Spanish");
  await screenshot(page, "release-rule-days-problem-es");
  // The switch turns the problem shown too.
  await page.click("#language-en");
  await page.waitForSelector("#release-days-problem:has-text('Please enter a whole number of days from 1 to 30.')");
  await page.click("#language-es");
  await page.waitForSelector("#release-days-problem:has-text('Escriba un número entero')");

  await page.fill("#release-days", "12");
  await page.click("#release-save");
  await page.waitForSelector("#release-saved:has-text('Se guardó.')");
  assert.equal(
    await text(page, "#release-saved"),
    "Se guardó. Los pacientes ven los nuevos resultados 12 días después de su emisión, o en cuanto un médico los revise, si es antes.",
  );
  assert.match(await text(page, "#release-current"), /^Ahora: Los pacientes ven los nuevos resultados 12 días después/);
  await axeClean(page, "admin: rule saved, in Spanish");
  await page.locator("#release").scrollIntoViewIfNeeded();
  await screenshot(page, "release-rule-saved-es");
  await page.click("#language-en");
  await page.waitForSelector("#release-saved:has-text('Saved. Patients see new results 12 days after')");
  assert.match(await text(page, "#release-current"), /^Now: Patients see new results 12 days after/);

  // Refused: the service's code in Spanish, "nothing was saved".
  await page.click("#language-es");
  await page.evaluate(() => {
    window.__PORTAL_MOCK__.fail = { set_result_release_rule: { code: "server_unreachable", message: "The portal server could not be reached." } };
  });
  await page.check("#release-after_review");
  await page.click("#release-save");
  await page.waitForSelector("#release-error");
  assert.equal(
    await text(page, "#release-error"),
    "No se pudo conectar con el servidor del portal. Revise su conexión a internet y la dirección del servidor, e inténtelo de nuevo. No se guardó nada.",
  );
  await axeClean(page, "admin: rule refused, in Spanish");
  await closeApp(app, assert);
});
