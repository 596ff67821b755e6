// A patient's record in plain words, in one place: FHIR status codes, flags, severities,
// units, dates by how much of them the chart gives, what someone looked at, and whether a
// result is released yet. The service sends the chart's own codes; only this file turns
// them into words (a code it does not know is shown as written, made readable).
import type {
  AccessedPart,
  AllergyCriticality,
  ChartDate,
  Coded,
  ObservedValue,
  ReactionSeverity,
  RecordSection,
  ReferenceRange,
  ResultFlag,
  ResultRelease,
} from "./ipc";

/** The parts of "My record": the summary, each section, who looked at it, the download. */
export type RecordPart = "summary" | RecordSection | "access-log" | "download";

/** Every section, in the order the record lists them. */
export const RECORD_SECTIONS: readonly RecordSection[] = [
  "visits",
  "results",
  "medications",
  "allergies",
  "problems",
  "immunizations",
  "procedures",
  "care-plans",
  "documents",
];

const PART_TITLES: Record<RecordPart, string> = {
  summary: "Summary",
  visits: "Visits",
  results: "Results",
  medications: "Medications",
  allergies: "Allergies",
  problems: "Problems",
  immunizations: "Immunizations",
  procedures: "Procedures",
  "care-plans": "Care plans",
  documents: "Documents",
  "access-log": "Who looked at my record",
  download: "Download my record",
};

export function partTitle(part: RecordPart): string {
  return PART_TITLES[part];
}

/** What a section holds, for "12 visits" and "No visits yet". */
const SECTION_NOUNS: Record<RecordSection, [string, string]> = {
  visits: ["visit", "visits"],
  results: ["result", "results"],
  medications: ["medication", "medications"],
  allergies: ["allergy", "allergies"],
  problems: ["problem", "problems"],
  immunizations: ["vaccine", "vaccines"],
  procedures: ["procedure", "procedures"],
  "care-plans": ["care plan", "care plans"],
  documents: ["document", "documents"],
};

export function sectionNoun(section: RecordSection, n: number): string {
  const [one, many] = SECTION_NOUNS[section];
  return n === 1 ? one : many;
}

