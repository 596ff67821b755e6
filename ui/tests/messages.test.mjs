// Secure messaging in Chromium with the Rust side mocked (tests/ipc-mock.ts holds the fake
// world: Ana's conversations 101–103 with 3 unread, others in the triage pools).
import { test } from "node:test";
import assert from "node:assert/strict";
import { useBrowser, openApp, closeApp, text, mockCalls, policy } from "./harness.mjs";

const PRACTICE = { name: "Dermatology Specialists of Kansas City", phone: "(816) 555-0142" };
const ANA = { id: 7, email: "ana.garcia@example.com", name: "Ana García", role: "patient" };
const PATEL = { id: 21, email: "maya.patel@example.com", name: "Dr. Maya Patel", role: "physician" };
const JORDAN = { id: 31, email: "jordan.kim@example.com", name: "Jordan Kim", role: "staff" };

/** A 1×1 PNG. */
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);
const PDF = Buffer.from("%PDF-1.4\n%%EOF\n");

const EMERGENCY_TEXT =
  "If you have chest pain, trouble breathing, thoughts of harming yourself, heavy bleeding or another emergency, " +
  "call 911 now. Messages are not read right away.";

const env = useBrowser();

function signedIn(user = ANA, extra = {}) {
  return { practice: PRACTICE, session: { user, policy: policy({ accepted_at: "2026-03-05T17:30:00Z" }) }, ...extra };
}

/** Opens the app signed in and goes to the inbox. */
async function openInbox(user = ANA, extra = {}, options = {}) {
  const app = await openApp(env.browser, env.base, signedIn(user, extra), options);
  await app.page.waitForSelector("#home");
  await app.page.click("#nav-messages");
  await app.page.waitForSelector("#inbox");
  return app;
}

/** Opens the compose screen from the inbox. */
async function openCompose(extra = {}) {
  const app = await openInbox(ANA, extra);
  await app.page.click("#new-message");
  await app.page.waitForSelector("#compose-form");
  return app;
}

const rowIds = (page, list) => page.$$eval(`${list} > li`, (rows) => rows.map((r) => Number(r.dataset.threadId)));
const badge = (page) => page.$eval("#unread-badge .visually-hidden", (e) => e.textContent).catch(() => null);
const focusedId = (page) => page.evaluate(() => document.activeElement?.id ?? null);

/** An element's accessible name and description, as Chromium gives them to screen readers. */
async function accessible(page, selector) {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { root } = await cdp.send("DOM.getDocument", { depth: 0 });
    const { nodeId } = await cdp.send("DOM.querySelector", { nodeId: root.nodeId, selector });
    assert.ok(nodeId, `${selector} not found`);
    const { nodes } = await cdp.send("Accessibility.getPartialAXTree", { nodeId, fetchRelatives: false });
    return { name: nodes[0].name?.value ?? "", description: nodes[0].description?.value ?? "" };
  } finally {
    await cdp.detach();
  }
}

const description = async (page, selector) => (await accessible(page, selector)).description;
const accessibleName = async (page, selector) => (await accessible(page, selector)).name;

/** Drops files on an element the way a desktop drag and drop does (dragenter, dragover, drop). */
async function dropFiles(page, selector, files, { stopBeforeDrop = false } = {}) {
  const dataTransfer = await page.evaluateHandle((list) => {
    const dt = new DataTransfer();
    for (const f of list) {
      const bytes = Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0));
      dt.items.add(new File([bytes], f.name, { type: f.type }));
    }
    return dt;
  }, files.map((f) => ({ name: f.name, type: f.type, base64: f.buffer.toString("base64") })));
  await page.dispatchEvent(selector, "dragenter", { dataTransfer });
  await page.dispatchEvent(selector, "dragover", { dataTransfer });
  if (!stopBeforeDrop) await page.dispatchEvent(selector, "drop", { dataTransfer });
  return dataTransfer;
}

