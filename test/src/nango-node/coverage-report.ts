/**
 * Vitest global setup of the `test` project: gives the SDK suites a file to record their calls in, and after the run
 * prints which `@nangohq/node` methods were covered and which of the auth surface were not. A method of the SDK's
 * class that is in neither list of coverage.ts is printed too, so a new SDK release cannot slip methods past us.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Nango } from '@nangohq/node';
import type { TestProject } from 'vitest/node';
import { AUTH_SURFACE, NOT_SUPPORTED_SURFACE } from './coverage';

export default function setup(project: TestProject) {
  const dir = mkdtempSync(path.join(tmpdir(), 'nango-node-coverage-'));
  const file = path.join(dir, 'calls.txt');
  project.provide('nangoCoverageFile', file);

  return () => {
    let calls: string[] = [];
    try {
      calls = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    } catch {
      // No SDK suite ran in this invocation.
    }
    rmSync(dir, { recursive: true, force: true });
    if (calls.length === 0) return;
    const covered = new Set(calls);
    const known = new Set<string>([...AUTH_SURFACE, ...NOT_SUPPORTED_SURFACE]);
    const sdkMethods = Object.getOwnPropertyNames(Nango.prototype).filter(
      (name) =>
        name !== 'constructor' &&
        !name.startsWith('_') &&
        typeof Reflect.get(Nango.prototype, name) === 'function',
    );
    const privateMethods = new Set(['getConnectionDetails', 'enrichHeaders']);
    const unclassified = sdkMethods.filter((name) => !known.has(name) && !privateMethods.has(name));
    const line = (names: readonly string[]) => (names.length === 0 ? '(none)' : names.join(', '));
    const authCovered = AUTH_SURFACE.filter((name) => covered.has(name));
    const authMissing = AUTH_SURFACE.filter((name) => !covered.has(name));
    const refusedCovered = NOT_SUPPORTED_SURFACE.filter((name) => covered.has(name));
    console.log(
      [
        '',
        '@nangohq/node methods exercised against Latchkey:',
        `  auth surface covered (${authCovered.length}/${AUTH_SURFACE.length}): ${line(authCovered)}`,
        `  auth surface NOT covered: ${line(authMissing)}`,
        `  sync/functions methods checked to answer not_supported (${refusedCovered.length}/${NOT_SUPPORTED_SURFACE.length}): ${line(refusedCovered)}`,
        `  SDK methods in neither list: ${line(unclassified)}`,
        '',
      ].join('\n'),
    );
  };
}
