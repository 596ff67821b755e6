// The record commands of the IPC mock (tests/ipc-mock.ts): a patient's record as the service
// answers it, paged like the service (opaque cursors), with an access log, the results
// preference and the download. The default record is `fixtures/record-blair.json`: the view
// the service makes of the demo patient Blair Conroy's Synthea chart (see fixtures/README.md).
import type {
  AccessLogEntry,
  IpcError,
  RecordExportOutcome,
  RecordSection,
  RecordSummary,
  ResultSeries,
  SectionEntries,
  Session,
} from "../src/lib/ipc/types";
import { DEFAULT_RECORD_PAGE, type CommandName } from "../src/lib/ipc/types";
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
  const own = () => {
    if (args.patientId !== record.patientId || !session.patient_ids.includes(record.patientId)) throw notFound();
  };
  switch (cmd) {
    case "record_summary":
      own();
      return structuredClone(record.summary);
    case "record_section": {
      own();
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
      own();
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
    default:
      throw `unknown command ${cmd}`;
  }
}
