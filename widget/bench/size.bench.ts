/**
 * `pnpm bench:widget`: the minified and gzipped size of what an app ships — the React components with their hooks
 * and styles (React excluded, it is the app's), the framework-free `connect()` alone, and `@nangohq/frontend` bundled
 * the same way for comparison. Each is built with Vite's JS API into a temporary directory, minified, and every
 * emitted JS chunk is gzipped (level 9) with node:zlib.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { build } from 'vite';

const widgetDir = fileURLToPath(new URL('..', import.meta.url));
const REACT_EXTERNALS = [/^react($|\/)/, /^react-dom($|\/)/];

interface Row {
  name: string;
  /** The module text of the entry: what an app imports. */
  entry: string;
  external: RegExp[];
  /** Target for the gzipped size, in bytes. */
  targetGzip?: number;
}

const ROWS: Row[] = [
  {
    name: 'components + hooks + styles (React external)',
    entry: `export * from ${JSON.stringify(path.join(widgetDir, 'src/index.ts'))};`,
    external: REACT_EXTERNALS,
    targetGzip: 30 * 1024,
  },
  {
    name: 'connect() alone (core entry)',
    entry: `export { connect } from ${JSON.stringify(path.join(widgetDir, 'src/core/index.ts'))};`,
    external: [],
    targetGzip: 4 * 1024,
  },
  {
    name: '@nangohq/frontend (for comparison)',
    entry: `export { default } from ${JSON.stringify(fileURLToPath(import.meta.resolve('@nangohq/frontend')))};`,
    external: [],
  },
];

async function measure(row: Row, workDir: string): Promise<{ min: number; gzip: number }> {
  const slug = row.name.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
  const entryFile = path.join(workDir, `${slug}.entry.ts`);
  const outDir = path.join(workDir, slug);
  writeFileSync(entryFile, row.entry);
  await build({
    configFile: false,
    logLevel: 'silent',
    root: widgetDir,
    plugins: [react()],
    define: { 'process.env.NODE_ENV': '"production"' },
    build: {
      outDir,
      emptyOutDir: true,
      minify: true,
      sourcemap: false,
      copyPublicDir: false,
      reportCompressedSize: false,
      rollupOptions: {
        input: entryFile,
        external: row.external,
        preserveEntrySignatures: 'exports-only',
        output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
      },
    },
  });
  let min = 0;
  let gzip = 0;
  for (const file of readdirSync(outDir, { recursive: true, encoding: 'utf8' })) {
    if (!file.endsWith('.js')) continue;
    const code = readFileSync(path.join(outDir, file));
    min += code.length;
    gzip += gzipSync(code, { level: 9 }).length;
  }
  return { min, gzip };
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(2)} kB`;

async function main() {
  const workDir = mkdtempSync(path.join(tmpdir(), 'latchkey-widget-size-'));
  try {
    const lines = [['bundle', 'minified', 'gzipped', 'target (gzipped)', ''].join(' | ')];
    let failed = false;
    for (const row of ROWS) {
      const { min, gzip } = await measure(row, workDir);
      const within = row.targetGzip === undefined ? undefined : gzip <= row.targetGzip;
      if (within === false) failed = true;
      lines.push(
        [
          row.name,
          kb(min),
          kb(gzip),
          row.targetGzip === undefined ? '-' : `< ${kb(row.targetGzip)}`,
          within === undefined ? '' : within ? 'ok' : 'OVER',
        ].join(' | '),
      );
    }
    console.log(lines.join('\n'));
    if (failed) process.exitCode = 1;
  } finally {
    if (process.env.KEEP_BENCH_OUTPUT) console.log(workDir);
    else rmSync(workDir, { recursive: true, force: true });
  }
}

await main();
