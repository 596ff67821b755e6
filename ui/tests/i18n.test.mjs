// Spanish and English (issue 13): the language follows the operating system's (navigator
// language), the switch changes it at once and the Rust side keeps the choice (settings.json,
// nothing in the webview's storage); the sign-in screen (both steps),
// the policy's frame, the header and the emergency prompt in Spanish, errors shown by their
// code in Spanish, dates in the language chosen; a patient's main screens (home, inbox, a
// conversation, a new message, account, record, authorized persons) in Spanish; axe-clean in
// both languages.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import {
  useBrowser, openApp, closeApp, signIn, text, policy, axeClean, screenshot, mockCalls, root, DEFAULT_EMAIL, DEFAULT_PASSWORD,
} from "./harness.mjs";

const PRACTICE = { name: "Dermatology Specialists of Kansas City", phone: "(816) 555-0142" };
const SPANISH = { locale: "es-MX" };

const env = useBrowser();

const lang = (page) => page.evaluate(() => document.documentElement.lang);
/** What the app keeps in the webview's own storage: nothing (preferences are the Rust side's). */
const stored = (page) =>
  page.evaluate(() => {
    const all = { ...localStorage, ...sessionStorage };
    delete all.__portal_mock_kept_language__; // the mock's stand-in for settings.json
    return all;
  });
/** The language the Rust side keeps for the next start (`get_settings`), as the mock holds it. */
const kept = (page) => page.evaluate(() => window.__TAURI_INTERNALS__.invoke("get_settings").then((s) => s.language));
const languageCalls = async (page) => (await mockCalls(page, "set_language")).map((c) => `${c.args.language}${c.args.remember ? " kept" : ""}`);

test("with a Spanish system the sign-in screen is in Spanish; the switch goes to English and back, axe-clean in both", async () => {
  const app = await openApp(env.browser, env.base, { practice: PRACTICE }, SPANISH);
  const { page } = app;
  await page.waitForSelector(`h1:has-text('${PRACTICE.name}')`);
  assert.equal(await lang(page), "es");
  assert.equal(await page.title(), "Iniciar sesión – Portal del paciente");
  assert.equal(await text(page, ".subtitle"), "Portal del paciente");
  assert.equal(await text(page, ".emergency"), "El portal nunca es para emergencias. En una emergencia, llame al 911.");
  assert.equal(await text(page, "label[for=email]"), "Correo electrónico");
  assert.equal(await text(page, "label[for=password]"), "Frase de contraseña");
  assert.equal(await text(page, "#sign-in"), "Iniciar sesión");
  assert.equal(await text(page, "#forgot-passphrase"), "¿Olvidó su frase de contraseña?");
  assert.equal(await text(page, "#have-activation-code"), "Tengo un código de activación");
  assert.equal(
    await text(page, ".help"),
    `¿Tiene problemas para iniciar sesión? Llame a ${PRACTICE.name} al ${PRACTICE.phone}.`,
  );
  assert.equal(await page.getAttribute(".help a.phone-link", "href"), "tel:8165550142");
  assert.equal(await text(page, "summary"), "Configuración del servidor");
  // The switch: each language named in its own, the one in use pressed.
  assert.equal(await page.getAttribute("#language", "aria-label"), "Idioma");
  assert.equal(await page.getAttribute("#language-es", "aria-pressed"), "true");
  assert.equal(await page.getAttribute("#language-en", "aria-pressed"), "false");
  assert.equal(await page.getAttribute("#language-en", "lang"), "en");
  assert.equal(await kept(page), null, "nothing is kept while the system's language is followed");
  assert.deepEqual(await languageCalls(page), ["es"], "the Rust side is told, not asked to keep it");

  // Errors in Spanish: the app's own, and one from the service chosen by its code.
  await page.click("#sign-in");
  assert.equal(await text(page, "#sign-in-error"), "Escriba su correo electrónico.");
  await signIn(page, DEFAULT_EMAIL, "not my pass-phrase");
  await page.waitForSelector("#sign-in-error:has-text('frase de contraseña no son correctos')");
  assert.equal(
    await text(page, "#sign-in-error"),
    "El correo electrónico o la frase de contraseña no son correctos. Revíselos e inténtelo de nuevo.",
  );
  await page.click("summary");
  await page.waitForSelector("#server-url");
  assert.equal(await text(page, "#server-url-hint"), "Empieza con https://");
  await axeClean(page, "sign-in in Spanish");
  await screenshot(page, "i18n-sign-in-es");

  // To English: everything on the screen, the error included (the service's own words), at once.
  await page.click("#language-en");
  await page.waitForSelector("label[for=email]:has-text('Email address')");
  assert.equal(await lang(page), "en");
  assert.equal(await page.title(), "Sign in – Patient Portal");
  assert.equal(await text(page, "#sign-in"), "Sign in");
  assert.equal(await text(page, "#sign-in-error"), "The email address or pass-phrase is not right. Please check them and try again.");
  assert.equal(await text(page, "#server-url-hint"), "It starts with https://");
  assert.equal(await text(page, ".help"), `Trouble signing in? Call ${PRACTICE.name} at ${PRACTICE.phone}.`);
  assert.equal(await page.getAttribute("#language-en", "aria-pressed"), "true");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "language-en", "focus stays on the switch");
  assert.equal(await page.getAttribute("#language", "aria-label"), "Language");
  assert.equal(await kept(page), "en", "the choice is kept by the Rust side");
  assert.deepEqual(await languageCalls(page), ["es", "en kept"]);
  assert.deepEqual(await stored(page), {}, "nothing in the webview's storage");
  await axeClean(page, "sign-in in English");
  await screenshot(page, "i18n-sign-in-en");

  // Remembered: English again after a restart, though the system is Spanish.
  await page.reload();
  await page.waitForSelector("#sign-in-form");
  assert.equal(await lang(page), "en");
  assert.equal(await text(page, "#sign-in"), "Sign in");

  // And back to Spanish with the keyboard.
  await page.focus("#language-es");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#sign-in:has-text('Iniciar sesión')");
  assert.equal(await lang(page), "es");
  assert.equal(await kept(page), "es");
  assert.deepEqual(await stored(page), {});
  await closeApp(app, assert);
});

