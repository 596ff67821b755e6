import { vitePreprocess } from "@sveltejs/vite-plugin-svelte";

/** @type {import("@sveltejs/vite-plugin-svelte").SvelteConfig} */
export default {
  preprocess: vitePreprocess(),
  compilerOptions: {
    // Styles go to a CSS file (style-src 'self'); never injected at runtime.
    css: "external",
    runes: true,
  },
};
