/**
 * Tiny static C helpers for what the guest cannot do from Node (e.g. hidraw ioctls). The source is
 * committed under tests/vm/; the binary is built with the host's gcc into .vm-cache/bin/, keyed by a
 * hash of the source, and reaches the guest through the 9p host root at the same path.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename } from 'node:fs/promises';
import { defaultLog } from './assets.ts';
import { ensureHostPackages, type Log, run } from './host-tools.ts';
import { cacheDir } from './paths.ts';

/** Builds tests/vm/<name>.c if needed; returns the absolute path of the binary (same in the guest). */
export async function ensureStaticHelper(name: string, log: Log = defaultLog): Promise<string> {
  const source = new URL(`./${name}.c`, import.meta.url).pathname;
  const hash = createHash('sha256')
    .update(await readFile(source))
    .digest('hex')
    .slice(0, 12);
  const binary = `${cacheDir}/bin/${name}-${hash}`;
  if (existsSync(binary)) return binary;
  await ensureHostPackages(log);
  await mkdir(`${cacheDir}/bin`, { recursive: true });
  log(`compiling ${source} (gcc -static)`);
  await run('gcc', ['-static', '-O2', '-Wall', '-Werror', '-o', `${binary}.partial`, source]);
  await rename(`${binary}.partial`, binary);
  return binary;
}