/** A code the tables below do not know: as written, hyphens as spaces, first letter capital. */
function readable(code: string): string {
  const words = code.replace(/[-_]+/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function lookup(table: Record<string, string>, code: string | null | undefined): string | null {
  if (code === null || code === undefined || code === "") return null;
  return table[code] ?? readable(code);
}

/** The kinds of statuses the chart gives, each with its own words. */
export type StatusKind =
  | "visit"
  | "medication"
  | "problem"
  | "allergy"
  | "immunization"
  | "procedure"
  | "care-plan"
  | "activity"
  | "result"
  | "document";

const STATUS_WORDS: Record<StatusKind, Record<string, string>> = {
  // FHIR Encounter.status
  visit: {
    planned: "Planned",
    arrived: "Arrived",
    triaged: "Seen by a nurse",
    "in-progress": "In progress",
    onleave: "On leave",
    finished: "Completed",
    cancelled: "Cancelled",
    "entered-in-error": "Entered in error",
    unknown: "Status unknown",
  },
  // MedicationRequest.status and MedicationStatement.status
  medication: {
    active: "Taking now",
    "on-hold": "On hold",
    cancelled: "Cancelled",
    completed: "Finished",
    stopped: "Stopped",
    draft: "Not yet prescribed",
    intended: "Planned",
    "not-taken": "Not taken",
    "entered-in-error": "Entered in error",
    unknown: "Status unknown",
  },
  // Condition.clinicalStatus
  problem: {
    active: "Active",
    recurrence: "Came back",
    relapse: "Came back",
    inactive: "Inactive",
    remission: "In remission",
    resolved: "Resolved",
  },
  // AllergyIntolerance.clinicalStatus
  allergy: {
    active: "Active",
    inactive: "Inactive",
    resolved: "Resolved",
  },
  // Immunization.status
  immunization: {
    completed: "Given",
    "not-done": "Not given",
    "entered-in-error": "Entered in error",
  },
  // Procedure.status
  procedure: {
    preparation: "Being prepared",
    "in-progress": "In progress",
    "not-done": "Not done",
    "on-hold": "On hold",
    stopped: "Stopped",
    completed: "Done",
    "entered-in-error": "Entered in error",
    unknown: "Status unknown",
  },
  // CarePlan.status
  "care-plan": {
    draft: "Draft",
    active: "Active",
    "on-hold": "On hold",
    revoked: "Stopped",
    completed: "Completed",
    "entered-in-error": "Entered in error",
    unknown: "Status unknown",
  },
  // CarePlan.activity.detail.status
  activity: {
    "not-started": "Not started",
    scheduled: "Scheduled",
    "in-progress": "In progress",
    "on-hold": "On hold",
    completed: "Done",
    cancelled: "Cancelled",
    stopped: "Stopped",
    unknown: "Status unknown",
    "entered-in-error": "Entered in error",
  },
  // DiagnosticReport.status and Observation.status
  result: {
    registered: "Ordered",
    partial: "Partial",
    preliminary: "Preliminary",
    final: "Final",
    amended: "Amended",
    corrected: "Corrected",
    appended: "Added to",
    cancelled: "Cancelled",
    "entered-in-error": "Entered in error",
    unknown: "Status unknown",
  },
  // DocumentReference.status (a report's are results' statuses)
  document: {
    current: "Current",
    superseded: "Replaced by a newer version",
    final: "Final",
    preliminary: "Preliminary",
    amended: "Amended",
    "entered-in-error": "Entered in error",
  },
};

/** A FHIR status code in words ("finished" → "Completed" for a visit). */
export function statusInWords(kind: StatusKind, code: string | null | undefined): string | null {
  return lookup(STATUS_WORDS[kind], code);
}

const VISIT_CLASSES: Record<string, string> = {
  AMB: "Office visit",
  EMER: "Emergency visit",
  IMP: "Hospital stay",
  ACUTE: "Hospital stay",
  NONAC: "Hospital stay",
  OBSENC: "Observation stay",
  SS: "Same-day stay",
  HH: "Home visit",
  VR: "Virtual visit",
  FLD: "Visit outside the office",
  PRENC: "Pre-admission visit",
};

/** An encounter class code in words ("AMB" → "Office visit"). */
export function visitClassInWords(code: string | null | undefined): string | null {
  if (!code) return null;
  return VISIT_CLASSES[code.toUpperCase()] ?? code;
}

const FLAG_WORDS: Record<ResultFlag, string> = {
  normal: "Normal",
  high: "High",
  low: "Low",
  abnormal: "Abnormal",
  critically_high: "Critically high",
  critically_low: "Critically low",
  critically_abnormal: "Critically abnormal",
};

export function flagInWords(flag: ResultFlag): string {
  return FLAG_WORDS[flag];
}

/** Whether a flag says the value is outside what is expected. */
export function isFlagged(flag: ResultFlag | null | undefined): flag is ResultFlag {
  return flag !== null && flag !== undefined && flag !== "normal";
}

const SEVERITY_WORDS: Record<ReactionSeverity, string> = { mild: "Mild", moderate: "Moderate", severe: "Severe" };

export function severityInWords(severity: ReactionSeverity): string {
  return SEVERITY_WORDS[severity];
}

const CRITICALITY_WORDS: Record<AllergyCriticality, string> = {
  low: "Low risk of a serious reaction",
  high: "High risk of a serious reaction",
  unable_to_assess: "Risk not assessed",
};

export function criticalityInWords(criticality: AllergyCriticality): string {
  return CRITICALITY_WORDS[criticality];
}

const ALLERGY_KINDS: Record<string, string> = { allergy: "Allergy", intolerance: "Intolerance" };
const ALLERGY_CATEGORIES: Record<string, string> = {
  food: "Food",
  medication: "Medicine",
  environment: "Environment",
  biologic: "Biologic",
};

export function allergyKindInWords(kind: string | null | undefined): string | null {
  return lookup(ALLERGY_KINDS, kind);
}

export function allergyCategoryInWords(category: string): string {
  return lookup(ALLERGY_CATEGORIES, category) ?? category;
}

const GENDER_WORDS: Record<string, string> = { female: "Female", male: "Male", other: "Other", unknown: "Not given" };

export function genderInWords(gender: string | null | undefined): string | null {
  return lookup(GENDER_WORDS, gender);
}

/** UCUM units as people write them; anything else is shown as the chart writes it. */
const UNIT_WORDS: Record<string, string> = {
  "mm[Hg]": "mmHg",
  "kg/m2": "kg/m²",
  Cel: "°C",
  "[degF]": "°F",
  "[lb_av]": "lb",
  "[in_i]": "in",
  "/min": "per minute",
  "{score}": "",
  "{beats}/min": "beats per minute",
  "{breaths}/min": "breaths per minute",
  "10*3/uL": "thousand per µL",
  "10*6/uL": "million per µL",
  "10*9/L": "× 10⁹/L",
  "10*12/L": "× 10¹²/L",
  uL: "µL",
  ug: "µg",
  "ug/dL": "µg/dL",
  "mL/min/{1.73_m2}": "mL/min/1.73 m²",
};

export function unitInWords(unit: string | null | undefined): string {
  if (!unit) return "";
  return unit in UNIT_WORDS ? UNIT_WORDS[unit] : unit;
}

const numberFormat = new Intl.NumberFormat("en-US", { maximumFractionDigits: 2 });

/** A measured number as people read it: at most two decimals ("85.79"). */
export function numberInWords(value: number): string {
  return numberFormat.format(value);
}

/** "85.79 kg", "< 5 mg/dL". */
export function quantityInWords(value: number, unit: string | null | undefined, comparator?: string | null): string {
  const words = unitInWords(unit);
  return `${comparator ? `${comparator} ` : ""}${numberInWords(value)}${words ? ` ${words}` : ""}`;
}

/** What a result says, in words. */
export function valueInWords(value: ObservedValue | null | undefined): string {
  if (!value) return "No value";
  switch (value.kind) {
    case "number":
      return quantityInWords(value.value, value.unit, value.comparator);
    case "coded":
      return value.value.text;
    case "text":
      return value.value;
    case "boolean":
      return value.value ? "Yes" : "No";
  }
}

/** What is expected of a result: "3.5–5.0 g/dL", "below 200 mg/dL", "at least 40 mg/dL". */
export function rangeInWords(range: ReferenceRange | null | undefined): string | null {
  if (!range) return null;
  const unit = unitInWords(range.unit);
  const withUnit = (text: string) => (unit ? `${text} ${unit}` : text);
  if (range.low !== null && range.high !== null) {
    return withUnit(`${numberInWords(range.low)}–${numberInWords(range.high)}`);
  }
  if (range.high !== null) return withUnit(`up to ${numberInWords(range.high)}`);
  if (range.low !== null) return withUnit(`at least ${numberInWords(range.low)}`);
  return range.text ?? null;
}

/** FHIR's observation categories in words; any other category as the chart names it. */
const CATEGORY_WORDS: Record<string, string> = {
  "vital-signs": "Vital signs",
  laboratory: "Laboratory",
  survey: "Questionnaire",
  "social-history": "Social history",
  imaging: "Imaging",
  procedure: "Procedure",
  exam: "Examination",
  therapy: "Therapy",
  activity: "Activity",
};

/** A report's categories as one line: "Vital signs", "Laboratory". */
export function categoriesInWords(list: readonly Coded[]): string {
  return list.map((c) => (c.code && CATEGORY_WORDS[c.code]) || c.text).join(", ");
}

export function codedText(coded: Coded | null | undefined): string | null {
  return coded ? coded.text : null;
}

/** A list of coded things as one line: "Hives, Sneezing". */
export function codedList(list: readonly Coded[]): string {
  return list.map((c) => c.text).join(", ");
}

// Chart dates are calendar dates as the chart wrote them: formatted in UTC so that no
// time zone moves them to another day.
const yearFormat = new Intl.DateTimeFormat("en-US", { year: "numeric", timeZone: "UTC" });
const monthFormat = new Intl.DateTimeFormat("en-US", { year: "numeric", month: "long", timeZone: "UTC" });
const dayFormat = new Intl.DateTimeFormat("en-US", { dateStyle: "long", timeZone: "UTC" });
const shortDayFormat = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeZone: "UTC" });
const timeOfDay = new Intl.DateTimeFormat("en-US", { timeStyle: "short" });

