// Builds tests/units.ts (the UI's plain-TypeScript modules) into one ES module that the unit
// tests import in Node (they need no browser).
import { defineConfig } from "vite";

export default defineConfig({
  logLevel: "warn",
  publicDir: false,
  build: {
    outDir: "tests/.harness/units",
    emptyOutDir: true,
    target: "node20",
    minify: false,
    lib: {
      entry: "tests/units.ts",
      formats: ["es"],
      fileName: () => "units.js",
    },
  },
});