test("patient: inbox with unread counts; opening a conversation marks it read and the badge goes down", async () => {
  const app = await openApp(env.browser, env.base, signedIn());
  const { page } = app;
  await page.waitForSelector("#home");
  await page.waitForSelector("#unread-badge");
  assert.equal(await badge(page), "3 unread");
  assert.equal(await accessibleName(page, "#nav-messages"), "Messages 3 unread");
  assert.equal(await page.$("#nav-triage"), null, "patients have no triage");
  assert.equal(await text(page, "#home-unread"), "You have 3 unread messages.");

  await page.click("#nav-messages");
  await page.waitForSelector("#thread-list");
  assert.equal(await page.title(), "Messages – Patient Portal");
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Messages");
  assert.equal(await page.getAttribute("#nav-messages", "aria-current"), "page");
  // Server order: last activity first.
  assert.deepEqual(await rowIds(page, "#thread-list"), [102, 101, 103]);
  assert.equal(await text(page, "#thread-101-row .open"), "Rash on my arm after the new cream");
  assert.equal(await description(page, "#thread-101-row .open"), "2 unread Medical question, Last message 30 minutes ago, Open");
  assert.equal(await description(page, "#thread-102-row .open"), "1 unread Prescription renewal, Last message 20 minutes ago, Open");
  assert.match(await description(page, "#thread-103-row .open"), /^Billing, Last message [A-Z][a-z]+ \d+, 20\d\d at \d+:\d\d [AP]M, Closed$/);
  assert.match(await text(page, "#thread-103-row .details"), /^Billing ?· Last message .* ?· Closed$/);
  assert.equal(await page.$("#thread-103-unread"), null);
  // The unread number is shown; screen readers hear "2 unread".
  assert.equal(await page.$eval("#thread-101-unread [aria-hidden]", (e) => e.textContent), "2");
  assert.equal(await page.$eval("#thread-101-unread .visually-hidden", (e) => e.textContent), "2 unread");
  assert.equal(await page.$("#new-message") !== null, true);
  await page.waitForSelector("#no-drafts");

  // Open conversation 101 by clicking anywhere on its row.
  const box = await page.locator("#thread-101-row").boundingBox();
  await page.mouse.click(box.x + box.width - 20, box.y + box.height - 10);
  await page.waitForSelector("#message-list");
  assert.equal(await page.title(), "Conversation – Patient Portal");
  assert.equal(await text(page, "h1"), "Rash on my arm after the new cream");
  await page.waitForFunction(() => document.activeElement?.id === "thread-subject");
  assert.deepEqual((await mockCalls(page, "get_thread"))[0].args, { threadId: 101 });
  await page.waitForFunction(() => document.querySelector("#unread-badge .visually-hidden")?.textContent === "1 unread");
  assert.deepEqual((await mockCalls(page, "mark_thread_read"))[0].args, { threadId: 101 });

  // Messages in order, with author and role; the own one also says "you", and when it was read.
  const authors = await page.$$eval("#message-list .author", (els) => els.map((e) => e.textContent));
  assert.deepEqual(authors, ["Ana García (patient) · you", "Dr. Maya Patel (physician)", "Dr. Maya Patel (physician)"]);
  assert.match(await text(page, "#message-1001 .receipt"), /^Read /);
  assert.equal(await page.$("#message-1002 .receipt"), null, "no receipt on others' messages");
  const body = await page.$eval("#message-1001 .body", (e) => ({ text: e.textContent, ws: getComputedStyle(e).whiteSpace }));
  assert.equal(body.text, "Hello,\nsince I started the new cream my arm is red and itchy.\nShould I stop using it?");
  assert.equal(body.ws, "pre-wrap");

  // The photo is shown from its bytes, the PDF can be saved.
  const img = page.locator('img[alt="Attached photo: typical-reaction.png"]');
  await img.waitFor();
  await page.waitForFunction(() => document.querySelector("#message-list img")?.naturalWidth === 48);
  const src = await img.getAttribute("src");
  assert.match(src, /^blob:/);
  assert.deepEqual((await mockCalls(page, "get_attachment"))[0].args, { attachmentId: "att-photo-1" });
  assert.equal(await accessibleName(page, "#attachment-att-pdf-1 button"), "Save PDF: skin-care-handout.pdf");
  assert.equal(await page.$eval("#attachment-att-pdf-1 button", (b) => b.innerText.trim()), "Save PDF");
  await page.click("#attachment-att-pdf-1 button");
  await page.waitForSelector("#attachment-att-pdf-1-saved:has-text('Saved to')");
  // Issue 9, 5.10: where the copy went, and that it is not protected there.
  assert.equal(
    await text(page, "#attachment-att-pdf-1-saved"),
    "Saved to /home/ana/Downloads/skin-care-handout.pdf. This copy is not protected by the portal: " +
      "delete it when you no longer need it, especially on a shared computer.",
  );
  assert.equal(await page.getAttribute("#attachment-att-pdf-1-saved", "role"), "status");
  assert.deepEqual((await mockCalls(page, "save_attachment"))[0].args, { attachmentId: "att-pdf-1", filename: "skin-care-handout.pdf" });

  // Back in the inbox the conversation has no unread messages, and the photo's URL was let go.
  await page.evaluate(() => {
    const revoke = URL.revokeObjectURL.bind(URL);
    window.__REVOKED__ = [];
    URL.revokeObjectURL = (url) => {
      window.__REVOKED__.push(url);
      revoke(url);
    };
  });
  await page.click("#back-to-list");
  await page.waitForSelector("#thread-list");
  await page.waitForFunction(() => !document.querySelector("#thread-101-unread"));
  assert.equal(await badge(page), "1 unread");
  assert.deepEqual(await page.evaluate(() => window.__REVOKED__), [src]);
  await closeApp(app, assert);
});

