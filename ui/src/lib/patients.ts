// The care team's patient search, kept by the app while a chart found is open (and forgotten
// at every sign-in), and the words it shows.
import type { IpcError, PatientMatch, PatientMatches } from "./ipc";
import { MIN_PATIENT_QUERY } from "./ipc";
import { chartDateInWords } from "./record-words";
import { t } from "./i18n/core";

/** The last search: what was typed and what it found. */
export interface PatientSearch {
  query: string;
  found: PatientMatches | null;
}

export function newPatientSearch(): PatientSearch {
  return { query: "", found: null };
}

/** Why a query is not sent, or null when it can be. */
export function queryProblem(query: string): string | null {
  return [...query.trim()].length < MIN_PATIENT_QUERY
    ? t("patients.queryShort", { count: MIN_PATIENT_QUERY })
    : null;
}

/** "Born October 26, 1975 · MRN 12345", from what the chart gives. */
export function patientFacts(patient: PatientMatch): string {
  const born = patient.birth_date
    ? t("patients.born", { date: chartDateInWords({ date: patient.birth_date, precision: "day", at: null }) ?? "" })
    : t("patients.noBirthDate");
  return [born, patient.mrn ? t("patients.mrn", { mrn: patient.mrn }) : t("patients.noMrn")].join(" · ");
}

/**
 * The plain message for a refusal to open or search charts: front desk and billing staff
 * find patients but open no charts (the service answers 403 or 404).
 */
export function refusalMessage(error: IpcError): string | null {
  if (error.code === "forbidden" || error.code === "not_found") {
    return t("patients.refused");
  }
  return null;
}
