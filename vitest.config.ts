import { defineConfig } from 'vitest/config';

/** One run over every package; each package is a project so its tests keep their own root. */
export default defineConfig({
  test: {
    projects: [
      ...['schema', 'providers', 'server', 'dashboard', 'test'].map((name) => ({
        // graphql 16 has no exports map: Vite would load its ESM build while Pothos and Yoga (loaded by Node) get the
        // CJS one, and schema building fails with "another module or realm". One build for everyone.
        resolve: { alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }] },
        test: {
          name,
          root: `./${name}`,
          include: ['**/*.test.ts', '**/*.test.tsx'],
          // The fault drills run as their own project (`pnpm test:faults`): they restart databases and kill processes.
          exclude: ['**/node_modules/**', ...(name === 'test' ? ['faults/**'] : [])],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Prints which @nangohq/node methods the SDK suites covered (test/src/nango-node/coverage.ts).
          ...(name === 'test' ? { globalSetup: ['./src/nango-node/coverage-report.ts'] } : {}),
        },
      })),
      {
        test: {
          name: 'faults',
          root: './test',
          include: ['faults/**/*.test.ts'],
          exclude: ['**/node_modules/**'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
      // The widget's component tests render in jsdom (a file may opt out with `// @vitest-environment node`); the real
      // Latchkey they talk to runs in the global setup, outside jsdom's realm.
      {
        resolve: { alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }] },
        test: {
          name: 'widget',
          root: './widget',
          environment: 'jsdom',
          globalSetup: ['./test/support/global-setup.ts'],
          include: ['**/*.test.ts', '**/*.test.tsx'],
          exclude: ['**/node_modules/**', '**/dist/**', '**/dist-hosted/**'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