test("compose: a picked and a dropped file, autosave within 1 s, send, land in the conversation", async () => {
  const app = await openCompose({ messaging: { sendStepMs: 150 } });
  const { page } = app;
  assert.equal(await page.title(), "New message – Patient Portal");
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), "New message");
  assert.equal(
    await text(page, "#compose-emergency-notice"),
    "This portal is never for emergencies or urgent requests. In an emergency, call 911. For urgent questions, call Dermatology Specialists of Kansas City at (816) 555-0142.",
  );
  assert.equal(await page.getAttribute("#compose-emergency-notice a", "href"), "tel:8165550142");
  assert.equal(await page.getAttribute("#compose-files", "accept"), "image/jpeg,image/png,application/pdf");
  assert.equal(await page.getAttribute("#compose-files", "multiple"), "");
  assert.equal(await page.getAttribute("#compose-subject", "maxlength"), "200");
  assert.equal(await page.getAttribute("#compose-body", "maxlength"), "20000");
  const categories = await page.$$eval("#compose-category option:not([disabled])", (os) => os.map((o) => `${o.value}:${o.textContent}`));
  assert.deepEqual(categories, [
    "medical_question:Medical question",
    "prescription_renewal:Prescription renewal",
    "appointment:Appointment",
    "billing:Billing",
    "other:Other",
  ]);
  await page.waitForTimeout(800);
  assert.equal((await mockCalls(page, "save_draft")).length, 0, "no draft before the first change");

  await page.selectOption("#compose-category", "medical_question");
  await page.fill("#compose-subject", "New spot on my cheek");
  await page.click("#compose-body");
  const body = "Hello Dr. Patel,\nI found a new spot on my cheek.";
  await page.keyboard.type(body, { delay: 15 });
  const typedAt = Date.now();
  await page.waitForSelector("#compose-draft-status:has-text('Saved on this computer, encrypted')", { timeout: 1500 });
  const savedAfter = Date.now() - typedAt;
  assert.ok(savedAfter < 1000, `saved ${savedAfter} ms after the last key`);
  assert.equal(await page.getAttribute("#compose-draft-status", "role"), "status");
  const saves = await mockCalls(page, "save_draft");
  assert.ok(saves.length <= 3, `${saves.length} saves while typing (not one per key)`);
  assert.deepEqual(saves.at(-1).args.draft, {
    draft_id: saves.length > 1 ? "draft-1000" : null,
    thread_id: null,
    category: "medical_question",
    subject: "New spot on my cheek",
    body,
    attachments: [],
  });
  assert.equal(saves[0].args.draft.draft_id, null, "the first save creates the draft");
  for (const later of saves.slice(1)) assert.equal(later.args.draft.draft_id, "draft-1000");

  // A file picked in the file dialog.
  await page.setInputFiles("#compose-files", { name: "cheek.png", mimeType: "image/png", buffer: PNG });
  await page.waitForSelector('[data-file="cheek.png"] button.remove:enabled');
  const added = await mockCalls(page, "add_draft_attachment");
  assert.deepEqual(added[0].args, { bytes: PNG.length, headers: { "x-draft-id": "draft-1000", "x-filename": "cheek.png" } });
  assert.equal(await text(page, '[data-file="cheek.png"] .size'), `${PNG.length} bytes`);
  assert.equal(await accessibleName(page, '[data-file="cheek.png"] button.remove'), "Remove cheek.png");

  // A file dropped on the form: the drop zone shows it is ready, then the file is attached.
  const dt = await dropFiles(page, "#compose-form", [{ name: "lab results.pdf", type: "application/pdf", buffer: PDF }], { stopBeforeDrop: true });
  assert.equal(await page.$eval(".drop-zone", (e) => e.classList.contains("active")), true);
  assert.equal(await text(page, "#compose-files-hint"), "Drop the files to attach them.");
  await page.dispatchEvent("#compose-form", "drop", { dataTransfer: dt });
  await page.waitForSelector('[data-file="lab results.pdf"] button.remove:enabled');
  assert.equal(await page.$eval(".drop-zone", (e) => e.classList.contains("active")), false);
  assert.equal((await mockCalls(page, "add_draft_attachment"))[1].args.headers["x-filename"], "lab%20results.pdf");

  // Send: progress bars for each file while sending, then the conversation.
  await page.click("#compose-send");
  await page.waitForSelector("#compose-attachments progress");
  assert.equal(await text(page, "#compose-send"), "Sending…");
  const bars = await page.$$eval("#compose-attachments progress", (ps) =>
    ps.map((p) => document.querySelector(`label[for="${p.id}"]`)?.textContent),
  );
  assert.deepEqual(bars, ["Sending cheek.png", "Sending lab results.pdf"]);
  await page.waitForFunction(() => {
    const p = document.querySelector("#compose-attachments progress");
    return p && p.max > 1 && p.value > 0;
  });
  await page.waitForSelector("#thread");
  assert.equal(await text(page, "h1"), "New spot on my cheek");
  assert.deepEqual((await mockCalls(page, "emergency_check"))[0].args, { text: `New spot on my cheek\n${body}` });
  assert.deepEqual((await mockCalls(page, "send_draft"))[0].args, { draftId: "draft-1000", onProgress: "channel" });
  assert.equal(await page.$eval("#message-list li:last-child .body", (e) => e.textContent), body);
  await page.waitForSelector('#message-list img[alt="Attached photo: cheek.png"]');
  assert.equal(await text(page, "#message-list li:last-child .file .name"), "lab results.pdf");

  // The draft is gone; the list was refreshed after sending.
  await page.click("#back-to-list");
  await page.waitForSelector("#no-drafts");
  const rows = await rowIds(page, "#thread-list");
  assert.equal(rows.length, 4);
  assert.equal(await text(page, `#thread-${rows[0]}-row .open`), "New spot on my cheek");
  await closeApp(app, assert);
});

