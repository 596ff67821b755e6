// Authorized persons (issue 12) in the IPC mock (tests/ipc-mock.ts): a patient's grants (listed,
// given, ended), the grants the front desk sets up for a patient who cannot (kept apart, in
// `byPractice`), the grants given to the signed-in person (accepted, declined), and acting for
// a patient: `act_for` sets `Session.acting_for`, the messaging and record commands then answer
// for that patient within the grant, and a grant the test ends (`endedFor`, read live) answers
// `grant_ended` at the next such command, after which the session acts for the person again, as
// the Rust side does.
import type {
  ActingFor,
  Grant,
  GrantReceived,
  GrantRequest,
  GrantScope,
  IpcError,
  PracticeGrantRequest,
  Session,
  User,
} from "../src/lib/ipc/types";
import type { CommandName } from "../src/lib/ipc/types";

export interface MockGrants {
  /** The signed-in patient's own grants (newest first). */
  given?: Grant[];
  /** The grants given to the signed-in person (invitations and accepted ones). */
  received?: GrantReceived[];
  /** Charts whose grant the patient ended meanwhile: the next acting command answers grant_ended. */
  endedFor?: number[];
}

export interface GrantsState {
  given: Grant[];
  /** The grants the front desk set up (for any chart), the newest first. */
  byPractice: Grant[];
  received: GrantReceived[];
  nextId: number;
}

export const GRANT_COMMANDS: ReadonlySet<string> = new Set<CommandName>([
  "list_grants",
  "give_grant",
  "give_grant_by_practice",
  "end_grant",
  "grants_received",
  "accept_grant",
  "decline_grant",
  "act_for",
]);

export function newGrantsState(grants: MockGrants | undefined): GrantsState {
  return {
    given: structuredClone(grants?.given ?? []),
    byPractice: [],
    received: structuredClone(grants?.received ?? []),
    nextId: 900,
  };
}

function err(code: string, message: string): IpcError {
  return { code, message };
}

/** The patients the person may act for now, as `GET /me` lists them. */
export function mayActFor(st: GrantsState, endedFor: number[] = []): ActingFor[] {
  return st.received
    .filter((g) => g.status === "active" && !endedFor.includes(g.patient_id))
    .map((g) => ({ patient_id: g.patient_id, patient_name: g.patient_name, scopes: [...g.scopes], until: g.until }));
}

function endedMessage(name: string): string {
  return `Your access to ${name}'s portal has ended. If you still need it, ask ${name} to authorize you again.`;
}

/**
 * Before a command that acts for the patient: a grant ended meanwhile answers grant_ended and
 * the session acts for the person again (and no longer lists the patient).
 */
export function checkActing(session: Session | null, endedFor: number[] = []): void {
  const acting = session?.acting_for;
  if (!session || !acting || !endedFor.includes(acting.patient_id)) return;
  session.acting_for = null;
  session.may_act_for = session.may_act_for.filter((a) => a.patient_id !== acting.patient_id);
  throw err("grant_ended", endedMessage(acting.patient_name));
}

/** The patient acted for, as the messaging mock sees a patient (their chart id is their user id here). */
export function actingUser(session: Session): User | null {
  const acting = session.acting_for;
  if (!acting) return null;
  return {
    id: acting.patient_id,
    email: "",
    name: acting.patient_name,
    role: "patient",
    pools: [],
    email_verified: true,
    second_factor: false,
  };
}

const FORBIDDEN = "Your authorization does not allow this.";

/** What the grant must allow for a command, acting; refused like the service (403 forbidden). */
export function requireScopeFor(session: Session | null, cmd: string, args: Record<string, unknown>): void {
  const acting = session?.acting_for;
  if (!acting) return;
  const has = (scope: GrantScope) => acting.scopes.includes(scope);
  const reads = has("read_messages") || has("write_messages");
  const ok = (() => {
    switch (cmd) {
      case "list_threads":
      case "get_thread":
      case "mark_thread_read":
      case "get_attachment":
      case "save_attachment":
        return reads;
      case "send_draft":
        return has("write_messages");
      case "record_summary":
        return has("record");
      case "record_section":
        return args.section === "results" ? has("results") : has("record");
      case "result_series":
        return has("results");
      case "access_log":
      case "export_record":
      case "result_preferences":
      case "set_result_preferences":
        return false;
      default:
        return true;
    }
  })();
  if (!ok) throw err("forbidden", FORBIDDEN);
}

