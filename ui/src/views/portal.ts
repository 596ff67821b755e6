// The screens only a signed-in person reaches, in a script of their own: the first screen
// (sign-in) does not wait for them to be read. lib/portal-views.svelte.ts loads this.
export { default as PortalLayout } from "../lib/components/PortalLayout.svelte";
export { default as Home } from "./Home.svelte";
export { default as Inbox } from "./Inbox.svelte";
export { default as Compose } from "./Compose.svelte";
export { default as Thread } from "./Thread.svelte";
export { default as Triage } from "./Triage.svelte";
export { default as Staff } from "./Staff.svelte";
export { default as Account } from "./Account.svelte";
export { default as RecordView } from "./Record.svelte";
export { default as Patients } from "./Patients.svelte";
export { default as BreakTheGlass } from "./BreakTheGlass.svelte";
export { default as AuthorizedPersons } from "./AuthorizedPersons.svelte";
export { default as GrantEnded } from "./GrantEnded.svelte";
