/**
 * The library build: `dist/index.js` (components, hooks, styles, core) and `dist/core.js` (framework-free
 * `connect()` alone). React stays a peer: it and its JSX runtime are never bundled. Types come from
 * `tsc -p tsconfig.build.json` (see the `build` script).
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export const REACT_EXTERNALS = [/^react($|\/)/, /^react-dom($|\/)/];

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    lib: {
      entry: {
        index: fileURLToPath(new URL('./src/index.ts', import.meta.url)),
        core: fileURLToPath(new URL('./src/core/index.ts', import.meta.url)),
      },
      formats: ['es'],
    },
    rollupOptions: { external: REACT_EXTERNALS },
  },
});
