/**
 * Which host paths the guest must see, and the per-boot initramfs that tells its /init. The guest mounts
 * fresh tmpfs over /tmp, /run, /root and /var/tmp of the host root (which is read-only over 9p), so a
 * checkout under one of them — /tmp/x, /root/x — would vanish; init.sh binds each listed path back.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildCpioNewc } from './cpio.ts';
import { repoRoot } from './paths.ts';

/** The repository (node_modules, .vm-cache, the tests) and ../shared beside it (the corpus). */
export const defaultGuestPaths: readonly string[] = [
  repoRoot.replace(/\/$/, ''),
  resolve(repoRoot, '../shared'),
];

/** A second, tiny cpio archive; the kernel unpacks concatenated archives in order. */
export function exposeArchive(paths: readonly string[]): Buffer {
  for (const path of paths) {
    if (!path.startsWith('/') || path.includes('\n'))
      throw new Error(`cannot expose ${JSON.stringify(path)}`);
  }
  const list = Buffer.from(paths.map((p) => `${p}\n`).join(''));
  return gzipSync(buildCpioNewc([{ kind: 'file', path: 'etc/ferry/expose', data: list }]));
}

/** Writes the cached initramfs followed by the expose list to `target`, for one boot. */
export async function writeBootInitrd(
  initramfs: string,
  paths: readonly string[],
  target: string,
): Promise<void> {
  await writeFile(target, Buffer.concat([await readFile(initramfs), exposeArchive(paths)]));
}
