// An admin's staff screen (issue 9, 2): the staff with their triage teams as checkboxes,
// usable with the keyboard, saved with a confirmation, the service's refusal shown in words,
// axe-clean; and nobody but an admin is offered it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useBrowser, openApp, closeApp, signIn, text, mockCalls, policy, axeClean, screenshot } from "./harness.mjs";

const PRACTICE = { name: "Dermatology Specialists of Kansas City", phone: "(816) 555-0142" };
const ADMIN = { id: 41, email: "admin@dskc.example", name: "Alex Morgan", role: "admin", pools: [] };
const PATEL = { id: 21, email: "maya.patel@example.com", name: "Dr. Maya Patel", role: "physician", pools: [] };
const JORDAN = { id: 31, email: "jordan.kim@example.com", name: "Jordan Kim", role: "staff", pools: ["clinical"] };
const ANA = { id: 7, email: "ana.garcia@example.com", name: "Ana García", role: "patient", pools: [] };
const PASSWORD = "correct horse battery staple";
const ACCEPTED = "2026-03-05T17:30:00Z";

const env = useBrowser();

const accounts = [ADMIN, PATEL, JORDAN, ANA].map((user) => ({ email: user.email, password: PASSWORD, user, acceptedAt: ACCEPTED }));

async function openStaff(page) {
  await signIn(page, ADMIN.email, PASSWORD);
  await page.waitForSelector("#home");
  await page.click("#nav-staff");
  await page.waitForSelector("#staff-list");
}

const ticked = (page, id) =>
  page.$$eval(`#staff-${id}-form input[type=checkbox]`, (boxes) => boxes.filter((b) => b.checked).map((b) => b.value));

test("an admin opens Staff, changes a member's teams with the keyboard and saves", async () => {
  const app = await openApp(env.browser, env.base, { practice: PRACTICE, policy: policy(), accounts });
  const { page } = app;
  await signIn(page, ADMIN.email, PASSWORD);
  await page.waitForSelector("#home");
  assert.equal(await page.$$eval("#policy-text", (found) => found.length), 0, "no patient policy for an admin");
  // An admin has no conversations: no Messages section, no patient wording, no list asked for.
  assert.equal(await page.$$eval("#nav-messages, #messages-heading, #home-open-messages", (found) => found.length), 0);
  assert.equal((await mockCalls(page, "list_threads")).length, 0, "no thread list polled for an admin");
  await page.click("#home-open-staff");
  await page.waitForSelector("#staff-list");
  assert.equal(await page.title(), "Staff – Patient Portal");
  assert.equal(await page.getAttribute("#nav-staff", "aria-current"), "page");
  assert.equal(await text(page, "#staff-summary"), "2 staff members");

  // Names, email addresses, roles and teams: nothing else.
  assert.equal(await text(page, "#staff-31-name"), "Jordan Kim");
  assert.equal(await text(page, "#staff-31-details"), "jordan.kim@example.com · Practice staff");
  assert.deepEqual(await ticked(page, 31), ["clinical"]);
  assert.deepEqual(await ticked(page, 32), ["front_desk", "billing"]);
  // Each checkbox has its label; the group is named for the person.
  assert.equal(await page.getAttribute("#staff-31-pool-front_desk", "type"), "checkbox");
  assert.equal(await text(page, "label[for='staff-31-pool-front_desk']"), "Front desk");
  assert.equal(await text(page, "#staff-31-form legend"), "Triage teams of Jordan Kim");
  assert.equal(await text(page, "#staff-31-save"), "Save the teams of Jordan Kim");
  await axeClean(page, "staff");
  await screenshot(page, "staff");

  // Keyboard only: Tab to "Front desk", Space ticks it, Tab to Save, Enter saves.
  await page.focus("#staff-31-pool-clinical");
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "staff-31-pool-front_desk");
  await page.keyboard.press("Space");
  assert.deepEqual(await ticked(page, 31), ["clinical", "front_desk"]);
  assert.equal(await text(page, "#staff-31-unsaved"), "Changes not saved yet.");
  await page.keyboard.press("Tab");
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "staff-31-save");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#staff-31-saved:has-text('Saved.')");
  assert.equal(await text(page, "#staff-31-saved"), "Saved. Jordan Kim now works in Clinical and Front desk.");
  assert.equal(await page.getAttribute("#staff-31-saved", "role"), "status");
  assert.equal(await page.$("#staff-31-unsaved"), null);
  assert.deepEqual(
    (await mockCalls(page, "set_staff_pools")).map((c) => c.args),
    [{ staffId: 31, pools: ["clinical", "front_desk"] }],
  );
  await axeClean(page, "staff saved");
  await screenshot(page, "staff-saved");

  // Saved for real: the list read again shows it.
  await page.click("#nav-home");
  await page.click("#nav-staff");
  await page.waitForSelector("#staff-list");
  assert.deepEqual(await ticked(page, 31), ["clinical", "front_desk"]);
  await closeApp(app, assert);
});

