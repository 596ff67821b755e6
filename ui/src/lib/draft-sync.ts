// Keeps one draft saved in the Rust side's encrypted vault while it is written.
//
// - `changed()` after every edit: a save follows `AUTOSAVE_DELAY_MS` after the last one.
// - At most one command about the draft runs at a time (saves, attachments, sending), in
//   the order asked; a save that has to wait takes the content as it is when its turn comes.
//   So a new draft is created exactly once, by whichever command runs first, and a save
//   always carries the attachments the vault has.
// - `save()` saves at once (leaving the screen, signing out, before sending).
//
// No Svelte in here: the form gives a `content` function and hears `onState`.
import * as ipc from "./ipc";
import type { AddedAttachment, Category, Draft, DraftAttachment, IpcError } from "./ipc";
import { AUTOSAVE_DELAY_MS, draftErrorMessage } from "./messaging";

export interface DraftContent {
  category: Category | null;
  subject: string;
  body: string;
}

export type SaveState =
  | { kind: "idle" }
  | { kind: "saving" }
  | { kind: "saved" }
  | { kind: "error"; message: string };

export interface DraftSyncOptions {
  /** The draft when it was saved before (continuing a draft), else null. */
  initial: Draft | null;
  /** The conversation a reply belongs to; null for a new conversation. */
  threadId: number | null;
  content: () => DraftContent;
  onState: (state: SaveState) => void;
  delayMs?: number;
  /** "Saving…" is only shown for saves that take longer than this (quick ones stay quiet). */
  savingAfterMs?: number;
}

export class DraftSync {
  readonly threadId: number | null;
  #draftId: string | null;
  #attachments: DraftAttachment[];
  #content: () => DraftContent;
  #onState: (state: SaveState) => void;
  #delayMs: number;
  #savingAfterMs: number;
  #dirty = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** The commands about this draft, one after the other. */
  #queue: Promise<unknown> = Promise.resolve();
  /** A save waiting for its turn (it will take the content as it is then). */
  #waitingSave: Promise<boolean> | null = null;
  #lastError: IpcError | null = null;
  #stopped = false;

  constructor(options: DraftSyncOptions) {
    this.threadId = options.threadId;
    this.#draftId = options.initial?.draft_id ?? null;
    this.#attachments = options.initial ? [...options.initial.attachments] : [];
    this.#content = options.content;
    this.#onState = options.onState;
    this.#delayMs = options.delayMs ?? AUTOSAVE_DELAY_MS;
    this.#savingAfterMs = options.savingAfterMs ?? 400;
  }

  /** The vault's id of the draft, once it exists. */
  get draftId(): string | null {
    return this.#draftId;
  }

  /** True once the draft was sent or deleted. */
  get stopped(): boolean {
    return this.#stopped;
  }

  /** True while an edit has not reached the vault yet. */
  get unsaved(): boolean {
    return this.#dirty || this.#waitingSave !== null;
  }

  /** The person changed something: save soon. */
  changed(): void {
    if (this.#stopped) return;
    this.#dirty = true;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.save(), this.#delayMs);
  }

  /**
   * Saves now if anything is unsaved, after the command running now. Resolves to whether
   * the content is safely in the vault.
   */
  save(): Promise<boolean> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#stopped) return Promise.resolve(true);
    if (this.#waitingSave) return this.#waitingSave;
    if (!this.#dirty) return this.#queue.then(() => this.#lastError === null);
    const save = this.run(() => {
      this.#waitingSave = null;
      return this.#saveNow();
    });
    this.#waitingSave = save;
    return save;
  }

  /** Why the last save failed, or null. */
  get lastError(): IpcError | null {
    return this.#lastError;
  }

  /** Adds a file to the draft, in its turn. */
  attach(filename: string, bytes: Uint8Array): Promise<AddedAttachment> {
    return this.run(async () => {
      // A reply is saved first, so the vault knows its conversation (the raw attachment
      // command carries only the draft's id); a new message's draft is made by the file.
      if (this.#draftId === null && this.threadId !== null) {
        this.#dirty = true;
        if (!(await this.#saveNow()) && this.#lastError) throw this.#lastError;
      }
      const added = await ipc.addDraftAttachment(this.#draftId, filename, bytes);
      this.#adopt(added.draft_id);
      this.#attachments.push(added.attachment);
      return added;
    });
  }

  /** Removes a file from the draft, in its turn. */
  detach(attachmentId: string): Promise<void> {
    return this.run(async () => {
      if (this.#draftId === null) return;
      const draft = await ipc.removeDraftAttachment(this.#draftId, attachmentId);
      this.#attachments = [...draft.attachments];
    });
  }

  /** Runs a command about this draft after the ones before it (sending, deleting). */
  run<T>(command: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(command);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  /** The draft was sent or deleted: nothing more is saved. */
  stop(): void {
    this.#stopped = true;
    this.#dirty = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #adopt(draftId: string): void {
    if (!this.#stopped) this.#draftId = draftId;
  }

  /** Saves the content as it is now. Only from inside `run`, where it is this draft's turn. */
  async #saveNow(): Promise<boolean> {
    if (!this.#dirty || this.#stopped) return this.#lastError === null;
    this.#dirty = false;
    const content = this.#content();
    const reply = this.threadId !== null;
    const draft: Draft = {
      draft_id: this.#draftId,
      thread_id: this.threadId,
      category: reply ? null : content.category,
      subject: reply ? "" : content.subject,
      body: content.body,
      attachments: [...this.#attachments],
    };
    const slow = setTimeout(() => this.#onState({ kind: "saving" }), this.#savingAfterMs);
    try {
      const saved = await ipc.saveDraft(draft);
      this.#adopt(saved.draft_id);
      this.#lastError = null;
      if (!this.#stopped) this.#onState({ kind: "saved" });
    } catch (e) {
      // Tried again with the next change, or when leaving.
      this.#dirty = true;
      this.#lastError = e as IpcError;
      if (!this.#stopped) this.#onState({ kind: "error", message: draftErrorMessage(this.#lastError) });
    } finally {
      clearTimeout(slow);
    }
    return this.#lastError === null;
  }
}