test("the emergency dialog: 'Call 911' does not send, 'Send anyway' sends (English and Spanish)", async () => {
  const app = await openCompose();
  const { page } = app;
  await page.selectOption("#compose-category", "medical_question");
  await page.fill("#compose-subject", "Feeling unwell");
  await page.fill("#compose-body", "I have chest pain since this morning.");
  await page.click("#compose-send");
  await page.waitForSelector("#emergency-dialog");
  const dialog = await page.evaluate(() => {
    const d = document.querySelector("#emergency-dialog");
    const byId = (id) => document.getElementById(id)?.textContent.replace(/\s+/g, " ").trim();
    return {
      role: d.getAttribute("role"),
      modal: d.getAttribute("aria-modal"),
      label: byId(d.getAttribute("aria-labelledby")),
      description: byId(d.getAttribute("aria-describedby")),
      buttons: [...d.querySelectorAll("button")].map((b) => b.textContent.trim()),
      focused: document.activeElement?.id,
      headerInert: document.querySelector(".app-header")?.closest("[inert]") !== null,
      formInert: document.querySelector("#compose-form")?.closest("[inert]") !== null,
    };
  });
  assert.deepEqual(dialog, {
    role: "alertdialog",
    modal: "true",
    label: "Is this an emergency?",
    description: EMERGENCY_TEXT,
    buttons: ["Call 911 — I will not send this", "Send anyway"],
    focused: "emergency-call-911",
    headerInert: true,
    formInert: true,
  });
  assert.deepEqual((await mockCalls(page, "emergency_check"))[0].args, { text: "Feeling unwell\nI have chest pain since this morning." });
  // Tab stays in the dialog.
  await page.keyboard.press("Tab");
  assert.equal(await focusedId(page), "emergency-send-anyway");
  await page.keyboard.press("Tab");
  assert.equal(await focusedId(page), "emergency-call-911");

  await page.click("#emergency-call-911");
  await page.waitForSelector("#emergency-dialog", { state: "detached" });
  assert.equal(await focusedId(page), "emergency-call");
  assert.match(await text(page, "#emergency-call"), /^If this is an emergency, call 911 now\. 911 For urgent questions, call Dermatology Specialists of Kansas City at \(816\) 555-0142\./);
  assert.equal((await mockCalls(page, "send_draft")).length, 0);
  assert.equal(await page.$(".app-header [inert], [inert] .app-header"), null, "nothing is inert any more");
  // The draft is kept (saved before checking).
  const drafts = await page.evaluate(() => window.__TAURI_INTERNALS__.invoke("list_drafts"));
  assert.equal(drafts.length, 1);
  assert.equal(await page.inputValue("#compose-body"), "I have chest pain since this morning.");

  // Sending again asks again; "Send anyway" sends.
  await page.click("#compose-send");
  await page.waitForSelector("#emergency-dialog");
  await page.click("#emergency-send-anyway");
  await page.waitForSelector("#thread");
  assert.equal((await mockCalls(page, "send_draft")).length, 1);
  assert.equal(await text(page, "h1"), "Feeling unwell");
  await closeApp(app, assert);

  // Spanish, in a reply; Escape cancels.
  const app2 = await openInbox();
  const page2 = app2.page;
  await page2.click("#thread-101-row .open");
  await page2.waitForSelector("#reply-form");
  assert.match(await text(page2, "#reply-emergency-notice"), /^This portal is never for emergencies/);
  await page2.fill("#reply-body", "Desde ayer tengo dolor de pecho.");
  await page2.click("#reply-send");
  await page2.waitForSelector("#emergency-dialog");
  assert.equal(await text(page2, "#emergency-dialog .matched"), "Your message mentions “dolor de pecho”.");
  await page2.keyboard.press("Escape");
  await page2.waitForSelector("#emergency-dialog", { state: "detached" });
  assert.equal(await focusedId(page2), "reply-send");
  assert.equal((await mockCalls(page2, "send_draft")).length, 0);
  assert.ok(await page2.$("#emergency-call"));
  await page2.click("#reply-send");
  await page2.click("#emergency-send-anyway");
  await page2.waitForSelector("#reply-sent:has-text('Your message was sent.')");
  await page2.waitForFunction(() => document.querySelectorAll("#message-list > li").length === 4);
  await page2.waitForFunction(() => document.activeElement?.closest("#message-list > li:last-child") !== null);
  assert.equal(await page2.$eval("#message-list li:last-child .body", (e) => e.textContent), "Desde ayer tengo dolor de pecho.");
  assert.equal(await page2.inputValue("#reply-body"), "", "a fresh reply box");
  const sentDraft = (await mockCalls(page2, "save_draft")).at(-1).args.draft;
  assert.equal(sentDraft.thread_id, 101);
  assert.equal(sentDraft.category, null);
  await closeApp(app2, assert);
});

test("files: the size limit is the service's, as its operator set it, in the hint and the check", async () => {
  const app = await openCompose({ limits: { max_attachment_bytes: 2 * 1024 * 1024 } });
  const { page } = app;
  assert.equal(
    await text(page, "#compose-files-hint"),
    "Or drag files here. Up to 5 files: JPEG or PNG photos, or PDFs, 2 MB each.",
  );
  await page.setInputFiles("#compose-files", { name: "scan.pdf", mimeType: "application/pdf", buffer: Buffer.alloc(2 * 1024 * 1024 + 1, 0x25) });
  await page.waitForSelector('[data-file="scan.pdf"] .error');
  assert.equal(await text(page, '[data-file="scan.pdf"] .error'), "This file is larger than 2 MB. Please choose a smaller file.");
  assert.equal((await mockCalls(page, "add_draft_attachment")).length, 0, "a file over the service's limit is not even read");
  await closeApp(app, assert);
});