test("a language kept from an earlier run is the first one shown, whatever the system's", async () => {
  const app = await openApp(env.browser, env.base, { practice: PRACTICE, settings: { language: "es" } });
  const { page } = app;
  // From the first screen on (nothing is shown before its catalog is read): not English first.
  await page.waitForSelector("#app > *", { state: "attached" });
  assert.equal(await lang(page), "es");
  await page.waitForSelector("#sign-in-form");
  assert.equal(await text(page, "#sign-in"), "Iniciar sesión");
  assert.equal(await page.getAttribute("#language-es", "aria-pressed"), "true");
  assert.deepEqual(await languageCalls(page), ["es kept"], "the policy is asked for in it");
  assert.deepEqual(await stored(page), {});
  await closeApp(app, assert);
});

test("an English system shows English; the switch turns the screen to Spanish", async () => {
  const app = await openApp(env.browser, env.base, { practice: PRACTICE });
  const { page } = app;
  await page.waitForSelector("#sign-in-form");
  assert.equal(await lang(page), "en");
  assert.equal(await text(page, "label[for=email]"), "Email address");
  await page.click("#language-es");
  await page.waitForSelector("label[for=email]:has-text('Correo electrónico')");
  assert.equal(await lang(page), "es");
  await closeApp(app, assert);
});

test("the second-factor step in Spanish: the question, the hint, a wrong code by its code", async () => {
  const okafor = {
    id: 1, email: "dr.okafor@dskc.example", name: "Dr. Adaeze Okafor", role: "physician",
    pools: [], email_verified: true, second_factor: true,
  };
  const scenario = {
    practice: PRACTICE,
    policy: policy(),
    accounts: [{ email: okafor.email, password: DEFAULT_PASSWORD, user: okafor, acceptedAt: "2026-03-05T17:30:00Z" }],
    totpCode: "314159",
  };
  const app = await openApp(env.browser, env.base, scenario, SPANISH);
  const { page } = app;
  await signIn(page, okafor.email, DEFAULT_PASSWORD);
  await page.waitForSelector("#sign-in-code");
  assert.equal(
    await text(page, "#sign-in-code-intro"),
    `Su frase de contraseña es correcta. Su cuenta también pide un código de la aplicación de autenticación de su teléfono (${okafor.email}).`,
  );
  assert.equal(await text(page, "#sign-in-code-intro strong"), okafor.email);
  assert.equal(await text(page, "label[for=sign-in-code]"), "Código de su aplicación de autenticación");
  assert.match(await text(page, "#sign-in-code-hint"), /códigos de recuperación\.$/);
  assert.equal(await text(page, "#sign-in-back"), "Volver");
  await page.click("#sign-in-code-submit");
  assert.equal(await text(page, "#sign-in-error"), "Escriba el código de su aplicación de autenticación o un código de recuperación.");
  await page.fill("#sign-in-code", "000000");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#sign-in-error:has-text('Ese código no es correcto')");
  await axeClean(page, "second-factor step in Spanish");
  await screenshot(page, "i18n-sign-in-code-es");
  await page.fill("#sign-in-code", "314159");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#home");
  await closeApp(app, assert);
});

