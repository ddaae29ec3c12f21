#!/usr/bin/env node
/**
 * Which folder of server/src imports which, and whether any import runs upward through the layers:
 *
 *   composition (top-level files, cli) → transports → services → auth-modes → provider-requests → platform
 *
 * Services (every other domain folder, and services.ts, their container) may import one another; nothing may import a
 * layer above its own. Table declarations (`*.table.ts`: row types only, importing nothing of ours) count as the
 * storage schema, at the platform's level, since the database module composes them into one Kysely type.
 * Usage: node scripts/import-graph.mjs [server/src] [--json]. Exits 1 when an import runs upward.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const LAYERS = { platform: 0, 'provider-requests': 1, 'auth-modes': 2, transports: 4, cli: 5, '.': 5 };
const SERVICE_LAYER = 3;

export function layerOf(folder, path = '') {
  if (/\.table(\.ts)?$/.test(path)) return 0;
  return LAYERS[folder] ?? SERVICE_LAYER;
}

function* sourceFiles(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sourceFiles(path);
    else if (/\.tsx?$/.test(name) && !name.endsWith('.d.ts')) yield path;
  }
}

/** The first folder under the root a path belongs to ('.' for files at the root). */
function folderOf(root, path) {
  const parts = relative(root, path).split(/[\\/]/);
  if (parts.length > 1) return parts[0];
  // services.ts is the services' container, not a composition root: it gets its own node.
  return /^services(\.ts)?$/.test(parts[0]) ? 'services.ts' : '.';
}

export function importGraph(root) {
  const edges = new Map();
  /** Folder pairs linked by more than table declarations (which the database module composes by design). */
  const behavioural = new Set();
  const upward = [];
  for (const file of sourceFiles(root)) {
    const from = folderOf(root, file);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/(?:import|export)[^'"]*?from\s+['"](\.{1,2}\/[^'"]+)['"]/g)) {
      const target = resolve(dirname(file), match[1]);
      if (relative(root, target).startsWith('..')) continue; // package.json and the like: not a layer
      const to = folderOf(root, target);
      if (to === from) continue;
      const key = `${from} → ${to}`;
      edges.set(key, (edges.get(key) ?? 0) + 1);
      if (!/\.table(\.ts)?$/.test(target)) behavioural.add(key);
      if (layerOf(to, target) > layerOf(from, file))
        upward.push(`${relative(root, file)} imports ${match[1]}`);
    }
  }
  // Two folders importing each other: neither sits below the other, so one of them holds the wrong code.
  const mutual = [...behavioural]
    .map((edge) => edge.split(' → '))
    .filter(([a, b]) => a < b && behavioural.has(`${b} → ${a}`))
    .map(([a, b]) => `${a} ⇄ ${b}`);
  return { edges: [...edges.entries()].sort(([a], [b]) => a.localeCompare(b)), upward, mutual };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = resolve(process.argv.find((arg, i) => i > 1 && !arg.startsWith('--')) ?? 'server/src');
  const { edges, upward, mutual } = importGraph(root);
  if (process.argv.includes('--json')) {
    process.stdout.write(
      `${JSON.stringify({ edges: Object.fromEntries(edges), upward, mutual }, null, 2)}\n`,
    );
  } else {
    for (const [edge, count] of edges) process.stdout.write(`${edge} (${count})\n`);
    process.stdout.write(`\n${upward.length} upward import(s)\n`);
    for (const line of upward) process.stdout.write(`  ${line}\n`);
    process.stdout.write(`${mutual.length} pair(s) of folders importing each other\n`);
    for (const line of mutual) process.stdout.write(`  ${line}\n`);
  }
  process.exitCode = upward.length > 0 ? 1 : 0;
}
