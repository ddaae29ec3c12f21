#!/usr/bin/env node
// Builds the browser packages the server serves when their output is missing or older than their sources, so
// `pnpm start` and `pnpm test` serve the current `/connect` page (widget) and `/`, `/dashboard` pages (dashboard).
// Importable (run-tests.mjs) or runnable.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

/** In build order: the dashboard bundles the widget's and the providers' sources, so their changes rebuild it too. */
const BUILDS = [
  {
    name: 'the widget (widget/dist, widget/dist-hosted)',
    filter: './widget',
    output: 'widget/dist-hosted/index.html',
    sources: [
      'widget/src',
      'widget/hosted',
      'widget/vite.config.ts',
      'widget/vite.hosted.config.ts',
      'widget/package.json',
    ],
    failure: '/connect will answer 503 hosted_page_not_built.',
  },
  {
    name: 'the dashboard (dashboard/dist)',
    filter: './dashboard',
    output: 'dashboard/dist/index.html',
    sources: [
      'dashboard/src',
      'dashboard/index.html',
      'dashboard/vite.config.ts',
      'dashboard/package.json',
      'widget/src',
      'providers/src',
      'schema/src',
    ],
    failure: '/ and /dashboard will answer 503 dashboard_not_built.',
  },
];

function newestMtime(target) {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(target)) newest = Math.max(newest, newestMtime(path.join(target, entry)));
  return newest;
}

function ensureBuild(build) {
  const built = path.join(root, build.output);
  const newestSource = Math.max(...build.sources.map((source) => newestMtime(path.join(root, source))));
  if (existsSync(built) && statSync(built).mtimeMs >= newestSource) return;
  console.log(`Building ${build.name}…`);
  // The pnpm running this script (npm_execpath), so a machine with only `npx pnpm` and no global pnpm works too.
  const pnpm = process.env.npm_execpath;
  const args = ['--filter', build.filter, 'build'];
  const result =
    pnpm !== undefined && /pnpm/.test(path.basename(pnpm)) && pnpm.endsWith('js')
      ? spawnSync(process.execPath, [pnpm, ...args], { cwd: root, stdio: 'inherit' })
      : spawnSync('pnpm', args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) {
    console.error(`The build of ${build.name} failed: ${build.failure}`);
    process.exitCode = 1;
  }
}

export function ensureBuilds() {
  for (const build of BUILDS) ensureBuild(build);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) ensureBuilds();
