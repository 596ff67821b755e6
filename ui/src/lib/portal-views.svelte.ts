// The signed-in screens (views/portal.ts), read as a script of their own: a moment after the
// first screen is painted (`loadPortalViewsSoon`, so the start does not wait for them and
// signing in usually finds them read), or at once when the portal is shown before that.
type PortalViews = typeof import("../views/portal");

let loaded = $state.raw<PortalViews | null>(null);
let loading: Promise<PortalViews> | null = null;

export const portalViews = {
  /** The screens once read, else null. */
  get loaded(): PortalViews | null {
    return loaded;
  },
};

/** Reads the screens (once; again after a failure). */
export function loadPortalViews(): Promise<PortalViews> {
  loading ??= import("../views/portal").then(
    (views) => (loaded = views),
    (error: unknown) => {
      loading = null;
      throw error;
    },
  );
  return loading;
}

/** How long after the first paint the screens are read, when nobody asked for them before. */
const AFTER_FIRST_PAINT_MS = 1000;

/** Reads the screens after the next paint and a moment more (the first screen comes first). */
export function loadPortalViewsSoon(): void {
  requestAnimationFrame(() => setTimeout(() => void loadPortalViews().catch(() => {}), AFTER_FIRST_PAINT_MS));
}