test("the policy's frame in Spanish, its date in Spanish, its text as the server sent it", async () => {
  const app = await openApp(env.browser, env.base, { practice: PRACTICE, policy: policy() }, SPANISH);
  const { page } = app;
  await signIn(page);
  await page.waitForSelector("#policy-text");
  assert.equal(await lang(page), "es");
  assert.equal(await page.title(), "Política del portal – Portal del paciente");
  assert.equal(await text(page, "#policy-version"), "Versión 3, publicada el 1 de marzo de 2026");
  assert.equal(await text(page, "h1"), "Patient Portal Policy", "the title is the server's");
  assert.match(await text(page, "#policy-text"), /^Welcome to the Patient Portal/, "the text is the server's");
  assert.equal(await page.getAttribute("#policy-text", "aria-label"), "Texto de la política del portal");
  assert.equal(await text(page, "#accept-policy"), "He leído y acepto esta política");
  assert.equal(await text(page, "#decline-policy"), "Cerrar sesión");
  assert.equal(await text(page, ".app-header .product"), "Portal del paciente");
  await axeClean(page, "policy in Spanish");
  await screenshot(page, "i18n-policy-es");

  // The header's switch turns the frame (and the date) to English.
  await page.click("#language-en");
  await page.waitForSelector("#accept-policy:has-text('I have read and accept this policy')");
  assert.equal(await text(page, "#policy-version"), "Version 3, published March 1, 2026");
  await axeClean(page, "policy in English");
  await page.click("#language-es");
  await page.click("#decline-policy");
  await page.waitForSelector("#sign-in-status");
  assert.equal(await text(page, "#sign-in-status"), "Ha cerrado sesión.");
  await closeApp(app, assert);
});

test("the policy's own text follows the language: the Spanish one when published, marked with its language", async () => {
  const policyEs = policy({ language: "es", title: "Política del Portal del Paciente", text: "Nunca para emergencias: llame al 911." });
  const app = await openApp(env.browser, env.base, { practice: PRACTICE, policy: policy(), policyEs }, SPANISH);
  const { page } = app;
  await signIn(page);
  await page.waitForSelector("#policy-text");
  assert.equal(await text(page, "h1"), "Política del Portal del Paciente");
  assert.equal(await text(page, "#policy-text"), "Nunca para emergencias: llame al 911.");
  assert.equal(await page.getAttribute("#policy-text", "lang"), "es");
  await page.click("#language-en");
  await page.waitForSelector("#policy-text[lang=en]");
  assert.match(await text(page, "#policy-text"), /^Welcome to the Patient Portal/);
  assert.equal(await text(page, "h1"), "Patient Portal Policy");
  assert.deepEqual(await languageCalls(page), ["es", "en kept"], "the Rust side is told at start and at the switch (and keeps that)");
  await axeClean(page, "an English policy in an English frame");
  await page.click("#accept-policy");
  await page.waitForSelector("#home");
  await closeApp(app, assert);
});

test("a newer policy's message is shown by its code in Spanish", async () => {
  const newer = policy({ version: 4, published_at: "2026-04-02T14:00:00Z", text: "Version four." });
  const app = await openApp(
    env.browser,
    env.base,
    { session: { user: { id: 7, email: DEFAULT_EMAIL, name: "Ana García", role: "patient" }, policy: policy() }, policy: policy(), newerPolicy: newer },
    SPANISH,
  );
  const { page } = app;
  await page.waitForSelector("#policy-text");
  await page.click("#accept-policy");
  await page.waitForSelector("#policy-error");
  assert.equal(await text(page, "#policy-error"), "La política se actualizó mientras usted la leía. Lea la nueva versión a continuación.");
  assert.equal(await text(page, "#policy-version"), "Versión 4, publicada el 2 de abril de 2026");
  await closeApp(app, assert);
});

