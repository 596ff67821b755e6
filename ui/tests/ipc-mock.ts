// Stand-in for the Rust side in the Chromium tests. Built into an IIFE
// (tests/vite.harness.config.ts) and injected before the app's own scripts.
//
// Each test describes its world in `window.__PORTAL_MOCK__` (set by an earlier
// init script); the mock reads it on every call, so a test may also change it
// while the page is open (for example to make a command fail from now on).
// Every call is recorded in `window.__PORTAL_CALLS__`.
import { mockIPC } from "@tauri-apps/api/mocks";
import type {
  SessionInfo,
  AttachmentInfo,
  Category,
  Draft,
  DraftAttachment,
  DraftSummary,
  IpcError,
  Message,
  MessagingLimits,
  NoticePreferences,
  Person,
  Policy,
  Pool,
  PracticeInfo,
  Session,
  Settings,
  StaffMember,
  ThreadSummary,
  User,
} from "../src/lib/ipc/types";
import { START_HANDOVER_GLOBAL } from "../src/lib/ipc/generated/values";
import { defaultRecord, handleRecord, RECORD_COMMANDS, type MockRecord } from "./record-mock";
import {
  actingUser,
  checkActing,
  GRANT_COMMANDS,
  handleGrants,
  mayActFor,
  newGrantsState,
  requireScopeFor,
  type GrantsState,
  type MockGrants,
} from "./grants-mock";
// What the mock knows of the Rust side's rules comes from Rust (generated), not from a copy.
import {
  DEFAULT_MAX_ATTACHMENT_BYTES,
  EMERGENCY_PHRASES,
  ErrorCode,
  MAX_ATTACHMENTS_PER_MESSAGE,
  MAX_BODY_CHARS,
  MAX_SUBJECT_CHARS,
  type CommandName,
} from "../src/lib/ipc/types";

export interface MockAccount {
  email: string;
  password: string;
  user: User;
  /** When this account accepted the current policy; null or missing: not yet. */
  acceptedAt?: string | null;
  /** The charts linked to this account (`Session.patient_ids`; none when missing). */
  patientIds?: number[];
}

// The second factor (issue 11). An account whose `user.second_factor` is `true` is asked for a
// code at sign-in; one whose `second_factor` is missing has one when its role requires it (so
// the care team of older tests signs in with the pass-phrase alone, past the enrolment gate).

export interface MockScenario {
  settings?: Partial<Settings>;
  practice?: PracticeInfo;
  accounts?: MockAccount[];
  /** The policy the server serves. */
  policy?: Policy;
  /** A newer policy: the first accept_policy answers policy_outdated and the server serves this from then on. */
  newerPolicy?: Policy;
  /** The policy's Spanish text: served once `set_language` says "es" (get_policy, sign_in). */
  policyEs?: Policy;
  /** Set while the page is open: the Rust side has ended the session at the server's idle
   * timeout (`current_session` answers null from then on). */
  sessionEndedIdle?: boolean;
  /** A signed update waiting for a restart (its version), as `update_status` answers. */
  updateReady?: string;
  /** Whether the page is handed its settings at start, as the Rust side hands the window's
   * first page (`src-tauri/src/start_handover.rs`). By default it is when no `session` is
   * set: a scenario that starts signed in stands for a reloaded page, which is not. */
  handover?: boolean;
  /** A session that already exists in the Rust side at start-up (`idle_timeout_secs`, `limits`, `patient_ids`, `may_act_for` and `acting_for` may be left out). */
  session?:
    | (Omit<Session, "idle_timeout_secs" | "limits" | "patient_ids" | "may_act_for" | "acting_for"> & {
        idle_timeout_secs?: number;
        limits?: MessagingLimits;
        patient_ids?: number[];
        may_act_for?: Session["may_act_for"];
        acting_for?: Session["acting_for"];
      })
    | null;
  /** Authorized persons (issue 12): the patient's grants, those given to the person, grants ended meanwhile. */
  grants?: MockGrants;
  /** The server's idle timeout, in new sessions and in `keep_alive` answers (default 900). */
  idleTimeoutSecs?: number;
  /** What the service accepts in a message (as its operator set it); the defaults of a service started without options when missing. */
  limits?: Partial<MessagingLimits>;
  /** Commands that reject, with what (an `{code, message}` object or a bare string). */
  fail?: Record<string, IpcError | string>;
  /** Milliseconds a command takes to answer. */
  delayMs?: Record<string, number>;
  /** The messaging world (conversations, care team, drafts); the default world when missing. */
  messaging?: MockMessaging;
  /** The practice's staff as an admin sees them (default: Jordan Kim, clinical; Chris Ortiz, front desk and billing). */
  staff?: StaffMember[];
  /** The patient's record (chart 1: Blair Conroy's, from tests/fixtures/record-blair.json), with these changes. */
  record?: Partial<MockRecord>;
  /** The person's open sessions (default: this device and a laptop). */
  sessions?: SessionInfo[];
  /** Invitations waiting to be activated (issue 11). */
  invitations?: MockInvitation[];
  /** Pass-phrase reset codes the service emailed, by address. */
  resetCodes?: Record<string, string>;
  /** The code the service emails to confirm a new address (default "246810"). */
  emailCode?: string;
  /** Which notices the person gets by email (default: both). */
  notices?: NoticePreferences;
  /** The drafts on this computer are locked under this previous pass-phrase. */
  draftsLockedUnder?: string;
  /** The code the authenticator app shows now (default "123456"). */
  totpCode?: string;
  /** The unused recovery codes of the accounts that have a second factor (default: none). */
  recoveryCodes?: string[];
}

/** An invited account: the code emailed to `email`, the date of birth on the chart (patients). */
export interface MockInvitation {
  email: string;
  code: string;
  dateOfBirth?: string | null;
  user: User;
  patientIds?: number[];
}

/** A message as the fake server keeps it (`read_at`: when the other side read it). */
export type MockMessage = Message;

/** A conversation as the fake server keeps it; counts and unread are worked out per caller. */
export interface MockThread extends Omit<ThreadSummary, "unread" | "message_count" | "last_message_at"> {
  messages: MockMessage[];
}

/** A draft in the fake vault of user `owner`. `damaged`: it cannot be opened. */
export interface MockDraft extends Draft {
  draft_id: string;
  owner: number;
  updated_at: string;
  version: number;
  damaged?: boolean;
}

export interface MockMessaging {
  threads?: MockThread[];
  careTeam?: Person[];
  drafts?: MockDraft[];
  /** Bytes of attachments by id, base64 (default: a small PNG for pictures, a tiny PDF else). */
  attachmentBytes?: Record<string, string>;
  /** Milliseconds between two progress messages of `send_draft` (default 40). */
  sendStepMs?: number;
}

interface MockCall {
  cmd: string;
  /** The arguments; for a raw body `{ bytes, headers }`, for a channel `"channel"`. */
  args: unknown;
  /** `Date.now()` when the call arrived. */
  at: number;
}

declare global {
  interface Window {
    __PORTAL_MOCK__?: MockScenario;
    __PORTAL_CALLS__?: MockCall[];
  }
}

const DEFAULT_PRACTICE: PracticeInfo = { name: "Dermatology Specialists of Kansas City", phone: "(816) 555-0142" };

const DEFAULT_USER: User = {
  id: 7,
  email: "ana.garcia@example.com",
  name: "Ana García",
  role: "patient",
  pools: [],
  email_verified: true,
  second_factor: false,
};

const DEFAULT_POLICY: Policy = {
  version: 3,
  language: "en",
  title: "Patient Portal Policy",
  published_at: "2026-03-01T15:00:00Z",
  accepted_at: null,
  text: "This policy explains how you may use the patient portal.\n\nThe portal is never for emergencies.",
};

const DEFAULT_IDLE_TIMEOUT_SECS = 900;

/** A code the Rust side can reject with (generated from Rust), or `unknown`. */
type Code = (typeof ErrorCode)[keyof typeof ErrorCode];

function err(code: Code, message: string): IpcError {
  return { code, message };
}

