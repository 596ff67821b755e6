// Stand-in for the Rust side in the Chromium tests. Built into an IIFE
// (tests/vite.harness.config.ts) and injected before the app's own scripts.
//
// Each test describes its world in `window.__PORTAL_MOCK__` (set by an earlier
// init script); the mock reads it on every call, so a test may also change it
// while the page is open (for example to make a command fail from now on).
// Every call is recorded in `window.__PORTAL_CALLS__`.
import { mockIPC } from "@tauri-apps/api/mocks";
import type { IpcError, Policy, PracticeInfo, Session, Settings, User } from "../src/lib/ipc/types";

export interface MockAccount {
  email: string;
  password: string;
  user: User;
  /** When this account accepted the current policy; null or missing: not yet. */
  acceptedAt?: string | null;
}

export interface MockScenario {
  settings?: Settings;
  practice?: PracticeInfo;
  accounts?: MockAccount[];
  /** The policy the server serves. */
  policy?: Policy;
  /** A newer policy: the first accept_policy answers policy_outdated and the server serves this from then on. */
  newerPolicy?: Policy;
  /** A session that already exists in the Rust side at start-up (`idle_timeout_secs` may be left out). */
  session?: (Omit<Session, "idle_timeout_secs"> & { idle_timeout_secs?: number }) | null;
  /** The server's idle timeout, in new sessions and in `keep_alive` answers (default 900). */
  idleTimeoutSecs?: number;
  /** Commands that reject, with what (an `{code, message}` object or a bare string). */
  fail?: Record<string, IpcError | string>;
  /** Milliseconds a command takes to answer. */
  delayMs?: Record<string, number>;
}

interface MockCall {
  cmd: string;
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

const DEFAULT_USER: User = { id: 7, email: "ana.garcia@example.com", name: "Ana García", role: "patient" };

const DEFAULT_POLICY: Policy = {
  version: 3,
  title: "Patient Portal Policy",
  published_at: "2026-03-01T15:00:00Z",
  accepted_at: null,
  text: "This policy explains how you may use the patient portal.\n\nThe portal is never for emergencies.",
};

const DEFAULT_IDLE_TIMEOUT_SECS = 900;

function err(code: string, message: string): IpcError {
  return { code, message };
}

interface MockState {
  settings: Settings;
  policy: Policy;
  newerPolicyPending: boolean;
  session: Session | null;
}

let state: MockState | null = null;

function scenario(): MockScenario {
  return window.__PORTAL_MOCK__ ?? {};
}

function currentState(): MockState {
  if (!state) {
    const s = scenario();
    state = {
      settings: { server_url: "https://portal.dskc.example", ca_file: "", last_email: null, ...s.settings },
      policy: { ...(s.policy ?? DEFAULT_POLICY) },
      newerPolicyPending: Boolean(s.newerPolicy),
      session: s.session
        ? { idle_timeout_secs: idleTimeoutSecs(), ...structuredClone(s.session) }
        : null,
    };
  }
  return state;
}

function idleTimeoutSecs(): number {
  return scenario().idleTimeoutSecs ?? DEFAULT_IDLE_TIMEOUT_SECS;
}

function accounts(): MockAccount[] {
  return scenario().accounts ?? [{ email: DEFAULT_USER.email, password: "correct horse battery staple", user: DEFAULT_USER }];
}

function requireSession(st: MockState): Session {
  if (!st.session) throw err("unauthenticated", "Please sign in to continue.");
  return st.session;
}

function handle(cmd: string, args: Record<string, unknown>): unknown {
  const st = currentState();
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
      st.settings = { ...st.settings, server_url: serverUrl, ca_file: caFile };
      return { ...st.settings };
    }

    case "practice_info":
      return { ...(scenario().practice ?? DEFAULT_PRACTICE) };

    case "sign_in": {
      const email = String(args.email ?? "");
      const password = String(args.password ?? "");
      const account = accounts().find((a) => a.email.toLowerCase() === email.toLowerCase());
      if (!account || account.password !== password) {
        throw err(
          "invalid_credentials",
          "The email address or pass-phrase is not right. Please check them and try again.",
        );
      }
      st.settings.last_email = account.email;
      st.session = {
        user: { ...account.user },
        policy: { ...st.policy, accepted_at: account.acceptedAt ?? null },
        idle_timeout_secs: idleTimeoutSecs(),
      };
      return structuredClone(st.session);
    }

    case "current_session":
      return st.session ? structuredClone(st.session) : null;

    case "get_policy":
      return { ...requireSession(st).policy };

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

    case "keep_alive":
      requireSession(st);
      return { idle_timeout_secs: idleTimeoutSecs() };

    case "sign_out":
      st.session = null;
      return null;

    default:
      throw `unknown command ${cmd}`;
  }
}

mockIPC(async (cmd, payload) => {
  const args = (payload ?? {}) as Record<string, unknown>;
  (window.__PORTAL_CALLS__ ??= []).push({ cmd, args: structuredClone(args), at: Date.now() });
  const delay = scenario().delayMs?.[cmd];
  if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
  const failure = scenario().fail?.[cmd];
  if (failure !== undefined) throw typeof failure === "string" ? failure : { ...failure };
  return handle(cmd, args);
});
