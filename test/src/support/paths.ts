import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const SERVER_DIR = fileURLToPath(new URL('../../../server', import.meta.url));
/** tsx's own CLI, run by the current node: the loader `pnpm start` uses, without pnpm in between. */
export const TSX_CLI = path.join(SERVER_DIR, 'node_modules/tsx/dist/cli.mjs');
export const SERVER_MAIN = path.join(SERVER_DIR, 'src/main.ts');
export const SERVER_CLI = path.join(SERVER_DIR, 'src/cli/latchkey.ts');
