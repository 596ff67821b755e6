import { mount } from "svelte";
import "./app.css";
import App from "./App.svelte";
import { startIn } from "./lib/i18n/index.svelte";
import { askAtStart } from "./lib/start-up";

// The start's steps, for the desktop benchmark's timeline (scripts/bench-desktop-measure).
performance.mark("portal:script");

const target = document.getElementById("app");
if (!target) throw new Error("#app element missing from index.html");

// The first screen is shown in the language kept, never in another one first.
export default askAtStart().then(async (first) => {
  performance.mark("portal:settings");
  // A catalog that cannot be read leaves the app in English.
  await startIn(first.settings?.language ?? null).catch(() => {});
  return mount(App, { target, props: { first } });
});