interface MockState {
  settings: Settings;
  policy: Policy;
  newerPolicyPending: boolean;
  /** The language `set_language` last set (the policy is the same in every language here). */
  language: string;
  session: Session | null;
  threads: MockThread[];
  careTeam: Person[];
  drafts: MockDraft[];
  /** Attachments of drafts (not sent yet), with their bytes. */
  draftFiles: Map<string, { attachment: DraftAttachment; bytes: Uint8Array }>;
  /** Bytes of attachments sent with messages. */
  sentFiles: Map<string, Uint8Array>;
  /** What each sent draft became (sending it again answers the same: idempotent). */
  sent: Map<string, { thread_id: number; message_id: number }>;
  /** The next number for a thread, message or file (above the fixtures' 1–4999). */
  nextId: number;
  /** The next draft is `draft-<nextDraft>`. */
  nextDraft: number;
  /**
   * What each care-team member has read, as the service keeps it: per thread and person, how
   * many of the patient's messages there were when they last read it ("thread:user").
   */
  teamReads: Map<string, number>;
  staff: StaffMember[];
  record: MockRecord;
  sessions: SessionInfo[];
  /** Pass-phrases changed since the scenario began, by lower-cased address. */
  passwords: Map<string, string>;
  /** Accounts opened by activation. */
  activated: MockAccount[];
  invitations: MockInvitation[];
  resetCodes: Record<string, string>;
  notices: NoticePreferences;
  /** A new address waiting for its code. */
  pendingEmail: string | null;
  /** The previous pass-phrase the drafts are locked under, while they are. */
  draftsLockedUnder: string | null;
  /** Whether each account (by lower-cased address) has a second factor, where it changed. */
  secondFactor: Map<string, boolean>;
  /** A secret handed out by start_totp_enrolment and not confirmed yet. */
  enrolling: boolean;
  recoveryCodes: string[];
  grants: GrantsState;
  /** Workstation mode: the screen is locked (every command but these few answers screen_locked). */
  locked: boolean;
  /** The version of a verified update waiting for a restart; null once restarted into it. */
  updateReady: string | null;
}

/** What a locked screen still answers (as the Rust side does). */
const WHILE_LOCKED: ReadonlySet<string> = new Set([
  "get_settings",
  "update_status",
  "restart_to_update",
  "practice_info",
  "current_session",
  "lock_screen",
  "unlock_screen",
  "switch_user",
  "sign_in",
  "sign_out",
]);

let state: MockState | null = null;

/** The policy in the language `set_language` last said, when the scenario has that text. */
function servedPolicy(st: MockState): Policy {
  const spanish = scenario().policyEs;
  return st.language === "es" && spanish && spanish.version === st.policy.version ? spanish : st.policy;
}

function scenario(): MockScenario {
  return window.__PORTAL_MOCK__ ?? {};
}

/**
 * Where the mock keeps the language chosen between runs, as the Rust side keeps it in
 * settings.json: a reload of the page is a new start of the app. (The mock's own storage: the
 * app itself stores nothing in the webview.)
 */
const KEPT_LANGUAGE = "__portal_mock_kept_language__";

function keptLanguage(): "en" | "es" | null {
  const kept = sessionStorage.getItem(KEPT_LANGUAGE);
  return kept === "en" || kept === "es" ? kept : null;
}

function currentState(): MockState {
  if (!state) {
    const s = scenario();
    const settings: Settings = {
      server_url: "https://portal.dskc.example",
      ca_file: "",
      managed: { server_url: false, ca_file: false },
      workstation: null,
      language: null,
      ...s.settings,
    };
    settings.language = keptLanguage() ?? settings.language;
    state = {
      settings,
      policy: { ...(s.policy ?? DEFAULT_POLICY) },
      newerPolicyPending: Boolean(s.newerPolicy),
      language: settings.language ?? "en",
      session: s.session
        ? {
            idle_timeout_secs: idleTimeoutSecs(),
            limits: serviceLimits(),
            patient_ids: [],
            may_act_for: mayActFor(newGrantsState(s.grants)),
            acting_for: null,
            ...structuredClone(s.session),
          }
        : null,
      threads: structuredClone(s.messaging?.threads ?? defaultThreads()),
      careTeam: structuredClone(s.messaging?.careTeam ?? CARE_TEAM),
      drafts: structuredClone(s.messaging?.drafts ?? []),
      draftFiles: new Map(),
      sentFiles: new Map(),
      sent: new Map(),
      nextId: 5000,
      nextDraft: 1000,
      teamReads: new Map(),
      staff: structuredClone(s.staff ?? DEFAULT_STAFF),
      record: { ...defaultRecord(), ...structuredClone(s.record ?? {}) },
      sessions: structuredClone(s.sessions ?? DEFAULT_SESSIONS),
      passwords: new Map(),
      activated: [],
      invitations: structuredClone(s.invitations ?? []),
      resetCodes: { ...(s.resetCodes ?? {}) },
      notices: { messages: true, results: true, ...s.notices },
      pendingEmail: null,
      draftsLockedUnder: s.draftsLockedUnder ?? null,
      secondFactor: new Map(),
      enrolling: false,
      recoveryCodes: [...(s.recoveryCodes ?? [])],
      grants: newGrantsState(s.grants),
      locked: false,
      updateReady: s.updateReady ?? null,
    };
    if (state.session) state.session.user = withSecondFactor(state.session.user);
  }
  return state;
}

function serviceLimits(): MessagingLimits {
  return {
    max_attachment_bytes: DEFAULT_MAX_ATTACHMENT_BYTES,
    max_attachments_per_message: MAX_ATTACHMENTS_PER_MESSAGE,
    max_subject_chars: MAX_SUBJECT_CHARS,
    max_body_chars: MAX_BODY_CHARS,
    ...scenario().limits,
  };
}

function idleTimeoutSecs(): number {
  return scenario().idleTimeoutSecs ?? DEFAULT_IDLE_TIMEOUT_SECS;
}

/** The account with this address (scenario or activated), with its pass-phrase as it is now. */
function findAccount(st: MockState, email: string): MockAccount | undefined {
  const key = email.trim().toLowerCase();
  const account = [...accounts(), ...st.activated].find((a) => a.email.toLowerCase() === key);
  return account && { ...account, password: st.passwords.get(key) ?? account.password };
}

/** The service's answer to a pass-phrase it refuses (its shortest rule only). */
function checkPassphrase(passphrase: string): void {
  if ([...passphrase].length < 15) {
    throw err(
      "weak_passphrase",
      'Use at least 15 characters. A few unrelated words, such as "copper kettle autumn river", make a pass-phrase that is long and easy to remember.',
    );
  }
}

const INVALID_CODE = "That code is not correct, has expired or was used already. Check it, or ask for a new one.";
const DRAFT_COMMANDS = new Set([
  "list_drafts",
  "load_draft",
  "save_draft",
  "discard_draft",
  "add_draft_attachment",
  "remove_draft_attachment",
]);

function accounts(): MockAccount[] {
  return scenario().accounts ?? [{ email: DEFAULT_USER.email, password: "correct horse battery staple", user: DEFAULT_USER }];
}

const DEFAULT_SESSIONS: SessionInfo[] = [
  {
    id: 71,
    device: "Patient Portal on Linux, front-desk-2",
    signed_in_from: "203.0.113.7",
    started_at: "2026-11-30T14:00:00Z",
    last_active_at: "2026-11-30T15:00:00Z",
    current: true,
  },
  {
    id: 70,
    device: "Patient Portal on macOS, Ana's laptop",
    signed_in_from: "198.51.100.23",
    started_at: "2026-11-29T19:00:00Z",
    last_active_at: "2026-11-29T19:40:00Z",
    current: false,
  },
];

const DEFAULT_STAFF: StaffMember[] = [
  { id: 31, name: "Jordan Kim", email: "jordan.kim@example.com", pools: ["clinical"], disabled_at: null },
  { id: 32, name: "Chris Ortiz", email: "chris.ortiz@example.com", pools: ["front_desk", "billing"], disabled_at: null },
];

/** The service's order of pools (`Pool::ALL`). */
const STAFF_POOL_ORDER: Pool[] = ["clinical", "front_desk", "billing"];

/** Staff and their pools are an admin's (the service answers anyone else 403). */
function requireAdmin(st: MockState): void {
  if (requireSession(st).user.role !== "admin") throw err("forbidden", "Your account may not do this.");
}

/** `second_factor` as the service says it: missing means "has one" where the role requires one. */
function withSecondFactor(user: User): User {
  return { ...user, second_factor: user.second_factor ?? user.role !== "patient" };
}

const TOTP_SECRET = "JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP";
const TOTP_QR_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 21 21" shape-rendering="crispEdges"><rect width="21" height="21" fill="#fff"/><path d="M0 0h7v7H0zM14 0h7v7h-7zM0 14h7v7H0zM9 9h3v3H9z" fill="#000"/></svg>';
const NEW_RECOVERY_CODES = Array.from({ length: 10 }, (_, i) => `rc${i}a-${i}b${i}c${i}`);

function totpCode(): string {
  return scenario().totpCode ?? "123456";
}

