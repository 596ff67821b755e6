// Unit tests of results' release words and small rules (result-release.ts), in Node.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  chosenRule,
  delayProblem,
  mayReviewResults,
  noteProblem,
  noteToSend,
  releaseAfterReview,
  delayHint,
  followLanguage,
  loadCatalog,
  releaseChoices,
  ruleInWords,
  sameRule,
  MAX_RELEASE_DELAY_DAYS,
  MAX_REVIEW_NOTE,
  MIN_RELEASE_DELAY_DAYS,
} from "./.harness/units/units.js";

await loadCatalog("es");

test("the limits come from Rust", () => {
  assert.equal(MIN_RELEASE_DELAY_DAYS, 1);
  assert.equal(MAX_RELEASE_DELAY_DAYS, 30);
  assert.equal(MAX_REVIEW_NOTE, 2000);
});

test("the days are a whole number in the allowed range", () => {
  for (const ok of ["1", "7", " 30 "]) assert.equal(delayProblem(ok), null, ok);
  for (const wrong of ["", "0", "31", "3.5", "-2", "1e1", "two"]) {
    assert.equal(delayProblem(wrong), "Please enter a whole number of days from 1 to 30.", wrong);
  }
  assert.deepEqual(chosenRule("after_days", " 5 "), { kind: "after_days", days: 5 });
  assert.deepEqual(chosenRule("at_once", "5"), { kind: "at_once" });
  assert.equal(sameRule({ kind: "after_days", days: 5 }, { kind: "after_days", days: 5 }), true);
  assert.equal(sameRule({ kind: "after_days", days: 5 }, { kind: "after_days", days: 6 }), false);
  assert.equal(sameRule({ kind: "at_once" }, { kind: "after_review" }), false);
});

test("each rule is said in one plain sentence", () => {
  assert.deepEqual(releaseChoices().map((c) => c.kind), ["at_once", "after_days", "after_review"]);
  for (const choice of releaseChoices()) assert.equal(choice.explanation.split(". ").length, 1, choice.kind);
  assert.equal(ruleInWords({ kind: "at_once" }), "Patients see new results at once.");
  assert.equal(
    ruleInWords({ kind: "after_days", days: 1 }),
    "Patients see new results 1 day after they are issued, or once a physician has reviewed them if sooner.",
  );
  assert.equal(ruleInWords({ kind: "after_review" }), "Patients see new results only after a physician has reviewed them.");
});

test("physicians review; a blank note is none; a review releases a result held back", () => {
  assert.deepEqual(["patient", "physician", "staff", "admin"].filter(mayReviewResults), ["physician"]);
  assert.equal(noteToSend("  \n"), null);
  assert.equal(noteToSend("Fine."), "Fine.");
  assert.equal(noteProblem("x".repeat(MAX_REVIEW_NOTE)), null);
  assert.equal(noteProblem("x".repeat(MAX_REVIEW_NOTE + 1)), "The note is too long: at most 2,000 characters.");
  const review = { by: "Dr. Adaeze Okafor", at: "2026-11-30T10:00:00Z", note: null };
  assert.deepEqual(releaseAfterReview({ state: "waiting", until: null, reviewer: "Dr. Adaeze Okafor" }, review), {
    state: "released",
    at: review.at,
  });
  const released = { state: "released", at: "2026-11-01T10:00:00Z" };
  assert.equal(releaseAfterReview(released, review), released);
  assert.equal(releaseAfterReview(null, review), null);
});

test("the release words follow the language chosen", () => {
  try {
    followLanguage(() => "es", () => "es-MX");
    assert.deepEqual(releaseChoices().map((c) => c.label), [
      "De inmediato",
      "Después de un número de días",
      "Solo después de la revisión de un médico",
    ]);
    for (const choice of releaseChoices()) assert.equal(choice.explanation.split(". ").length, 1, choice.kind);
    assert.equal(delayHint(), "De 1 a 30 días.");
    assert.equal(delayProblem("31"), "Escriba un número entero de días de 1 a 30.");
    assert.equal(ruleInWords({ kind: "at_once" }), "Los pacientes ven los nuevos resultados de inmediato.");
    assert.equal(
      ruleInWords({ kind: "after_days", days: 12 }),
      "Los pacientes ven los nuevos resultados 12 días después de su emisión, o en cuanto un médico los revise, si es antes.",
    );
    assert.match(ruleInWords({ kind: "after_days", days: 1 }), /^Los pacientes ven los nuevos resultados 1 día después/);
  } finally {
    followLanguage(() => "en", () => "en-US");
  }
  assert.equal(delayHint(), "From 1 to 30 days.");
});
