// Shared set-up for the Chromium tests: serves the built UI (ui/dist) with the
// app's Content-Security-Policy, starts Debian's Chromium through
// playwright-core, and opens pages with the IPC mock injected.
import { before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
export const root = path.resolve(import.meta.dirname, "..");
const dist = path.join(root, "dist");
const mockScript = path.join(root, "tests/.harness/ipc-mock.js");
const axeScript = require.resolve("axe-core/axe.min.js");
export const screenshotDir = path.join(root, "tests/screenshots");

/** The policy the app runs under in Tauri (tauri.conf.json). */
export const APP_CSP =
  "default-src 'self'; connect-src ipc: http://ipc.localhost; style-src 'self'; img-src 'self' data: blob:";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
};

export const DEFAULT_EMAIL = "ana.garcia@example.com";
export const DEFAULT_PASSWORD = "correct horse battery staple";

for (const [file, hint] of [
  [path.join(dist, "index.html"), "run `npm run build` first"],
  [mockScript, "run `npm run build:harness` first"],
]) {
  if (!fs.existsSync(file)) throw new Error(`${path.relative(root, file)} is missing: ${hint}`);
}

export async function startServer() {
  const server = http.createServer((req, res) => {
    const urlPath = decodeURIComponent(new URL(req.url ?? "/", "http://localhost").pathname);
    let file;
    if (urlPath === "/__test__/axe.min.js") {
      file = axeScript; // same origin, so the CSP allows it
    } else {
      const candidate = path.normalize(path.join(dist, urlPath));
      file =
        candidate.startsWith(dist) && fs.existsSync(candidate) && fs.statSync(candidate).isFile()
          ? candidate
          : path.join(dist, "index.html");
    }
    res.writeHead(200, {
      "content-type": TYPES[path.extname(file)] ?? "application/octet-stream",
      "content-security-policy": APP_CSP,
      "cache-control": "no-store",
    });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, base: `http://127.0.0.1:${server.address().port}/` };
}

export function launchBrowser() {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/**
 * Opens the app with the IPC mock in the given scenario (see tests/ipc-mock.ts).
 * Returns the page plus what went wrong in it: uncaught errors, CSP violations
 * and JavaScript dialogs (none should ever happen).
 *
 * `locale` is the browser's language (navigator.language), "en-US" unless a test says.
 *
 * With `clock: true` the page runs on Playwright's fake clock (Date, timers and
 * performance.now), installed before the app loads; time flows until the test
 * pauses it (page.clock.pauseAt) and then moves only when the test says.
 */
/**
 * Serve the built UI and start Chromium before a test file's tests, and stop both after
 * them. Returns an object whose `browser` and `base` are set once the hooks have run.
 */
export function useBrowser() {
  const env = { server: undefined, base: undefined, browser: undefined };
  before(async () => {
    ({ server: env.server, base: env.base } = await startServer());
    env.browser = await launchBrowser();
  });
  after(async () => {
    await env.browser?.close();
    env.server?.close();
  });
  return env;
}

export async function openApp(
  browser,
  base,
  scenario = {},
  { width = 1024, height = 768, clock = false, locale = "en-US" } = {},
) {
  const context = await browser.newContext({
    viewport: { width, height },
    locale,
    timezoneId: "America/Chicago",
  });
  if (clock) await context.clock.install();
  const page = await context.newPage();
  page.setDefaultTimeout(5000);
  const problems = { pageErrors: [], cspViolations: [], dialogs: [] };
  page.on("pageerror", (e) => problems.pageErrors.push(String(e)));
  page.on("dialog", async (d) => {
    problems.dialogs.push(d.message());
    await d.dismiss();
  });
  page.on("console", (m) => {
    if (m.type() === "error" && /Content.Security.Policy/i.test(m.text())) problems.cspViolations.push(m.text());
  });
  await page.addInitScript((s) => {
    window.__PORTAL_MOCK__ = s;
    document.addEventListener("securitypolicyviolation", (e) => {
      (window.__CSP_VIOLATIONS__ ??= []).push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  }, scenario);
  await page.addInitScript({ path: mockScript });
  await page.goto(base);
  return { context, page, problems };
}

/** Closes the page and fails if anything went wrong in it. */
export async function closeApp({ context, page, problems }, assert) {
  const violations = await page.evaluate(() => window.__CSP_VIOLATIONS__ ?? []).catch(() => []);
  await context.close();
  assert.deepEqual(problems.pageErrors, [], "uncaught errors in the page");
  assert.deepEqual([...problems.cspViolations, ...violations], [], "Content-Security-Policy violations");
  assert.deepEqual(problems.dialogs, [], "JavaScript dialogs opened");
}

export async function signIn(page, email = DEFAULT_EMAIL, password = DEFAULT_PASSWORD) {
  await page.fill("#email", email);
  await page.fill("#password", password);
  await page.click("#sign-in");
}

/** Text of an element with white space collapsed. */
export async function text(page, selector) {
  const t = await page.textContent(selector);
  return (t ?? "").replace(/\s+/g, " ").trim();
}

export async function mockCalls(page, cmd) {
  const calls = await page.evaluate(() => window.__PORTAL_CALLS__ ?? []);
  return cmd ? calls.filter((c) => c.cmd === cmd) : calls;
}

/** Runs axe-core (default rules, which include WCAG 2.0/2.1 A and AA) and returns the results. */
export async function runAxe(page) {
  await page.addScriptTag({ url: "/__test__/axe.min.js" });
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ["violations", "incomplete"] });
    const aa = (rule) => rule.tags.includes("wcag2aa") || rule.tags.includes("wcag21aa");
    return {
      version: window.axe.version,
      aaPassed: r.passes.filter(aa).map((p) => p.id),
      passes: r.passes.length,
      incomplete: r.incomplete.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`),
      violations: r.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        targets: v.nodes.map((n) => n.target.join(" ")),
      })),
    };
  });
}

/** Runs axe-core, prints its figures and any violation, and fails on a violation. */
export async function axeClean(page, label) {
  const r = await runAxe(page);
  console.log(`axe ${r.version} ${label}: passes=${r.passes} violations=${r.violations.length} incomplete=${r.incomplete.length}`);
  for (const v of r.violations) console.log(`  VIOLATION ${v.id} [${v.impact}] ${v.help}: ${v.targets.join(", ")}`);
  assert.equal(r.violations.length, 0, `axe violations on ${label}`);
}

export async function screenshot(page, name) {
  fs.mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: false });
}

export function policy(overrides = {}) {
  return {
    version: 3,
    language: "en",
    title: "Patient Portal Policy",
    published_at: "2026-03-01T15:00:00Z",
    accepted_at: null,
    text: POLICY_TEXT,
    ...overrides,
  };
}

export const POLICY_TEXT = `Welcome to the Patient Portal of Dermatology Specialists of Kansas City. Please read this policy carefully. It explains what the portal is for, how we protect your information, and what we ask of you.

1. Not for emergencies
The portal is never for emergencies or urgent requests. Messages are read during office hours and may take up to two business days to answer. In an emergency, call 911. For urgent questions, call the office.

2. Your account
Your account is for you alone. Do not share your pass-phrase with anyone. If you think someone else knows it, call the office so we can help you change it.

3. Your privacy
We protect your health information as required by HIPAA. Information you send through the portal becomes part of your medical record. Only your care team and staff who need it for your care can see it.

4. Signing out
For your safety, you are signed out after 15 minutes without activity. Please sign out when you are done, especially on a shared computer.

5. Changes to this policy
We may update this policy. When we do, we will ask you to read and accept the new version before you continue.`;