function requireSession(st: MockState): Session {
  if (!st.session) throw err("unauthenticated", "Please sign in to continue.");
  return st.session;
}

function handle(cmd: string, args: Record<string, unknown>, raw: RawRequest | null): unknown {
  const st = currentState();
  if (st.locked && st.session && !WHILE_LOCKED.has(cmd)) {
    throw err(
      "screen_locked",
      "The screen is locked for your privacy. Please unlock it with your pass-phrase, or switch user.",
    );
  }
  if (st.draftsLockedUnder !== null && DRAFT_COMMANDS.has(cmd)) {
    throw err(
      "vault_previous_passphrase",
      "Your drafts on this computer were saved under your previous pass-phrase, so they cannot be opened with the new one. They have been kept, not deleted. Until this is resolved, new drafts cannot be saved on this computer.",
    );
  }
  const endedFor = scenario().grants?.endedFor ?? [];
  if (GRANT_COMMANDS.has(cmd)) return handleGrants(st.grants, st.session, cmd, args, endedFor);
  if (MESSAGING_COMMANDS.has(cmd) || RECORD_COMMANDS.has(cmd)) {
    checkActing(st.session, endedFor);
    requireScopeFor(st.session, cmd, args);
  }
  if (MESSAGING_COMMANDS.has(cmd)) return handleMessaging(st, cmd, args, raw);
  if (RECORD_COMMANDS.has(cmd)) return handleRecord(st.record, recordSession(st.session), cmd, args);
  switch (cmd) {
    case "get_settings":
      return { ...st.settings };

    case "save_settings": {
      const serverUrl = String(args.serverUrl ?? "");
      const caFile = String(args.caFile ?? "");
      if (!/^https:\/\/[^\s/]+/.test(serverUrl)) {
        throw err(
          "invalid_server_url",
          "The server address must start with https:// . Please check the address your practice gave you.",
        );
      }
      if (caFile !== "" && !caFile.endsWith(".pem")) {
        throw err("ca_file", "We could not read the certificate file. Please check the file's location and try again.");
      }
      const managed = st.settings.managed;
      if ((managed.server_url && serverUrl !== st.settings.server_url) || (managed.ca_file && caFile !== st.settings.ca_file)) {
        throw err(
          "managed_setting",
          "These server settings are set by your organization and cannot be changed here. If they need to change, please ask your organization's IT.",
        );
      }
      const change = (from: string, to: string) => (from === to ? null : { from, to });
      const serverChange = change(st.settings.server_url, serverUrl);
      const caChange = change(st.settings.ca_file, caFile);
      if ((serverChange || caChange) && args.confirm !== true) {
        const message = serverChange
          ? `You are about to connect to a different portal server: ${serverUrl}. Only continue if the practice told you to.`
          : `You are about to trust a different certificate file for the portal server: ${caFile}. Only continue if the practice told you to.`;
        return { status: "needs_confirmation", server_url: serverChange, ca_file: caChange, message };
      }
      st.settings = { ...st.settings, server_url: serverUrl, ca_file: caFile };
      return { status: "saved", ...st.settings };
    }

    case "practice_info":
      return { ...(scenario().practice ?? DEFAULT_PRACTICE) };

    case "update_status":
      return { ready_version: st.updateReady };

    case "restart_to_update":
      // The Rust side installs the update, signs out and restarts the app (the page stays
      // here: the tests read the calls).
      if (st.updateReady === null) throw err(ErrorCode.NoUpdateReady, "There is no update ready to install.");
      st.updateReady = null;
      st.session = null;
      return null;

    case "sign_in": {
      const email = String(args.email ?? "");
      const password = String(args.password ?? "");
      const account = findAccount(st, email);
      if (!account || account.password !== password) {
        throw err(
          "invalid_credentials",
          "The email address or pass-phrase is not right. Please check them and try again.",
        );
      }
      const key = account.email.toLowerCase();
      const asksCode = st.secondFactor.get(key) ?? account.user.second_factor === true;
      if (asksCode) {
        const code = typeof args.code === "string" ? args.code.trim() : "";
        if (code === "") {
          throw err("second_factor_required", "Please enter the code from your authenticator app.");
        }
        const recovery = st.recoveryCodes.indexOf(code);
        if (code !== totpCode() && recovery < 0) {
          throw err(
            "second_factor_required",
            "That code is not right. Enter the 6-digit code your authenticator app shows now, or a recovery code.",
          );
        }
        if (recovery >= 0) st.recoveryCodes.splice(recovery, 1);
      }
      st.session = {
        user: { ...withSecondFactor(account.user), ...(st.secondFactor.has(key) ? { second_factor: asksCode } : {}) },
        policy: { ...servedPolicy(st), accepted_at: account.acceptedAt ?? null },
        idle_timeout_secs: idleTimeoutSecs(),
        limits: serviceLimits(),
        patient_ids: [...(account.patientIds ?? [])],
        may_act_for: mayActFor(st.grants, scenario().grants?.endedFor),
        acting_for: null,
      };
      return structuredClone(st.session);
    }

    case "current_session":
      if (scenario().sessionEndedIdle) {
        // The Rust side ended the session at the server's idle timeout (also while locked).
        st.session = null;
        st.locked = false;
      }
      return st.session ? structuredClone(st.session) : null;

    case "get_policy": {
      const held = requireSession(st).policy;
      const served = servedPolicy(st);
      return served.version === held.version ? { ...served, accepted_at: held.accepted_at } : { ...held };
    }

    case "accept_policy": {
      const session = requireSession(st);
      const newer = scenario().newerPolicy;
      if (st.newerPolicyPending && newer) {
        st.newerPolicyPending = false;
        st.policy = { ...newer };
        session.policy = { ...newer, accepted_at: null };
      }
      if (args.version !== session.policy.version) {
        throw err(
          "policy_outdated",
          "The policy was updated while you were reading it. Please read the new version below.",
        );
      }
      session.policy = { ...session.policy, accepted_at: new Date().toISOString() };
      return { ...session.policy };
    }

    case "list_staff":
      requireAdmin(st);
      return structuredClone(st.staff);

    case "set_staff_pools": {
      requireAdmin(st);
      const member = st.staff.find((m) => m.id === args.staffId);
      if (!member) throw err("not_found", "Not found.");
      const given = Array.isArray(args.pools) ? (args.pools as Pool[]) : [];
      const pools = STAFF_POOL_ORDER.filter((p) => given.includes(p));
      // The service's own words (domain/access.rs, `StaffPools::for_role`).
      if (pools.length === 0) {
        throw err(
          "validation",
          "A staff account needs at least one team (Clinical, Front desk or Billing): staff see only their teams' conversations.",
        );
      }
      member.pools = pools;
      return structuredClone(member);
    }

    case "list_sessions":
      requireSession(st);
      return { sessions: structuredClone(st.sessions) };

    case "end_session": {
      requireSession(st);
      const found = st.sessions.find((x) => x.id === args.sessionId && !x.current);
      if (!found) throw err("not_found", "Not found.");
      st.sessions = st.sessions.filter((x) => x.id !== found.id);
      return null;
    }

    case "end_other_sessions": {
      requireSession(st);
      const ended = st.sessions.filter((x) => !x.current).length;
      st.sessions = st.sessions.filter((x) => x.current);
      return { ended };
    }

    case "set_account_disabled": {
      requireAdmin(st);
      const member = st.staff.find((m) => m.id === args.userId);
      if (!member) throw err("not_found", "Not found.");
      member.disabled_at = args.disabled ? (member.disabled_at ?? new Date().toISOString()) : null;
      return { id: member.id, disabled_at: member.disabled_at };
    }

    case "activate": {
      const email = String(args.email ?? "").trim().toLowerCase();
      const invitation = st.invitations.find((i) => i.email.toLowerCase() === email && i.code === args.code);
      if (!invitation || ((invitation.dateOfBirth ?? null) !== null && invitation.dateOfBirth !== args.dateOfBirth)) {
        throw err(
          "invalid_code",
          "The activation code or the date of birth is not correct, or the code has expired or was used already. Check both, or ask the practice for a new code.",
        );
      }
      const password = String(args.password ?? "");
      checkPassphrase(password);
      st.invitations = st.invitations.filter((i) => i !== invitation);
      const account: MockAccount = {
        email: invitation.email,
        password,
        user: invitation.user,
        patientIds: invitation.patientIds,
      };
      st.activated.push(account);
      st.session = {
        user: withSecondFactor({ ...account.user, email_verified: true }),
        policy: { ...st.policy, accepted_at: null },
        idle_timeout_secs: idleTimeoutSecs(),
        limits: serviceLimits(),
        patient_ids: [...(account.patientIds ?? [])],
        may_act_for: [],
        acting_for: null,
      };
      return structuredClone(st.session);
    }

    case "request_reset":
      return null;

    case "confirm_reset": {
      const email = String(args.email ?? "").trim().toLowerCase();
      const expected = Object.entries(st.resetCodes).find(([address]) => address.toLowerCase() === email)?.[1];
      if (!expected || expected !== args.code) throw err("invalid_code", INVALID_CODE);
      const password = String(args.newPassword ?? "");
      checkPassphrase(password);
      delete st.resetCodes[email];
      st.passwords.set(email, password);
      if (st.session?.user.email.toLowerCase() === email) st.session = null;
      return null;
    }

    case "change_passphrase": {
      const session = requireSession(st);
      const account = findAccount(st, session.user.email);
      if (!account || account.password !== args.currentPassword) {
        throw err("wrong_passphrase", "Your current pass-phrase is not correct.");
      }
      const password = String(args.newPassword ?? "");
      checkPassphrase(password);
      st.passwords.set(session.user.email.toLowerCase(), password);
      const ended = st.sessions.filter((x) => !x.current).length;
      st.sessions = st.sessions.filter((x) => x.current);
      return { sessions_ended: ended, drafts_kept: st.draftsLockedUnder === null };
    }

    case "recover_drafts":
    case "discard_locked_drafts": {
      const session = requireSession(st);
      if (st.draftsLockedUnder === null) return null;
      if (findAccount(st, session.user.email)?.password !== args.currentPassword) {
        throw err("wrong_passphrase", "Your current pass-phrase is not correct. Please try again.");
      }
      if (cmd === "recover_drafts" && args.previousPassword !== st.draftsLockedUnder) {
        throw err("wrong_previous_passphrase", "That is not the pass-phrase these drafts were saved under. Please try again.");
      }
      if (cmd === "discard_locked_drafts") st.drafts = st.drafts.filter((d) => d.owner !== session.user.id);
      st.draftsLockedUnder = null;
      return null;
    }

    case "change_email": {
      const session = requireSession(st);
      if (findAccount(st, session.user.email)?.password !== args.password) {
        throw err("wrong_passphrase", "Your current pass-phrase is not correct.");
      }
      const email = String(args.email ?? "").trim();
      if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw err("validation", "Please enter a valid email address.");
      st.pendingEmail = email;
      return { email, expires_at: new Date(Date.now() + 60 * 60_000).toISOString() };
    }

    case "confirm_email": {
      const session = requireSession(st);
      if (!st.pendingEmail || args.code !== (scenario().emailCode ?? "246810")) throw err("invalid_code", INVALID_CODE);
      const before = session.user.email.toLowerCase();
      const password = findAccount(st, before)?.password;
      session.user = { ...session.user, email: st.pendingEmail, email_verified: true };
      if (password) st.passwords.set(st.pendingEmail.toLowerCase(), password);
      st.activated.push({ email: st.pendingEmail, password: password ?? "", user: session.user });
      st.pendingEmail = null;
      return structuredClone(session.user);
    }

    case "notice_preferences":
      requireSession(st);
      return { ...st.notices };

    case "set_notice_preferences": {
      requireSession(st);
      const wanted = args.preferences as NoticePreferences;
      st.notices = { messages: Boolean(wanted.messages), results: Boolean(wanted.results) };
      return { ...st.notices };
    }

    case "invite_patient": {
      const session = requireSession(st);
      if (session.user.role !== "staff" && session.user.role !== "admin") {
        throw err("forbidden", "Your account may not do this.");
      }
      const email = String(args.email ?? "").trim();
      return { email, expires_at: new Date(Date.now() + 7 * 24 * 60 * 60_000).toISOString() };
    }

    case "start_totp_enrolment": {
      if (requireSession(st).user.second_factor) throw err("conflict", "Your account has a second factor already.");
      st.enrolling = true;
      return { secret: TOTP_SECRET, otpauth_uri: "otpauth://totp/Portal?secret=JBSWY3DPEHPK3PXP", qr_svg: TOTP_QR_SVG };
    }

    case "confirm_totp": {
      const session = requireSession(st);
      if (!st.enrolling) throw err("conflict", "No second factor is being set up. Please start again.");
      if (String(args.code ?? "").trim() !== totpCode()) {
        throw err("invalid_code", "That code is not right. Enter the 6-digit code your authenticator app shows now.");
      }
      st.enrolling = false;
      session.user = { ...session.user, second_factor: true };
      st.secondFactor.set(session.user.email.toLowerCase(), true);
      st.recoveryCodes = [...NEW_RECOVERY_CODES];
      return { codes: [...st.recoveryCodes] };
    }

    case "disable_totp":
    case "new_recovery_codes": {
      const session = requireSession(st);
      if (!session.user.second_factor) throw err("conflict", "Your account has no second factor.");
      if (cmd === "disable_totp" && session.user.role !== "patient") {
        throw err("forbidden", "Your role requires a second factor.");
      }
      if (findAccount(st, session.user.email)?.password !== args.password) {
        throw err("wrong_passphrase", "Your current pass-phrase is not correct.");
      }
      if (cmd === "disable_totp") {
        session.user = { ...session.user, second_factor: false };
        st.secondFactor.set(session.user.email.toLowerCase(), false);
        st.recoveryCodes = [];
        return null;
      }
      st.recoveryCodes = NEW_RECOVERY_CODES.map((c) => c.replace("rc", "nw"));
      return { codes: [...st.recoveryCodes] };
    }

    case "set_language": {
      const language = args.language;
      if (language !== "en" && language !== "es") {
        throw err("validation", 'The language must be "en" (English) or "es" (Spanish).');
      }
      st.language = language;
      if (args.remember !== false) {
        st.settings = { ...st.settings, language };
        sessionStorage.setItem(KEPT_LANGUAGE, language);
      }
      return null;
    }

    case "keep_alive":
      requireSession(st);
      return { idle_timeout_secs: idleTimeoutSecs() };

    case "sign_out":
      st.session = null;
      st.locked = false;
      return null;

    // Workstation mode (the managed configuration's `workstation_mode`).
    case "lock_screen":
      if (!st.settings.workstation) {
        throw err("validation", "The screen locks only on a clinic workstation set up by your organization.");
      }
      if (st.session) st.locked = true;
      return null;

    case "unlock_screen": {
      const session = requireSession(st);
      if (!st.locked) return structuredClone(session);
      // As the Rust side does: a fresh sign-in with the locked session's own address.
      const unlocked = handle("sign_in", { email: session.user.email, password: args.password, code: args.code ?? null }, null);
      st.locked = false;
      return unlocked;
    }

    case "switch_user":
      st.session = null;
      st.locked = false;
      return null;

    // The opener plugin, as the capability file scopes it: phone and email links only.
    case "plugin:opener|open_url": {
      const url = String(args.url ?? "");
      if (!/^(tel|mailto):/i.test(url)) throw `Not allowed to open url ${url}`;
      return null;
    }

    default:
      throw `unknown command ${cmd}`;
  }
}

