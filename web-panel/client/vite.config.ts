import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// Paths come from this file's location so the build works from any cwd (npm script or IDE).
const clientDir = fileURLToPath(new URL('.', import.meta.url));
const outDir = fileURLToPath(new URL('../../dist/web-panel/', import.meta.url));
// The dev server proxies to a locally running `lathe start`; 8080 is its default panel port.
const backend = 'http://127.0.0.1:8080';

export default defineConfig({
  root: clientDir,
  base: '/',
  // No public/ folder: everything the page needs is imported from main.ts.
  publicDir: false,
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
    // A single entry chunk, nothing to preload: skip the polyfill.
    modulePreload: { polyfill: false },
  },
  server: {
    proxy: {
      '/ws': { target: backend, ws: true },
      '/api': { target: backend },
    },
  },
});
