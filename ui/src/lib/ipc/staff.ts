// An admin's work: the practice's staff and the triage pools each works in. The service
// answers anyone else `forbidden`.
import { call } from "./call";
import type { Pool, StaffMember } from "./types";

/** The practice's staff members and their pools. */
export function listStaff(): Promise<StaffMember[]> {
  return call<StaffMember[]>("list_staff");
}

/** Sets a staff member's pools (at least one); answers the member as stored. */
export function setStaffPools(staffId: number, pools: Pool[]): Promise<StaffMember> {
  return call<StaffMember>("set_staff_pools", { staffId, pools });
}
