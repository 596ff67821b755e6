// Unit tests of attaching files (attachments.ts) and dropping them on the form (file-drop.ts),
// in Node with fakes.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  FileDrop,
  attachFile,
  detachFile,
  itemsFor,
  DEFAULT_MAX_ATTACHMENT_BYTES,
  MAX_ATTACHMENTS_PER_MESSAGE,
  MAX_BODY_CHARS,
  MAX_SUBJECT_CHARS,
} from "./.harness/units/units.js";

/** The service's limits as the session carries them (its defaults). */
const limits = {
  max_attachment_bytes: DEFAULT_MAX_ATTACHMENT_BYTES,
  max_attachments_per_message: MAX_ATTACHMENTS_PER_MESSAGE,
  max_subject_chars: MAX_SUBJECT_CHARS,
  max_body_chars: MAX_BODY_CHARS,
};

const file = (name, size = 3) => new File([new Uint8Array(size)], name);
const errorText = (e) => (e.code === "session_expired" ? null : e.message);

function dragEvent(types, files = []) {
  const event = { prevented: false, dataTransfer: { types, files, dropEffect: "none" } };
  event.preventDefault = () => (event.prevented = true);
  return event;
}

test("picked files are listed; past five or empty ones fail with the reason and are not attached", () => {
  const attached = Array.from({ length: 3 }, (_, i) => ({ key: `k${i}`, state: "ready" }));
  const picked = itemsFor([file("a.png"), file("empty.pdf", 0), file("b.png"), file("c.png")], attached, limits);
  assert.deepEqual(
    picked.map(({ item, file }) => [item.filename, item.state, file !== null]),
    [
      ["a.png", "uploading", true],
      ["empty.pdf", "failed", false],
      ["b.png", "uploading", true],
      ["c.png", "failed", false],
    ],
  );
  assert.equal(picked[1].item.error, "This file is empty.", "a refused file does not count");
  assert.match(picked[3].item.error, /up to 5 files/);
  assert.equal(new Set(picked.map(({ item }) => item.key)).size, 4, "each item has its own key");
});

test("attaching records the vault's attachment, or why not", async () => {
  const [{ item, file: f }] = itemsFor([file("rash.png")], [], limits);
  const draft = { attach: async (name, bytes) => ({ draft_id: "d", attachment: { id: "v1", filename: name, size: bytes.length } }) };
  await attachFile(draft, item, f, errorText);
  assert.equal(item.state, "ready");
  assert.equal(item.attachment.id, "v1");

  const [{ item: bad, file: g }] = itemsFor([file("x.gif")], [], limits);
  await attachFile({ attach: async () => Promise.reject({ code: "unsupported_media_type", message: "Only photos." }) }, bad, g, errorText);
  assert.equal(bad.state, "failed");
  assert.equal(bad.error, "Only photos.");
});

test("removing: a failed file just leaves; a file the vault keeps stays listed with the reason", async () => {
  const failed = { key: "f", state: "failed", attachment: null, error: "x" };
  assert.equal(await detachFile({ detach: async () => assert.fail("not asked") }, failed, errorText), true);

  const ready = { key: "r", state: "ready", attachment: { id: "v2" }, error: null };
  const removedIds = [];
  assert.equal(await detachFile({ detach: async (id) => removedIds.push(id) }, ready, errorText), true);
  assert.deepEqual(removedIds, ["v2"]);

  const kept = { key: "k", state: "ready", attachment: { id: "v3" }, error: null };
  const refused = await detachFile({ detach: async () => Promise.reject({ code: "vault_locked", message: "Locked." }) }, kept, errorText);
  assert.equal(refused, false);
  assert.equal(kept.state, "ready");
  assert.equal(kept.error, "Locked.");
});

test("files dragged over the form: shown while over it, attached when dropped, not while sending", () => {
  const dropped = [];
  const dragging = [];
  let accepting = true;
  const drop = new FileDrop({ accepting: () => accepting, onFiles: (f) => dropped.push(...f), onDragging: (d) => dragging.push(d) });

  drop.enter(dragEvent(["Files"]));
  drop.enter(dragEvent(["Files"])); // into a child
  drop.leave(dragEvent(["Files"])); // out of the child
  assert.equal(drop.dragging, true);
  const over = dragEvent(["Files"]);
  drop.over(over);
  assert.equal(over.dataTransfer.dropEffect, "copy");
  assert.equal(over.prevented, true);
  const f = file("a.png");
  drop.drop(dragEvent(["Files"], [f]));
  assert.equal(drop.dragging, false);
  assert.deepEqual(dropped, [f]);
  assert.deepEqual(dragging, [true, false]);

  // While sending: shown as not accepted, and nothing is attached.
  accepting = false;
  drop.enter(dragEvent(["Files"]));
  const busy = dragEvent(["Files"]);
  drop.over(busy);
  assert.equal(busy.dataTransfer.dropEffect, "none");
  drop.drop(dragEvent(["Files"], [file("b.png")]));
  assert.deepEqual(dropped, [f]);
  assert.equal(drop.dragging, false);

  // Text or a link dragged over the form is left alone.
  const text = dragEvent(["text/plain"]);
  drop.enter(text);
  drop.drop(text);
  assert.equal(text.prevented, false);
  assert.equal(drop.dragging, false);
});
