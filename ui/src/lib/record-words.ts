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
import { activeLocale, t, type MessageKey } from "./i18n/core";

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

const PART_TITLES: Record<RecordPart, MessageKey> = {
  summary: "record.part.summary",
  visits: "record.part.visits",
  results: "record.part.results",
  medications: "record.part.medications",
  allergies: "record.part.allergies",
  problems: "record.part.problems",
  immunizations: "record.part.immunizations",
  procedures: "record.part.procedures",
  "care-plans": "record.part.carePlans",
  documents: "record.part.documents",
  "access-log": "record.part.accessLog",
  download: "record.part.download",
};

export function partTitle(part: RecordPart): string {
  return t(PART_TITLES[part]);
}

/** What a section holds, for "12 visits" and "No visits yet". */
const SECTION_NOUNS: Record<RecordSection, [MessageKey, MessageKey]> = {
  visits: ["record.noun.visitsOne", "record.noun.visitsMany"],
  results: ["record.noun.resultsOne", "record.noun.resultsMany"],
  medications: ["record.noun.medicationsOne", "record.noun.medicationsMany"],
  allergies: ["record.noun.allergiesOne", "record.noun.allergiesMany"],
  problems: ["record.noun.problemsOne", "record.noun.problemsMany"],
  immunizations: ["record.noun.immunizationsOne", "record.noun.immunizationsMany"],
  procedures: ["record.noun.proceduresOne", "record.noun.proceduresMany"],
  "care-plans": ["record.noun.carePlansOne", "record.noun.carePlansMany"],
  documents: ["record.noun.documentsOne", "record.noun.documentsMany"],
};

export function sectionNoun(section: RecordSection, n: number): string {
  const [one, many] = SECTION_NOUNS[section];
  return t(n === 1 ? one : many);
}

/** Whether a table has the code as its own (not a property every object has, such as "constructor"). */
function has<T>(table: Record<string, T>, code: string): boolean {
  return Object.prototype.hasOwnProperty.call(table, code);
}

