// Unit tests of the staff screen's words (staff.ts), in Node.
import { test } from "node:test";
import assert from "node:assert/strict";
import { inPoolOrder, poolsChanged, poolsInWords, savedMessage } from "./.harness/units/units.js";

test("pools are listed in the service's order and compared as sets", () => {
  assert.deepEqual(inPoolOrder(["billing", "clinical"]), ["clinical", "billing"]);
  assert.equal(poolsChanged(["front_desk", "billing"], ["billing", "front_desk"]), false);
  assert.equal(poolsChanged(["clinical"], ["clinical", "billing"]), true);
  assert.equal(poolsChanged(["clinical"], []), true);
});

test("the confirmation names the person and their teams", () => {
  assert.equal(poolsInWords([]), "no team");
  assert.equal(poolsInWords(["billing"]), "Billing");
  assert.equal(poolsInWords(["front_desk", "clinical"]), "Clinical and Front desk");
  assert.equal(poolsInWords(["billing", "front_desk", "clinical"]), "Clinical, Front desk and Billing");
  assert.equal(
    savedMessage({ id: 5, name: "Jordan Lee, RN", email: "nurse@dskc.example", pools: ["clinical", "front_desk"] }),
    "Saved. Jordan Lee, RN now works in Clinical and Front desk.",
  );
});
