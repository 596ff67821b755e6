import type { Session } from "./ipc";

/** A message shown on the sign-in screen when the user arrives there. */
export interface SignInNotice {
  text: string;
  kind: "status" | "error";
}

export type Screen =
  | { name: "loading" }
  | { name: "sign-in" }
  | { name: "policy"; session: Session }
  | { name: "home"; session: Session };
