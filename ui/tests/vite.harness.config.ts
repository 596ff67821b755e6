// Builds tests/ipc-mock.ts into a single IIFE that the Chromium tests inject
// before the app's own scripts (page.addInitScript).
import { defineConfig } from "vite";

export default defineConfig({
  logLevel: "warn",
  publicDir: false,
  build: {
    outDir: "tests/.harness",
    emptyOutDir: true,
    target: "es2020",
    minify: false,
    lib: {
      entry: "tests/ipc-mock.ts",
      formats: ["iife"],
      name: "PortalIpcMock",
      fileName: () => "ipc-mock.js",
    },
  },
});