test("the header and the emergency prompt in Spanish; the header's switch changes them", async () => {
  const ana = { id: 7, email: DEFAULT_EMAIL, name: "Ana García", role: "patient" };
  const scenario = { practice: PRACTICE, session: { user: ana, policy: policy({ accepted_at: "2026-03-05T17:30:00Z" }) } };
  const app = await openApp(env.browser, env.base, scenario, SPANISH);
  const { page } = app;
  await page.waitForSelector("#home");
  assert.equal(await page.title(), "Inicio – Portal del paciente");
  assert.equal(await page.getAttribute("nav.sections", "aria-label"), "Secciones del portal");
  assert.equal(await text(page, "#nav-home"), "Inicio");
  assert.equal(await text(page, "#sign-out"), "Cerrar sesión");
  await page.waitForSelector("#unread-badge");
  assert.equal(await text(page, "#unread-badge .visually-hidden"), "3 sin leer");
  assert.match(await text(page, "#nav-messages"), /^Mensajes/);
  assert.equal(
    await text(page, "#emergency-notice"),
    `Este portal nunca es para emergencias ni para solicitudes urgentes. En una emergencia, llame al 911. Si tiene preguntas urgentes, llame a ${PRACTICE.name} al ${PRACTICE.phone}.`,
  );
  await axeClean(page, "home header in Spanish");
  await screenshot(page, "i18n-home-es");

  await page.click("#nav-messages");
  await page.waitForSelector("#inbox");
  assert.equal(await page.title(), "Mensajes – Portal del paciente");
  await page.click("#new-message");
  await page.waitForSelector("#compose-form");
  await page.selectOption("#compose-category", "medical_question");
  await page.fill("#compose-subject", "Me siento mal");
  await page.fill("#compose-body", "Desde ayer tengo dolor de pecho.");
  await page.click("#compose-send");
  await page.waitForSelector("#emergency-dialog");
  assert.equal(await text(page, "#emergency-dialog-title"), "¿Es una emergencia?");
  assert.match(await text(page, "#emergency-dialog-text"), /^Si tiene dolor de pecho, dificultad para respirar/);
  assert.equal(await text(page, "#emergency-dialog .matched"), "Su mensaje menciona “dolor de pecho”.");
  assert.equal(await text(page, "#emergency-call-911"), "Llamar al 911 — no enviaré este mensaje");
  assert.equal(await text(page, "#emergency-send-anyway"), "Enviar de todos modos");
  await axeClean(page, "emergency prompt in Spanish");
  await screenshot(page, "i18n-emergency-es");
  await page.click("#emergency-call-911");
  await page.waitForSelector("#emergency-call");
  assert.match(
    await text(page, "#emergency-call"),
    new RegExp(`^Si es una emergencia, llame al 911 ahora\\. 911 Si tiene preguntas urgentes, llame a ${PRACTICE.name} al \\(816\\) 555-0142\\. Su mensaje no se envió\\.`),
  );

  // The header's switch: the header and the call-out turn English at once.
  await page.click("#language-en");
  await page.waitForSelector("#sign-out:has-text('Sign out')");
  assert.equal(await text(page, "#nav-home"), "Home");
  assert.equal(await text(page, "#emergency-call-title"), "If this is an emergency, call 911 now.");
  assert.equal(await page.title(), "New message – Patient Portal");
  await axeClean(page, "compose after Call 911, header in English");
  await closeApp(app, assert);
});

test("a change of server is confirmed in Spanish, named from its fields; the idle warning and sign-out in Spanish", async () => {
  const app = await openApp(
    env.browser,
    env.base,
    { practice: PRACTICE, settings: { server_url: "https://portal.dskc.example", ca_file: "/home/ana/practice.pem" } },
    SPANISH,
  );
  const { page } = app;
  await page.click("summary");
  await page.waitForFunction(() => document.querySelector("#server-url")?.value === "https://portal.dskc.example");
  await page.fill("#server-url", "https://otro.example");
  await page.click("#save-server");
  await page.waitForSelector("#server-confirm");
  assert.equal(await text(page, "#server-confirm-title"), "¿Cambiar el servidor del portal?");
  assert.equal(
    await text(page, "#server-confirm-message"),
    "Está a punto de conectarse a otro servidor del portal: https://otro.example. Continúe solo si el consultorio se lo indicó.",
  );
  // In English, the app's own words (they come from the Rust side).
  await page.click("#language-en");
  await page.waitForSelector("#server-confirm-title:has-text('Change the portal server?')");
  assert.equal(
    await text(page, "#server-confirm-message"),
    "You are about to connect to a different portal server: https://otro.example. Only continue if the practice told you to.",
  );
  await page.click("#language-es");
  await page.click("#cancel-server");
  assert.equal(await text(page, "#server-status"), "La configuración del servidor no cambió.");
  await closeApp(app, assert);

  const idle = await openApp(env.browser, env.base, { idleTimeoutSecs: 4, policy: policy() }, SPANISH);
  await signIn(idle.page);
  await idle.page.waitForSelector("#policy-text");
  await idle.page.waitForSelector("#idle-warning", { timeout: 6000 });
  assert.equal(await text(idle.page, "#idle-warning-title"), "¿Sigue ahí?");
  assert.match(await text(idle.page, "#idle-warning-text"), /^Para proteger su privacidad, su sesión se cerrará en \d segundos?\.$/);
  assert.equal(await text(idle.page, "#stay-signed-in"), "Seguir con la sesión abierta");
  assert.equal(await text(idle.page, "#idle-sign-out"), "Cerrar sesión ahora");
  await axeClean(idle.page, "idle warning in Spanish");
  await idle.page.waitForSelector("#sign-in-form", { timeout: 9000 });
  assert.equal(await text(idle.page, "#sign-in-status"), "Se cerró su sesión después de 4 segundos sin actividad.");
  await closeApp(idle, assert);
});