// ---- Secure messaging -------------------------------------------------------------

const PATIENT_ANA: Person = { id: 7, name: "Ana García", role: "patient" };
const PATIENT_ROBERT: Person = { id: 8, name: "Robert Miller", role: "patient" };
const PATIENT_MARIA: Person = { id: 9, name: "María López", role: "patient" };
const DR_PATEL: Person = { id: 21, name: "Dr. Maya Patel", role: "physician" };
const DR_LEE: Person = { id: 22, name: "Dr. Samuel Lee", role: "physician" };
const JORDAN: Person = { id: 31, name: "Jordan Kim", role: "staff" };
const CHRIS: Person = { id: 32, name: "Chris Ortiz", role: "staff" };

const CARE_TEAM: Person[] = [DR_PATEL, DR_LEE, JORDAN, CHRIS];

/** A 48×32 PNG. */
const PNG_BASE64 =
  "iVBORw0KGgoAAAANSUhEUgAAADAAAAAgCAIAAADbtmxLAAAOIElEQVR42g3SAaqqQABA0dYbj4iIMDMzMzMzM7NpmqZJRERERERERERERCQipAX9v4V7z6AFVAPmNaArsCgBU4BlDtgMrFLAJWAdAz4CmxAIAdj6QPTAzgWSA/Y2kC1wMIFCwBEDFYETBBoAZwPoOrhowFDBVQFABjcJQBHcBYB48OAAZsGTAYQGLwpQMzCfAnoCFmPAjMDyD7BDsBq0cN5AuoaLCjIlXBaQzeEqg1wK1wnkY7iJoBDCbQBFH+48KLlw70DZhgcLKiY8EqhieEJQg/AMoG7Aiw4NDV5VCBR4kyGU4F2ESIAPHmIOPllIGPiiIUXB+QzSU7iYQGYMlyPI/sHVEHKDFtENWtSIqdCyRGyBVjniMrROEZ+gTYyECG1DJAZo5yPJQ3sXyQ462Eix0NFEKkEnjDSEzhDpAF0MZOjoqqH/0W4KgjK6SwiJ6CEgzKMnhwiLXgyiaDSnED1DiyliJmg5RuwIrf4QN0TrQYsXDWZqvKwwW+JVgbkcrzPMp3iTYCHG2wiLId4FWPLx3sOyiw8OVmx8tLBq4hPBGsZnhHWILwAbBr7qGGj49r+bgu8yRhJ+iBgL+MljwuEXiykGz2lMU3gxw8wULyeYHePVCHN/eD3E/KAlTEOWNWErsioJV5B1TviMbFIiJGQbEzEiu5BIAdn7RPbIwSWKQ442US1yMolGyBkTHZELJAYgV4MAndy0/yPJXSFIJg+JYJE8BUJ48uIIxZI5Q2iaLCjCzMhyStgJWY0JNyLrP8IPyWbQmsvGZGtzVZlcaa4Lk8/NTWYKqblNTDE2d5EpheY+MGXfPHim4ppHx1Rt82SZmmmeialj84JMA5pXYALDvOkm1My7aiLFfMgmlsynaBLBfPEmxZlz1qQZc0GbDGUuZyY7NVcTkxub65HJ/5mboSkMWottrFVtcZW1Li2+sDa5JWTWNrXExNrFlhRZ+9CSA+vgW4pnHV1LdayTbWmWdTYtnVgXbBnIukILAOtmWFC37pqFVOuhWFi2npJFROslWBRvzTmLZq0FYzG0taQsdmatphY3sdZjix9Zmz9LGFrbQWuvGpur7XVl86W9KWwht7eZLab2LrGl2N5Hthzah8BWfPvo2aprnxxbs+2zZeumfSG2ge0rsgG0b8CGhn3XbaTZD9X+D+0p20SyX6JNCfact2nOXrA2w9hL2mYpezWzuam9ntj82N6MbOHP3g5tcdA6XOOsa4evnE3pCIWzzR0xc3apIyXOPnbkyDmEjhI4R99RPefkOprjnG1Ht5yL6RjEuWIHIOcGHQicu+Eg3XloDlad539rsvOSHEp05oJD886CcxjWWTIOSzsryuFmznrq8BNnM3aEkbP9c8Shsxu07rpx+drdVK5QutvCFXN3l7lS6u4TV47dQ+QqoXsMXNV3T56rue7ZcXXbvViuYbpX4gLs3pALoXsHLjLch+5izX2q//G7L9mlJHcuurTgLniX4dwl67KMu6JdjnLXM5efupuJK4zd7cgV/9zd0JUGrcc33qb2hMrblp5YeLvckzJvn3py4h1iT4m8Y+ipgXfyPc3zzq6nO97F9gzLu5oeIN4NexB5d+gh4D0MD+veU/OI6r0Uj5K9ueTRorcQPIb3lpzHst6K8TjaW1MeP/M2U0+YeNuxJ4683Z8nDb39oPU3jS/U/rbyxdLfFb6U+/vMl1P/kPhK7B8jXw39U+Brvn/2fN31L45v2P7V8oHp34gPsX9HPoL+A/jY8J+6TzT/pfqU4s9ln5b8hegzgr/kfZbzV6zPMf6a9nnK38x8YepvJ7449ncjX/rz90NfHrSB0ATbOhCrYFcGUhHs80DOgkMaKElwjAM1Ck5hoAXB2Q90L7i4geEEVzsAVnAzA0iCOw4QCh4wwCB4GgHRg5cWUGowVwJaDhZSwIjBUghYPlhxAccGaybg6WBDBcIs2E4DcRLsxoE0CvZ/gTwMDoM23DahWIe7KpTKcF+Ech4eslBJw2MSqnF4ikItDM9BqPvhxQsNN7w6IbDDmxVCM7yTEOHwgUIMwycIiRG+9JDSwrka0kq4kENGCpdiyArhig85LlyzIc+EGzoUqHA7C8VpuJuE0jjcj0L5LzwMQ2XQRmIT7epIqqJ9GclFdMgjJYuOaaQm0SmOtCg6h5EeRBc/Mrzo6kbAiW52BK3obkaIRA8cYRQ9YURA9DIiSo/mWkSr0UKJGDlaShErRish4vhozUU8G22YSKCjLRWJs2g3jaRJtB9H8ig6/EXKMDoO2njXxFId76tYLuNDESt5fMxiNY1PSazF8TmK9TC+BLHhx1cvBm58c2Jox3crRmb8IDHG8RPFBMYvEFNGPNdjWosXaswo8VKOWSleiTEnxGs+5rl4w8YCE2/pWKTi3SyWpvF+Esvj+DCKlb/4OIzVQZtITbKvE7lKDmWiFMkxT9QsOaWJliTnONGj5BImRpBc/QR4yc1NoJPc7QRZycNMMEmeOCEoecGEAsncSGg9WWgJoyZLJWHlZCUlnJishYTnkw2XCGyyZRKRTnZUIs2S/TSRJ8lhnCij5PiXqMPkNGjTfZPKdXqoUqVMj0Wq5ukpS7U0PSepHqeXKDXC9BqkwE9vXgrd9O6kyE4fVorN9ElSgtMXSimYzkFKG+lCTxktXaopq6QrOeWkdC2mvJBu+FTg0i2biky6o1OJSvezVJ6mh0mqjNPjKFX/0tMw1QZtJjfZoc6UKjuWmVpkpzzTsuycZnqSXeLMiLJrmIEgu/kZ9LK7myEne9gZtrKnmRGSvXBGoWwOMxpkCyNj9GypZayarZSMk7O1lPFithEygc+2XCay2Y7JJDrbU5k8yw7TTJlkx3GmjrLTX6YNs/OgzQ9NrtT5scrVMj8VuZbn5yzX0/yS5EacX6MchPktyKGf370cufnDybGdP62cmPmL5BTO5yinYb4AOWPkSz1ntXyl5pySr+Wcl/KNmAtCvuVzkct3bC4x+Z7OZSo/zHJlmh8nuTrOT6Nc+8vPw1wftIXSFMe6UKviVBZaUZzzQs+KS1oYSXGNCxAVt7CAQXH3C+QVD7fATvG0C2IVL7OgSDHHBY2KBSwYUCyNgtWLlVZwarFWCl4uNlIhiMVWKES+2HGFxBZ7ppDp4kAVyqw4Tgt1UpzGhTYqzn+FPiwug7Y8NqVal6eq1MryXJR6Xl6y0kjLa1KCuLxFJQzLe1Aiv3x4JXbLp1MSu3xZJWWWc1LSuFygkoHlEpSsUa70ktPKtVrySrmRS0Eqt2IpCuWOLyWu3LOlzJQHulSo8jgr1Wl5mpTauDyPSv2vvAxLY9BWalOd6kqrqnNZ6UV1ySsjq65pBZLqFlcwqu5hhYLq4VfYq55uRZzqZVeUVc3NiibVAlcMqpawYkG1MipOr9ZaxavVRqkEudpKlShWO6GS+GrPVTJbHZhKoasjVamz6jSttEl1Hlf6qLr8Vcawug7a+tTUWl2fq1ov60tRG3l9zWqQ1rekhnF9j2oU1o+gxn799Gri1i+npux6btW0WS9IzeB6iWoW1itQc0a91mteqzdqLSj1Vq5Fqd6JtSTUe76WufrA1gpTH+laperTrNam9XlS6+P6MqqNv/o6rMGgbbSmOdeNXjWXsjGK5po3IGtuaQOT5h43KGoeYYOD5uk3xGtebkM5zdxuaKtZmA1DmiVuWNSsYMOBZm00vN5stEZQm63SiHKzkxpJbPZCI/PNgWsUtjkyjUo3J6rRZs152uiT5jJujFFz/WvAsLkN2vbctHrdXqrWKNtr0YK8vWUtTNt70qK4fUQtDttn0BK/fXkt5bZzp6XtdmG1jNkuScvidoVaDrZr0PJGu9FbQWu3aisq7U5uJandi60stAe+Vbj2yLYq057oVqPa86zVp+1l0hrj9jpqwV97G7Zw0HZ6013qzqi6a9mBorvlHcy6e9qhpHvEHY66Z9iRoHv5HeV1c7ejnW5hd4zVLc2OJd0Kdxzq1rDjQbcxOkHvtlonqt1O6SS520udLHYHoVP47sh1KtudmE6juzPV6bPuMu2MSXcdd2DU3f46OOzug/Z9ad5G/b5Wb1C+b8Ub5u979kbp+5G8cfx+Rm8Svl/Bm/Lfc+9Nu++F82bs99J6s+Z7Rd4cfq/Rm4fvDXgLxnurv0XtvVPfkvLey29Zeh/EtyK8j/xb5d4n9q0x7zP91qn3ZfY2pu/r5A3G79voDf/e9+EbDdqP0Xyu9QdUn1v5gcXnnn9Q9nmkH5x8nvGHRJ9X+KGCz9z/0N5n4X4Y57O0P6z1WZkfjnzW+MOjzwZ+BPDZGh9R/+y0j6R+9spHlj8H6aOIn6PwUfnPifto7OfMfHT6c6E+xuxznX7A5HMbf+Doc//7oOHnMWi/1+YL6u+t+sLyey++KP8+si9Ov8/kS+LvK/pS4XcefGn/u/C+jPtdOl/W/q6sL2d+1+TL4+8GfQX43YKvaHx3+lfSvnv1Kyvfg/xVpO9R/KrC98R/Ne57Zr86873QX4P6XmdfMP3eJl84/t5HX/T3fQy/eND2oOlvdQ+r/l72qOgfeY+z/pn2JOlfcU9F/Tzs6aBf+D3j9Uu3Z51+Zfec1a/Nnif9BvcC6rewF0G/M3pJ7/daL6v9QekVuT9KvSr2J6HX+P7M9TrbX5jeoPsr1YNZf5v2cNLfxz0a9Y+/Hg/756D93ZofrH/36ofK36P44fz3zH4k/b2SHxX/5tGPDn+L4Mf4v6X3Y93fyvlx9m9t/XjztyE/Af+26CfC3w78JOO313+y9juoP0X5HeWfKv1O4k8Tfmf+p3O/C/szmN+V/gHqd5v94PR3n/zQ+PcY/fDf7zn8kX9SJBkmTBUTHwAAAABJRU5ErkJggg==";

