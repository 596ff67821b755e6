// The words and small rules of results' release, with no Svelte in them: the admin's choice
// of when patients see new results, and a physician's review of one. Who may do either, and
// the final check of a rule or a note, is the service's: the screens show its answer.
import type { ReleaseRule, ResultRelease, ResultReview, Role } from "./ipc";
import { MAX_RELEASE_DELAY_DAYS, MAX_REVIEW_NOTE, MIN_RELEASE_DELAY_DAYS } from "./ipc";
import { activeLocale, t } from "./i18n/core";

export type ReleaseKind = ReleaseRule["kind"];

/** The three rules, in the order the admin's screen offers them, each in one plain sentence. */
export const RELEASE_CHOICES: readonly { kind: ReleaseKind; label: string; explanation: string }[] = [
  {
    kind: "at_once",
    label: "At once",
    explanation:
      "Patients see each result as soon as it is in their chart, as the 21st Century Cures Act expects (the default).",
  },
  {
    kind: "after_days",
    label: "After a number of days",
    explanation:
      "Patients see each result that many days after it was issued, or sooner if a physician reviews it first.",
  },
  {
    kind: "after_review",
    label: "Only after a physician's review",
    explanation: "Patients see each result only once a physician has marked it reviewed.",
  },
];

/** The days field's problem, or null when it holds a whole number of days in the allowed range. */
export function delayProblem(days: string): string | null {
  const text = days.trim();
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  return Number.isInteger(n) && n >= MIN_RELEASE_DELAY_DAYS && n <= MAX_RELEASE_DELAY_DAYS
    ? null
    : `Please enter a whole number of days from ${MIN_RELEASE_DELAY_DAYS} to ${MAX_RELEASE_DELAY_DAYS}.`;
}

/** The rule chosen on the screen (`days` checked with `delayProblem` first). */
export function chosenRule(kind: ReleaseKind, days: string): ReleaseRule {
  return kind === "after_days" ? { kind, days: Number(days.trim()) } : { kind };
}

export function sameRule(a: ReleaseRule, b: ReleaseRule): boolean {
  return a.kind === b.kind && (a.kind !== "after_days" || (b.kind === "after_days" && a.days === b.days));
}

/** "Patients see new results at once.", as the confirmation and the current rule say it. */
export function ruleInWords(rule: ReleaseRule): string {
  switch (rule.kind) {
    case "at_once":
      return "Patients see new results at once.";
    case "after_days":
      return `Patients see new results ${rule.days === 1 ? "1 day" : `${rule.days} days`} after they are issued, or once a physician has reviewed them if sooner.`;
    case "after_review":
      return "Patients see new results only after a physician has reviewed them.";
  }
}

/** Physicians mark results reviewed (the service's rule: `Viewer::may_review_results`). */
export function mayReviewResults(role: Role): boolean {
  return role === "physician";
}

/** The note as it is sent: none when nothing is written. */
export function noteToSend(note: string): string | null {
  return note.trim() === "" ? null : note;
}

/** The note's problem before it is sent, or null. */
export function noteProblem(note: string): string | null {
  return [...note].length > MAX_REVIEW_NOTE
    ? t("review.tooLong", { max: MAX_REVIEW_NOTE.toLocaleString(activeLocale()) })
    : null;
}

/**
 * The patient's release state once a physician has reviewed a result: a review releases a
 * result held back (for a delay or for the review itself), whatever the rule or the
 * patient's choice; one released already stays as it was.
 */
export function releaseAfterReview(release: ResultRelease | null, review: ResultReview): ResultRelease | null {
  return release?.state === "waiting" ? { state: "released", at: review.at } : release;
}