test("a patient's main screens in Spanish: home, inbox, a conversation, a new message, account, record, authorized persons", async () => {
  const ana = { id: 7, email: DEFAULT_EMAIL, name: "Ana García", role: "patient", pools: [] };
  const scenario = {
    practice: PRACTICE,
    session: { user: ana, policy: policy({ accepted_at: "2026-03-05T17:30:00Z" }), patient_ids: [1] },
  };
  const app = await openApp(env.browser, env.base, scenario, SPANISH);
  const { page } = app;

  // Home.
  await page.waitForSelector("#home");
  assert.equal(await text(page, "#home h1"), "Le damos la bienvenida, Ana García");
  assert.equal(await text(page, "#signed-in-as"), `Sesión iniciada como Ana García (${DEFAULT_EMAIL}) · Paciente`);
  assert.equal(await text(page, "#record-heading"), "Mi expediente");
  assert.equal(await text(page, "#home-open-record"), "Abrir mi expediente");
  await page.waitForSelector("#home-unread:has-text('Tiene')");
  assert.equal(await text(page, "#home-unread"), "Tiene 3 mensajes sin leer.");
  assert.equal(await text(page, "#home-open-authorized"), "Administrar personas autorizadas");
  assert.equal(await text(page, "#policy-accepted"), "Aceptó la política del portal (versión 3) el 5 de marzo de 2026.");
  await axeClean(page, "home in Spanish");

  // Inbox: the list, relative times in Spanish, drafts.
  await page.click("#home-open-messages");
  await page.waitForSelector("#thread-list");
  assert.equal(await text(page, "#inbox h1"), "Mensajes");
  assert.equal(await text(page, "#new-message"), "Mensaje nuevo");
  assert.equal(await text(page, "#threads-heading"), "Conversaciones");
  assert.match(await text(page, "#thread-101-details"), /^Pregunta médica, Último mensaje: hace \d+ minutos, Abierta$/);
  assert.equal(await text(page, "#drafts-heading"), "Borradores");
  await axeClean(page, "inbox in Spanish");
  await screenshot(page, "i18n-inbox-es");

  // A conversation: authors, times, attachments, the reply box.
  await page.click("#thread-101-row button.open");
  await page.waitForSelector("#message-list");
  assert.equal(await text(page, "#back-to-list"), "← Volver a mensajes");
  assert.match(await text(page, "#thread-meta"), /^Pregunta médica · Abierta$/);
  assert.equal(await text(page, "#message-1001-author"), "Ana García (paciente) · usted");
  assert.match(await text(page, "#message-1002-author"), /\(médico\)$/);
  assert.match(await text(page, "#message-1003 time.when"), /^Hace \d+ minutos$/);
  assert.equal(await page.getAttribute("#message-1003 ul.attachments", "aria-label"), "Archivos adjuntos");
  assert.match(await text(page, "#message-1003"), /Guardar PDF/);
  assert.equal(await text(page, "#reply-heading"), "Responder");
  await page.waitForSelector("#reply-send");
  assert.equal(await text(page, "#reply-send"), "Enviar respuesta");
  assert.equal(await text(page, "label[for=reply-body]"), "Su respuesta");
  await axeClean(page, "conversation in Spanish");
  await screenshot(page, "i18n-thread-es");

  // A new message: the form and its checks.
  await page.click("#back-to-list");
  await page.waitForSelector("#new-message");
  await page.click("#new-message");
  await page.waitForSelector("#compose-form");
  assert.equal(await text(page, "#compose h1"), "Mensaje nuevo");
  assert.equal(await text(page, "label[for=compose-category]"), "¿Sobre qué es su mensaje?");
  assert.equal(await text(page, "label[for=compose-subject]"), "Asunto");
  assert.equal(await text(page, "#compose-send"), "Enviar mensaje");
  await page.click("#compose-send");
  await page.waitForSelector("#compose-error:has-text('Elija el tema de su mensaje.')");
  await page.selectOption("#compose-category", "appointment");
  await page.fill("#compose-subject", "Cambiar mi cita");
  await page.waitForSelector("#compose-draft-status:has-text('Guardado y cifrado en esta computadora')");
  await page.waitForSelector("#compose-discard");
  assert.equal(await text(page, "#compose-discard"), "Borrar borrador");
  await page.click("#compose-send");
  await page.waitForSelector("#compose-error:has-text('Escriba su mensaje.')");
  await axeClean(page, "new message in Spanish");

  // Account.
  await page.click("#nav-account");
  await page.waitForSelector("#devices");
  assert.equal(await text(page, "#account h1"), "Su cuenta");
  assert.equal(await text(page, "#passphrase-heading"), "Frase de contraseña");
  assert.equal(await text(page, "label[for=passphrase-current]"), "Frase de contraseña actual");
  assert.equal(await text(page, "#email-heading"), "Correo electrónico");
  assert.equal(await text(page, "#devices-heading"), "Dispositivos con sesión iniciada");
  assert.equal(await text(page, "#devices-summary"), "1 dispositivo más con sesión iniciada.");
  assert.equal(await text(page, "#second-factor-heading"), "Segundo factor");
  await page.waitForSelector("#notices-messages");
  assert.equal(await text(page, "#notices-heading"), "Avisos por correo electrónico");
  await page.click("#passphrase-submit");
  await page.waitForSelector("#passphrase-error:has-text('Escriba su frase de contraseña actual.')");
  await axeClean(page, "account in Spanish");
  await screenshot(page, "i18n-account-es");

  // Record: the summary and a section, chart words and dates in Spanish.
  await page.click("#nav-record");
  await page.waitForSelector("#record-summary");
  assert.equal(await text(page, "#record h1"), "Mi expediente");
  assert.equal(await page.getAttribute("#record-nav", "aria-label"), "Mi expediente");
  assert.equal(await text(page, "#summary-problems-heading"), "Problemas de salud activos");
  assert.equal(await text(page, "#summary-medications-heading"), "Medicamentos actuales");
  assert.equal(await text(page, "#summary-visits-heading"), "Visitas");
  assert.equal(await text(page, "#summary-open-visits"), "Todas las visitas");
  await axeClean(page, "record summary in Spanish");
  await page.click("#summary-open-visits");
  await page.waitForSelector("#section-list");
  assert.equal(await text(page, "#record h1"), "Visitas");
  assert.match(await text(page, "#section-summary"), /visitas; lo más reciente primero\.$/);
  assert.match(await text(page, "#section-list"), / de (enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre) de \d{4}/);
  await axeClean(page, "record visits in Spanish");
  await screenshot(page, "i18n-record-es");

  // Authorized persons: the list, the form and its checks.
  await page.click("#nav-home");
  await page.waitForSelector("#home-open-authorized");
  await page.click("#home-open-authorized");
  await page.waitForSelector("#grant-form-heading");
  assert.equal(await text(page, "#grants-heading"), "Quién puede actuar en su nombre");
  assert.equal(await text(page, "#grant-form-heading"), "Autorizar a alguien");
  assert.equal(await text(page, "label[for=grant-until]"), "Último día (opcional)");
  assert.equal(await text(page, "#grant-send"), "Enviar la invitación");
  await page.click("#grant-send");
  await page.waitForSelector("#grant-form-error:has-text('Escriba el nombre de la persona.')");
  await axeClean(page, "authorized persons in Spanish");
  await screenshot(page, "i18n-authorized-es");
  await closeApp(app, assert);
});