test("files: a wrong type, a file too large, and more than five are explained next to each file", async () => {
  const app = await openCompose();
  const { page } = app;
  await page.setInputFiles("#compose-files", [
    { name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("just some text") },
    { name: "scan.png", mimeType: "image/png", buffer: PNG },
  ]);
  await page.waitForSelector('[data-file="notes.txt"] .error');
  assert.equal(
    await text(page, '[data-file="notes.txt"] .error'),
    "This kind of file can't be attached. Please choose a JPEG or PNG photo, or a PDF.",
  );
  assert.equal(await page.getAttribute('[data-file="notes.txt"] .error', "role"), "alert");
  await page.waitForSelector('[data-file="scan.png"] button.remove:enabled');
  assert.equal(await page.$('[data-file="scan.png"] .error'), null);
  // The first file created the draft; the second went into the same one.
  const added = await mockCalls(page, "add_draft_attachment");
  // The wrong file made no draft; the picture then created it.
  assert.deepEqual(added.map((c) => c.args.headers["x-draft-id"]), ["", ""]);

  // 10 MB through the browser's protocol: slow on a loaded machine.
  await page.setInputFiles(
    "#compose-files",
    { name: "huge.pdf", mimeType: "application/pdf", buffer: Buffer.alloc(10 * 1024 * 1024 + 1, 0x25) },
    { timeout: 30_000 },
  );
  await page.waitForSelector('[data-file="huge.pdf"] .error');
  assert.equal(await text(page, '[data-file="huge.pdf"] .error'), "This file is larger than 10 MB. Please choose a smaller file.");
  assert.equal((await mockCalls(page, "add_draft_attachment")).length, 2, "a file over 10 MB is not even read");

  // A failed file is removed from the list without asking the Rust side.
  await page.click('[data-file="notes.txt"] button.remove');
  await page.waitForSelector('[data-file="notes.txt"]', { state: "detached" });
  assert.equal((await mockCalls(page, "remove_draft_attachment")).length, 0);

  const four = [1, 2, 3, 4, 5].map((n) => ({ name: `photo-${n}.png`, mimeType: "image/png", buffer: PNG }));
  await page.setInputFiles("#compose-files", four);
  await page.waitForSelector('[data-file="photo-5.png"] .error');
  assert.match(await text(page, '[data-file="photo-5.png"] .error'), /^You can attach up to 5 files to one message\./);
  await page.waitForSelector('[data-file="photo-4.png"] button.remove:enabled');
  const later = (await mockCalls(page, "add_draft_attachment")).slice(2);
  assert.equal(later.length, 4, "the fifth picture was not sent to the Rust side");
  for (const call of later) assert.equal(call.args.headers["x-draft-id"], "draft-1000");

  // Removing an attached file tells the Rust side.
  await page.click('[data-file="scan.png"] button.remove');
  await page.waitForSelector('[data-file="scan.png"]', { state: "detached" });
  const removed = await mockCalls(page, "remove_draft_attachment");
  assert.equal(removed.length, 1);
  assert.equal(removed[0].args.draftId, "draft-1000");
  assert.match(removed[0].args.attachmentId, /^file-/);
  await closeApp(app, assert);
});

test("a send that fails keeps everything; sending again works", async () => {
  const app = await openCompose({
    fail: { send_draft: { code: "server_unreachable", message: "We can't reach your practice's server right now." } },
  });
  const { page } = app;
  await page.selectOption("#compose-category", "billing");
  await page.fill("#compose-subject", "Receipt please");
  await page.fill("#compose-body", "Could you send me a receipt for my last visit?");
  await page.click("#compose-send");
  await page.waitForSelector("#compose-error");
  assert.equal(
    await text(page, "#compose-error"),
    "We can't reach your practice's server right now. Your message is still saved on this computer. You can try sending it again.",
  );
  assert.equal(await page.inputValue("#compose-subject"), "Receipt please");
  assert.equal(await page.inputValue("#compose-body"), "Could you send me a receipt for my last visit?");
  assert.equal(await page.isEnabled("#compose-send"), true);

  await page.evaluate(() => delete window.__PORTAL_MOCK__.fail.send_draft);
  await page.click("#compose-send");
  await page.waitForSelector("#thread");
  const sends = await mockCalls(page, "send_draft");
  assert.equal(sends.length, 2);
  assert.equal(sends[0].args.draftId, sends[1].args.draftId, "the same draft (and idempotency key) again");
  await closeApp(app, assert);
});

test("compose: missing fields are explained and focused; nothing is sent", async () => {
  const app = await openCompose();
  const { page } = app;
  await page.click("#compose-send");
  assert.equal(await text(page, "#compose-error"), "Please choose what your message is about.");
  assert.equal(await focusedId(page), "compose-category");
  assert.equal(await page.getAttribute("#compose-category", "aria-invalid"), "true");
  await page.selectOption("#compose-category", "other");
  await page.click("#compose-send");
  assert.equal(await text(page, "#compose-error"), "Please write a subject.");
  assert.equal(await focusedId(page), "compose-subject");
  await page.fill("#compose-subject", "Hello");
  await page.click("#compose-send");
  assert.equal(await text(page, "#compose-error"), "Please write your message.");
  assert.equal(await focusedId(page), "compose-body");
  assert.equal((await mockCalls(page, "emergency_check")).length, 0);
  assert.equal((await mockCalls(page, "send_draft")).length, 0);
  // Near the limit a counter shows.
  assert.equal(await page.isVisible("#compose-counter"), false);
  await page.fill("#compose-body", "x".repeat(19_500));
  assert.equal(await text(page, "#compose-counter"), "19,500 of 20,000 characters (500 left)");
  await closeApp(app, assert);
});

