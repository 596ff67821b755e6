// The care team's way into charts: the patient search and breaking the glass. A chart found
// is then read with the record commands (`records.ts`), by its patient id.
import { call } from "./call";
import type { BreakTheGlassGrant, PatientMatches } from "./types";

/** The patients a name, a date of birth or an MRN finds, each saying whether it is in the person's care. */
export function findPatients(query: string): Promise<PatientMatches> {
  return call<PatientMatches>("find_patients", { query });
}

/** Opens a chart outside the person's care, for the reason they give (recorded and shown to the patient). */
export function breakTheGlass(patientId: number, reason: string): Promise<BreakTheGlassGrant> {
  return call<BreakTheGlassGrant>("break_the_glass", { patientId, reason });
}