// The care team's screens, in each language: triage, a conversation with the triage actions,
// Patients (the search, its check, the front desk's invitation and authorized-person forms),
// a chart in care with its results and "Mark reviewed", a chart outside care (the reason
// asked first), and the admin's Staff screen with "Test results release". Each axe-clean, the
// document's language right, and in Spanish no text of the English catalog left on screen.
const CATALOG_FILES = Object.fromEntries(
  ["en", "es"].map((l) => [l, JSON.parse(fs.readFileSync(path.join(root, `src/lib/i18n/${l}.json`), "utf8"))]),
);

/** The English texts (whole, or as patterns around their placeholders) that Spanish says otherwise. */
function englishOnly() {
  const exact = [];
  const patterns = [];
  for (const [key, en] of Object.entries(CATALOG_FILES.en)) {
    if (en === CATALOG_FILES.es[key]) continue;
    const literal = en.replace(/\{\w+\}/g, "").trim();
    if (literal.length < 4) continue; // "{count} MB", "·": nothing to tell
    if (!en.includes("{")) exact.push(en.replace(/\s+/g, " ").trim());
    else {
      const source = en
        .split(/\{\w+\}/)
        .map((part) => part.replace(/\s+/g, " ").replace(/[.*+?^$()|[\]\\]/g, "\\$&"))
        .join(".+");
      patterns.push(`^${source.trim()}$`);
    }
  }
  return { exact, patterns };
}

