// The triage list over the person's teams: each team's list as the server answers it (one
// request per team), put together urgent first, then latest activity (the server's order
// within a team), and counted per team for the team buttons.
import type { Pool, ThreadList, ThreadSummary } from "./ipc";

/** Each team's answer, by pool. */
export type TeamLists = Partial<Record<Pool, ThreadList>>;

export interface TeamCount {
  /** Conversations listed. */
  count: number;
  /** The server has more than it listed (a further page). */
  more: boolean;
  /** Of those, possibly urgent. */
  urgent: number;
}

/** The server's triage order: possibly urgent first, then latest activity, then newest id. */
export function triageOrder(a: ThreadSummary, b: ThreadSummary): number {
  return (
    Number(b.urgent) - Number(a.urgent) ||
    Date.parse(b.last_message_at) - Date.parse(a.last_message_at) ||
    b.id - a.id
  );
}

function listsOf(lists: TeamLists, team: Pool | "all"): ThreadList[] {
  if (team !== "all") return lists[team] ? [lists[team]] : [];
  return Object.values(lists).filter((l): l is ThreadList => l !== undefined);
}

/** The conversations to show for `team` ("all": every team's, merged). */
export function threadsFor(lists: TeamLists, team: Pool | "all"): ThreadSummary[] {
  return listsOf(lists, team)
    .flatMap((l) => l.threads)
    .sort(triageOrder);
}

export function countFor(lists: TeamLists, team: Pool | "all"): TeamCount {
  const chosen = listsOf(lists, team);
  const threads = chosen.flatMap((l) => l.threads);
  return {
    count: threads.length,
    more: chosen.some((l) => l.next_cursor !== null && l.next_cursor !== undefined),
    urgent: threads.filter((t) => t.urgent).length,
  };
}