test("leaving compose or signing out saves the draft at once", async () => {
  const app = await openCompose();
  const { page } = app;
  await page.selectOption("#compose-category", "appointment");
  await page.waitForSelector("#compose-draft-status:has-text('Saved')");
  await page.fill("#compose-subject", "Move my appointment");
  await page.click("#back-to-messages"); // well within 700 ms
  await page.waitForSelector("#draft-list");
  const saves = await mockCalls(page, "save_draft");
  assert.equal(saves.at(-1).args.draft.subject, "Move my appointment");
  assert.equal(await text(page, "#draft-list .open"), "Move my appointment");

  // Continue the draft, change it, sign out right away.
  await page.click("#draft-list .open");
  await page.waitForSelector("#compose-form");
  assert.equal(await page.inputValue("#compose-subject"), "Move my appointment");
  assert.equal(await page.inputValue("#compose-category"), "appointment");
  await page.fill("#compose-body", "Could we move it to Friday?");
  await page.click("#sign-out");
  await page.waitForSelector("#sign-in-form");
  const calls = await mockCalls(page);
  const lastSave = calls.findLastIndex((c) => c.cmd === "save_draft");
  const signOut = calls.findIndex((c) => c.cmd === "sign_out");
  assert.ok(lastSave >= 0 && lastSave < signOut, "saved before signing out");
  assert.equal(calls[lastSave].args.draft.body, "Could we move it to Friday?");
  assert.equal(calls[lastSave].args.draft.draft_id, "draft-1000");
  await closeApp(app, assert);
});

test("idle sign-out saves the draft first", async () => {
  const app = await openApp(env.browser, env.base, signedIn(ANA, { idleTimeoutSecs: 4 }));
  const { page } = app;
  await page.waitForSelector("#home");
  await page.click("#nav-messages");
  await page.click("#new-message");
  await page.waitForSelector("#compose-form");
  await page.fill("#compose-body", "Half-written message");
  await page.waitForSelector("#sign-in-form", { timeout: 8000 });
  const calls = await mockCalls(page);
  const lastSave = calls.findLastIndex((c) => c.cmd === "save_draft");
  assert.ok(lastSave >= 0 && lastSave < calls.findIndex((c) => c.cmd === "sign_out"));
  assert.equal(calls[lastSave].args.draft.body, "Half-written message");
  assert.match(await text(page, "#sign-in-status"), /signed out after 4 seconds/);
  await closeApp(app, assert);
});

test("drafts: intact ones open to continue (new and reply), a damaged one shows no content", async () => {
  const now = new Date().toISOString();
  const drafts = [
    { draft_id: "d-new", owner: 7, thread_id: null, category: "other", subject: "Sunscreen question", body: "Which SPF?", attachments: [], updated_at: now, version: 3 },
    { draft_id: "d-reply", owner: 7, thread_id: 101, category: null, subject: "", body: "Here is the photo.", attachments: [], updated_at: now, version: 1 },
    { draft_id: "d-bad", owner: 7, thread_id: null, category: "other", subject: "secret words", body: "secret body", attachments: [], updated_at: now, version: 2, damaged: true },
  ];
  const app = await openInbox(ANA, { messaging: { drafts } });
  const { page } = app;
  await page.waitForSelector("#draft-list");
  assert.equal(await text(page, '[data-draft-id="d-bad"]'), "This draft could not be opened and was set aside. Last saved just now");
  assert.equal(await page.$('[data-draft-id="d-bad"] button'), null);
  assert.doesNotMatch(await text(page, "#drafts"), /secret/);
  assert.equal(await text(page, '[data-draft-id="d-reply"] .open'), "Reply: Rash on my arm after the new cream");

  await page.click('[data-draft-id="d-reply"] .open');
  await page.waitForSelector("#reply-form");
  await page.waitForFunction(() => document.querySelector("#reply-body")?.value === "Here is the photo.");
  assert.deepEqual((await mockCalls(page, "load_draft"))[0].args, { draftId: "d-reply" });

  // The reply deleted with the keyboard: the Delete button goes with the old form, and the focus
  // goes to the new, empty reply (not to the top of the page).
  await page.focus("#reply-discard");
  await page.keyboard.press("Enter");
  assert.equal(await focusedId(page), "reply-discard-no");
  await page.keyboard.press("Shift+Tab");
  assert.equal(await focusedId(page), "reply-discard-yes");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#reply-sent:has-text('The draft was deleted.')");
  await page.waitForFunction(() => document.activeElement?.id === "reply-body");
  assert.equal(await page.inputValue("#reply-body"), "");
  assert.deepEqual((await mockCalls(page, "discard_draft"))[0].args, { draftId: "d-reply" });

  await page.click("#back-to-list");
  await page.click('[data-draft-id="d-new"] .open');
  await page.waitForSelector("#compose-form");
  assert.equal(await page.inputValue("#compose-subject"), "Sunscreen question");
  assert.equal(await page.inputValue("#compose-body"), "Which SPF?");

  // Deleting asks first.
  await page.click("#compose-discard");
  assert.equal(await focusedId(page), "compose-discard-no");
  await page.click("#compose-discard-yes");
  await page.waitForSelector("#inbox");
  assert.deepEqual((await mockCalls(page, "discard_draft"))[1].args, { draftId: "d-new" });
  await page.waitForSelector("#draft-list");
  assert.equal(await page.$('[data-draft-id="d-new"]'), null);
  await closeApp(app, assert);
});

test("a locked vault is explained in plain words", async () => {
  const app = await openCompose({ fail: { save_draft: { code: "vault_locked", message: "vault is locked" } } });
  const { page } = app;
  await page.fill("#compose-body", "Hello");
  await page.waitForSelector("#compose-draft-status:has-text('locked')");
  assert.equal(await text(page, "#compose-draft-status"), "Your drafts are locked. Please sign in again.");
  await closeApp(app, assert);
});

