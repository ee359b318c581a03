// Vite configuration: a relative base so the same dist/ serves from `cashline serve` and the Tauri window.
import { defineConfig } from 'vite';

// During `npm run dev`, API calls can be proxied to a running `cashline serve`
// (set CASHLINE_SERVE_ORIGIN=http://127.0.0.1:PORT and open /?token=... on the dev server).
// (Declared here rather than pulling in @types/node for one variable.)
declare const process: { env: Record<string, string | undefined> };
const serveOrigin = process.env.CASHLINE_SERVE_ORIGIN;

export default defineConfig({
  base: './',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The polyfill is not needed by the Tauri webviews or current browsers, and leaving it
    // out keeps the built HTML free of anything but external module scripts.
    modulePreload: { polyfill: false },
    target: 'es2022',
  },
  server: serveOrigin ? { proxy: { '/api': serveOrigin } } : {},
});
