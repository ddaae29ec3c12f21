/**
 * The operator dashboard, built into `dist/` and served by the server under `/dashboard/` (`/`, `/setup` and
 * `/dashboard/*` answer `index.html`). The page runs under `script-src 'self'`: no inline scripts, so no module
 * preload polyfill. Pages other than sign-in and home, and uPlot, are split into their own chunks by their dynamic
 * imports (router.tsx, components/ui/time-series-chart.tsx), which keeps the first load small.
 */
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** Where `pnpm --filter ./dashboard dev` sends API calls: a server started with `pnpm start`. */
const API_ORIGIN = process.env.LATCHKEY_DEV_API ?? 'http://localhost:3003';

export default defineConfig({
  base: '/dashboard/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    modulePreload: { polyfill: false },
    sourcemap: false,
    target: 'es2022',
  },
  server: {
    proxy: {
      '/trpc': API_ORIGIN,
      '/graphql': API_ORIGIN,
      '/operator-auth': API_ORIGIN,
      '/connect': API_ORIGIN,
      '/images': API_ORIGIN,
    },
  },
});
