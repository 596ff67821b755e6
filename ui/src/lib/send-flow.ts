// Sending a message from the form, step by step, with no Svelte in it:
//
// 1. What the person wrote is checked (topic, subject, text) and files still on their way
//    are waited for: the form is told which field to fix.
// 2. The draft is saved to the vault first (the Rust side sends what is saved); a draft that
//    cannot be saved is not sent.
// 3. A patient's message is checked for words that sound like an emergency; if one is found
//    the flow stops and asks ("asking"): `sendAnyway` goes on, `stopAsking` does not send.
// 4. The saved draft is sent, with progress per file; only once the service has answered is
//    the draft given up (`sync.stop()`). Whatever fails, the draft stays in the vault and the
//    message says so: nothing written is lost.
//
// The form hears every change through `onState` and shows it.
import type { Category, IpcError, SendProgress, Sent } from "./ipc";
import { emergencyCheckText, type EmergencyPhrase } from "./emergency-check";
import { draftErrorMessage } from "./messaging";
import { t } from "./i18n/core";

/** Where sending stands: checking (saving, the emergency check), asking (the prompt), sending. */
export type SendPhase = "idle" | "checking" | "asking" | "sending";

export type FormField = "category" | "subject" | "body";

export interface SendState {
  phase: SendPhase;
  /** Why the message was not sent, in words; null when there is nothing to say. */
  error: string | null;
  /** The field the person must fix, or null. */
  invalid: FormField | null;
  /** The emergency phrase the prompt asks about, while asking. */
  matched: string | null;
  /** Upload progress per attachment id, while sending. */
  progress: Record<string, SendProgress>;
}

/** What the form holds when "Send" is pressed. */
export interface OutgoingMessage {
  /** A reply has no topic or subject. */
  reply: boolean;
  category: Category | "";
  subject: string;
  body: string;
  /** Files are still being attached or removed. */
  filesBusy: boolean;
}

/** The draft's side of sending (a `DraftSync` does all of it). */
export interface SendableDraft {
  readonly draftId: string | null;
  readonly lastError: IpcError | null;
  changed(): void;
  save(): Promise<boolean>;
  run<T>(command: () => Promise<T>): Promise<T>;
  stop(): void;
}

export interface SendFlowOptions {
  draft: SendableDraft;
  /** The emergency check (see `emergencyCheckFor`); null: not asked (the care team). */
  emergencyPhrase: EmergencyPhrase | null;
  /** Sends the saved draft, telling `onProgress` how far each file has gone. */
  sendDraft: (draftId: string, onProgress: (update: SendProgress) => void) => Promise<Sent>;
  /** The session ended: the app shows the sign-in screen, the form says nothing. */
  endsSession: (error: IpcError) => boolean;
  onState: (state: SendState) => void;
  onSent: (sent: Sent) => void;
}

/** What `send` came to. */
export type SendOutcome = "busy" | "invalid" | "wait" | "not-saved" | "asking" | "sent" | "failed";

/** The first thing the person must fix before sending, or null. */
export function firstProblem(message: OutgoingMessage): { field: FormField; message: string } | null {
  if (!message.reply && message.category === "") return { field: "category", message: t("send.chooseCategory") };
  if (!message.reply && message.subject.trim() === "") return { field: "subject", message: t("send.writeSubject") };
  if (message.body.trim() === "") {
    return { field: "body", message: message.reply ? t("send.writeReply") : t("send.writeMessage") };
  }
  return null;
}

/** Why sending failed, and that the draft is kept. */
export function sendFailedMessage(error: IpcError): string {
  return `${draftErrorMessage(error)} ${t("send.stillSaved")}`;
}

export class SendFlow {
  #options: SendFlowOptions;
  #state: SendState = { phase: "idle", error: null, invalid: null, matched: null, progress: {} };

  constructor(options: SendFlowOptions) {
    this.#options = options;
  }

  get state(): SendState {
    return this.#state;
  }

  /** True from "Send" until the flow is idle again (the form is read-only meanwhile). */
  get busy(): boolean {
    return this.#state.phase !== "idle";
  }

  /** The person changed the field that had to be fixed. */
  edited(): void {
    if (this.#state.invalid) this.#set({ invalid: null });
  }

  /** Says something about the form that is not about sending (a draft that was not deleted). */
  showError(message: string | null): void {
    this.#set({ error: message });
  }

  /** "Send": checks, saves, asks a patient about an emergency phrase, sends. */
  async send(message: OutgoingMessage): Promise<SendOutcome> {
    if (this.busy) return "busy";
    this.#set({ error: null });
    const problem = firstProblem(message);
    if (problem) {
      this.#set({ invalid: problem.field, error: problem.message });
      return "invalid";
    }
    if (message.filesBusy) {
      this.#set({ error: t("send.filesBusy") });
      return "wait";
    }
    const { draft, emergencyPhrase } = this.#options;
    this.#set({ phase: "checking" });
    try {
      // The vault gets the latest text first: the Rust side sends what is saved.
      if (!draft.draftId) draft.changed();
      if (!(await draft.save()) || !draft.draftId) {
        this.#set({ error: draft.lastError ? draftErrorMessage(draft.lastError) : t("send.notSaved") });
        return "not-saved";
      }
      if (emergencyPhrase) {
        const matched = await emergencyPhrase(emergencyCheckText(message));
        if (matched) {
          this.#set({ phase: "asking", matched });
          return "asking";
        }
      }
      return await this.#deliver();
    } catch (e) {
      this.#failed(e);
      return "failed";
    } finally {
      if (this.#state.phase === "checking") this.#set({ phase: "idle" });
    }
  }

  /** The person read the emergency prompt and sends anyway. */
  sendAnyway(): Promise<SendOutcome> {
    this.#set({ matched: null });
    return this.#deliver();
  }

  /** The person read the emergency prompt and does not send ("Call 911", or closing it). */
  stopAsking(): void {
    this.#set({ matched: null, phase: "idle" });
  }

  async #deliver(): Promise<SendOutcome> {
    const { draft, sendDraft, onSent } = this.#options;
    const id = draft.draftId;
    if (!id) {
      this.#set({ phase: "idle" });
      return "not-saved";
    }
    this.#set({ phase: "sending", progress: {} });
    try {
      const sent = await draft.run(() =>
        sendDraft(id, (update) => this.#set({ progress: { ...this.#state.progress, [update.attachment_id]: update } })),
      );
      // Only now, with the service's answer, is the draft given up.
      draft.stop();
      onSent(sent);
      return "sent";
    } catch (e) {
      this.#failed(e);
      return "failed";
    } finally {
      this.#set({ phase: "idle", progress: {} });
    }
  }

  #failed(e: unknown): void {
    const error = e as IpcError;
    if (this.#options.endsSession(error)) return; // the app shows the sign-in screen
    this.#set({ error: sendFailedMessage(error) });
  }

  #set(change: Partial<SendState>): void {
    this.#state = { ...this.#state, ...change };
    this.#options.onState(this.#state);
  }
}
