// The words and small rules of the admin's staff screen, with no Svelte in them. Who may set
// pools, and that a staff member keeps at least one, is the service's to decide: the screen
// shows its answer.
import type { Pool, StaffMember } from "./ipc";
import { POOLS, poolLabel } from "./messaging";
import { t } from "./i18n/core";

/** The pools ticked, in the order the screen lists them (the service's order). */
export function inPoolOrder(pools: Iterable<Pool>): Pool[] {
  const chosen = new Set(pools);
  return POOLS.map((p) => p.value).filter((p) => chosen.has(p));
}

/** Whether the ticked pools differ from those the service has. */
export function poolsChanged(saved: readonly Pool[], ticked: readonly Pool[]): boolean {
  const a = inPoolOrder(saved);
  const b = inPoolOrder(ticked);
  return a.length !== b.length || a.some((pool, i) => pool !== b[i]);
}

/** "Clinical", "Clinical and Front desk", "Clinical, Front desk and Billing", "no team". */
export function poolsInWords(pools: readonly Pool[]): string {
  const labels = inPoolOrder(pools).map(poolLabel);
  if (labels.length === 0) return t("staff.noTeam");
  if (labels.length === 1) return labels[0];
  return t("scope.inSentence.and", { list: labels.slice(0, -1).join(", "), last: labels[labels.length - 1] });
}

/** What the screen says once the service has stored a member's pools. */
export function savedMessage(member: StaffMember): string {
  return t("staff.saved", { name: member.name, teams: poolsInWords(member.pools) });
}