test("staff: triage by team and filter, assign, close and reopen", async () => {
  const app = await openApp(env.browser, env.base, signedIn(PATEL));
  const { page } = app;
  await page.waitForSelector("#home");
  await page.click("#nav-triage");
  await page.waitForSelector("#triage-list");
  assert.equal(await page.title(), "Triage – Patient Portal");
  assert.equal(await page.getAttribute("#triage-team-all", "aria-pressed"), "true");
  assert.equal(await page.inputValue("#triage-status-filter"), "open");
  assert.equal(await page.inputValue("#triage-assigned"), "any");
  // All teams: urgent first, then last activity; each row says its team.
  assert.deepEqual(await rowIds(page, "#triage-list"), [104, 102, 101, 105, 106]);
  assert.equal(await text(page, "#thread-104-urgent"), "Possibly urgent");
  assert.equal(
    await description(page, "#thread-104-row .open"),
    "Possibly urgent 1 unread Medical question, Patient: Robert Miller, Team: Clinical, Unassigned, Last message 10 minutes ago, Open",
  );
  assert.equal(await text(page, "#triage-summary"), "5 open conversations in all teams, assigned to anyone.");

  await page.click("#triage-team-clinical");
  await page.waitForFunction(() => document.querySelector("#triage-summary")?.textContent === "3 open conversations in Clinical, assigned to anyone.");
  assert.deepEqual(await rowIds(page, "#triage-list"), [104, 102, 101]);
  assert.match(await text(page, "#thread-101-details"), /Patient: Ana García, Assigned to Dr\. Maya Patel, /);
  assert.deepEqual((await mockCalls(page, "list_threads")).at(-1).args, { pool: "billing", status: "open" });

  await page.click("#triage-team-front_desk");
  await page.waitForFunction(() => document.querySelector("#triage-summary")?.textContent === "1 open conversation in Front desk, assigned to anyone.");
  assert.deepEqual(await rowIds(page, "#triage-list"), [105]);

  await page.click("#triage-team-clinical");
  await page.selectOption("#triage-assigned", "me");
  await page.waitForFunction(() => document.querySelector("#triage-summary")?.textContent.includes("assigned to you"));
  assert.deepEqual(await rowIds(page, "#triage-list"), [101]);
  assert.deepEqual((await mockCalls(page, "list_threads")).at(-3).args, { pool: "clinical", status: "open", assigned: "me" });
  await page.selectOption("#triage-status-filter", "closed");
  await page.waitForFunction(() => document.querySelector("#triage-summary")?.textContent.startsWith("1 closed"));
  assert.deepEqual(await rowIds(page, "#triage-list"), [107]);
  await page.selectOption("#triage-assigned", "unassigned");
  await page.waitForSelector("#triage-empty");
  await page.selectOption("#triage-status-filter", "open");
  await page.waitForFunction(() => document.querySelector("#triage-summary")?.textContent === "2 open conversations in Clinical, not assigned.");
  assert.deepEqual(await rowIds(page, "#triage-list"), [104, 102]);

  // Open the urgent one: the triage actions are there.
  await page.click("#thread-104-row .open");
  await page.waitForSelector("#triage-controls");
  assert.equal(await page.getAttribute("#nav-triage", "aria-current"), "page");
  assert.equal(await text(page, "#back-to-list"), "← Back to triage");
  assert.equal(await text(page, "#thread-urgent"), "Possibly urgent");
  await page.waitForSelector("#assign-to option:has-text('Jordan Kim (staff)')", { state: "attached" });
  const options = await page.$$eval("#assign-to option", (os) => os.map((o) => `${o.value}:${o.textContent}`));
  assert.deepEqual(options, ["-:Unassigned", "21:Dr. Maya Patel (physician)", "22:Dr. Samuel Lee (physician)", "31:Jordan Kim (staff)", "32:Chris Ortiz (staff)"].map((o) => o.replace(/^-/, "")));
  assert.equal(await page.inputValue("#assign-to"), "");

  await page.selectOption("#assign-to", "21");
  await page.click("#assign-thread");
  await page.waitForSelector("#triage-action-status:has-text('Assigned to Dr. Maya Patel.')");
  assert.deepEqual((await mockCalls(page, "assign_thread"))[0].args, { threadId: 104, userId: 21 });
  assert.match(await text(page, "#thread-meta"), /Assigned to Dr\. Maya Patel/);

  await page.click("#close-thread");
  await page.waitForSelector("#reopen-thread");
  assert.equal(await text(page, "#triage-action-status"), "The conversation is closed.");
  assert.equal(await focusedId(page), "reopen-thread", "focus stays on the button");
  assert.deepEqual((await mockCalls(page, "close_thread"))[0].args, { threadId: 104 });
  assert.equal(await text(page, "#thread-closed"), "This conversation is closed. Reopen it to reply.");
  assert.equal(await page.$("#reply-form"), null);
  await page.click("#reopen-thread");
  await page.waitForSelector("#close-thread");
  assert.equal(await text(page, "#triage-action-status"), "The conversation is open again.");
  assert.deepEqual((await mockCalls(page, "reopen_thread"))[0].args, { threadId: 104 });
  await page.waitForSelector("#reply-form");

  // Unassign.
  await page.selectOption("#assign-to", "");
  await page.click("#assign-thread");
  await page.waitForSelector("#triage-action-status:has-text('Nobody is assigned now.')");
  assert.deepEqual((await mockCalls(page, "assign_thread"))[1].args, { threadId: 104, userId: null });

  // Back: the filters were kept.
  await page.click("#back-to-list");
  await page.waitForSelector("#triage-list");
  assert.equal(await page.inputValue("#triage-assigned"), "unassigned");
  assert.equal(await page.getAttribute("#triage-team-clinical", "aria-pressed"), "true");
  await closeApp(app, assert);
});