function calendarDate(date: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return null;
  const parsed = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return Number.isNaN(parsed.getTime()) ? null : parsed;
}

/**
 * A chart date by its precision: "2019", "May 2019", "May 19, 2019" (with `short`, a day is
 * "May 19, 2019" too, with the month abbreviated: "Sep 3, 2019").
 */
export function chartDateInWords(date: ChartDate | null | undefined, { short = false } = {}): string | null {
  if (!date) return null;
  const day = calendarDate(date.date);
  if (!day) return date.date;
  switch (date.precision) {
    case "year":
      return yearFormat.format(day);
    case "month":
      return monthFormat.format(day);
    case "day":
      return (short ? shortDayFormat : dayFormat).format(day);
  }
}

/** A chart date with its time of day when the chart gives one: "May 19, 2019 at 12:35 AM". */
export function chartDateTimeInWords(date: ChartDate | null | undefined): string | null {
  const day = chartDateInWords(date);
  if (!date || !day || date.precision !== "day" || !date.at) return day;
  const at = new Date(date.at);
  return Number.isNaN(at.getTime()) ? day : `${day} at ${timeOfDay.format(at)}`;
}

/** A chart date as a point in time (its first instant), for ordering and charts. */
export function chartDateTime(date: ChartDate): number {
  if (date.at) {
    const at = new Date(date.at).getTime();
    if (!Number.isNaN(at)) return at;
  }
  return calendarDate(date.date)?.getTime() ?? 0;
}

