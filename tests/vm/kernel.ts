/**
 * The guest kernel: Debian's current `linux-image-*-amd64`, downloaded with `apt-get download` and
 * unpacked with `dpkg-deb -x` into .vm-cache/kernel/<package>/ — never installed on the host.
 * `depmod -b` then writes modules.dep / modules.alias, which the .deb does not ship.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { type Log, run } from './host-tools.ts';
import { cacheDir } from './paths.ts';

export interface GuestKernel {
  readonly version: string;
  readonly vmlinuz: string;
  /** Host path of lib/modules/<version>/ (the guest bind-mounts it at /lib/modules over 9p). */
  readonly modulesDir: string;
}

/** The image package the `linux-image-amd64` metapackage currently points at (override: FERRY_VM_KERNEL). */
async function currentImagePackage(): Promise<string> {
  const pinned = process.env.FERRY_VM_KERNEL;
  if (pinned) return pinned;
  const depends = await run('apt-cache', ['depends', 'linux-image-amd64']);
  const match = /Depends: (linux-image-[\w.+-]+-amd64)\b/.exec(depends);
  if (!match?.[1]) throw new Error(`cannot find the Debian kernel package in:\n${depends}`);
  return match[1];
}

function describe(root: string, pkg: string): GuestKernel {
  const version = pkg.replace(/^linux-image-/, '');
  return {
    version,
    vmlinuz: `${root}/boot/vmlinuz-${version}`,
    modulesDir: `${root}/lib/modules/${version}`,
  };
}

async function downloadAndExtract(pkg: string, root: string, log: Log): Promise<void> {
  const work = `${root}.partial`;
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  log(`downloading ${pkg} (apt-get download) into ${work}`);
  await run('apt-get', ['download', pkg], work);
  const deb = (await readdir(work)).find((f) => f.endsWith('.deb'));
  if (!deb) throw new Error(`apt-get download ${pkg} produced no .deb`);
  log(`extracting ${deb}`);
  await run('dpkg-deb', ['-x', deb, 'root'], work);
  await run('depmod', ['-b', `${work}/root`, pkg.replace(/^linux-image-/, '')]);
  await rm(`${work}/${deb}`);
  await rename(`${work}/root`, root);
  await rm(work, { recursive: true, force: true });
  await writeFile(`${root}/.complete`, `${pkg}\n`);
}

/** Idempotent: reuses .vm-cache/kernel/<package>/ when it is complete. */
export async function ensureGuestKernel(log: Log): Promise<GuestKernel> {
  const pkg = await currentImagePackage();
  const root = `${cacheDir}/kernel/${pkg}`;
  if (!existsSync(`${root}/.complete`)) {
    await rm(root, { recursive: true, force: true });
    await downloadAndExtract(pkg, root, log);
  }
  return describe(root, pkg);
}