const PDF_TEXT = "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";


function ago(minutes: number): string {
  return new Date(Date.now() - minutes * 60_000).toISOString();
}

function message(
  id: number,
  author: Person,
  minutesAgo: number,
  body: string,
  readMinutesAgo: number | null,
  attachments: AttachmentInfo[] = [],
): MockMessage {
  return {
    id,
    author,
    body,
    created_at: ago(minutesAgo),
    read_at: readMinutesAgo === null ? null : ago(readMinutesAgo),
    attachments,
    written_for: null,
  };
}

/** The default world: three conversations of Ana's (3 unread), and others in the triage pools. */
function defaultThreads(): MockThread[] {
  const thread = (t: Omit<MockThread, "created_at">): MockThread => ({ ...t, created_at: t.messages[0].created_at });
  return [
    thread({
      id: 101,
      subject: "Rash on my arm after the new cream",
      category: "medical_question",
      pool: "clinical",
      status: "open",
      urgent: false,
      patient: PATIENT_ANA,
      assigned_to: DR_PATEL,
      messages: [
        message(1001, PATIENT_ANA, 2 * 24 * 60, "Hello,\nsince I started the new cream my arm is red and itchy.\nShould I stop using it?", 2 * 24 * 60 - 90),
        message(1002, DR_PATEL, 65, "Thank you for writing. Please stop the cream for now.\nCould you send a photo of the rash?", null),
        message(1003, DR_PATEL, 30, "Here is the handout about skin care I mentioned, and a photo of how a reaction usually looks.", null, [
          { id: "att-photo-1", filename: "typical-reaction.png", media_type: "image/png", size: 3673 },
          { id: "att-pdf-1", filename: "skin-care-handout.pdf", media_type: "application/pdf", size: 182_400 },
        ]),
      ],
    }),
    thread({
      id: 102,
      subject: "Prescription renewal for tretinoin",
      category: "prescription_renewal",
      pool: "clinical",
      status: "open",
      urgent: false,
      patient: PATIENT_ANA,
      assigned_to: null,
      messages: [
        message(1004, PATIENT_ANA, 3 * 60, "Could you please renew my tretinoin cream? I have one week left.", 2 * 60),
        message(1005, JORDAN, 20, "We sent the request to Dr. Patel. You will hear from us soon.", null),
      ],
    }),
    thread({
      id: 103,
      subject: "Question about my bill",
      category: "billing",
      pool: "billing",
      status: "closed",
      urgent: false,
      patient: PATIENT_ANA,
      assigned_to: CHRIS,
      messages: [
        message(1006, PATIENT_ANA, 10 * 24 * 60, "I was charged twice for my visit in March.", 10 * 24 * 60 - 60),
        message(1007, CHRIS, 9 * 24 * 60, "You are right, we refunded the second charge. Sorry about that!", 9 * 24 * 60 - 30),
      ],
    }),
    thread({
      id: 104,
      subject: "Mole changed color",
      category: "medical_question",
      pool: "clinical",
      status: "open",
      urgent: true,
      patient: PATIENT_ROBERT,
      assigned_to: null,
      messages: [message(1008, PATIENT_ROBERT, 10, "A mole on my back got darker and it bleeds a little. I also have chest pain.", null)],
    }),
    thread({
      id: 105,
      subject: "Cambiar mi cita",
      category: "appointment",
      pool: "front_desk",
      status: "open",
      urgent: false,
      patient: PATIENT_MARIA,
      assigned_to: null,
      messages: [message(1009, PATIENT_MARIA, 60, "¿Puedo cambiar mi cita del jueves al viernes?", null)],
    }),
    thread({
      id: 106,
      subject: "Insurance card update",
      category: "billing",
      pool: "billing",
      status: "open",
      urgent: false,
      patient: PATIENT_ROBERT,
      assigned_to: CHRIS,
      messages: [message(1010, PATIENT_ROBERT, 5 * 60, "I have a new insurance card. How do I send it?", 4 * 60)],
    }),
    thread({
      id: 107,
      subject: "Follow-up after biopsy",
      category: "medical_question",
      pool: "clinical",
      status: "closed",
      urgent: false,
      patient: PATIENT_MARIA,
      assigned_to: DR_PATEL,
      messages: [
        message(1011, PATIENT_MARIA, 6 * 24 * 60, "When will the biopsy results be ready?", 6 * 24 * 60 - 45),
        message(1012, DR_PATEL, 5 * 24 * 60, "The results are normal. No treatment is needed.", 5 * 24 * 60 - 10),
      ],
    }),
  ];
}

