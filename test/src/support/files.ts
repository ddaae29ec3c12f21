import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/** Every regular file under `dir`, recursively. */
export async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
}

/** Files under `dir` whose raw bytes contain `needle` anywhere (binary database pages included). */
export async function filesContaining(dir: string, needle: string): Promise<string[]> {
  const bytes = Buffer.from(needle, 'utf8');
  const hits: string[] = [];
  for (const file of await listFiles(dir)) {
    if ((await readFile(file)).includes(bytes)) hits.push(file);
  }
  return hits;
}
