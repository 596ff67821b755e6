// Authorized persons (issue 12): a patient's grants, the grants given to the person, and whom
// the app acts for. The session token never reaches the webview: acting for someone is a
// state of the Rust side's session, which the answered `Session` describes.
import { call } from "./call";
import type { Grant, GrantList, GrantReceived, GrantRequest, GrantsReceived, PracticeGrantRequest, Session } from "./types";

/** The patient's grants (`patientId`: their own chart), the newest first. */
export function listGrants(patientId: number): Promise<GrantList> {
  return call<GrantList>("list_grants", { patientId });
}

/** Invites someone to act for the patient, within `request.scopes`, until `request.until`. */
export function giveGrant(patientId: number, request: GrantRequest): Promise<Grant> {
  return call<Grant>("give_grant", { patientId, request });
}

/**
 * The front desk sets up a grant for a patient who cannot (a parent of a child under 12, a
 * legal guardian), recording the reason and the document seen; it ends by itself after
 * `request.until`. The person gets an invitation by email.
 */
export function giveGrantByPractice(patientId: number, request: PracticeGrantRequest): Promise<Grant> {
  return call<Grant>("give_grant_by_practice", { patientId, request });
}

/** Ends one of the patient's grants at once (an invitation not accepted yet too). */
export async function endGrant(patientId: number, grantId: number): Promise<void> {
  await call<null>("end_grant", { patientId, grantId });
}

/** The grants given to the person: invitations to answer, and the patients they act for. */
export function grantsReceived(): Promise<GrantsReceived> {
  return call<GrantsReceived>("grants_received");
}

export function acceptGrant(grantId: number): Promise<GrantReceived> {
  return call<GrantReceived>("accept_grant", { grantId });
}

export function declineGrant(grantId: number): Promise<GrantReceived> {
  return call<GrantReceived>("decline_grant", { grantId });
}

/** Acts for the patient of this chart from now on (one of `Session.may_act_for`), or for
 * oneself (`null`); answers the session as it now is. */
export function actFor(patientId: number | null): Promise<Session> {
  return call<Session>("act_for", { patientId });
}