/** Today in the page, as the service compares a last day (a calendar day). */
function today(): string {
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/**
 * `give_grant_by_practice`, answered as the service does: staff of the front desk only (other
 * members of the practice 403, patients and anyone acting for one 404); the name, scopes, last
 * day, reason and document checked (422); the staff member's own address refused (409).
 */
function giveByPractice(st: GrantsState, session: Session, patientId: number, request: PracticeGrantRequest): Grant {
  if (session.acting_for || session.user.role === "patient") throw err("not_found", "This was not found.");
  if (session.user.role !== "staff" || !session.user.pools.includes("front_desk")) {
    throw err("forbidden", "Your account may not do this.");
  }
  if (!request || request.name.trim() === "") throw err("validation", "Write the person's name.");
  if (request.scopes.length === 0) throw err("validation", "Choose at least one thing this person may do for you.");
  if (!/^\d{4}-\d{2}-\d{2}$/.test(request.until ?? "") || request.until < today()) {
    throw err("validation", "The last day of the access has already passed: choose a later day, or none.");
  }
  if (request.reason.trim() === "") throw err("validation", "Write the reason the patient cannot do it.");
  if (request.document.trim() === "") throw err("validation", "Write the document seen.");
  if (request.email.trim().toLowerCase() === session.user.email.toLowerCase()) {
    throw err("conflict", "That is your own address: give access to someone else's.");
  }
  const grant: Grant = {
    id: st.nextId++,
    patient_id: patientId,
    grantee_name: request.name.trim(),
    grantee_email: request.email.trim(),
    scopes: [...request.scopes],
    until: request.until,
    status: "invited",
    created_at: new Date().toISOString(),
    by_practice: true,
  };
  st.byPractice.unshift(grant);
  return structuredClone(grant);
}

export function handleGrants(
  st: GrantsState,
  session: Session | null,
  cmd: string,
  args: Record<string, unknown>,
  endedFor: number[] = [],
): unknown {
  if (!session) throw err("unauthenticated", "Please sign in to continue.");
  const ownChart = () => {
    if (session.user.role !== "patient" || !session.patient_ids.includes(args.patientId as number)) {
      throw err("not_found", "This was not found.");
    }
  };
  switch (cmd) {
    case "list_grants":
      ownChart();
      return { grants: structuredClone(st.given) };

    case "give_grant": {
      ownChart();
      const request = args.request as GrantRequest;
      if (!request || request.name.trim() === "") throw err("validation", "Please enter the person's name.");
      if (request.scopes.length === 0) throw err("validation", "Please choose at least one thing this person may do.");
      if (request.email.trim().toLowerCase() === session.user.email.toLowerCase()) {
        throw err("conflict", "That is your own email address. Authorize someone else, with their own address.");
      }
      const grant: Grant = {
        id: st.nextId++,
        patient_id: args.patientId as number,
        grantee_name: request.name.trim(),
        grantee_email: request.email.trim(),
        scopes: [...request.scopes],
        until: request.until ?? null,
        status: "invited",
        created_at: new Date().toISOString(),
        by_practice: false,
      };
      st.given.unshift(grant);
      return structuredClone(grant);
    }

    case "give_grant_by_practice":
      return giveByPractice(st, session, args.patientId as number, args.request as PracticeGrantRequest);

    case "end_grant": {
      ownChart();
      const grant = st.given.find((g) => g.id === args.grantId);
      if (!grant) throw err("not_found", "This was not found.");
      if (grant.status === "active" || grant.status === "invited") grant.status = "ended";
      return null;
    }

    case "grants_received":
      return { grants: structuredClone(st.received) };

    case "accept_grant":
    case "decline_grant": {
      const grant = st.received.find((g) => g.id === args.grantId);
      if (!grant) throw err("not_found", "This invitation was not found.");
      if (grant.status !== "invited") throw err("conflict", "This invitation was answered already, or has ended.");
      grant.status = cmd === "accept_grant" ? "active" : "declined";
      session.may_act_for = mayActFor(st, endedFor);
      return structuredClone(grant);
    }

    case "act_for": {
      const before = session.may_act_for;
      session.may_act_for = mayActFor(st, endedFor);
      const id = args.patientId;
      if (id === null || id === undefined) {
        session.acting_for = null;
        return structuredClone(session);
      }
      const acting = session.may_act_for.find((a) => a.patient_id === id);
      if (!acting) {
        session.acting_for = null;
        const gone = before.find((a) => a.patient_id === id);
        throw gone
          ? err("grant_ended", endedMessage(gone.patient_name))
          : err("not_found", "You are not authorized to act for this person. Please choose someone from the list.");
      }
      session.acting_for = structuredClone(acting);
      return structuredClone(session);
    }

    default:
      throw `unknown command ${cmd}`;
  }
}
