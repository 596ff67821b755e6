// The translation catalogs (src/lib/i18n/en.json, es.json), in Node: both languages have the
// same keys and each text the same {placeholders}; every key the UI asks for (t("…"),
// tAround("…")) is in them, and every key in them is used; every error code generated from
// Rust has its text in both; and the language, texts and errors are chosen as the app does.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import {
  ERROR_CODES,
  LANGUAGES,
  dateLocaleFor,
  errorTextIn,
  languageFromSystem,
  placeholdersOf,
  translate,
  translateAround,
  catalogOf,
  loadCatalog,
} from "./.harness/units/units.js";

// Spanish is a script of its own, read when first needed (as the app does when it is chosen).
const spanishBeforeAsked = catalogOf("es");
const CATALOGS = Object.fromEntries(await Promise.all(LANGUAGES.map(async (l) => [l, await loadCatalog(l)])));

const root = path.resolve(import.meta.dirname, "..");
const read = (file) => JSON.parse(fs.readFileSync(path.join(root, "src/lib/i18n", file), "utf8"));
const files = { en: read("en.json"), es: read("es.json") };

/** Every .ts and .svelte file under src/, with its text. */
function sources(dir = path.join(root, "src")) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(file);
    return /\.(ts|svelte)$/.test(entry.name) ? [{ file: path.relative(root, file), text: fs.readFileSync(file, "utf8") }] : [];
  });
}

test("the catalogs are the files a translator edits, flat, with a non-empty text for every key", () => {
  assert.deepEqual(LANGUAGES, ["en", "es"]);
  for (const language of LANGUAGES) {
    assert.deepEqual(CATALOGS[language], files[language], `${language}.json as built`);
    for (const [key, value] of Object.entries(files[language])) {
      assert.equal(typeof value, "string", `${language}: ${key} is not a text`);
      assert.notEqual(value.trim(), "", `${language}: ${key} is empty`);
      assert.match(key, /^[a-z][A-Za-z]*(\.[a-z][A-Za-z0-9_]*)+$/, `${language}: key ${key} is not section.name`);
    }
  }
});

test("English is always there; Spanish is read only when first asked for", () => {
  assert.equal(spanishBeforeAsked, null);
  assert.deepEqual(catalogOf("en"), files.en);
  assert.deepEqual(catalogOf("es"), files.es);
});

test("English and Spanish have the same keys", () => {
  const en = Object.keys(files.en);
  const es = Object.keys(files.es);
  assert.deepEqual(en.filter((k) => !es.includes(k)), [], "keys missing from es.json");
  assert.deepEqual(es.filter((k) => !en.includes(k)), [], "keys missing from en.json");
});

test("each text uses the same {placeholders} in both languages", () => {
  const differ = Object.keys(files.en)
    .filter((key) => key in files.es)
    .filter((key) => placeholdersOf(files.en[key]).join() !== placeholdersOf(files.es[key]).join())
    .map((key) => `${key}: en {${placeholdersOf(files.en[key])}} es {${placeholdersOf(files.es[key])}}`);
  assert.deepEqual(differ, []);
});

