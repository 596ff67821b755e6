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
  if (start && end && start !== end) return `${start} to ${end}`;
  return start ?? (end ? `until ${end}` : null);
}

export function describeVisit(visit: VisitEntry): EntryDescription {
  const kind = codedList(visit.kinds);
  return {
    id: visit.id,
    title: kind || visitClassInWords(visit.class) || "Visit",
    when: chartDateTimeInWords(visit.start),
    status: statusInWords("visit", visit.status),
    details: details([
      ["Type", kind ? visitClassInWords(visit.class) : null],
      ["With", visit.clinicians.join(", ")],
      ["Where", visit.provider],
      ["Why", codedList(visit.reasons)],
      ["Diagnosed", codedList(visit.diagnoses)],
      ["Procedures", codedList(visit.procedures)],
      ["Vaccines", codedList(visit.immunizations)],
      ["Medications", codedList(visit.medications)],
      [
        "Results",
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
      ["How to take it", [...medication.dosage, medication.as_needed ? "Only when needed" : ""].filter(Boolean).join(". ")],
      ["For", codedList(medication.reasons)],
      ["Prescribed by", medication.prescriber],
      ["Recorded as", medication.source === "prescription" ? "A prescription" : "A medicine you reported taking"],
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
    status: statusInWords("allergy", allergy.clinical_status) ?? (allergy.active ? "Active" : null),
    details: details([
      ["Reactions", reactions],
      ["Severity", allergy.severity ? severityInWords(allergy.severity) : null],
      ["Risk", allergy.criticality ? criticalityInWords(allergy.criticality) : null],
      ["Kind", allergyKindInWords(allergy.kind)],
      ["To", allergy.categories.map(allergyCategoryInWords).join(", ")],
    ]),
  };
}

export function describeProblem(problem: ProblemEntry): EntryDescription {
  return {
    id: problem.id,
    title: problem.name.text,
    when: span(chartDateInWords(problem.onset), chartDateInWords(problem.resolved)),
    status: statusInWords("problem", problem.clinical_status) ?? (problem.active ? "Active" : null),
    details: details([
      ["Severity", problem.severity?.text],
      ["Recorded", chartDateInWords(problem.recorded)],
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
      ["Dose", immunization.dose],
      ["Where on the body", immunization.site?.text],
      ["Given by", immunization.performers.join(", ")],
      ["Where", immunization.location],
      ["Lot number", immunization.lot_number],
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
      ["Why", codedList(procedure.reasons)],
      ["Where on the body", codedList(procedure.body_sites)],
      ["Done by", procedure.performers.join(", ")],
      ["Outcome", procedure.outcome?.text],
    ]),
  };
}

export function describeCarePlan(plan: CarePlanEntry): EntryDescription {
  return {
    id: plan.id,
    title: plan.title ?? (codedList(plan.categories) || "Care plan"),
    when: span(chartDateInWords(plan.start), chartDateInWords(plan.end)),
    status: statusInWords("care-plan", plan.status),
    details: details([
      ["About", plan.description],
      ["Plan", plan.title ? codedList(plan.categories) : null],
      ["For", codedList(plan.addresses)],
      [
        "Activities",
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
    title: document.kind?.text ?? document.description ?? "Document",
    when: chartDateTimeInWords(document.date),
    status: statusInWords("document", document.status),
    details: details([
      ["About", document.kind ? document.description : null],
      ["Written by", document.authors.join(", ")],
      ["Kind", codedList(document.categories)],
      [
        "Not shown here",
        elsewhere > 0 ? `${elsewhere === 1 ? "One part" : `${elsewhere} parts`} (a file the practice can give you)` : null,
      ],
    ]),
    texts: contents.map((c) => ({ title: c.title, text: c.text ?? "" })),
  };
}
