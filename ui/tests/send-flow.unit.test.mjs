// Unit tests of the form's plain-TypeScript parts (send-flow.ts, emergency-check.ts,
// file-drop.ts, attachments.ts), in Node with fakes: no browser, no IPC.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  SendFlow,
  translate,
  emergencyCheckFor,
  emergencyCheckText,
  firstProblem,
} from "./.harness/units/units.js";

// What the flow says, as the English catalog has it (the one source of its words).
const FILES_BUSY_MESSAGE = translate("en", "send.filesBusy");
const NOT_SAVED_MESSAGE = translate("en", "send.notSaved");
const STILL_SAVED = translate("en", "send.stillSaved");

const MESSAGE = { reply: false, category: "medical_question", subject: "Rash", body: "It itches.", filesBusy: false };

/** A draft as DraftSync keeps it, recording what is done to it. */
function fakeDraft({ saves = true, draftId = null, lastError = null } = {}) {
  const draft = {
    draftId,
    lastError,
    stopped: false,
    log: [],
    changed() {
      draft.log.push("changed");
    },
    async save() {
      draft.log.push("save");
      if (!saves) return false;
      draft.draftId ??= "draft-1";
      return true;
    },
    run(command) {
      draft.log.push("run");
      return command();
    },
    stop() {
      draft.stopped = true;
      draft.log.push("stop");
    },
  };
  return draft;
}

function flowWith(draft, { emergency = null, send = null, endsSession = () => false } = {}) {
  const states = [];
  const sent = [];
  const checked = [];
  const sends = [];
  const flow = new SendFlow({
    draft,
    emergencyPhrase: emergency === null ? null : async (text) => (checked.push(text), emergency(text)),
    sendDraft:
      send ??
      (async (id, onProgress) => {
        sends.push(id);
        onProgress({ attachment_id: "file-1", sent: 5, total: 10 });
        onProgress({ attachment_id: "file-1", sent: 10, total: 10 });
        return { thread_id: 9, message_id: 90 };
      }),
    endsSession,
    onState: (state) => states.push(state),
    onSent: (s) => sent.push(s),
  });
  return { flow, states, sent, checked, sends };
}

test("what must be fixed first: topic, subject, then text (a reply has text only)", () => {
  assert.deepEqual(firstProblem({ ...MESSAGE, category: "" }), { field: "category", message: "Please choose what your message is about." });
  assert.deepEqual(firstProblem({ ...MESSAGE, subject: "  " }), { field: "subject", message: "Please write a subject." });
  assert.deepEqual(firstProblem({ ...MESSAGE, body: "\n" }), { field: "body", message: "Please write your message." });
  assert.deepEqual(firstProblem({ reply: true, category: "", subject: "", body: " ", filesBusy: false }), {
    field: "body",
    message: "Please write your reply.",
  });
  assert.equal(firstProblem(MESSAGE), null);
});

test("a message with a problem is neither saved nor sent, and the field is named", async () => {
  const draft = fakeDraft();
  const { flow, sends } = flowWith(draft);
  assert.equal(await flow.send({ ...MESSAGE, subject: "" }), "invalid");
  assert.equal(flow.state.invalid, "subject");
  assert.equal(flow.state.error, "Please write a subject.");
  assert.deepEqual(draft.log, []);
  assert.deepEqual(sends, []);
  flow.edited();
  assert.equal(flow.state.invalid, null);
  assert.equal(await flow.send({ ...MESSAGE, filesBusy: true }), "wait");
  assert.equal(flow.state.error, FILES_BUSY_MESSAGE);
  assert.equal(flow.state.phase, "idle");
});

test("sending saves first, sends the saved draft with progress, and only then gives the draft up", async () => {
  const draft = fakeDraft();
  const { flow, states, sent, sends } = flowWith(draft);
  assert.equal(await flow.send(MESSAGE), "sent");
  assert.deepEqual(draft.log, ["changed", "save", "run", "stop"]);
  assert.deepEqual(sends, ["draft-1"]);
  assert.deepEqual(sent, [{ thread_id: 9, message_id: 90 }]);
  assert.deepEqual(
    [...new Set(states.map((s) => s.phase))],
    ["idle", "checking", "sending"],
    "checking, then sending (and idle at the end)",
  );
  assert.equal(flow.state.phase, "idle");
  assert.ok(states.some((s) => s.progress["file-1"]?.sent === 10), "progress reached the form");
  assert.deepEqual(flow.state.progress, {});
  assert.equal(flow.state.error, null);
});