/** Every visible text (and accessible name in attributes) still in English, with where it is. */
async function englishLeft(page) {
  return page.evaluate(({ exact, patterns }) => {
    const words = new Set(exact);
    const res = patterns.map((p) => new RegExp(p));
    const english = (s) => {
      const t = s.replace(/\s+/g, " ").trim();
      return t.length > 0 && (words.has(t) || res.some((r) => r.test(t)));
    };
    const found = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement;
      if (!el || !el.checkVisibility({ visibilityProperty: true }) && !el.closest(".visually-hidden")) continue;
      if (el.closest("[lang]:not(html)")?.getAttribute("lang") === "en") continue; // marked as English
      if (english(node.textContent)) found.push(`${el.tagName.toLowerCase()}#${el.id}: ${node.textContent.trim()}`);
    }
    for (const el of document.body.querySelectorAll("[aria-label], [placeholder], [title], [alt]")) {
      for (const attr of ["aria-label", "placeholder", "title", "alt"]) {
        const v = el.getAttribute(attr);
        if (v && english(v)) found.push(`${el.tagName.toLowerCase()}#${el.id} ${attr}: ${v}`);
      }
    }
    if (english(document.title.split(" – ")[0])) found.push(`title: ${document.title}`);
    return found;
  }, englishOnly());
}

const CARE_TEAM = {
  okafor: { id: 1, email: "dr.okafor@dskc.example", name: "Dr. Adaeze Okafor", role: "physician", pools: [] },
  chris: { id: 32, email: "chris.ortiz@example.com", name: "Chris Ortiz", role: "staff", pools: ["front_desk", "billing"] },
  admin: { id: 41, email: "admin@dskc.example", name: "Alex Morgan", role: "admin", pools: [] },
};
const BLAIR_FIXTURE = JSON.parse(fs.readFileSync(path.join(root, "tests/fixtures/record-blair.json"), "utf8"));
const CARE_PATIENTS = [
  { patient_id: BLAIR_FIXTURE.patientId, name: "Blair Conroy", birth_date: "1975-10-26", mrn: "DSKC-1001", in_care: true },
  { patient_id: 2, name: "Claudie Walsh", birth_date: "1988-02-14", mrn: "DSKC-1002", in_care: false },
];

function careTeamScenario() {
  return {
    practice: PRACTICE,
    policy: policy(),
    accounts: Object.values(CARE_TEAM).map((user) => ({ email: user.email, password: DEFAULT_PASSWORD, user, acceptedAt: "2026-03-05T17:30:00Z" })),
    record: { patients: CARE_PATIENTS, sections: BLAIR_FIXTURE.sections },
  };
}

