// A patient's record: the summary, its sections a page at a time, a result's values over
// time, who else looked at it, the results preference, and the download (saved by the Rust
// side where the person chooses; the record itself never comes through here). Results'
// release: a physician's review of a result, and the practice's rule (an admin sets it).
import { call } from "./call";
import type {
  AccessLog,
  RecordExportOutcome,
  RecordPage,
  RecordSection,
  RecordSummary,
  ReleaseRule,
  ResultPreferences,
  ResultReleaseSetting,
  ResultReview,
  ResultSeries,
  ReviewRequest,
} from "./types";

export function recordSummary(patientId: number): Promise<RecordSummary> {
  return call<RecordSummary>("record_summary", { patientId });
}

/** One page of a section, newest first; `cursor`: the previous page's `next_cursor`. */
export function recordSection(patientId: number, section: RecordSection, cursor: string | null = null): Promise<RecordPage> {
  return call<RecordPage>("record_section", { patientId, section, cursor });
}

/** One result code's values over time (a line per part and unit), for its trend chart. */
export function resultSeries(patientId: number, code: string): Promise<ResultSeries> {
  return call<ResultSeries>("result_series", { patientId, code });
}

/** Who else looked at the record, newest first, a page at a time. */
export function accessLog(patientId: number, cursor: string | null = null): Promise<AccessLog> {
  return call<AccessLog>("access_log", { patientId, cursor });
}

export function resultPreferences(): Promise<ResultPreferences> {
  return call<ResultPreferences>("result_preferences");
}

export function setResultPreferences(onlyAfterReview: boolean): Promise<ResultPreferences> {
  return call<ResultPreferences>("set_result_preferences", { onlyAfterReview });
}

/**
 * Asks where to save (the system's save dialog) and saves the whole record there. Answers
 * where it was saved, or `cancelled` when the person closed the dialog.
 */
export function exportRecord(patientId: number): Promise<RecordExportOutcome> {
  return call<RecordExportOutcome>("export_record", { patientId });
}

/**
 * Marks a result reviewed (physicians), with the note the patient reads beside it (`null`:
 * none). `resultId`: the report's id (`ResultReport.id`). Answers the review as stored.
 */
export function reviewResult(patientId: number, resultId: string, review: ReviewRequest): Promise<ResultReview> {
  return call<ResultReview>("review_result", { patientId, resultId, note: review.note });
}

/** When the practice releases results to patients. */
export function resultReleaseRule(): Promise<ResultReleaseSetting> {
  return call<ResultReleaseSetting>("result_release_rule");
}

/** Sets when the practice releases results (admins); answers the rule as stored. */
export function setResultReleaseRule(rule: ReleaseRule): Promise<ResultReleaseSetting> {
  return call<ResultReleaseSetting>("set_result_release_rule", { rule });
}
