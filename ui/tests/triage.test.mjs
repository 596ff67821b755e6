// Triage must never hide an urgent conversation (issue 9, 6.3): its filters belong to the
// person (a new sign-in starts afresh, whoever used the computer before), it opens on all of
// the person's teams with possibly urgent conversations first, and every team shows how many
// conversations it has.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useBrowser, openApp, closeApp, signIn, text, mockCalls, policy } from "./harness.mjs";

const PRACTICE = { name: "Dermatology Specialists of Kansas City", phone: "(816) 555-0142" };
const PATEL = { id: 21, email: "maya.patel@example.com", name: "Dr. Maya Patel", role: "physician" };
const JORDAN = { id: 31, email: "jordan.kim@example.com", name: "Jordan Kim", role: "staff" };
const PASSWORD = "correct horse battery staple";
const ACCEPTED = "2026-03-05T17:30:00Z";

const env = useBrowser();

const accounts = [JORDAN, PATEL].map((user) => ({ email: user.email, password: PASSWORD, user, acceptedAt: ACCEPTED }));
const rowIds = (page) => page.$$eval("#triage-list > li", (rows) => rows.map((r) => Number(r.dataset.threadId)));

async function openTriage(page, who) {
  await signIn(page, who.email, PASSWORD);
  await page.waitForSelector("#home");
  await page.click("#nav-triage");
  await page.waitForSelector("#triage-list, #triage-empty");
}

test("the front desk's team filter does not carry over to the physician who signs in next", async () => {
  const app = await openApp(env.browser, env.base, { practice: PRACTICE, policy: policy(), accounts });
  const { page } = app;

  // The front desk looks at its own team, then signs out.
  await openTriage(page, JORDAN);
  await page.click("#triage-team-front_desk");
  await page.waitForFunction(() => document.querySelector("#triage-summary")?.textContent?.includes("Front desk"));
  assert.deepEqual(await rowIds(page), [105]);
  await page.click("#sign-out");
  await page.waitForSelector("#sign-in-form");

  // The physician's triage opens on all teams: the chest-pain thread in Clinical is first.
  await openTriage(page, PATEL);
  assert.equal(await page.$("#triage-empty"), null, "not 'No conversations here right now.'");
  assert.equal(await page.getAttribute("#triage-team-all", "aria-pressed"), "true");
  assert.deepEqual(await rowIds(page), [104, 102, 101, 105, 106]);
  assert.equal(await text(page, "#thread-104-urgent"), "Possibly urgent");
  assert.equal(await text(page, "#triage-summary"), "5 open conversations in all teams, assigned to anyone.");
  await closeApp(app, assert);
});

test("triage shows a count per team and filters by team without hiding the others' urgent ones", async () => {
  const app = await openApp(env.browser, env.base, { practice: PRACTICE, policy: policy(), accounts });
  const { page } = app;
  await openTriage(page, PATEL);

  const teams = await page.$$eval("#triage-teams button", (buttons) =>
    buttons.map((b) => `${b.id}|${b.getAttribute("aria-pressed")}|${b.textContent.replace(/\s+/g, " ").trim()}`),
  );
  assert.deepEqual(teams, [
    "triage-team-all|true|All teams 5, 1 possibly urgent",
    "triage-team-clinical|false|Clinical 3, 1 possibly urgent",
    "triage-team-front_desk|false|Front desk 1",
    "triage-team-billing|false|Billing 1",
  ]);
  // One list request per team, with the same filters.
  const asked = (await mockCalls(page, "list_threads")).filter((c) => c.args.pool).map((c) => c.args);
  assert.deepEqual(asked, [
    { pool: "clinical", status: "open" },
    { pool: "front_desk", status: "open" },
    { pool: "billing", status: "open" },
  ]);

  await page.click("#triage-team-billing");
  await page.waitForFunction(() => document.querySelector("#triage-summary")?.textContent?.includes("in Billing"));
  assert.deepEqual(await rowIds(page), [106]);
  assert.equal(await page.getAttribute("#triage-team-billing", "aria-pressed"), "true");
  assert.equal(await page.getAttribute("#triage-team-all", "aria-pressed"), "false");
  // The urgent count stays in sight on the Clinical button.
  assert.match(await text(page, "#triage-team-clinical"), /1 possibly urgent/);

  // The status filter applies to every team's count.
  await page.selectOption("#triage-status-filter", "closed");
  await page.waitForFunction(() => document.querySelector("#triage-summary")?.textContent?.startsWith("1 closed"));
  assert.equal(await text(page, "#triage-team-all"), "All teams 2");
  assert.equal(await text(page, "#triage-team-clinical"), "Clinical 1");
  await closeApp(app, assert);
});

test("staff see only their own teams (the front desk has no Clinical button)", async () => {
  const FRONT_DESK = { ...JORDAN, pools: ["front_desk", "billing"] };
  const staffAccounts = [{ email: FRONT_DESK.email, password: PASSWORD, user: FRONT_DESK, acceptedAt: ACCEPTED }];
  const app = await openApp(env.browser, env.base, { practice: PRACTICE, policy: policy(), accounts: staffAccounts });
  const { page } = app;
  await openTriage(page, FRONT_DESK);
  const teams = await page.$$eval("#triage-teams button", (buttons) => buttons.map((b) => b.id));
  assert.deepEqual(teams, ["triage-team-all", "triage-team-front_desk", "triage-team-billing"]);
  assert.match(await text(page, "#triage-team-all"), /^All my teams/);
  const asked = (await mockCalls(page)).filter((c) => c.cmd === "list_threads").map((c) => c.args?.pool ?? c.args?.query?.pool);
  assert.ok(asked.includes("billing"), `asked for ${asked}`);
  assert.ok(!asked.includes("clinical"), `asked for ${asked}`);
  await closeApp(app, assert);
});
