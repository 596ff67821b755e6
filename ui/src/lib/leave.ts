// Work that must finish before the person leaves a screen or signs out (today: saving a
// draft that has unsaved changes). Screens register a function; the app awaits them all
// before it changes screens or signs out, for at most `LEAVE_TIMEOUT_MS`.

type Finisher = () => Promise<unknown>;

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

/** Runs every registered finisher and waits for them (failures are theirs to report). */
export async function finishBeforeLeaving(timeoutMs = LEAVE_TIMEOUT_MS): Promise<void> {
  if (finishers.size === 0) return;
  const all = Promise.allSettled([...finishers].map((finish) => finish()));
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
  });
  await Promise.race([all, timeout]);
  clearTimeout(timer);
}
