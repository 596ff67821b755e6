// The plain-TypeScript modules the unit tests (tests/*.unit.test.mjs) exercise in Node,
// built into one ES module (tests/vite.units.config.ts): no window, no IPC, fakes only.
export * from "../src/lib/send-flow";
export * from "../src/lib/emergency-check";
export * from "../src/lib/file-drop";
export * from "../src/lib/attachments";
export * from "../src/lib/staff";
export * from "../src/lib/ipc/generated/values";
export * from "../src/lib/record-words";
export * from "../src/lib/record-entries";
export * from "../src/lib/trend";
export * from "../src/lib/result-release";
export * from "../src/lib/grant-form";
export * from "../src/lib/i18n/core";
export * from "../src/lib/format";
