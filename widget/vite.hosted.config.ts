/**
 * The hosted connect page: `hosted/index.html` + `hosted/main.tsx` built into `dist-hosted/`, with React bundled, its
 * files under `/connect/assets/` where the server serves them (`GET /connect`, `/connect/assets/*`).
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('./hosted/', import.meta.url)),
  base: '/connect/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist-hosted/', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    // Served under a strict CSP (script-src 'self'): no inline module preload polyfill.
    modulePreload: { polyfill: false },
  },
});
