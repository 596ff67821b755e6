// The record commands of the IPC mock (tests/ipc-mock.ts): a patient's record as the service
// answers it, paged like the service (opaque cursors), with an access log, the results
// preference and the download. The default record is `fixtures/record-blair.json`: the view
// the service makes of the demo patient Blair Conroy's Synthea chart (see fixtures/README.md).
// The care team finds patients (`patients`) and reads the same record for any of them in their
// care, or once they broke the glass; front desk and billing staff are refused. Physicians
// mark results reviewed (with a note); the practice's release rule is read by anyone and set
// by admins only.
import type {
  AccessLogEntry,
  BreakTheGlassGrant,
  PatientMatch,
  PatientMatches,
  IpcError,
  RecordExportOutcome,
  ReleaseRule,
  ResultReleaseSetting,
  ResultReview,
  RecordSection,
  RecordSummary,
  ResultSeries,
  SectionEntries,
  Session,
} from "../src/lib/ipc/types";
import {
  DEFAULT_RECORD_PAGE,
  MAX_BREAK_THE_GLASS_REASON,
  MAX_RELEASE_DELAY_DAYS,
  MAX_REVIEW_NOTE,
  MIN_BREAK_THE_GLASS_REASON,
  MIN_RELEASE_DELAY_DAYS,
  MIN_PATIENT_QUERY,
  type CommandName,
} from "../src/lib/ipc/types";
import blair from "./fixtures/record-blair.json";

/** Everything a section holds, by section (as `SectionEntries["items"]` of each). */
export type MockSections = { [S in RecordSection]?: Extract<SectionEntries, { section: S }>["items"] };

export interface MockRecord {
  /** The chart's id (`Session.patient_ids`); other ids are answered not_found. */
  patientId: number;
  summary: RecordSummary;
  sections: MockSections;
  /** Series by result code; a code not here has no values. */
  series: Record<string, ResultSeries>;
  accessLog: AccessLogEntry[];
  onlyAfterReview: boolean;
  /** Entries per page (default: the service's, `DEFAULT_RECORD_PAGE`). */
  pageSize?: number;
  /** Where the save dialog "saves" the record; `null`: the person cancels the dialog. */
  exportTo?: string | null;
  /**
   * The patients the care team's search knows (`in_care` as every care-team account sees it);
   * each chart reads as this record.
   */
  patients?: PatientMatch[];
  /** The charts opened by breaking the glass (the service keeps the grant). */
  granted?: number[];
  /** The practice's release rule (default: at once). */
  releaseRule?: ReleaseRule;
}

/** The fixture as a record (its own id is 1). */
export function defaultRecord(): MockRecord {
  return structuredClone(blair) as unknown as MockRecord;
}

export const RECORD_COMMANDS: ReadonlySet<string> = new Set<CommandName>([
  "record_summary",
  "record_section",
  "result_series",
  "access_log",
  "result_preferences",
  "set_result_preferences",
  "export_record",
  "find_patients",
  "break_the_glass",
  "review_result",
  "result_release_rule",
  "set_result_release_rule",
]);

function notFound(): IpcError {
  return { code: "not_found", message: "This record was not found." };
}

/** An opaque cursor, as the service's are: the offset, encoded. */
function cursorAt(offset: number): string {
  return btoa(JSON.stringify({ o: offset })).replace(/=+$/, "");
}

