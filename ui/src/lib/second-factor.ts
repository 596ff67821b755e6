// The second factor (TOTP, issue 11) as the UI shows it. The service decides who must have
// one (`Role::requires_second_factor`: everyone but patients) and refuses the care team's
// other requests until it is set up; the app asks for it first, as it asks for the policy.
import type { Role, Session } from "./ipc";

/** The roles that must have a second factor (the service's rule). */
export function requiresSecondFactor(role: Role): boolean {
  return role !== "patient";
}

/** Whether the person must set up a second factor before going on. */
export function mustSetUpSecondFactor(session: Session): boolean {
  return requiresSecondFactor(session.user.role) && !session.user.second_factor;
}

/** The secret as a screen reader should spell it: "J B S W, Y 3 D P, …" (letters and digits
 * one by one, a pause between the groups of four). */
export function spelledOut(secret: string): string {
  return secret
    .trim()
    .split(/\s+/)
    .map((group) => [...group].join(" "))
    .join(", ");
}

/** The QR code (an SVG document) as a `data:` address for an `<img>`: never put in the page
 * as markup. */
export function svgDataUrl(svg: string): string {
  const bytes = new TextEncoder().encode(svg);
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return `data:image/svg+xml;base64,${btoa(binary)}`;
}
