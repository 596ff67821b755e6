// The idle timeout as the person sees it. The server ends a session after
// `idle_timeout_secs` without an authenticated request; while the person is
// active in the window the app sends `keep_alive` (at most once per
// `keepAliveEveryMs`), and when they have been inactive for the timeout minus
// the warning lead the app warns and counts down, then signs out.
//
// No Svelte and no IPC in here: `IdleWatcher` gets a `keepAlive` function and
// reports its state through `onChange`.

/** The portal's idle timeout when a session does not say (15 minutes). */
export const DEFAULT_IDLE_TIMEOUT_SECS = 15 * 60;

/** Events that show the person is using the app. Moving the mouse alone does not count. */
export const ACTIVITY_EVENTS = ["keydown", "pointerdown", "wheel", "touchstart"] as const;

/**
 * The longest the watcher sleeps between two looks at the clocks. Timers run on
 * the monotonic clock, which on Linux and macOS stands still while the machine
 * sleeps; waking up this often notices a sleep (by the wall clock) soon after.
 */
const LONGEST_WAIT_MS = 10_000;

export interface IdleTimings {
  /** Inactivity after which the session ends. */
  timeoutMs: number;
  /** How long before the end the warning shows: 60 s, or a quarter of a timeout under 4 minutes. */
  warningLeadMs: number;
  /** `keep_alive` is sent at most this often: 60 s, or a quarter of a shorter timeout. */
  keepAliveEveryMs: number;
}

export function idleTimings(idleTimeoutSecs: number): IdleTimings {
  const secs = Number.isFinite(idleTimeoutSecs) && idleTimeoutSecs > 0 ? idleTimeoutSecs : DEFAULT_IDLE_TIMEOUT_SECS;
  const timeoutMs = secs * 1000;
  return {
    timeoutMs,
    warningLeadMs: timeoutMs < 4 * 60_000 ? timeoutMs / 4 : 60_000,
    keepAliveEveryMs: Math.min(60_000, timeoutMs / 4),
  };
}

export type IdleState =
  | { phase: "active" }
  /** The warning is up; the session ends in `secondsLeft` (rounded up). */
  | { phase: "warning"; secondsLeft: number }
  /** The person was inactive for the whole timeout. The watcher has stopped. */
  | { phase: "timed-out" };

/** Where the clocks stood at some moment. */
interface Moment {
  /** Monotonic (`performance.now()`): immune to changes of the system clock. */
  mono: number;
  /** Wall clock (`Date.now()`): keeps counting while the machine sleeps, like the server's. */
  wall: number;
}

export interface IdleWatcherOptions {
  idleTimeoutSecs: number;
  /** Tells the server the person is active. Fire and forget: failures are the caller's business. */
  keepAlive: () => void;
  onChange: (state: IdleState) => void;
}

export class IdleWatcher {
  #timings: IdleTimings;
  #keepAlive: () => void;
  #onChange: (state: IdleState) => void;
  #state: IdleState = { phase: "active" };
  #lastActivity: Moment;
  /** When `keep_alive` was last sent (at the start: signing in has just talked to the server). */
  #lastKeepAlive: Moment;
  /** Activity since the last `keep_alive` that the server has not heard of yet. */
  #keepAlivePending = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;

  constructor(options: IdleWatcherOptions) {
    this.#timings = idleTimings(options.idleTimeoutSecs);
    this.#keepAlive = options.keepAlive;
    this.#onChange = options.onChange;
    this.#lastActivity = now();
    this.#lastKeepAlive = this.#lastActivity;
    this.#evaluate();
  }

  get state(): IdleState {
    return this.#state;
  }

  get timings(): IdleTimings {
    return this.#timings;
  }

  /**
   * The person did something (a key, a click, the wheel, a touch). Ignored while the warning
   * is up: then only "Stay signed in" keeps the session. A keypress after the machine slept
   * past the end does not revive the session either.
   */
  activity(): void {
    if (this.#stopped || this.#state.phase !== "active") return;
    if (idleFor(this.#lastActivity) >= this.#timings.timeoutMs) {
      this.#evaluate();
      return;
    }
    this.#lastActivity = now();
    if (idleFor(this.#lastKeepAlive) >= this.#timings.keepAliveEveryMs) {
      this.#sendKeepAlive();
    } else if (!this.#keepAlivePending) {
      // Tell the server at the end of this window, so it never lags the person by more.
      this.#keepAlivePending = true;
      this.#evaluate();
    }
  }

  /** "Stay signed in": the person is here; the server hears it at once. */
  stay(): void {
    if (this.#stopped) return;
    if (idleFor(this.#lastActivity) >= this.#timings.timeoutMs) {
      this.#evaluate(); // too late: the session has ended
      return;
    }
    this.#lastActivity = now();
    this.#sendKeepAlive();
    this.#evaluate();
  }

  /** Looks at the clocks now (the window is shown again, or the machine woke up). */
  check(): void {
    if (!this.#stopped) this.#evaluate();
  }

  /** The server answered a (possibly different) idle timeout. */
  setIdleTimeout(idleTimeoutSecs: number): void {
    const timings = idleTimings(idleTimeoutSecs);
    if (timings.timeoutMs === this.#timings.timeoutMs) return;
    this.#timings = timings;
    this.check();
  }

  /** Stops all timers (sign-out, or the screen goes away). */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #sendKeepAlive(): void {
    this.#lastKeepAlive = now();
    this.#keepAlivePending = false;
    this.#keepAlive();
  }

  #setState(next: IdleState): void {
    const current = this.#state;
    const same =
      current.phase === next.phase &&
      (current.phase !== "warning" || next.phase !== "warning" || current.secondsLeft === next.secondsLeft);
    this.#state = next;
    if (!same) this.#onChange(next);
  }

  /** Decides the state from the clocks, and when to look again. */
  #evaluate(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#stopped) return;
    const { timeoutMs, warningLeadMs, keepAliveEveryMs } = this.#timings;
    const left = timeoutMs - idleFor(this.#lastActivity);
    if (left <= 0) {
      this.stop();
      this.#setState({ phase: "timed-out" });
      return;
    }
    const waits = [left, LONGEST_WAIT_MS];
    if (this.#keepAlivePending) {
      const untilKeepAlive = keepAliveEveryMs - idleFor(this.#lastKeepAlive);
      if (untilKeepAlive <= 0) this.#sendKeepAlive();
      else waits.push(untilKeepAlive);
    }
    if (left <= warningLeadMs) {
      const secondsLeft = Math.ceil(left / 1000);
      // Next look: when the count goes down by one.
      waits.push(left - (secondsLeft - 1) * 1000);
      this.#setState({ phase: "warning", secondsLeft });
    } else {
      waits.push(left - warningLeadMs);
      this.#setState({ phase: "active" });
    }
    // Whole milliseconds, at least one, so that every look finds time moved on.
    this.#timer = setTimeout(() => this.#evaluate(), Math.max(1, Math.ceil(Math.min(...waits))));
  }
}

function now(): Moment {
  return { mono: performance.now(), wall: Date.now() };
}

/**
 * Time since `since`, by whichever clock says more: the monotonic clock does not count a
 * sleeping machine (the server's clock does), and the wall clock can be set back. A wall
 * clock set forward ends the session early, which is the safe side.
 */
function idleFor(since: Moment): number {
  return Math.max(performance.now() - since.mono, Date.now() - since.wall, 0);
}
