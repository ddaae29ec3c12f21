#!/usr/bin/env node
// Runs the whole suite once and ends with the line CI reads: `N passed, N failed` (plus skipped when any).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ensureBuilds } from './ensure-builds.mjs';

const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const outDir = path.join(root, '.test-results');
mkdirSync(outDir, { recursive: true });
// The hosted connect page, the dashboard and their browser tests need the widget and the dashboard built.
ensureBuilds();
const outFile = path.join(outDir, 'vitest.json');

const result = spawnSync(
  process.execPath,
  [
    path.join(root, 'node_modules/vitest/vitest.mjs'),
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile=${outFile}`,
    ...process.argv.slice(2),
  ],
  { cwd: root, stdio: 'inherit', env: process.env },
);

let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const report = JSON.parse(readFileSync(outFile, 'utf8'));
  passed = report.numPassedTests;
  failed = report.numFailedTests;
  skipped = report.numPendingTests + report.numTodoTests;
  // A file that fails to load counts no test; make sure it still fails the run.
  if (report.numFailedTestSuites > 0 && failed === 0) failed = report.numFailedTestSuites;
} catch {
  failed = Math.max(failed, 1);
}
const code = result.status === 0 && failed === 0 ? 0 : 1;
console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
process.exit(code);