for (const [language, name, locale] of [["es", "Spanish", "es-MX"], ["en", "English", "en-US"]]) {
  test(`the care team's screens in ${name}: triage, a conversation, patients, charts, staff and the results release; axe-clean`, async () => {
    const check = async (page, label) => {
      assert.equal(await lang(page), language, `<html lang> on ${label}`);
      await axeClean(page, `${label} in ${name}`);
      if (language === "es") assert.deepEqual(await englishLeft(page), [], `English left on ${label} in Spanish`);
    };

    // A physician: triage, a conversation with its actions, Patients, a chart and its results, outside care.
    const app = await openApp(env.browser, env.base, careTeamScenario(), { locale });
    const { page } = app;
    await signIn(page, CARE_TEAM.okafor.email);
    await page.waitForSelector("#home");
    await check(page, "care team's home");
    await page.click("#nav-triage");
    await page.waitForSelector("#triage-list");
    await page.waitForSelector("#thread-104-row");
    await check(page, "triage");
    await screenshot(page, `i18n-triage-${language}`);
    await page.click("#thread-104-row .open");
    await page.waitForSelector("#triage-controls");
    await page.waitForSelector("#assign-to option[value='31']", { state: "attached" });
    await page.waitForSelector("#reply-form");
    await check(page, "conversation with the triage actions");
    await page.selectOption("#assign-to", "31");
    await page.click("#assign-thread");
    await page.waitForSelector("#triage-action-status:not(:empty)");
    await check(page, "conversation after assigning");
    await screenshot(page, `i18n-thread-triage-${language}`);

    await page.click("#nav-patients");
    await page.waitForSelector("#patients");
    await check(page, "patients");
    await page.fill("#patients-query", "B");
    await page.keyboard.press("Enter");
    await page.waitForSelector("#patients-query-problem");
    await check(page, "patients with a query too short");
    await page.fill("#patients-query", "Conroy");
    await page.keyboard.press("Enter");
    await page.waitForSelector(`#patient-open-${BLAIR_FIXTURE.patientId}`);
    await check(page, "patients found");
    await page.click(`#patient-open-${BLAIR_FIXTURE.patientId}`);
    await page.waitForSelector("#record-summary");
    await check(page, "a chart in care");
    await page.click("#record-nav-results");
    await page.waitForSelector("#section-list [id$='-review-form']");
    await check(page, "a chart's results with Mark reviewed");
    await screenshot(page, `i18n-chart-results-${language}`);
    await page.click("#nav-patients");
    await page.waitForSelector("#patients");
    await page.fill("#patients-query", "Walsh");
    await page.keyboard.press("Enter");
    await page.waitForSelector("#patient-open-2");
    await page.click("#patient-open-2");
    await page.waitForSelector("#break-the-glass");
    await check(page, "a chart outside care: the reason asked");
    await page.fill("#btg-reason", "short");
    await page.click("#btg-open");
    await page.waitForSelector("#btg-reason-problem");
    await check(page, "a chart outside care: a reason too short");
    await page.fill("#btg-reason", "Seen in the emergency room tonight, on call for Dr. Patel.");
    await page.click("#btg-open");
    await page.waitForSelector("#record-outside-care");
    await check(page, "a chart opened outside care");
    await closeApp(app, assert);

    // The front desk: Patients with the invitation and the authorized-person forms.
    const desk = await openApp(env.browser, env.base, careTeamScenario(), { locale });
    await signIn(desk.page, CARE_TEAM.chris.email);
    await desk.page.waitForSelector("#home");
    await desk.page.click("#nav-patients");
    await desk.page.fill("#patients-query", "Walsh");
    await desk.page.keyboard.press("Enter");
    await desk.page.waitForSelector("#patient-invite-2");
    await check(desk.page, "front desk: patients found");
    await desk.page.click("#patient-invite-2");
    await desk.page.waitForSelector("#patient-invite-form");
    await desk.page.click("#patient-invite-send");
    await desk.page.waitForSelector("#patient-invite-error:not(:empty)");
    await check(desk.page, "front desk: the invitation form");
    await desk.page.click("#patient-invite-cancel");
    await desk.page.click("#patient-grant-2");
    await desk.page.waitForSelector("#practice-grant-form");
    await desk.page.click("#practice-grant-form button[type=submit]");
    await desk.page.waitForSelector("#practice-grant-error:not(:empty)");
    await check(desk.page, "front desk: the authorized-person form");
    await screenshot(desk.page, `i18n-patients-desk-${language}`);
    await closeApp(desk, assert);

    // The admin: Staff, and the results release with a problem.
    const admin = await openApp(env.browser, env.base, careTeamScenario(), { locale });
    await signIn(admin.page, CARE_TEAM.admin.email);
    await admin.page.waitForSelector("#home");
    await admin.page.click("#nav-staff");
    await admin.page.waitForSelector("#staff-list");
    await admin.page.waitForSelector("#release-form");
    await check(admin.page, "staff with the results release");
    await admin.page.check("#release-after_days");
    await admin.page.fill("#release-days", "45");
    await admin.page.click("#release-save");
    await admin.page.waitForSelector("#release-days-problem");
    await check(admin.page, "the results release with a problem");
    await closeApp(admin, assert);
  });
}