/** A code the tables below do not know: as written, hyphens as spaces, first letter capital. */
function readable(code: string): string {
  const words = code.replace(/[-_]+/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function lookup(table: Record<string, MessageKey>, code: string | null | undefined): string | null {
  if (code === null || code === undefined || code === "") return null;
  return has(table, code) ? t(table[code]) : readable(code);
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

const STATUS_WORDS: Record<StatusKind, Record<string, MessageKey>> = {
  visit: {
    planned: "record.status.visit.planned",
    arrived: "record.status.visit.arrived",
    triaged: "record.status.visit.triaged",
    "in-progress": "record.status.visit.inProgress",
    onleave: "record.status.visit.onleave",
    finished: "record.status.visit.finished",
    cancelled: "record.status.visit.cancelled",
    "entered-in-error": "record.status.visit.enteredInError",
    unknown: "record.status.visit.unknown",
  },
  medication: {
    active: "record.status.medication.active",
    "on-hold": "record.status.medication.onHold",
    cancelled: "record.status.medication.cancelled",
    completed: "record.status.medication.completed",
    stopped: "record.status.medication.stopped",
    draft: "record.status.medication.draft",
    intended: "record.status.medication.intended",
    "not-taken": "record.status.medication.notTaken",
    "entered-in-error": "record.status.medication.enteredInError",
    unknown: "record.status.medication.unknown",
  },
  problem: {
    active: "record.status.problem.active",
    recurrence: "record.status.problem.recurrence",
    relapse: "record.status.problem.relapse",
    inactive: "record.status.problem.inactive",
    remission: "record.status.problem.remission",
    resolved: "record.status.problem.resolved",
  },
  allergy: {
    active: "record.status.allergy.active",
    inactive: "record.status.allergy.inactive",
    resolved: "record.status.allergy.resolved",
  },
  immunization: {
    completed: "record.status.immunization.completed",
    "not-done": "record.status.immunization.notDone",
    "entered-in-error": "record.status.immunization.enteredInError",
  },
  procedure: {
    preparation: "record.status.procedure.preparation",
    "in-progress": "record.status.procedure.inProgress",
    "not-done": "record.status.procedure.notDone",
    "on-hold": "record.status.procedure.onHold",
    stopped: "record.status.procedure.stopped",
    completed: "record.status.procedure.completed",
    "entered-in-error": "record.status.procedure.enteredInError",
    unknown: "record.status.procedure.unknown",
  },
  "care-plan": {
    draft: "record.status.carePlan.draft",
    active: "record.status.carePlan.active",
    "on-hold": "record.status.carePlan.onHold",
    revoked: "record.status.carePlan.revoked",
    completed: "record.status.carePlan.completed",
    "entered-in-error": "record.status.carePlan.enteredInError",
    unknown: "record.status.carePlan.unknown",
  },
  activity: {
    "not-started": "record.status.activity.notStarted",
    scheduled: "record.status.activity.scheduled",
    "in-progress": "record.status.activity.inProgress",
    "on-hold": "record.status.activity.onHold",
    completed: "record.status.activity.completed",
    cancelled: "record.status.activity.cancelled",
    stopped: "record.status.activity.stopped",
    unknown: "record.status.activity.unknown",
    "entered-in-error": "record.status.activity.enteredInError",
  },
  result: {
    registered: "record.status.result.registered",
    partial: "record.status.result.partial",
    preliminary: "record.status.result.preliminary",
    final: "record.status.result.final",
    amended: "record.status.result.amended",
    corrected: "record.status.result.corrected",
    appended: "record.status.result.appended",
    cancelled: "record.status.result.cancelled",
    "entered-in-error": "record.status.result.enteredInError",
    unknown: "record.status.result.unknown",
  },
  document: {
    current: "record.status.document.current",
    superseded: "record.status.document.superseded",
    final: "record.status.document.final",
    preliminary: "record.status.document.preliminary",
    amended: "record.status.document.amended",
    "entered-in-error": "record.status.document.enteredInError",
  },
};

/** A FHIR status code in words ("finished" → "Completed" for a visit). */
export function statusInWords(kind: StatusKind, code: string | null | undefined): string | null {
  return lookup(STATUS_WORDS[kind], code);
}

const VISIT_CLASSES: Record<string, MessageKey> = {
  AMB: "record.visitClass.amb",
  EMER: "record.visitClass.emer",
  IMP: "record.visitClass.imp",
  ACUTE: "record.visitClass.acute",
  NONAC: "record.visitClass.nonac",
  OBSENC: "record.visitClass.obsenc",
  SS: "record.visitClass.ss",
  HH: "record.visitClass.hh",
  VR: "record.visitClass.vr",
  FLD: "record.visitClass.fld",
  PRENC: "record.visitClass.prenc",
};

/** An encounter class code in words ("AMB" → "Office visit"). */
export function visitClassInWords(code: string | null | undefined): string | null {
  if (!code) return null;
  const key = VISIT_CLASSES[code.toUpperCase()];
  return key ? t(key) : code;
}

const FLAG_WORDS: Record<ResultFlag, MessageKey> = {
  normal: "record.flag.normal",
  high: "record.flag.high",
  low: "record.flag.low",
  abnormal: "record.flag.abnormal",
  critically_high: "record.flag.criticallyHigh",
  critically_low: "record.flag.criticallyLow",
  critically_abnormal: "record.flag.criticallyAbnormal",
};

export function flagInWords(flag: ResultFlag): string {
  return t(FLAG_WORDS[flag]);
}

/** Whether a flag says the value is outside what is expected. */
export function isFlagged(flag: ResultFlag | null | undefined): flag is ResultFlag {
  return flag !== null && flag !== undefined && flag !== "normal";
}

const SEVERITY_WORDS: Record<ReactionSeverity, MessageKey> = {
  mild: "record.severity.mild",
  moderate: "record.severity.moderate",
  severe: "record.severity.severe",
};

export function severityInWords(severity: ReactionSeverity): string {
  return t(SEVERITY_WORDS[severity]);
}

const CRITICALITY_WORDS: Record<AllergyCriticality, MessageKey> = {
  low: "record.criticality.low",
  high: "record.criticality.high",
  unable_to_assess: "record.criticality.unableToAssess",
};

export function criticalityInWords(criticality: AllergyCriticality): string {
  return t(CRITICALITY_WORDS[criticality]);
}

const ALLERGY_KINDS: Record<string, MessageKey> = {
  allergy: "record.allergyKind.allergy",
  intolerance: "record.allergyKind.intolerance",
};
const ALLERGY_CATEGORIES: Record<string, MessageKey> = {
  food: "record.allergyCategory.food",
  medication: "record.allergyCategory.medication",
  environment: "record.allergyCategory.environment",
  biologic: "record.allergyCategory.biologic",
};

export function allergyKindInWords(kind: string | null | undefined): string | null {
  return lookup(ALLERGY_KINDS, kind);
}

export function allergyCategoryInWords(category: string): string {
  return lookup(ALLERGY_CATEGORIES, category) ?? category;
}

const GENDER_WORDS: Record<string, MessageKey> = {
  female: "record.gender.female",
  male: "record.gender.male",
  other: "record.gender.other",
  unknown: "record.gender.unknown",
};

export function genderInWords(gender: string | null | undefined): string | null {
  return lookup(GENDER_WORDS, gender);
}

/** UCUM units as people write them; anything else is shown as the chart writes it. */
/** Units said in words (the others are symbols, the same in every language). */
const UNIT_KEYS: Record<string, MessageKey> = {
  "/min": "record.unit.perMinute",
  "{beats}/min": "record.unit.beatsPerMinute",
  "{breaths}/min": "record.unit.breathsPerMinute",
  "10*3/uL": "record.unit.thousandPerUl",
  "10*6/uL": "record.unit.millionPerUl",
};

const UNIT_WORDS: Record<string, string> = {
  "mm[Hg]": "mmHg",
  "kg/m2": "kg/m²",
  Cel: "°C",
  "[degF]": "°F",
  "[lb_av]": "lb",
  "[in_i]": "in",
  "{score}": "",
  "10*9/L": "× 10⁹/L",
  "10*12/L": "× 10¹²/L",
  uL: "µL",
  ug: "µg",
  "ug/dL": "µg/dL",
  "mL/min/{1.73_m2}": "mL/min/1.73 m²",
};

export function unitInWords(unit: string | null | undefined): string {
  if (!unit) return "";
  if (has(UNIT_KEYS, unit)) return t(UNIT_KEYS[unit]);
  return has(UNIT_WORDS, unit) ? UNIT_WORDS[unit] : unit;
}

const numberFormats = new Map<string, Intl.NumberFormat>();

/** A measured number as people read it: at most two decimals ("85.79"). */
export function numberInWords(value: number): string {
  const locale = activeLocale();
  let format = numberFormats.get(locale);
  if (!format) {
    format = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
    numberFormats.set(locale, format);
  }
  return format.format(value);
}

/** "85.79 kg", "< 5 mg/dL". */
export function quantityInWords(value: number, unit: string | null | undefined, comparator?: string | null): string {
  const words = unitInWords(unit);
  return `${comparator ? `${comparator} ` : ""}${numberInWords(value)}${words ? ` ${words}` : ""}`;
}

/** What a result says, in words. */
export function valueInWords(value: ObservedValue | null | undefined): string {
  if (!value) return t("record.value.none");
  switch (value.kind) {
    case "number":
      return quantityInWords(value.value, value.unit, value.comparator);
    case "coded":
      return value.value.text;
    case "text":
      return value.value;
    case "boolean":
      return value.value ? t("record.value.yes") : t("record.value.no");
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
  if (range.high !== null) return withUnit(t("record.range.upTo", { value: numberInWords(range.high) }));
  if (range.low !== null) return withUnit(t("record.range.atLeast", { value: numberInWords(range.low) }));
  return range.text ?? null;
}

/** FHIR's observation categories in words; any other category as the chart names it. */
const CATEGORY_WORDS: Record<string, MessageKey> = {
  "vital-signs": "record.category.vitalSigns",
  laboratory: "record.category.laboratory",
  survey: "record.category.survey",
  "social-history": "record.category.socialHistory",
  imaging: "record.category.imaging",
  procedure: "record.category.procedure",
  exam: "record.category.exam",
  therapy: "record.category.therapy",
  activity: "record.category.activity",
};

/** A report's categories as one line: "Vital signs", "Laboratory". */
export function categoriesInWords(list: readonly Coded[]): string {
  return list.map((c) => (c.code && has(CATEGORY_WORDS, c.code) ? t(CATEGORY_WORDS[c.code]) : c.text)).join(", ");
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
// In the language chosen's locale (English: en-US, as without the UI).
const dateFormats = new Map<string, Intl.DateTimeFormat>();

function dateFormat(name: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const locale = activeLocale();
  const key = `${locale}|${name}`;
  let format = dateFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, options);
    dateFormats.set(key, format);
  }
  return format;
}

const yearFormat = { format: (d: Date) => dateFormat("year", { year: "numeric", timeZone: "UTC" }).format(d) };
const monthFormat = { format: (d: Date) => dateFormat("month", { year: "numeric", month: "long", timeZone: "UTC" }).format(d) };
const dayFormat = { format: (d: Date) => dateFormat("day", { dateStyle: "long", timeZone: "UTC" }).format(d) };
const shortDayFormat = { format: (d: Date) => dateFormat("shortDay", { dateStyle: "medium", timeZone: "UTC" }).format(d) };
const timeOfDay = { format: (d: Date) => dateFormat("time", { timeStyle: "short" }).format(d) };

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
  return Number.isNaN(at.getTime()) ? day : t("record.dateAt", { date: day, time: timeOfDay.format(at) });
}

/** A chart date as a point in time (its first instant), for ordering and charts. */
export function chartDateTime(date: ChartDate): number {
  if (date.at) {
    const at = new Date(date.at).getTime();
    if (!Number.isNaN(at)) return at;
  }
  return calendarDate(date.date)?.getTime() ?? 0;
}

const longDate = { format: (d: Date) => dateFormat("long", { dateStyle: "long" }).format(d) };

function startOfDay(date: Date): number {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
}

/** How long ago a day was, as people say it: "today", "yesterday", "3 days ago", else the date. */
export function daysAgoInWords(rfc3339: string, now: number = Date.now()): string {
  const at = new Date(rfc3339);
  if (Number.isNaN(at.getTime())) return rfc3339;
  const days = Math.round((startOfDay(new Date(now)) - startOfDay(at)) / 86_400_000);
  if (days <= 0) return t("record.day.today");
  if (days === 1) return t("record.day.yesterday");
  if (days < 30) return t("record.day.daysAgo", { count: days });
  return t("record.day.on", { date: longDate.format(at) });
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
  if (release.state === "released") return t("record.release.released", { when: daysAgoInWords(release.at, now) });
  if (release.reviewer) return t("record.release.waitingFor", { reviewer: release.reviewer });
  if (release.until) {
    const until = new Date(release.until);
    if (!Number.isNaN(until.getTime())) return t("record.release.until", { date: longDate.format(until) });
  }
  return reader === "own" ? t("record.release.waitingOwn") : t("record.release.waitingCareTeam");
}

/** What someone looked at, in words, for "Who looked at my record". */
export function accessedPartInWords(part: AccessedPart): string {
  switch (part.kind) {
    case "summary":
      return t("record.accessed.summary");
    case "section":
      return t("record.accessed.section", { part: partTitle(part.section).toLowerCase() });
    case "result_series":
      return t("record.accessed.resultSeries");
    case "export":
      return t("record.accessed.export");
    case "conversations":
      return t("record.accessed.conversations");
    case "conversation":
      return t("record.accessed.conversation");
    case "attachment":
      return t("record.accessed.attachment");
    case "break_the_glass":
      return t("record.accessed.breakTheGlass");
  }
}