test("staff: Messages lists their own conversations, without New message", async () => {
  const app = await openInbox(JORDAN);
  const { page } = app;
  await page.waitForSelector("#thread-list");
  assert.equal(await page.$("#new-message"), null);
  assert.deepEqual(await rowIds(page, "#thread-list"), [102]);
  assert.match(await text(page, "#thread-102-details"), /Patient: Ana García, /);
  assert.ok(await page.$("#nav-triage"));
  await closeApp(app, assert);
});

test("a message body with HTML is shown as text", async () => {
  const evil = "Look: <img src=x onerror=alert(1)> and <script>alert(2)</script><b>bold?</b>";
  const me = { id: 7, name: "Ana García", role: "patient" };
  const doctor = { id: 21, name: "Dr. <i>Patel</i>", role: "physician" };
  const threads = [
    {
      id: 501, subject: "<b>Subject</b>", category: "other", pool: "front_desk", status: "open", urgent: false,
      patient: me, assigned_to: null, created_at: "2026-03-01T15:00:00Z",
      messages: [{ id: 9001, author: doctor, body: evil, created_at: "2026-03-01T15:00:00Z", read_at: null, attachments: [] }],
    },
  ];
  const app = await openInbox(ANA, { messaging: { threads } });
  const { page } = app;
  await page.waitForSelector("#thread-list");
  assert.equal(await text(page, "#thread-501-row .open"), "<b>Subject</b>");
  await page.click("#thread-501-row .open");
  await page.waitForSelector("#message-9001");
  assert.equal(await page.textContent("#message-9001 .body"), evil);
  assert.equal(await page.$$eval("#message-9001 .body *", (els) => els.length), 0);
  assert.equal(await text(page, "#message-9001 .author"), "Dr. <i>Patel</i> (physician)");
  assert.equal(await page.$$eval("img, script:not([src])", (els) => els.length), 0);
  assert.equal(await text(page, "h1"), "<b>Subject</b>");
  await page.waitForTimeout(200);
  await closeApp(app, assert); // also asserts that no dialog opened
});

test("the unread badge refreshes every 30 s, when the window gets focus, and stops after sign-out", async () => {
  const app = await openApp(env.browser, env.base, signedIn(), { clock: true });
  const { page } = app;
  await page.waitForSelector("#unread-badge");
  const count = async () => (await mockCalls(page, "list_threads")).length;
  // Counted once start-up is quiet: on a loaded machine the window's first focus (a refresh
  // too) can come after the badge is shown.
  let start = await count();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 300));
    const now = await count();
    if (now === start) break;
    start = now;
  }
  await page.clock.runFor(29_000);
  assert.equal(await count(), start);
  await page.clock.runFor(1_000);
  assert.equal(await count(), start + 1);
  // A new message arrives on the server; the next refresh shows it.
  await page.evaluate(() => window.__TAURI_INTERNALS__.invoke("mark_thread_read", { threadId: 102 }));
  await page.clock.runFor(30_000);
  await page.waitForFunction(() => document.querySelector("#unread-badge .visually-hidden")?.textContent === "2 unread");
  await page.evaluate(() => window.dispatchEvent(new Event("focus")));
  assert.equal(await count(), start + 3);
  await page.click("#sign-out");
  await page.waitForSelector("#sign-in-form");
  const after = await count();
  await page.clock.runFor(120_000);
  assert.equal(await count(), after);
  await closeApp(app, assert);
});

test("a newer policy while signed in (policy_not_accepted) goes to the policy screen", async () => {
  const app = await openApp(env.browser, env.base, signedIn(ANA, {
    fail: { list_threads: { code: "policy_not_accepted", message: "Please accept the new policy." } },
  }));
  const { page } = app;
  await page.waitForSelector("#policy-text");
  assert.equal(await page.title(), "Portal policy – Patient Portal");
  await closeApp(app, assert);
});

test("triage actions keep the focus while they are saved: aria-disabled, not disabled (WebKit moves the focus off a disabled control), and a second press waits", async () => {
  const scenario = signedIn(PATEL);
  const app = await openApp(env.browser, env.base, { ...scenario, delayMs: { ...scenario.delayMs, assign_thread: 800, close_thread: 800 } });
  const { page } = app;
  await page.waitForSelector("#home");
  await page.click("#nav-triage");
  await page.click("#thread-104-row .open");
  await page.waitForSelector("#assign-to option:has-text('Dr. Maya Patel')", { state: "attached" });
  await page.selectOption("#assign-to", "21");
  await page.focus("#assign-thread");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#assign-thread[aria-disabled='true']");
  assert.equal(await page.getAttribute("#assign-thread", "disabled"), null, "still focusable while saving");
  assert.equal(await page.getAttribute("#close-thread", "aria-disabled"), "true", "one action at a time");
  assert.equal(await focusedId(page), "assign-thread");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#triage-action-status:has-text('Assigned to Dr. Maya Patel.')");
  assert.equal(await focusedId(page), "assign-thread");
  assert.equal((await mockCalls(page, "assign_thread")).length, 1, "the press while saving waited");

  await page.keyboard.press("Tab");
  assert.equal(await focusedId(page), "close-thread");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#close-thread[aria-disabled='true']");
  assert.equal(await focusedId(page), "close-thread");
  await page.waitForSelector("#reopen-thread:not([aria-disabled])");
  assert.equal(await focusedId(page), "reopen-thread", "the focus stays on the button");
  await closeApp(app, assert);
});
