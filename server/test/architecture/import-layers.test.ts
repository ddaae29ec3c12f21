/**
 * Imports in server/src run downward only (scripts/import-graph.mjs names the layers), and each auth mode lives in
 * its own folder behind the one interface, registered in one table.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allAuthModes } from '../../src/auth-modes/registry';

const ROOT = join(import.meta.dirname, '../../..');

function graph(): { edges: Record<string, number>; upward: string[]; mutual: string[] } {
  const output = execFileSync(process.execPath, ['scripts/import-graph.mjs', 'server/src', '--json'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return JSON.parse(output);
}

describe('server/src layering', () => {
  it('has no import running upward, and the auth layers import no service', () => {
    const { edges, upward, mutual } = graph();
    expect(upward).toEqual([]);
    const fromAuthLayers = Object.keys(edges).filter((edge) =>
      /^(auth-modes|provider-requests) → /.test(edge),
    );
    expect(fromAuthLayers.every((edge) => /→ (provider-requests|platform)$/.test(edge))).toBe(true);
    expect(mutual.filter((pair) => /auth-flows|auth-modes|provider-requests|proxy/.test(pair))).toEqual([]);
  });

  it('catches an upward import when there is one', () => {
    // The checker itself is exercised on a known violation so that a broken regex cannot pass silently.
    const output = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "import { layerOf } from './scripts/import-graph.mjs'; console.log(JSON.stringify([layerOf('auth-modes'), layerOf('proxy'), layerOf('platform', 'x/connection.table.ts'), layerOf('transports')]));",
      ],
      { cwd: ROOT, encoding: 'utf8' },
    );
    const [modes, service, table, transport] = JSON.parse(output) as number[];
    expect(modes).toBeLessThan(service!);
    expect(table).toBeLessThan(modes!);
    expect(service).toBeLessThan(transport!);
  });

  it('gives each auth mode its own folder with one handler, all in the registry', () => {
    const dir = join(ROOT, 'server/src/auth-modes');
    const folders = readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
    const handlerFiles = folders.filter((folder) =>
      readdirSync(join(dir, folder)).some((file) => file === `${folder}.mode.ts`),
    );
    expect(handlerFiles.sort()).toEqual(folders.sort());
    expect(allAuthModes().length).toBe(folders.length);
    expect(new Set(allAuthModes().map((mode) => mode.mode)).size).toBe(folders.length);
  });
});
