// The signed-in person's own conversations and their unread total (the badge in the
// header). Refreshed by the portal layout every 30 s and when the window gets focus, by the
// inbox when it opens, and after anything that changes it. Cleared on sign-out, so the next
// person at a shared computer never sees it.
import * as ipc from "./ipc";
import type { IpcError, ThreadList } from "./ipc";

class Inbox {
  /** The last list the server answered, or null before the first answer. */
  list = $state<ThreadList | null>(null);
  /** Unread messages in all of the person's conversations, or null while unknown. */
  unreadTotal = $state<number | null>(null);
  /** Why the last refresh failed, written for people; null when it worked. */
  error = $state<string | null>(null);
  loading = $state(false);

  /** Only the answer to the newest request is used; clearing or setting the total starts anew. */
  #latest = 0;

  /**
   * `background`: a timer or focus refresh, not something the person did; the server does
   * not count it as activity, so its idle sign-out still happens.
   */
  async refresh({ background = false }: { background?: boolean } = {}): Promise<void> {
    const request = ++this.#latest;
    this.loading = true;
    try {
      const list = await ipc.listThreads({}, { background });
      if (request !== this.#latest) return;
      this.list = list;
      this.unreadTotal = list.unread_total;
      this.error = null;
    } catch (e) {
      if (request !== this.#latest) return;
      const error = e as IpcError;
      // An ended session is handled by the app.
      if (!ipc.endsSession(error)) this.error = error.message;
    } finally {
      if (request === this.#latest) this.loading = false;
    }
  }

  /** A command answered the new total (for example after reading a conversation). */
  setUnreadTotal(total: number): void {
    this.#latest++;
    this.loading = false;
    this.unreadTotal = total;
  }

  clear(): void {
    this.#latest++;
    this.list = null;
    this.unreadTotal = null;
    this.error = null;
    this.loading = false;
  }
}

export const inbox = new Inbox();
