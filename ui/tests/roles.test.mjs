// Each role sees what is meant for it (issue 9, 6.2): the emergency notice, the emergency
// prompt and the portal policy are the patient's; the care team is not shown them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useBrowser, openApp, closeApp, signIn, text, mockCalls, policy } from "./harness.mjs";

const PRACTICE = { name: "Dermatology Specialists of Kansas City", phone: "(816) 555-0142" };
const PATEL = { id: 21, email: "maya.patel@example.com", name: "Dr. Maya Patel", role: "physician" };
const JORDAN = { id: 31, email: "jordan.kim@example.com", name: "Jordan Kim", role: "staff" };
const ANA = { id: 7, email: "ana.garcia@example.com", name: "Ana García", role: "patient" };
const PASSWORD = "correct horse battery staple";

const env = useBrowser();

const accounts = [PATEL, JORDAN, ANA].map((user) => ({ email: user.email, password: PASSWORD, user }));

for (const member of [PATEL, JORDAN]) {
  test(`${member.role}: not asked to accept the patient policy; home without the patient's notices`, async () => {
    const app = await openApp(env.browser, env.base, { practice: PRACTICE, policy: policy(), accounts });
    const { page } = app;
    await signIn(page, member.email, PASSWORD);
    await page.waitForSelector("#home, #policy-text");
    assert.equal(await page.$$eval("#policy-text", (found) => found.length), 0, "no policy screen for the care team");
    assert.equal(await text(page, "h1"), `Welcome, ${member.name}`);
    assert.equal(await page.$("#emergency-notice"), null);
    assert.equal(await page.$("#policy-accepted"), null);
    const home = await text(page, "#home");
    assert.doesNotMatch(home, /For urgent questions|never for emergencies|your care team|accepted the portal policy/);
    assert.match(home, /Triage shows your teams' conversations, possibly urgent ones first\./);
    assert.equal((await mockCalls(page, "accept_policy")).length, 0);
    await closeApp(app, assert);
  });
}

test("a patient is still asked to accept the policy", async () => {
  const app = await openApp(env.browser, env.base, { practice: PRACTICE, policy: policy(), accounts });
  const { page } = app;
  await signIn(page, ANA.email, PASSWORD);
  await page.waitForSelector("#policy-text");
  await page.click("#accept-policy");
  await page.waitForSelector("#emergency-notice");
  await closeApp(app, assert);
});

test("a physician's reply telling the patient to call 911 is sent without the patient's prompt", async () => {
  const app = await openApp(env.browser, env.base, {
    practice: PRACTICE,
    session: { user: PATEL, policy: policy({ accepted_at: "2026-03-05T17:30:00Z" }) },
  });
  const { page } = app;
  await page.waitForSelector("#home");
  await page.click("#nav-triage");
  await page.click("#thread-104-row .open");
  await page.waitForSelector("#reply-form");

  await page.fill("#reply-body", "With chest pain, please call 911 now or go to the emergency room.");
  await page.click("#reply-send");
  await page.waitForSelector("#reply-sent:has-text('Your message was sent.'), #emergency-dialog");
  assert.equal(await page.$("#emergency-dialog"), null, "no 'Call 911 — I will not send this' for the care team");
  assert.equal(await page.$("#emergency-call"), null);
  assert.equal((await mockCalls(page, "emergency_check")).length, 0);
  assert.equal((await mockCalls(page, "send_draft")).length, 1);
  assert.match(await text(page, "#message-list > li:last-child"), /please call 911 now/);

  // The reply box has no patient-facing notice either.
  await page.waitForSelector("#reply-form");
  assert.doesNotMatch(await text(page, "#thread"), /For urgent questions|never for emergencies/);
  assert.equal(await page.$("#reply-emergency-notice"), null);
  await closeApp(app, assert);
});
