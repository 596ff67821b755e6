// Unit tests of the grant forms' shared rules (grant-form.ts), in Node.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  chosenScopes,
  dayBeforeTwelfthBirthday,
  askedProblem,
  localToday,
  looksLikeEmail,
  noScopes,
} from "./.harness/units/units.js";

test("writing messages includes reading them, and scopes go in the service's order", () => {
  assert.deepEqual(chosenScopes(noScopes()), []);
  assert.deepEqual(chosenScopes({ ...noScopes(), write_messages: true }), ["read_messages", "write_messages"]);
  assert.deepEqual(chosenScopes({ ...noScopes(), results: true, read_messages: true }), ["read_messages", "results"]);
});

test("a child's access lasts until the day before their 12th birthday", () => {
  assert.equal(dayBeforeTwelfthBirthday("2019-03-14"), "2031-03-13");
  assert.equal(dayBeforeTwelfthBirthday("2020-01-01"), "2031-12-31");
  assert.equal(dayBeforeTwelfthBirthday("2016-02-29"), "2028-02-28", "12 years later is a leap year");
  assert.equal(dayBeforeTwelfthBirthday("2088-02-29"), "2100-02-28", "2100 has no February 29");
  assert.equal(dayBeforeTwelfthBirthday("2019-02-30"), null);
  assert.equal(dayBeforeTwelfthBirthday("03/14/2019"), null);
  assert.equal(dayBeforeTwelfthBirthday(null), null);
});

test("today is written as a date input writes it, and an address needs an @", () => {
  assert.equal(localToday(new Date(2026, 0, 5, 23, 59)), "2026-01-05");
  assert.equal(looksLikeEmail(" jane.doe@example.com "), true);
  assert.equal(looksLikeEmail("jane.doe"), false);
  assert.equal(looksLikeEmail("jane doe@example.com"), false);
});

test("both forms find the first thing wrong in the same order; the front desk's needs a last day", () => {
  const good = { name: "Pat", email: "pat@example.com", chosen: { ...noScopes(), record: true }, until: "" };
  const today = "2026-12-01";
  assert.equal(askedProblem(good, null, today), null);
  assert.equal(askedProblem({ ...good, name: " ", email: "x" }, null, today).field, "name");
  assert.equal(askedProblem({ ...good, email: "pat" }, null, today).field, "email");
  assert.equal(askedProblem({ ...good, chosen: noScopes() }, null, today).field, "scopes");
  assert.equal(askedProblem({ ...good, until: "2026-11-30" }, null, today).message, "The last day cannot be in the past.");
  assert.equal(askedProblem({ ...good, until: "2026-12-01" }, null, today), null, "today is still allowed");
  assert.deepEqual(askedProblem(good, "Please enter the last day.", today), {
    field: "until",
    message: "Please enter the last day.",
  });
});