const longDate = new Intl.DateTimeFormat("en-US", { dateStyle: "long" });

function startOfDay(date: Date): number {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
}

/** How long ago a day was, as people say it: "today", "yesterday", "3 days ago", else the date. */
export function daysAgoInWords(rfc3339: string, now: number = Date.now()): string {
  const at = new Date(rfc3339);
  if (Number.isNaN(at.getTime())) return rfc3339;
  const days = Math.round((startOfDay(new Date(now)) - startOfDay(at)) / 86_400_000);
  if (days <= 0) return "today";
  if (days === 1) return "yesterday";
  if (days < 30) return `${days} days ago`;
  return `on ${longDate.format(at)}`;
}

/**
 * Whether the patient sees a result yet, in words: "Released 3 days ago", "Waiting for Dr.
 * Adaeze Okafor's review", "Will be released on March 9, 2026". `reader`: the patient
 * (`own`) or the care team, for whom a physician is not "your physician".
 */
export function releaseInWords(
  release: ResultRelease,
  now: number = Date.now(),
  reader: "own" | "care-team" = "own",
): string {
  if (release.state === "released") return `Released ${daysAgoInWords(release.at, now)}`;
  if (release.reviewer) return `Waiting for ${release.reviewer}'s review`;
  if (release.until) {
    const until = new Date(release.until);
    if (!Number.isNaN(until.getTime())) return `Will be released on ${longDate.format(until)}`;
  }
  return reader === "own" ? "Waiting for your physician's review" : "Waiting for a physician's review";
}

/** What someone looked at, in words, for "Who looked at my record". */
export function accessedPartInWords(part: AccessedPart): string {
  switch (part.kind) {
    case "summary":
      return "The summary of your record";
    case "section":
      return `Your ${partTitle(part.section).toLowerCase()}`;
    case "result_series":
      return "The trend of one of your results";
    case "export":
      return "Your whole record, downloaded";
    case "conversations":
      return "Your list of conversations";
    case "conversation":
      return "One of your conversations";
    case "attachment":
      return "A file in one of your conversations";
    case "break_the_glass":
      return "Asked to open your record outside their care";
  }
}
