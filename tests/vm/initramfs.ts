/**
 * The guest's initramfs: static busybox, the init and agent scripts from tests/vm/guest/, and the
 * kernel modules needed before the host root is mounted (virtio, 9p, console port, network) plus the
 * HID and USB stacks the tests exercise. Everything else is modprobe'd from the host-extracted module
 * tree over 9p. Cached under a hash of its inputs, so a second run reuses it.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { buildCpioNewc, type CpioEntry } from './cpio.ts';
import type { Log } from './host-tools.ts';
import type { GuestKernel } from './kernel.ts';
import { parseModulesDep, resolveLoadOrder } from './modules.ts';
import { cacheDir } from './paths.ts';

/** Loaded by /init in this order (dependencies are added by resolveLoadOrder). */
export const BOOT_MODULES = [
  // The agent's virtio-serial port, the 9p host root, user networking.
  'virtio_pci',
  'virtio_console',
  '9pnet_virtio',
  '9p',
  'virtio_net',
  // HID: uhid and the drivers a uhid/usbip/usb-redir HID device binds to.
  'hid',
  'hid_generic',
  'uhid',
  'usbhid',
  'evdev',
  // USB host controllers: xHCI for `-device qemu-xhci` + usb-redir, vhci for `usbip attach`.
  'xhci_pci',
  'vhci_hcd',
];

const guestScript = (name: string): URL => new URL(`./guest/${name}`, import.meta.url);

async function scriptEntries(): Promise<CpioEntry[]> {
  const file = async (path: string, name: string): Promise<CpioEntry> => ({
    kind: 'file',
    path,
    data: await readFile(guestScript(name)),
    mode: 0o755,
  });
  return [await file('init', 'init.sh'), await file('bin/ferry-agent', 'agent.sh')];
}

function skeleton(): CpioEntry[] {
  const dirs = ['bin', 'dev', 'etc', 'etc/ferry', 'lib', 'lib/modules', 'proc', 'sys', 'tmp', 'host'];
  return [
    ...dirs.map((path): CpioEntry => ({ kind: 'dir', path })),
    // The kernel opens /dev/console for init's stdio before /init can mount devtmpfs.
    { kind: 'chardev', path: 'dev/console', major: 5, minor: 1 },
  ];
}

function moduleDirs(paths: readonly string[]): CpioEntry[] {
  const dirs = new Set<string>();
  for (const path of paths) {
    const parts = path.split('/').slice(0, -1);
    for (let i = 1; i <= parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  return [...dirs].sort().map((dir): CpioEntry => ({ kind: 'dir', path: `lib/modules/${dir}` }));
}

async function moduleEntries(kernel: GuestKernel): Promise<CpioEntry[]> {
  const index = parseModulesDep(await readFile(`${kernel.modulesDir}/modules.dep`, 'utf8'));
  const order = resolveLoadOrder(index, BOOT_MODULES);
  const files = await Promise.all(
    order.map(
      async (path): Promise<CpioEntry> => ({
        kind: 'file',
        path: `lib/modules/${path}`,
        data: await readFile(`${kernel.modulesDir}/${path}`),
      }),
    ),
  );
  const list: CpioEntry = {
    kind: 'file',
    path: 'etc/ferry/boot-modules',
    data: Buffer.from(`${order.join('\n')}\n`),
  };
  return [...moduleDirs(order), ...files, list];
}

async function buildImage(kernel: GuestKernel): Promise<Buffer> {
  const busybox: CpioEntry = {
    kind: 'file',
    path: 'bin/busybox',
    data: await readFile('/bin/busybox'),
    mode: 0o755,
  };
  const entries = [...skeleton(), busybox, ...(await scriptEntries()), ...(await moduleEntries(kernel))];
  return gzipSync(buildCpioNewc(entries), { level: 6 });
}

async function inputsHash(kernel: GuestKernel): Promise<string> {
  const hash = createHash('sha256').update(kernel.version).update(BOOT_MODULES.join(','));
  for (const name of ['init.sh', 'agent.sh']) hash.update(await readFile(guestScript(name)));
  hash.update(await readFile('/bin/busybox'));
  return hash.digest('hex').slice(0, 16);
}

/** Idempotent; returns the path of .vm-cache/initramfs-<hash>.cpio.gz. */
export async function ensureInitramfs(kernel: GuestKernel, log: Log): Promise<string> {
  const path = `${cacheDir}/initramfs-${await inputsHash(kernel)}.cpio.gz`;
  if (existsSync(path)) return path;
  log(`building ${path}`);
  const image = await buildImage(kernel);
  await writeFile(`${path}.partial`, image);
  await rename(`${path}.partial`, path);
  await removeStaleImages(path);
  return path;
}

/** Images built from older inputs are never used again. */
async function removeStaleImages(current: string): Promise<void> {
  const stale = (await readdir(cacheDir)).filter(
    (f) => /^initramfs-.*\.cpio\.gz$/.test(f) && !current.endsWith(f),
  );
  await Promise.all(stale.map((f) => rm(`${cacheDir}/${f}`, { force: true })));
}
