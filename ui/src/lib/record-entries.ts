// Each entry of a record's sections (but results, which have their own card) described the
// same way for one card component: a title, when, its status in words, and details as
// label–value lines. Only what the chart says is shown; empty details are left out.
import type {
  AllergyEntry,
  CarePlanEntry,
  DocumentEntry,
  ImmunizationEntry,
  MedicationEntry,
  ProblemEntry,
  ProcedureEntry,
  VisitEntry,
} from "./ipc";
import { t } from "./i18n/core";
import {
  allergyCategoryInWords,
  allergyKindInWords,
  chartDateInWords,
  chartDateTimeInWords,
  codedList,
  criticalityInWords,
  severityInWords,
  statusInWords,
  valueInWords,
  visitClassInWords,
} from "./record-words";

export interface EntryDetail {
  label: string;
  value: string;
}

export interface EntryDescription {
  /** The FHIR id, for the element's id. */
  id: string;
  title: string;
  /** When it happened or started, by the chart's precision. */
  when: string | null;
  status: string | null;
  details: EntryDetail[];
  /** Text held in the chart (a document's notes), shown as written. */
  texts?: { title: string | null; text: string }[];
}

function details(pairs: [string, string | null | undefined][]): EntryDetail[] {
  return pairs.filter((p): p is [string, string] => typeof p[1] === "string" && p[1].trim() !== "").map(([label, value]) => ({ label, value }));
}

function span(start: string | null, end: string | null): string | null {
  if (start && end && start !== end) return t("entry.span", { start, end });
  return start ?? (end ? t("entry.until", { end }) : null);
}

export function describeVisit(visit: VisitEntry): EntryDescription {
  const kind = codedList(visit.kinds);
  return {
    id: visit.id,
    title: kind || visitClassInWords(visit.class) || t("record.visit"),
    when: chartDateTimeInWords(visit.start),
    status: statusInWords("visit", visit.status),
    details: details([
      [t("entry.type"), kind ? visitClassInWords(visit.class) : null],
      [t("entry.with"), visit.clinicians.join(", ")],
      [t("entry.where"), visit.provider],
      [t("entry.why"), codedList(visit.reasons)],
      [t("entry.diagnosed"), codedList(visit.diagnoses)],
      [t("entry.procedures"), codedList(visit.procedures)],
      [t("entry.vaccines"), codedList(visit.immunizations)],
      [t("entry.medications"), codedList(visit.medications)],
      [
        t("entry.results"),
        visit.results
          .map((r) => (r.value ? `${r.name.text}: ${valueInWords(r.value)}` : r.name.text))
          .join("; "),
      ],
    ]),
  };
}

export function describeMedication(medication: MedicationEntry): EntryDescription {
  const start = chartDateInWords(medication.start);
  return {
    id: medication.id,
    title: medication.name.text,
    when: span(start, chartDateInWords(medication.end)),
    status: statusInWords("medication", medication.status),
    details: details([
      [t("entry.howToTakeIt"), [...medication.dosage, medication.as_needed ? t("entry.asNeeded") : ""].filter(Boolean).join(". ")],
      [t("entry.for"), codedList(medication.reasons)],
      [t("entry.prescribedBy"), medication.prescriber],
      [t("entry.recordedAs"), medication.source === "prescription" ? t("entry.prescription") : t("entry.reported")],
    ]),
  };
}

export function describeAllergy(allergy: AllergyEntry): EntryDescription {
  const reactions = allergy.reactions
    .map((r) => {
      const what = codedList(r.manifestations) || r.description || "";
      return r.severity ? `${what}${what ? " " : ""}(${severityInWords(r.severity).toLowerCase()})` : what;
    })
    .filter(Boolean)
    .join("; ");
  return {
    id: allergy.id,
    title: allergy.substance.text,
    when: chartDateInWords(allergy.onset ?? allergy.recorded),
    status: statusInWords("allergy", allergy.clinical_status) ?? (allergy.active ? t("record.status.allergy.active") : null),
    details: details([
      [t("entry.reactions"), reactions],
      [t("entry.severity"), allergy.severity ? severityInWords(allergy.severity) : null],
      [t("entry.risk"), allergy.criticality ? criticalityInWords(allergy.criticality) : null],
      [t("entry.kind"), allergyKindInWords(allergy.kind)],
      [t("entry.to"), allergy.categories.map(allergyCategoryInWords).join(", ")],
    ]),
  };
}

