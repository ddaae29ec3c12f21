#!/usr/bin/env node
// Builds the operator dashboard when `dashboard/dist` is missing or older than its sources, so `pnpm start` and
// `pnpm test` serve the current `/dashboard` pages. Importable (run-tests.mjs) or runnable.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const dashboard = path.join(root, 'dashboard');

function newestMtime(target) {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(target)) newest = Math.max(newest, newestMtime(path.join(target, entry)));
  return newest;
}

export function ensureDashboardBuild() {
  const built = path.join(dashboard, 'dist', 'index.html');
  const sources = ['src', 'index.html', 'vite.config.ts', 'package.json'].map((name) =>
    newestMtime(path.join(dashboard, name)),
  );
  if (existsSync(built) && statSync(built).mtimeMs >= Math.max(...sources)) return;
  console.log('Building the dashboard (dashboard/dist)…');
  // The pnpm running this script (npm_execpath), so a machine with only `npx pnpm` and no global pnpm works too.
  const pnpm = process.env.npm_execpath;
  const args = ['--filter', './dashboard', 'build'];
  const result =
    pnpm !== undefined && /pnpm/.test(path.basename(pnpm)) && pnpm.endsWith('js')
      ? spawnSync(process.execPath, [pnpm, ...args], { cwd: root, stdio: 'inherit' })
      : spawnSync('pnpm', args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) {
    console.error('The dashboard build failed: / and /dashboard will answer 503 dashboard_not_built.');
    process.exitCode = 1;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1]))
  ensureDashboardBuild();
