/**
 * Other sites' pages get no CORS answers by default: a test whose app page runs on another origin than Latchkey (a
 * loopback port of its own) lists that origin in the environment's allowed origins, as an operator would.
 */
import { patchEnvironment } from './public-key-flows';

type Api = Parameters<typeof patchEnvironment>[0];

export async function allowOrigins(api: Api, origins: string[]): Promise<void> {
  await patchEnvironment(api, { allowedOrigins: origins });
}
