import { mount } from "svelte";
import "./app.css";
import App from "./App.svelte";
import { startIn } from "./lib/i18n/index.svelte";
import { getSettings } from "./lib/ipc";

const target = document.getElementById("app");
if (!target) throw new Error("#app element missing from index.html");

/** The language the person chose in an earlier run, kept by the Rust side (null: never chose). */
async function languageKept() {
  try {
    return (await getSettings()).language ?? null;
  } catch {
    return null; // the system's language, as before any choice
  }
}

// The first screen is shown in the language kept, never in another one first.
export default languageKept().then((language) => {
  startIn(language);
  return mount(App, { target });
});