test("removing every team: the service's answer is shown in words and nothing is saved", async () => {
  const app = await openApp(env.browser, env.base, { practice: PRACTICE, policy: policy(), accounts });
  const { page } = app;
  await openStaff(page);
  await page.uncheck("#staff-32-pool-front_desk");
  await page.uncheck("#staff-32-pool-billing");
  await page.click("#staff-32-save");
  await page.waitForSelector("#staff-32-error");
  assert.equal(
    await text(page, "#staff-32-error"),
    "A staff account needs at least one team (Clinical, Front desk or Billing): staff see only their teams' conversations. Nothing was saved.",
  );
  assert.equal(await page.getAttribute("#staff-32-error", "role"), "alert");
  assert.equal(await text(page, "#staff-32-unsaved"), "Changes not saved yet.");
  assert.equal(await text(page, "#staff-32-saved"), "");
  await axeClean(page, "staff error");
  await screenshot(page, "staff-error");

  // Ticking a team again clears the error; saving works.
  await page.check("#staff-32-pool-billing");
  assert.equal(await page.$("#staff-32-error"), null);
  await page.click("#staff-32-save");
  await page.waitForSelector("#staff-32-saved:has-text('Saved.')");
  assert.equal(await text(page, "#staff-32-saved"), "Saved. Chris Ortiz now works in Billing.");
  await closeApp(app, assert);
});

