import { defineConfig } from 'vitest/config';

/** One run over every package; each package is a project so its tests keep their own root. */
export default defineConfig({
  test: {
    projects: ['schema', 'providers', 'server', 'test'].map((name) => ({
      test: {
        name,
        root: `./${name}`,
        include: ['**/*.test.ts', '**/*.test.tsx'],
        exclude: ['**/node_modules/**'],
        testTimeout: 60_000,
        hookTimeout: 120_000,
      },
    })),
  },
});