export function describeProblem(problem: ProblemEntry): EntryDescription {
  return {
    id: problem.id,
    title: problem.name.text,
    when: span(chartDateInWords(problem.onset), chartDateInWords(problem.resolved)),
    status: statusInWords("problem", problem.clinical_status) ?? (problem.active ? t("record.status.problem.active") : null),
    details: details([
      [t("entry.severity"), problem.severity?.text],
      [t("entry.recorded"), chartDateInWords(problem.recorded)],
    ]),
  };
}

export function describeImmunization(immunization: ImmunizationEntry): EntryDescription {
  return {
    id: immunization.id,
    title: immunization.vaccine.text,
    when: chartDateInWords(immunization.date),
    status: statusInWords("immunization", immunization.status),
    details: details([
      [t("entry.dose"), immunization.dose],
      [t("entry.whereOnTheBody"), immunization.site?.text],
      [t("entry.givenBy"), immunization.performers.join(", ")],
      [t("entry.where"), immunization.location],
      [t("entry.lotNumber"), immunization.lot_number],
    ]),
  };
}

export function describeProcedure(procedure: ProcedureEntry): EntryDescription {
  return {
    id: procedure.id,
    title: procedure.name.text,
    when: span(chartDateInWords(procedure.start), chartDateInWords(procedure.end)),
    status: statusInWords("procedure", procedure.status),
    details: details([
      [t("entry.why"), codedList(procedure.reasons)],
      [t("entry.whereOnTheBody"), codedList(procedure.body_sites)],
      [t("entry.doneBy"), procedure.performers.join(", ")],
      [t("entry.outcome"), procedure.outcome?.text],
    ]),
  };
}

export function describeCarePlan(plan: CarePlanEntry): EntryDescription {
  return {
    id: plan.id,
    title: plan.title ?? (codedList(plan.categories) || t("entry.carePlan")),
    when: span(chartDateInWords(plan.start), chartDateInWords(plan.end)),
    status: statusInWords("care-plan", plan.status),
    details: details([
      [t("entry.about"), plan.description],
      [t("entry.plan"), plan.title ? codedList(plan.categories) : null],
      [t("entry.for"), codedList(plan.addresses)],
      [
        t("entry.activities"),
        plan.activities
          .map((a) => {
            const status = statusInWords("activity", a.status);
            return status ? `${a.name.text} (${status.toLowerCase()})` : a.name.text;
          })
          .join("; "),
      ],
    ]),
  };
}

export function describeDocument(document: DocumentEntry): EntryDescription {
  const contents = document.contents.filter((c) => c.text !== null && c.text.trim() !== "");
  const elsewhere = document.contents.length - contents.length;
  return {
    id: document.id,
    title: document.kind?.text ?? document.description ?? t("entry.document"),
    when: chartDateTimeInWords(document.date),
    status: statusInWords("document", document.status),
    details: details([
      [t("entry.about"), document.kind ? document.description : null],
      [t("entry.writtenBy"), document.authors.join(", ")],
      [t("entry.kind"), codedList(document.categories)],
      [
        t("entry.notShownHere"),
        elsewhere > 0 ? (elsewhere === 1 ? t("entry.onePartElsewhere") : t("entry.partsElsewhere", { count: elsewhere })) : null,
      ],
    ]),
    texts: contents.map((c) => ({ title: c.title, text: c.text ?? "" })),
  };
}