test("every key the UI asks for is in the catalogs, and every key in them is used", () => {
  const all = sources();
  const used = new Map();
  const dynamic = [];
  for (const { file, text } of all) {
    for (const m of text.matchAll(/\b(?:t|tAround)\(\s*(["'`])([^"'`]*)\1/g)) {
      if (m[1] === "`" || m[2].includes("${")) dynamic.push(`${file}: ${m[0]}`);
      else used.set(m[2], file);
    }
  }
  assert.ok(used.size > 50, `only ${used.size} keys found: is the pattern still right?`);
  assert.deepEqual(dynamic, [], "keys built at run time cannot be checked: write them out");
  const missing = [...used].filter(([key]) => !(key in files.en)).map(([key, file]) => `${key} (${file})`);
  assert.deepEqual(missing, [], "keys used but missing from the catalogs");

  // Keys handed around as values (a map of titles, a status) are written as string literals.
  const everything = all.map((s) => s.text).join("\n");
  const unused = Object.keys(files.en).filter((key) => !key.startsWith("error.") && !everything.includes(`"${key}"`));
  assert.deepEqual(unused, [], "keys in the catalogs that nothing uses");
});

test("every error code generated from Rust has its text in both languages, and so has 'unknown'", () => {
  const codes = [...Object.values(ERROR_CODES), "unknown"];
  assert.ok(codes.length > 40);
  for (const language of LANGUAGES) {
    const missing = codes.filter((code) => !(`error.${code}` in files[language]));
    assert.deepEqual(missing, [], `error texts missing from ${language}.json`);
  }
  const stale = Object.keys(files.en).filter((key) => key.startsWith("error.") && !codes.includes(key.slice(6)));
  assert.deepEqual(stale, [], "error texts for codes Rust no longer has");
});

test("the language follows the operating system's: anything Spanish is Spanish, else English", () => {
  assert.equal(languageFromSystem(["es-MX", "en-US"]), "es");
  assert.equal(languageFromSystem(["es"]), "es");
  assert.equal(languageFromSystem(["ES_us"]), "es");
  assert.equal(languageFromSystem(["en-US", "es-US"]), "en");
  assert.equal(languageFromSystem(["fr-FR"]), "en");
  assert.equal(languageFromSystem(["fr-FR", "es-ES"]), "es", "the first language the app has");
  assert.equal(languageFromSystem([]), "en");
  assert.equal(languageFromSystem(["estonian-is-et"]), "en", "only the language subtag counts");
});

test("dates are written in the system's locale when it is in the language chosen, else the US one", () => {
  assert.equal(dateLocaleFor("es", ["es-MX"]), "es-MX");
  assert.equal(dateLocaleFor("es", ["en-US"]), "es-US");
  assert.equal(dateLocaleFor("en", ["es-MX", "en-GB"]), "en-GB");
  assert.equal(dateLocaleFor("en", []), "en-US");
});

test("texts are filled in, and cut around an element's place", () => {
  assert.equal(translate("es", "policy.version", { version: 4, date: "2 de abril de 2026" }), "Versión 4, publicada el 2 de abril de 2026");
  assert.equal(translate("en", "nav.unread", { count: 3 }), "3 unread");
  assert.equal(translate("en", "nav.unread"), "{count} unread", "a placeholder not given stays visible");
  assert.deepEqual(translateAround("en", "signIn.help", "phone", { practice: "DSKC" }), ["Trouble signing in? Call DSKC at ", "."]);
  assert.deepEqual(translateAround("es", "signIn.help", "phone", { practice: "DSKC" }), [
    "¿Tiene problemas para iniciar sesión? Llame a DSKC al ",
    ".",
  ]);
});

test("an error is shown by its code in Spanish; in English the service's own words (they say more)", () => {
  const locked = { code: "account_locked", message: "Your account is locked after too many tries. You can try again after 3:45 PM." };
  assert.equal(errorTextIn("en", locked), locked.message);
  assert.equal(errorTextIn("es", locked), files.es["error.account_locked"]);
  assert.equal(errorTextIn("es", { code: "a_code_from_a_newer_server", message: "New." }), files.es["error.unknown"]);
  assert.equal(errorTextIn("en", { code: "internal", message: " " }), files.en["error.internal"]);
});

test("the word helpers (record-words.ts, format.ts) follow the language chosen, dates in its locale", async () => {
  const units = await import("./.harness/units/units.js");
  const now = Date.parse("2026-03-09T15:00:00Z");
  const released = { state: "released", at: "2026-03-06T15:00:00Z" };
  assert.equal(units.statusInWords("visit", "finished"), "Completed", "English without the UI");
  assert.equal(units.formatWhen("2026-03-09T14:55:00Z", now), "5 minutes ago");
  try {
    units.followLanguage(() => "es", () => "es-US");
    assert.equal(units.statusInWords("visit", "finished"), "Completada");
    assert.equal(units.statusInWords("visit", "constructor"), "Constructor", "an unknown code as written");
    assert.equal(units.flagInWords("high"), "Alto");
    assert.equal(units.partTitle("care-plans"), "Planes de cuidado");
    assert.equal(units.sectionNoun("visits", 2), "visitas");
    assert.equal(units.chartDateInWords({ date: "2019-05-19", precision: "day" }), "19 de mayo de 2019");
    assert.equal(units.rangeInWords({ low: null, high: 200, unit: "mg/dL", text: null }), "hasta 200 mg/dL");
    assert.equal(units.unitInWords("{beats}/min"), "latidos por minuto");
    assert.equal(units.releaseInWords(released, now), "Publicado hace 3 días");
    assert.equal(units.releaseInWords({ state: "pending", reviewer: null, until: null }, now), "En espera de la revisión de su médico");
    assert.equal(units.formatWhen("2026-03-09T14:55:00Z", now), "hace 5 minutos");
    assert.equal(units.formatWhen("2026-03-09T14:59:30Z", now), "hace un momento");
    assert.match(units.formatWhen("2026-01-05T15:00:00Z", now), /^\d+ de enero de 2026/);
    assert.equal(units.roleInWords("physician"), "Médico");
  } finally {
    units.followLanguage(() => "en", () => "en-US");
  }
  assert.equal(units.statusInWords("visit", "finished"), "Completed");
});

test("the app keeps nothing in the webview: no localStorage, sessionStorage, IndexedDB or cookies in src/ (preferences are the Rust side's)", () => {
  const uses = sources()
    .flatMap(({ file, text }) =>
      [...text.matchAll(/\b(localStorage|sessionStorage|indexedDB|document\.cookie)\b/g)].map((m) => `${file}: ${m[1]}`),
    );
  assert.deepEqual(uses, []);
});