// Command names are checked against the app's list (CommandName, generated).
const MESSAGING_COMMANDS: ReadonlySet<string> = new Set<CommandName>([
  "list_threads",
  "get_thread",
  "mark_thread_read",
  "care_team",
  "assign_thread",
  "close_thread",
  "reopen_thread",
  "emergency_check",
  "get_attachment",
  "save_attachment",
  "list_drafts",
  "load_draft",
  "save_draft",
  "discard_draft",
  "add_draft_attachment",
  "remove_draft_attachment",
  "send_draft",
]);

interface RawRequest {
  bytes: Uint8Array;
  headers: Record<string, string>;
}

const POOL_OF: Record<Category, Pool> = {
  medical_question: "clinical",
  prescription_renewal: "clinical",
  appointment: "front_desk",
  billing: "billing",
  other: "front_desk",
};

function isCareTeam(user: User): boolean {
  return user.role === "physician" || user.role === "staff";
}

/** The signed-in user; a patient must have accepted the policy (the care team is not asked to). */
/** The session the record commands see: acting for a patient, that patient's chart is "theirs". */
function recordSession(session: Session | null): Session | null {
  const user = session && actingUser(session);
  if (!session || !user || !session.acting_for) return session;
  return { ...session, user, patient_ids: [session.acting_for.patient_id] };
}

function portalUser(st: MockState): User {
  const session = requireSession(st);
  const acting = actingUser(session);
  if (acting) return acting;
  if (session.user.role === "patient" && !session.policy.accepted_at) {
    throw err("policy_not_accepted", "Please read and accept the portal policy to continue.");
  }
  return session.user;
}

function person(user: User): Person {
  return { id: user.id, name: user.name, role: user.role };
}

/** The patient's messages in a thread. */
function patientMessages(thread: MockThread): MockMessage[] {
  return thread.messages.filter((m) => m.author.role === "patient");
}

