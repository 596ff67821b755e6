// Work that must finish before the person leaves a screen or signs out (today: saving a
// draft that has unsaved changes). Screens register a function; the app awaits them all
// before it changes screens or signs out, for at most `LEAVE_TIMEOUT_MS`.

/** Resolves to `true` when it kept the person's unsent work (a draft is saved on this computer). */
type Finisher = () => Promise<unknown>;

/** What finishing did. */
export interface Finished {
  /** Unsent work (a draft) is kept on this computer. */
  keptWork: boolean;
}

const finishers = new Set<Finisher>();

/** The app waits at most this long, so a stuck save never keeps anyone signed in. */
export const LEAVE_TIMEOUT_MS = 5_000;

/** Registers `finish` to run before leaving. Returns a function that removes it. */
export function beforeLeaving(finish: Finisher): () => void {
  finishers.add(finish);
  return () => {
    finishers.delete(finish);
  };
}

/**
 * Runs every registered finisher and waits for them (failures are theirs to report). Work is
 * said to be kept only when a finisher said so in time.
 */
export async function finishBeforeLeaving(timeoutMs = LEAVE_TIMEOUT_MS): Promise<Finished> {
  if (finishers.size === 0) return { keptWork: false };
  const all = Promise.allSettled([...finishers].map((finish) => finish()));
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), timeoutMs);
  });
  const results = await Promise.race([all, timeout]);
  clearTimeout(timer);
  return { keptWork: results !== null && results.some((r) => r.status === "fulfilled" && r.value === true) };
}