function offsetOf(cursor: unknown): number {
  if (cursor === null || cursor === undefined) return 0;
  try {
    const offset = JSON.parse(atob(String(cursor))).o;
    if (Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // below
  }
  throw { code: "validation", message: "This page cannot be loaded. Please open the section again." } satisfies IpcError;
}

function page<T>(items: T[], cursor: unknown, size: number): { items: T[]; next: string | null } {
  const offset = offsetOf(cursor);
  const slice = items.slice(offset, offset + size);
  return { items: slice, next: offset + size < items.length ? cursorAt(offset + size) : null };
}

/**
 * A code the fixture holds no series for: its measured values in the record's results, oldest
 * first, on one line (as the service draws a single-valued code).
 */
function seriesFromResults(record: MockRecord, code: string): ResultSeries {
  const values = (record.sections.results ?? [])
    .flatMap((report) => report.values)
    .filter((v) => v.name.code === code && v.value?.kind === "number" && v.date !== null)
    .reverse();
  if (values.length === 0) return { code, name: null, lines: [] };
  const newest = values[values.length - 1];
  const unit = newest.value?.kind === "number" ? newest.value.unit : null;
  return {
    code,
    name: newest.name,
    lines: [
      {
        code,
        name: newest.name,
        unit,
        reference_range: newest.reference_range,
        points: values.map((v) => ({
          observation_id: v.id,
          date: v.date!,
          value: v.value?.kind === "number" ? v.value.value : 0,
          flag: v.flag,
        })),
      },
    ],
  };
}

/** The record commands, for `session` (a patient's own chart only, as the service answers). */
export function handleRecord(
  record: MockRecord,
  session: Session | null,
  cmd: string,
  args: Record<string, unknown>,
): unknown {
  if (!session) throw { code: "unauthenticated", message: "Please sign in to continue." } satisfies IpcError;
  const size = record.pageSize ?? DEFAULT_RECORD_PAGE;
  const patient = () => (record.patients ?? []).find((p) => p.patient_id === args.patientId);
  const careTeam = session.user.role === "physician" || session.user.role === "staff";
  const clinical = session.user.role === "physician" || session.user.pools.includes("clinical");
  /** The patient's own chart only. */
  const own = () => {
    if (args.patientId !== record.patientId || !session.patient_ids.includes(record.patientId)) throw notFound();
  };
  /** The patient's own chart, or one the care team reaches (in care, or the glass broken). */
  const reads = () => {
    if (!careTeam) return own();
    const found = patient();
    if (!found || !clinical) throw notFound();
    if (!found.in_care && !(record.granted ?? []).includes(found.patient_id)) {
      throw {
        code: "break_the_glass_required",
        message: "This patient is not in your care: say why you need the chart to open it.",
      } satisfies IpcError;
    }
  };
  switch (cmd) {
    case "record_summary":
      reads();
      return structuredClone(record.summary);
    case "record_section": {
      reads();
      const section = args.section as RecordSection;
      const all = (record.sections[section] ?? []) as unknown[];
      const { items, next } = page(all, args.cursor, size);
      return {
        entries: { section, items: structuredClone(items) },
        total: all.length,
        next_cursor: next,
      };
    }
    case "result_series": {
      reads();
      const code = String(args.code ?? "");
      return structuredClone(record.series[code] ?? seriesFromResults(record, code));
    }
    case "access_log": {
      own();
      const { items, next } = page(record.accessLog, args.cursor, size);
      return { entries: structuredClone(items), next_cursor: next };
    }
    case "result_preferences":
      return { only_after_review: record.onlyAfterReview };
    case "set_result_preferences":
      record.onlyAfterReview = args.onlyAfterReview === true;
      return { only_after_review: record.onlyAfterReview };
    case "export_record": {
      own();
      const to = record.exportTo === undefined ? "/home/blair/Documents/record-2026-11-30.json" : record.exportTo;
      const outcome: RecordExportOutcome = to === null ? { status: "cancelled" } : { status: "saved", path: to };
      return outcome;
    }
    case "find_patients": {
      if (!careTeam) throw { code: "forbidden", message: "Your account may not do this." } satisfies IpcError;
      const query = String(args.query ?? "").trim().toLowerCase();
      if ([...query].length < MIN_PATIENT_QUERY) {
        throw { code: "validation", message: "The search needs at least 2 characters." } satisfies IpcError;
      }
      const words = query.split(/\s+/);
      const found = (record.patients ?? []).filter(
        (p) =>
          words.every((w) => p.name.toLowerCase().includes(w)) ||
          p.birth_date === query ||
          (p.mrn !== null && p.mrn.toLowerCase() === query),
      );
      const answer: PatientMatches = { patients: structuredClone(found), more: false };
      return answer;
    }
    case "break_the_glass": {
      const found = patient();
      if (!careTeam || !clinical || !found) throw notFound();
      const reason = [...String(args.reason ?? "").trim()].length;
      if (reason < MIN_BREAK_THE_GLASS_REASON || reason > MAX_BREAK_THE_GLASS_REASON) {
        throw { code: "validation", message: "The reason must be 10 to 500 characters." } satisfies IpcError;
      }
      record.granted = [...(record.granted ?? []), found.patient_id];
      const grant: BreakTheGlassGrant = {
        patient_id: found.patient_id,
        until: new Date(Date.now() + 8 * 3_600_000).toISOString(),
      };
      return grant;
    }
    case "review_result": {
      if (session.user.role !== "physician") {
        throw { code: "forbidden", message: "Your account may not do this." } satisfies IpcError;
      }
      reads();
      const report = (record.sections.results ?? []).find((r) => r.id === args.resultId);
      if (!report) throw { code: "not_found", message: "This result was not found." } satisfies IpcError;
      const note = args.note === null || args.note === undefined ? null : String(args.note);
      if (note !== null && note.trim() === "") {
        throw { code: "validation", message: "Please write a note, or send none." } satisfies IpcError;
      }
      if (note !== null && [...note].length > MAX_REVIEW_NOTE) {
        throw { code: "validation", message: `The note is too long: at most ${MAX_REVIEW_NOTE} characters.` } satisfies IpcError;
      }
      const review: ResultReview = { by: session.user.name, at: new Date().toISOString(), note: note?.trimEnd() ?? null };
      const firstReview = report.review?.at ?? review.at;
      report.review = review;
      if (report.release?.state === "waiting") report.release = { state: "released", at: firstReview };
      return structuredClone(review);
    }
    case "result_release_rule": {
      const setting: ResultReleaseSetting = { rule: structuredClone(record.releaseRule ?? { kind: "at_once" }) };
      return setting;
    }
    case "set_result_release_rule": {
      if (session.user.role !== "admin") {
        throw { code: "forbidden", message: "Your account may not do this." } satisfies IpcError;
      }
      const rule = args.rule as ReleaseRule;
      if (rule.kind === "after_days" && !(rule.days >= MIN_RELEASE_DELAY_DAYS && rule.days <= MAX_RELEASE_DELAY_DAYS)) {
        throw {
          code: "validation",
          message: `Results can be held back from ${MIN_RELEASE_DELAY_DAYS} to ${MAX_RELEASE_DELAY_DAYS} days.`,
        } satisfies IpcError;
      }
      record.releaseRule = structuredClone(rule);
      const setting: ResultReleaseSetting = { rule: structuredClone(rule) };
      return setting;
    }
    default:
      throw `unknown command ${cmd}`;
  }
}