/**
 * How many messages of the thread `user` has not read. A patient: the care team's without
 * `read_at`. A care-team member: the patient's since they last read the thread (each member
 * for themselves, as the service counts them); one who never read it has not read those the
 * fixtures have no `read_at` for.
 */
function unreadFor(st: MockState, thread: MockThread, user: User): number {
  if (user.role === "patient") return thread.messages.filter((m) => m.author.role !== "patient" && m.read_at === null).length;
  const mine = patientMessages(thread);
  const read = st.teamReads.get(`${thread.id}:${user.id}`);
  return read === undefined ? mine.filter((m) => m.read_at === null).length : mine.length - read;
}

/** Marks the thread read by `user`: receipts on the other side's messages, and the user's own read mark. */
function markRead(st: MockState, thread: MockThread, user: User): void {
  const now = new Date().toISOString();
  const otherSide = (m: MockMessage) => (user.role === "patient" ? m.author.role !== "patient" : m.author.role === "patient");
  for (const m of thread.messages) if (otherSide(m) && m.read_at === null) m.read_at = now;
  if (user.role !== "patient") st.teamReads.set(`${thread.id}:${user.id}`, patientMessages(thread).length);
}

function unreadTotal(st: MockState, user: User): number {
  return ownThreads(st, user).reduce((n, t) => n + unreadFor(st, t, user), 0);
}

function summary(st: MockState, thread: MockThread, user: User): ThreadSummary {
  const { messages, ...rest } = thread;
  return structuredClone({
    ...rest,
    last_message_at: messages[messages.length - 1]?.created_at ?? thread.created_at,
    message_count: messages.length,
    unread: unreadFor(st, thread, user),
  });
}

/** The conversations that are the user's own: a patient's, or those a care team member has or wrote in. */
function ownThreads(st: MockState, user: User): MockThread[] {
  if (user.role === "patient") return st.threads.filter((t) => t.patient.id === user.id);
  if (!isCareTeam(user)) return [];
  return st.threads.filter((t) => t.assigned_to?.id === user.id || t.messages.some((m) => m.author.id === user.id));
}

function lastActivity(thread: MockThread): number {
  return Date.parse(thread.messages[thread.messages.length - 1]?.created_at ?? thread.created_at);
}

function visibleThread(st: MockState, user: User, threadId: unknown): MockThread {
  const thread = st.threads.find((t) => t.id === threadId);
  if (!thread || (user.role === "patient" && thread.patient.id !== user.id) || user.role === "admin") {
    throw err("not_found", "This conversation could not be found.");
  }
  return thread;
}

function requireCareTeam(user: User): void {
  if (!isCareTeam(user)) throw err("forbidden", "Only the care team can do this.");
}

/**
 * The text as the service folds it before looking for a phrase (portal_api::emergency): lower
 * case, no accents, apostrophes dropped, any other run of non-letters one space, padded.
 */