test("a send that fails keeps the draft, says so, and can be tried again", async () => {
  const draft = fakeDraft({ draftId: "draft-7" });
  let attempts = 0;
  const { flow, sent } = flowWith(draft, {
    send: async () => {
      attempts += 1;
      if (attempts === 1) throw { code: "server_unreachable", message: "The portal server could not be reached." };
      return { thread_id: 3, message_id: 30 };
    },
  });
  assert.equal(await flow.send(MESSAGE), "failed");
  assert.equal(draft.stopped, false, "the draft is not given up");
  assert.equal(draft.draftId, "draft-7");
  assert.equal(flow.state.error, `The portal server could not be reached. ${STILL_SAVED}`);
  assert.equal(flow.state.phase, "idle");
  assert.deepEqual(sent, []);

  assert.equal(await flow.send(MESSAGE), "sent", "sent on the second try");
  assert.equal(draft.stopped, true);
  assert.equal(flow.state.error, null);
});

test("a draft that cannot be saved is not sent, and the reason is given", async () => {
  const locked = fakeDraft({ saves: false, lastError: { code: "vault_locked", message: "locked" } });
  const a = flowWith(locked);
  assert.equal(await a.flow.send(MESSAGE), "not-saved");
  assert.equal(a.flow.state.error, "Your drafts are locked. Please sign in again.");
  assert.deepEqual(a.sends, []);
  assert.equal(locked.stopped, false);

  const unsaved = flowWith(fakeDraft({ saves: false }));
  assert.equal(await unsaved.flow.send(MESSAGE), "not-saved");
  assert.equal(unsaved.flow.state.error, NOT_SAVED_MESSAGE);
  assert.equal(unsaved.flow.state.phase, "idle");
});

test("a patient's emergency phrase stops the send until the patient answers", async () => {
  const draft = fakeDraft();
  const { flow, sends, checked } = flowWith(draft, { emergency: (text) => (text.includes("chest pain") ? "chest pain" : null) });
  const urgent = { ...MESSAGE, body: "I have chest pain." };
  assert.equal(await flow.send(urgent), "asking");
  assert.deepEqual(checked, ["Rash\nI have chest pain."], "subject and text are read");
  assert.equal(flow.state.phase, "asking");
  assert.equal(flow.state.matched, "chest pain");
  assert.equal(flow.busy, true, "the form stays read-only while asking");
  assert.deepEqual(sends, []);

  // "Call 911" or closing the prompt: nothing is sent, the draft is kept.
  flow.stopAsking();
  assert.equal(flow.state.phase, "idle");
  assert.equal(flow.state.matched, null);
  assert.deepEqual(sends, []);
  assert.equal(draft.stopped, false);

  // Asked again, "Send anyway" sends.
  assert.equal(await flow.send(urgent), "asking");
  assert.equal(await flow.sendAnyway(), "sent");
  assert.deepEqual(sends, ["draft-1"]);
  assert.equal(flow.state.matched, null);
});

test("the care team's messages are not checked; a failed check keeps the draft", async () => {
  const careTeam = flowWith(fakeDraft());
  assert.equal(await careTeam.flow.send({ ...MESSAGE, body: "Please call 911 with chest pain." }), "sent");
  assert.deepEqual(careTeam.checked, []);

  const draft = fakeDraft();
  const broken = flowWith(draft, {
    emergency: () => {
      throw { code: "unknown", message: "Something went wrong." };
    },
  });
  assert.equal(await broken.flow.send(MESSAGE), "failed");
  assert.equal(broken.flow.state.error, `Something went wrong. ${STILL_SAVED}`);
  assert.equal(broken.flow.state.phase, "idle");
  assert.equal(draft.stopped, false);
});

test("when the session ended the form says nothing (the app shows the sign-in screen)", async () => {
  const draft = fakeDraft();
  const { flow } = flowWith(draft, {
    send: async () => {
      throw { code: "session_expired", message: "Your session has ended." };
    },
    endsSession: (e) => e.code === "session_expired",
  });
  assert.equal(await flow.send(MESSAGE), "failed");
  assert.equal(flow.state.error, null);
  assert.equal(draft.stopped, false, "the draft stays in the vault for the next sign-in");
});

test("a second 'Send' while one is under way does nothing", async () => {
  let release;
  const { flow, sends } = flowWith(fakeDraft(), {
    send: (id) => new Promise((resolve) => ((release = resolve), sends.push(id))),
  });
  const first = flow.send(MESSAGE);
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(await flow.send(MESSAGE), "busy");
  release({ thread_id: 1, message_id: 1 });
  assert.equal(await first, "sent");
  assert.equal(sends.length, 1);
});

test("the emergency check is a patient's, and reads a reply's text only", async () => {
  assert.equal(emergencyCheckFor(false, async () => ({ matched: "x" })), null);
  const seen = [];
  const check = emergencyCheckFor(true, async (text) => (seen.push(text), { matched: "stroke" }));
  assert.equal(await check("a stroke"), "stroke");
  assert.deepEqual(seen, ["a stroke"]);
  assert.equal(emergencyCheckText({ reply: true, subject: "ignored", body: "text" }), "text");
  assert.equal(emergencyCheckText({ reply: false, subject: "Subject", body: "text" }), "Subject\ntext");
});