test("an admin turns a member's account off after a question, and back on", async () => {
  const app = await openApp(env.browser, env.base, { practice: PRACTICE, policy: policy(), accounts });
  const { page } = app;
  await openStaff(page);
  assert.equal(await text(page, "#account-32-off"), "Turn off account of Chris Ortiz");
  // Asked first, focus on Cancel; Cancel changes nothing and gives the focus back.
  await page.focus("#account-32-off");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#account-32-confirm");
  assert.match(await text(page, "#account-32-question"), /^Turn off Chris Ortiz's account\? They are signed out at once/);
  assert.equal(await page.evaluate(() => document.activeElement?.id), "account-32-off-cancel");
  await axeClean(page, "staff account question");
  await page.keyboard.press("Enter");
  assert.equal(await page.$("#account-32-confirm"), null);
  assert.equal(await page.evaluate(() => document.activeElement?.id), "account-32-off");
  assert.equal((await mockCalls(page, "set_account_disabled")).length, 0);

  await page.click("#account-32-off");
  await page.click("#account-32-off-confirm");
  await page.waitForSelector("#account-32-done:has-text('turned off')");
  assert.equal(await text(page, "#account-32-done"), "Chris Ortiz's account is turned off. They were signed out.");
  assert.match(await text(page, "#account-32-state"), /^Account turned off on .+: Chris Ortiz cannot sign in\./);
  assert.equal(await page.getAttribute("li[data-staff-id='32'] .account", "data-account-disabled"), "true");
  await axeClean(page, "staff account off");
  await screenshot(page, "staff-account-off");

  await page.click("#account-32-on");
  await page.waitForSelector("#account-32-done:has-text('on again')");
  assert.equal(await text(page, "#account-32-done"), "Chris Ortiz's account is on again. They can sign in.");
  assert.equal(await page.$("#account-32-state"), null);
  assert.deepEqual(
    (await mockCalls(page, "set_account_disabled")).map((c) => c.args),
    [
      { userId: 32, disabled: true },
      { userId: 32, disabled: false },
    ],
  );
  // The other member was not touched.
  assert.equal(await page.getAttribute("li[data-staff-id='31'] .account", "data-account-disabled"), "false");
  await closeApp(app, assert);
});

test("the staff list that cannot be loaded says why, and 'Try again' loads it", async () => {
  const scenario = {
    practice: PRACTICE,
    policy: policy(),
    accounts,
    fail: { list_staff: { code: "server_unreachable", message: "The portal server could not be reached." } },
  };
  const app = await openApp(env.browser, env.base, scenario);
  const { page } = app;
  await signIn(page, ADMIN.email, PASSWORD);
  await page.waitForSelector("#home");
  await page.click("#nav-staff");
  await page.waitForSelector("#staff-error");
  assert.equal(await text(page, "#staff-error"), "The staff could not be loaded. The portal server could not be reached.");
  await axeClean(page, "staff load error");
  await page.evaluate(() => {
    delete window.__PORTAL_MOCK__.fail;
  });
  await page.click("#staff-retry");
  await page.waitForSelector("#staff-list");
  assert.equal(await page.$("#staff-error"), null);
  assert.equal(await page.$("#staff-retry"), null);
  await closeApp(app, assert);
});

for (const who of [ANA, PATEL, JORDAN]) {
  test(`${who.role}: no Staff section, and the staff commands answer forbidden`, async () => {
    const app = await openApp(env.browser, env.base, { practice: PRACTICE, policy: policy(), accounts });
    const { page } = app;
    await signIn(page, who.email, PASSWORD);
    await page.waitForSelector("#home");
    assert.equal(await page.$("#nav-staff"), null);
    assert.equal(await page.$("#home-open-staff"), null);
    const answer = await page.evaluate(() =>
      window.__TAURI_INTERNALS__.invoke("list_staff", {}).then(
        () => "listed",
        (e) => e.code,
      ),
    );
    assert.equal(answer, "forbidden");
    await closeApp(app, assert);
  });
}

test("Save and the account switch keep the keyboard focus while they are saved (aria-disabled, not disabled: WebKit moves the focus off a disabled control), and the switch gives it to the button that undoes it", async () => {
  const app = await openApp(env.browser, env.base, {
    practice: PRACTICE,
    policy: policy(),
    accounts,
    delayMs: { set_staff_pools: 800, set_account_disabled: 800 },
  });
  const { page } = app;
  const focusedId = () => page.evaluate(() => document.activeElement?.id);
  await openStaff(page);
  await page.focus("#staff-31-pool-front_desk");
  await page.keyboard.press("Space");
  await page.keyboard.press("Tab");
  await page.keyboard.press("Tab");
  assert.equal(await focusedId(), "staff-31-save");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#staff-31-save[aria-disabled='true']");
  assert.equal(await page.getAttribute("#staff-31-save", "disabled"), null, "still focusable while saving");
  assert.equal(await focusedId(), "staff-31-save");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#staff-31-saved:has-text('Saved.')");
  assert.equal(await focusedId(), "staff-31-save", "the focus stays on Save");
  assert.equal((await mockCalls(page, "set_staff_pools")).length, 1, "the press while saving waited");

  // Turned off from the keyboard: the focus stays on the confirmation while it is saved, then
  // goes to "Turn on"; turned on again, to "Turn off".
  await page.focus("#account-32-off");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#account-32-confirm");
  await page.keyboard.press("Shift+Tab");
  assert.equal(await focusedId(), "account-32-off-confirm");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#account-32-off-confirm[aria-disabled='true']");
  assert.equal(await page.getAttribute("#account-32-off-confirm", "disabled"), null);
  assert.equal(await focusedId(), "account-32-off-confirm");
  await page.waitForSelector("#account-32-on");
  assert.equal(await focusedId(), "account-32-on", "the focus is on the button that undoes it");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#account-32-on[aria-disabled='true']");
  assert.equal(await focusedId(), "account-32-on");
  await page.waitForSelector("#account-32-off");
  assert.equal(await focusedId(), "account-32-off");
  assert.equal((await mockCalls(page, "set_account_disabled")).length, 2);
  await closeApp(app, assert);
});
