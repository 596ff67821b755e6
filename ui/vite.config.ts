import { defineConfig } from "vite";
import { svelte } from "@sveltejs/vite-plugin-svelte";

// Tauri sets TAURI_ENV_PLATFORM while building; WebView2 on Windows is Chromium,
// WebKitGTK/WKWebView elsewhere.
const platform = process.env.TAURI_ENV_PLATFORM;

export default defineConfig({
  plugins: [svelte()],
  clearScreen: false,
  envPrefix: ["VITE_", "TAURI_ENV_"],
  server: {
    port: 1420,
    strictPort: true,
    watch: { ignored: ["**/src-tauri/**"] },
  },
  build: {
    target: platform === "windows" ? "chrome105" : "safari13",
    outDir: "dist",
    emptyOutDir: true,
    cssCodeSplit: false,
    // Keep everything in files served by the app itself (CSP: default-src 'self').
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
  },
});
