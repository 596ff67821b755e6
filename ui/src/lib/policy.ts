// Who is asked to accept the portal policy. The policy is written to patients (their medical
// record, their account, not for emergencies); the care team's duties are set by the
// practice, not by this screen. The service's policy gate follows the same rule.
import type { Role, Session } from "./ipc";

/** The roles the portal policy is written for. */
export function policyAppliesTo(role: Role): boolean {
  return role === "patient";
}

/** Whether the person must read and accept the current policy before going on. */
export function mustAcceptPolicy(session: Session): boolean {
  return policyAppliesTo(session.user.role) && session.policy.accepted_at === null;
}
