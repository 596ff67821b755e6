// An admin's work: the practice's staff, the triage pools each works in, and accounts turned
// off and on. The service answers anyone else `forbidden`.
import { call } from "./call";
import type { AccountStatus, Pool, StaffMember } from "./types";

/** The practice's staff members and their pools. */
export function listStaff(): Promise<StaffMember[]> {
  return call<StaffMember[]>("list_staff");
}

/** Sets a staff member's pools (at least one); answers the member as stored. */
export function setStaffPools(staffId: number, pools: Pool[]): Promise<StaffMember> {
  return call<StaffMember>("set_staff_pools", { staffId, pools });
}

/** Turns an account off (its sessions end at once; nothing is deleted) or back on. */
export function setAccountDisabled(userId: number, disabled: boolean): Promise<AccountStatus> {
  return call<AccountStatus>("set_account_disabled", { userId, disabled });
}