function fold(text: string): string {
  const words = text
    .toLowerCase()
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/['\u2019`\u00b4]/g, "")
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
  return ` ${words} `;
}

/** The first phrase of the service's list found in `text` as whole words, or null. */
function emergencyMatch(text: string): string | null {
  const folded = fold(text);
  return EMERGENCY_PHRASES.find((phrase) => folded.includes(` ${phrase} `)) ?? null;
}

function base64Bytes(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The type of a file from its first bytes (as the Rust side checks it). */
function sniff(bytes: Uint8Array): AttachmentInfo["media_type"] | null {
  const starts = (...magic: number[]) => magic.every((b, i) => bytes[i] === b);
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return "image/png";
  if (starts(0xff, 0xd8, 0xff)) return "image/jpeg";
  if (starts(0x25, 0x50, 0x44, 0x46, 0x2d)) return "application/pdf";
  return null;
}

function myDraft(st: MockState, user: User, draftId: unknown): MockDraft {
  const draft = st.drafts.find((d) => d.draft_id === draftId && d.owner === user.id);
  if (!draft) throw err("not_found", "This draft could not be found.");
  return draft;
}

function openDraft(draft: MockDraft): Draft {
  if (draft.damaged) throw err("draft_damaged", "This draft could not be opened and was set aside.");
  const { owner: _owner, updated_at: _updated, version: _version, damaged: _damaged, ...plain } = draft;
  return structuredClone(plain);
}

function newDraft(st: MockState, user: User): MockDraft {
  const draft: MockDraft = {
    draft_id: `draft-${st.nextDraft++}`,
    owner: user.id,
    thread_id: null,
    category: null,
    subject: "",
    body: "",
    attachments: [],
    updated_at: new Date().toISOString(),
    version: 0,
  };
  st.drafts.push(draft);
  return draft;
}

function wait(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

interface ChannelLike {
  id: number;
}

/** Posts to a `Channel` the way the Rust side does: numbered messages, then the end. */
function channelSender(channel: unknown): { send: (message: unknown) => void; end: () => void } {
  const internals = (window as unknown as { __TAURI_INTERNALS__: TauriInternals }).__TAURI_INTERNALS__;
  const id = (channel as ChannelLike | null)?.id;
  let index = 0;
  const post = (payload: Record<string, unknown>) => {
    if (typeof id === "number") internals.runCallback(id, payload);
  };
  return {
    send: (message) => post({ index: index++, message }),
    end: () => post({ index: index++, end: true }),
  };
}

function handleMessaging(st: MockState, cmd: string, args: Record<string, unknown>, raw: RawRequest | null): unknown {
  const user = portalUser(st);
  switch (cmd) {
    case "list_threads": {
      const { pool, status, assigned } = args as { pool?: Pool; status?: string; assigned?: string };
      let threads: MockThread[];
      if (pool !== undefined) {
        requireCareTeam(user);
        threads = st.threads
          .filter((t) => t.pool === pool)
          .filter((t) => assigned !== "me" || t.assigned_to?.id === user.id)
          .filter((t) => assigned !== "unassigned" || t.assigned_to === null);
      } else {
        threads = ownThreads(st, user);
      }
      if (status !== undefined) threads = threads.filter((t) => t.status === status);
      threads = [...threads].sort(
        (a, b) => (pool !== undefined ? Number(b.urgent) - Number(a.urgent) : 0) || lastActivity(b) - lastActivity(a),
      );
      return { threads: threads.map((t) => summary(st, t, user)), unread_total: unreadTotal(st, user) };
    }

    case "get_thread": {
      const thread = visibleThread(st, user, args.threadId);
      return { thread: summary(st, thread, user), messages: structuredClone(thread.messages) };
    }

    case "mark_thread_read": {
      const thread = visibleThread(st, user, args.threadId);
      markRead(st, thread, user);
      return { unread_total: unreadTotal(st, user) };
    }

    case "care_team":
      requireCareTeam(user);
      return structuredClone(st.careTeam);

    case "assign_thread": {
      requireCareTeam(user);
      const thread = visibleThread(st, user, args.threadId);
      const userId = args.userId;
      if (userId === null) {
        thread.assigned_to = null;
      } else {
        const member = st.careTeam.find((p) => p.id === userId);
        if (!member) throw err("validation", "Please choose someone from the care team.");
        thread.assigned_to = { ...member };
      }
      return summary(st, thread, user);
    }

    case "close_thread":
    case "reopen_thread": {
      requireCareTeam(user);
      const thread = visibleThread(st, user, args.threadId);
      thread.status = cmd === "close_thread" ? "closed" : "open";
      return summary(st, thread, user);
    }

    case "emergency_check":
      return { matched: emergencyMatch(String(args.text ?? "")) };

    case "get_attachment": {
      const id = String(args.attachmentId ?? "");
      const info = st.threads
        .filter((t) => user.role !== "patient" || t.patient.id === user.id)
        .flatMap((t) => t.messages.flatMap((m) => m.attachments))
        .find((a) => a.id === id);
      if (!info) throw err("not_found", "This file could not be found.");
      const given = scenario().messaging?.attachmentBytes?.[id];
      const bytes =
        st.sentFiles.get(id) ??
        (given !== undefined
          ? base64Bytes(given)
          : info.media_type === "application/pdf"
            ? new TextEncoder().encode(PDF_TEXT)
            : base64Bytes(PNG_BASE64));
      return bytes.slice().buffer;
    }

    case "save_attachment": {
      const id = String(args.attachmentId ?? "");
      const info = st.threads.flatMap((t) => t.messages.flatMap((m) => m.attachments)).find((a) => a.id === id);
      if (!info) throw err("not_found", "This file could not be found.");
      const home = user.name.split(" ")[0].toLowerCase();
      return { path: `/home/${home}/Downloads/${info.filename}` };
    }

    case "list_drafts":
      return st.drafts
        .filter((d) => d.owner === user.id)
        .sort((a, b) => b.updated_at.localeCompare(a.updated_at))
        .map(
          (d): DraftSummary => ({
            draft_id: d.draft_id,
            thread_id: d.thread_id,
            subject: d.damaged ? "" : d.thread_id === null ? d.subject : (st.threads.find((t) => t.id === d.thread_id)?.subject ?? ""),
            updated_at: d.updated_at,
            status: d.damaged ? "damaged" : "ok",
          }),
        );

    case "load_draft":
      return openDraft(myDraft(st, user, args.draftId));

    case "save_draft": {
      const given = args.draft as Draft;
      if (given.subject.length > 200) throw err("validation", "The subject can be at most 200 characters long.");
      if (given.body.length > 20_000) throw err("validation", "The message can be at most 20,000 characters long.");
      const draft = given.draft_id === null ? newDraft(st, user) : myDraft(st, user, given.draft_id);
      if (draft.damaged) throw err("draft_damaged", "This draft could not be opened and was set aside.");
      draft.thread_id = given.thread_id;
      draft.category = given.category;
      draft.subject = given.subject;
      draft.body = given.body;
      // The vault knows the attachments; the list given is only checked against it.
      draft.version += 1;
      draft.updated_at = new Date().toISOString();
      return { draft_id: draft.draft_id, version: draft.version, saved_at: draft.updated_at };
    }

    case "discard_draft": {
      const draft = myDraft(st, user, args.draftId);
      st.drafts = st.drafts.filter((d) => d !== draft);
      for (const a of draft.attachments) st.draftFiles.delete(a.id);
      return null;
    }

    case "add_draft_attachment": {
      if (!raw) throw err("validation", "No file was received.");
      const draftId = raw.headers["x-draft-id"] ?? "";
      const filename = decodeURIComponent(raw.headers["x-filename"] ?? "file");
      const draft = draftId === "" ? null : myDraft(st, user, draftId);
      const limits = requireSession(st).limits;
      if (draft && draft.attachments.length >= limits.max_attachments_per_message) {
        throw err("validation", `You can attach up to ${limits.max_attachments_per_message} files to one message.`);
      }
      if (raw.bytes.length > limits.max_attachment_bytes) {
        throw err("payload_too_large", "This file is larger than the practice's portal accepts. Please choose a smaller file.");
      }
      const mediaType = sniff(raw.bytes);
      if (!mediaType) {
        throw err("unsupported_media_type", "This kind of file can't be attached. Please choose a JPEG or PNG photo, or a PDF.");
      }
      const target = draft ?? newDraft(st, user);
      const attachment: DraftAttachment = { id: `file-${st.nextId++}`, filename, media_type: mediaType, size: raw.bytes.length };
      target.attachments.push(attachment);
      target.updated_at = new Date().toISOString();
      st.draftFiles.set(attachment.id, { attachment, bytes: raw.bytes });
      return { draft_id: target.draft_id, attachment: { ...attachment } };
    }

    case "remove_draft_attachment": {
      const draft = myDraft(st, user, args.draftId);
      draft.attachments = draft.attachments.filter((a) => a.id !== args.attachmentId);
      st.draftFiles.delete(String(args.attachmentId));
      draft.updated_at = new Date().toISOString();
      return openDraft(draft);
    }

    case "send_draft":
      return sendDraft(st, user, String(args.draftId ?? ""), args.onProgress);

    default:
      throw `unknown command ${cmd}`;
  }
}

async function sendDraft(st: MockState, user: User, draftId: string, channel: unknown): Promise<unknown> {
  const already = st.sent.get(draftId);
  if (already) return { ...already }; // the same idempotency key: sent once
  const draft = myDraft(st, user, draftId);
  const content = openDraft(draft);
  if (content.body.trim() === "") throw err("validation", "Please write your message.");
  if (content.thread_id === null && (!content.category || content.subject.trim() === "")) {
    throw err("validation", "Please choose a topic and write a subject.");
  }
  const thread = content.thread_id === null ? null : visibleThread(st, user, content.thread_id);
  if (thread?.status === "closed") throw err("validation", "This conversation is closed.");

  // Upload the attachments, telling the page how far each has gone.
  const progress = channelSender(channel);
  const step = scenario().messaging?.sendStepMs ?? 40;
  const attachments: AttachmentInfo[] = [];
  for (const a of content.attachments) {
    const file = st.draftFiles.get(a.id);
    const total = file?.bytes.length ?? a.size;
    for (const part of [1, 2, 3, 4]) {
      await wait(step);
      progress.send({ attachment_id: a.id, sent: Math.round((total * part) / 4), total });
    }
    const sentId = `att-${st.nextId++}`;
    if (file) st.sentFiles.set(sentId, file.bytes);
    attachments.push({ id: sentId, filename: a.filename, media_type: a.media_type as AttachmentInfo["media_type"], size: total });
  }
  progress.end();

  const now = new Date().toISOString();
  // Acting for a patient, the message is the signed-in person's, written for the patient.
  const session = requireSession(st);
  const msg: MockMessage = {
    id: st.nextId++,
    author: session.acting_for ? person(session.user) : person(user),
    body: content.body,
    created_at: now,
    read_at: null,
    attachments,
    written_for: session.acting_for?.patient_name ?? null,
  };
  const urgent = emergencyMatch(`${content.subject}\n${content.body}`) !== null;
  let target = thread;
  if (!target) {
    const category = content.category ?? "other";
    target = {
      id: st.nextId++,
      subject: content.subject.trim(),
      category,
      pool: POOL_OF[category],
      status: "open",
      urgent,
      patient: person(user),
      assigned_to: null,
      created_at: now,
      messages: [],
    };
    st.threads.push(target);
  } else if (urgent && user.role === "patient") {
    target.urgent = true;
  }
  target.messages.push(msg);
  st.drafts = st.drafts.filter((d) => d !== draft);
  const sent = { thread_id: target.id, message_id: msg.id };
  st.sent.set(draftId, sent);
  return { ...sent };
}

// ---- The IPC entry point ------------------------------------------------------------

interface TauriInternals {
  invoke: (cmd: string, args?: unknown, options?: { headers?: HeadersInit }) => Promise<unknown>;
  runCallback: (id: number, data: unknown) => void;
}

/** What the test can read back: no proxies, no channels, a raw body as its size and headers. */
function recordable(args: unknown, raw: RawRequest | null): unknown {
  if (raw) return { bytes: raw.bytes.length, headers: { ...raw.headers } };
  if (typeof args !== "object" || args === null) return args ?? {};
  return Object.fromEntries(
    Object.entries(args as Record<string, unknown>).map(([key, value]) => [
      key,
      typeof value === "object" && value !== null && "id" in value && typeof (value as ChannelLike).id === "number" && key === "onProgress"
        ? "channel"
        : structuredClone(value),
    ]),
  );
}

function rawRequest(payload: unknown, options?: { headers?: HeadersInit }): RawRequest | null {
  if (!(payload instanceof Uint8Array) && !(payload instanceof ArrayBuffer)) return null;
  const headers: Record<string, string> = {};
  new Headers(options?.headers ?? {}).forEach((value, key) => {
    headers[key.toLowerCase()] = value;
  });
  return { bytes: payload instanceof Uint8Array ? payload : new Uint8Array(payload), headers };
}

// The handover, defined before the app's scripts run, as the webview's initialization script
// does (on a reload too: the app reads it only on the window's first page).
if (scenario().handover ?? !scenario().session) {
  Object.defineProperty(window, START_HANDOVER_GLOBAL, {
    value: Object.freeze({ settings: { ...currentState().settings } }),
    writable: false,
    configurable: false,
  });
}

// mockIPC sets up what Channels need (callbacks); its `invoke` does not pass on the options
// (headers of a raw body), so the mock answers through its own.
mockIPC(() => undefined);
(window as unknown as { __TAURI_INTERNALS__: TauriInternals }).__TAURI_INTERNALS__.invoke = async (cmd, payload, options) => {
  const raw = rawRequest(payload, options);
  const args = (raw ? {} : (payload ?? {})) as Record<string, unknown>;
  (window.__PORTAL_CALLS__ ??= []).push({ cmd, args: recordable(payload, raw), at: Date.now() });
  const delay = scenario().delayMs?.[cmd];
  if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
  const failure = scenario().fail?.[cmd];
  if (failure !== undefined) throw typeof failure === "string" ? failure : { ...failure };
  return handle(cmd, args, raw);
};
