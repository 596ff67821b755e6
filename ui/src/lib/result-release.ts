// The words and small rules of results' release, with no Svelte in them: the admin's choice
// of when patients see new results, and a physician's review of one. Who may do either, and
// the final check of a rule or a note, is the service's: the screens show its answer.
import type { ReleaseRule, ResultRelease, ResultReview, Role } from "./ipc";
import { MAX_RELEASE_DELAY_DAYS, MAX_REVIEW_NOTE, MIN_RELEASE_DELAY_DAYS } from "./ipc";
import { activeLocale, t, type MessageKey } from "./i18n/core";

export type ReleaseKind = ReleaseRule["kind"];

/** The three rules, in the order the admin's screen offers them, each in one plain sentence. */
export const RELEASE_KINDS: readonly ReleaseKind[] = ["at_once", "after_days", "after_review"];

const CHOICE_WORDS = {
  at_once: { label: "release.choice.atOnce", explanation: "release.choice.atOnceExplained" },
  after_days: { label: "release.choice.afterDays", explanation: "release.choice.afterDaysExplained" },
  after_review: { label: "release.choice.afterReview", explanation: "release.choice.afterReviewExplained" },
} as const satisfies Record<ReleaseKind, { label: MessageKey; explanation: MessageKey }>;

/** The three rules with their words in the language chosen (read in a template: re-rendered when it changes). */
export function releaseChoices(): { kind: ReleaseKind; label: string; explanation: string }[] {
  return RELEASE_KINDS.map((kind) => ({
    kind,
    label: t(CHOICE_WORDS[kind].label),
    explanation: t(CHOICE_WORDS[kind].explanation),
  }));
}

/** A number as the language chosen writes it. */
function count(n: number): string {
  return n.toLocaleString(activeLocale());
}

/** "From 1 to 30 days.", under the days field. */
export function delayHint(): string {
  return t("release.daysHint", { min: count(MIN_RELEASE_DELAY_DAYS), max: count(MAX_RELEASE_DELAY_DAYS) });
}

/** The days field's problem, or null when it holds a whole number of days in the allowed range. */
export function delayProblem(days: string): string | null {
  const text = days.trim();
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  return Number.isInteger(n) && n >= MIN_RELEASE_DELAY_DAYS && n <= MAX_RELEASE_DELAY_DAYS
    ? null
    : t("release.daysProblem", { min: count(MIN_RELEASE_DELAY_DAYS), max: count(MAX_RELEASE_DELAY_DAYS) });
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
      return t("release.rule.atOnce");
    case "after_days":
      return rule.days === 1 ? t("release.rule.afterOneDay") : t("release.rule.afterDays", { days: count(rule.days) });
    case "after_review":
      return t("release.rule.afterReview");
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
